"""Collection definitions with options of the wrong JSON type, unknown or null field types and
out-of-range options answer as PocketBase 0.40.6 does (each case was asked of the binary)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.anyio

DATA = "Failed to load the submitted data due to invalid formatting."
TYPE_DATA = "Failed to load the collection type data due to invalid formatting."

FORMATTING = [
    ({"fields": [{"name": "a", "type": "foo"}]}, DATA),
    ({"fields": [{"name": "a", "type": None}]}, DATA),
    ({"fields": [{"name": "a"}]}, DATA),
    ({"fields": [{"name": "a", "type": "text", "max": "abc"}]}, DATA),
    ({"fields": [{"name": "a", "type": "select", "values": "x"}]}, DATA),
    ({"fields": [{"name": "a", "type": "select", "values": ["x"], "maxSelect": "3"}]}, DATA),
    ({"fields": [{"name": "a", "type": "select", "values": [1, 2]}]}, DATA),
    ({"fields": [{"name": "a", "type": "text", "required": "yes"}]}, DATA),
    ({"fields": [{"name": "a", "type": "number", "min": "x"}]}, DATA),
    ({"fields": [{"name": "a", "type": "relation", "collectionId": 5}]}, DATA),
    ({"fields": [{"name": 5, "type": "text"}]}, DATA),
    ({"fields": [{"name": "a", "type": "text", "hidden": "x"}]}, DATA),
    ({"fields": [{"name": "a", "type": "text", "pattern": 5}]}, DATA),
    ({"fields": [{"name": "a", "type": "email", "onlyDomains": "x"}]}, DATA),
    ({"fields": "x"}, DATA),
    ({"fields": [1]}, DATA),
    ({"listRule": 5}, DATA),
    ({"indexes": "x"}, DATA),
    ({"name": 5}, TYPE_DATA),
    ({"type": 5}, TYPE_DATA),
]


@pytest.mark.parametrize(("definition", "message"), FORMATTING)
async def test_wrongly_typed_definition_is_refused_whole(
    client: Any, su: dict[str, str], definition: dict[str, Any], message: str
) -> None:
    body = {"name": "c", **definition}
    r = await client.post("/api/collections", json=body, headers=su)
    assert r.status_code == 400, r.text
    assert r.json() == {"data": {}, "message": message, "status": 400}
    r = await client.get("/api/collections/c", headers=su)
    assert r.status_code == 404  # nothing was created


async def test_huge_number_option_and_free_date_text_are_accepted(client: Any, su: dict[str, str]) -> None:
    r = await client.post(
        "/api/collections",
        headers=su,
        content=b'{"name":"c","fields":[{"name":"n","type":"number","max":99999999999999999999},'
        b'{"name":"d","type":"date","min":"garbage"}]}',
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    ("field", "option", "threshold"),
    [
        ({"type": "json", "maxSize": -1}, "maxSize", 0),
        ({"type": "select", "values": ["x"], "maxSelect": -1}, "maxSelect", 0),
        ({"type": "editor", "maxSize": -1}, "maxSize", 0),
        ({"type": "text", "min": -1}, "min", 0),
        ({"type": "text", "max": -1}, "max", 0),
        ({"type": "password", "min": -1}, "min", 1),
        ({"type": "file", "maxSelect": -1}, "maxSelect", 0),
        ({"type": "file", "maxSize": -5}, "maxSize", 0),
        ({"type": "text", "min": 5, "max": 2}, "max", 5),
    ],
)
async def test_out_of_range_options(
    client: Any, su: dict[str, str], field: dict[str, Any], option: str, threshold: int
) -> None:
    r = await client.post(
        "/api/collections", json={"name": "c", "fields": [{"name": "a", **field}]}, headers=su
    )
    assert r.status_code == 400, r.text
    assert r.json()["data"]["fields"]["1"][option] == {
        "code": "validation_min_greater_equal_than_required",
        "message": f"Must be no less than {threshold}.",
        "params": {"threshold": threshold},
    }
