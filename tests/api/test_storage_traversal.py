"""A record id is a storage folder name: even with the id pattern relaxed by a superuser, a
guest cannot create an id that leaves its folder, and a delete never removes another record's
or collection's files (checked against PocketBase 0.40.6's id rules)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.helpers import make_collection

pytestmark = pytest.mark.anyio

RELAXED_ID = {
    "name": "id",
    "type": "text",
    "primaryKey": True,
    "required": True,
    "system": True,
    "pattern": ".*",
    "min": 1,
    "max": 100,
    "autogeneratePattern": "[a-z0-9]{15}",
}
OPEN = {r: "" for r in ("listRule", "viewRule", "createRule", "updateRule", "deleteRule")}


def disk_files(app: Any) -> list[str]:
    out = []
    for folder, _, names in os.walk(app.storage.root):
        out += [os.path.relpath(os.path.join(folder, n), app.storage.root) for n in names]
    return sorted(out)


@pytest.fixture
async def relaxed(client: Any, su: dict[str, str]) -> dict[str, Any]:
    return await make_collection(
        client,
        su,
        {"name": "loose", **OPEN, "fields": [RELAXED_ID, {"name": "doc", "type": "file", "maxSelect": 1}]},
    )


async def _user_with_avatar(client: Any) -> dict[str, Any]:
    r = await client.post(
        "/api/collections/users/records",
        data={"email": "u@example.com", "password": "password123", "passwordConfirm": "password123"},
        files=[("avatar", ("me.png", b"\x89PNG\r\n\x1a\nrest", "image/png"))],
    )
    assert r.status_code == 200, r.text
    return dict(r.json())


@pytest.mark.parametrize(
    ("record_id", "ch"),
    [
        ("../_pb_users_auth_", "."),
        ("..", "."),
        ("a/b", "/"),
        ("a\\b", "\\"),
        ("a b", " "),
        ("%2e%2e", "%"),
        ("a\u0000b", "\u0000"),
        ("x:y", ":"),
    ],
)
async def test_forbidden_id_characters_whatever_the_pattern(
    client: Any, relaxed: dict[str, Any], record_id: str, ch: str
) -> None:
    r = await client.post("/api/collections/loose/records", json={"id": record_id})
    assert r.status_code == 400, r.text
    assert r.json()["data"] == {
        "id": {
            "code": "validation_forbidden_pk_character",
            "message": f"'{ch}' is not a valid primary key character.",
            "params": {"ch": ch},
        }
    }


async def test_reserved_device_names_and_plain_ids(client: Any, relaxed: dict[str, Any]) -> None:
    r = await client.post("/api/collections/loose/records", json={"id": "con"})
    assert r.status_code == 400
    assert r.json()["data"]["id"]["code"] == "validation_reserved_pk"
    assert r.json()["data"]["id"]["params"] == {"reserved": "CON"}
    for ok in ("Mixed-Case_id", "~", "é"):
        r = await client.post("/api/collections/loose/records", json={"id": ok})
        assert r.status_code == 200, r.text


async def test_a_guest_cannot_reach_another_collections_files(
    client: Any, relaxed: dict[str, Any], app: Any
) -> None:
    user = await _user_with_avatar(client)
    before = disk_files(app)
    assert any(f.startswith(f"_pb_users_auth_/{user['id']}/") for f in before)
    r = await client.post(
        "/api/collections/loose/records",
        data={"id": "../_pb_users_auth_"},
        files=[("doc", ("x.txt", b"x", "text/plain"))],
    )
    assert r.status_code == 400
    assert disk_files(app) == before


async def test_deleting_a_stored_unsafe_id_removes_no_other_files(
    client: Any, relaxed: dict[str, Any], app: Any
) -> None:
    # a row written before ids were checked (e.g. imported data) may hold such an id
    user = await _user_with_avatar(client)
    q = app.dialect.quote
    async with app.db.transaction() as tx:
        await tx.execute(f"INSERT INTO {q('loose')} ({q('id')}, {q('doc')}) VALUES (?, ?)", ["..", ""])
    before = disk_files(app)
    r = await client.delete("/api/collections/loose/records/%2E%2E")
    assert r.status_code in (204, 404)
    assert disk_files(app) == before
    r = await client.get(f"/api/files/_pb_users_auth_/{user['id']}/{user['avatar']}")
    assert r.status_code == 200
