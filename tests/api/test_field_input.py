"""Every field type against every kind of JSON value, over JSON, urlencoded and multipart bodies,
answers as PocketBase 0.40.6 does: the same stored value, or the same 400 and validation code.

The expectations in field_input_table.json were asked of the real binary
(`python -m tests.api.field_input_cases URL EMAIL PASSWORD`); when the binary is installed,
`test_table_is_what_pocketbase_answers` checks they still are.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import httpx
import pytest

from tests.api import field_input_cases as cases
from tests.conftest import engine
from tests.differential.servers import SU_EMAIL, SU_PASSWORD, Server, find_pocketbase

pytestmark = pytest.mark.anyio

# Where Roost knowingly answers otherwise, and why.
KNOWN = {
    # form bytes that are not UTF-8 are read with replacement characters before any field sees
    # them, so the json field cannot tell them from text that really holds U+FFFD
    'multipart json "lone\\ud800surrogate"': "invalid UTF-8 in a form value",
    'urlencoded json "lone\\ud800surrogate"': "invalid UTF-8 in a form value",
}


def same(expected: Any, got: Any) -> bool:
    """Equal, with numbers compared as float64 (a JSON number's digits beyond it may differ)."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and not isinstance(got, bool) and float(expected) == float(got)
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(same, expected, got))
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and got.keys() == expected.keys()
            and all(same(v, got[k]) for k, v in expected.items())
        )
    return bool(expected == got)


def mismatches(table: dict[str, Any], results: dict[str, Any]) -> list[str]:
    out = []
    for key, want in table.items():
        got = results.get(key)
        if got is None:
            out.append(f"{key}: not run")
        elif "text" in want:  # PocketBase answered with an empty body: only the status counts
            if got["status"] != want["status"]:
                out.append(f"{key}: PocketBase {want} Roost {got}")
        elif not same(want, got):
            out.append(f"{key}: PocketBase {want} Roost {got}")
    return out


def load_table() -> dict[str, Any]:
    return dict(json.loads(cases.TABLE_PATH.read_text()))


async def test_every_field_type_converts_input_as_pocketbase(
    client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    await cases.setup(client, su)
    results = await cases.run_cases(client)
    table = {k: v for k, v in load_table().items() if k not in KNOWN}
    if engine() == "postgres":
        # PostgreSQL text cannot hold NUL: such a value is refused whole (PocketBase on SQLite keeps it)
        for key in [
            k for k in table if "\\u0000" in k and k.split(" ")[1] in ("text", "editor", "rel1", "relm")
        ]:
            if table[key]["status"] == 200 or table[key].get("codes"):
                table[key] = {"status": 400, "codes": {}}
    bad = mismatches(table, results)
    assert not bad, f"{len(bad)} of {len(table)} cases differ:\n" + "\n".join(bad[:40])


async def test_no_python_repr_is_ever_stored(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    await cases.setup(client, su)
    r = await client.post(
        f"/api/collections/{cases.COLLECTION}/records",
        json={"text": True, "editor": [1, 2], "email": {"a": 1}, "url": None, "sel1": True},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["text"], body["editor"], body["email"], body["url"], body["sel1"]) == (
        "true",
        "",
        "",
        "",
        "true",
    )


@pytest.mark.dialects("sqlite")  # asks PocketBase only; the engine under Roost plays no part
def test_table_is_what_pocketbase_answers(tmp_path: Any) -> None:
    binary, why = find_pocketbase()
    if binary is None:
        pytest.skip(f"needs PocketBase: {why}")
    data_dir = os.path.join(str(tmp_path), "pb", "pb_data")
    os.makedirs(data_dir)
    pb = Server("pocketbase", [binary], data_dir, ["--dir", data_dir])
    pb.upsert_superuser(SU_EMAIL, SU_PASSWORD)
    pb.start()
    try:
        pb.wait_ready()
        results = asyncio.run(_ask(pb.url))
    finally:
        pb.stop()
    bad = mismatches(load_table(), results)
    assert not bad, "the table is out of date:\n" + "\n".join(bad[:40])


async def _ask(url: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        r = await client.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": SU_EMAIL, "password": SU_PASSWORD},
        )
        r.raise_for_status()
        await cases.setup(client, {"Authorization": r.json()["token"]})
        return await cases.run_cases(client)
