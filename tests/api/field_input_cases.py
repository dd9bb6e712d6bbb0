"""What each field type makes of every kind of submitted value, as asked of PocketBase 0.40.6.

`run_cases(client)` sends every value to every field (one record create per case) over JSON,
urlencoded and multipart bodies and returns what the server did: the stored value on success,
or the status and the validation codes on failure. `python -m tests.api.field_input_cases URL`
asks a running PocketBase (with the superuser below) and rewrites `field_input_table.json`,
which `test_field_input.py` pins Roost to.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import httpx

TABLE_PATH = Path(__file__).with_name("field_input_table.json")
COLLECTION = "inp"
TARGET = "inp_target"
TARGET_ID = "target000000001"
SELECT_VALUES = ["a", "b", "1", "true"]

FIELDS: list[dict[str, Any]] = [
    {"name": "text", "type": "text"},
    {"name": "editor", "type": "editor"},
    {"name": "email", "type": "email"},
    {"name": "url", "type": "url"},
    {"name": "number", "type": "number"},
    {"name": "bool", "type": "bool"},
    {"name": "date", "type": "date"},
    {"name": "autodate", "type": "autodate", "onCreate": True},
    {"name": "sel1", "type": "select", "values": SELECT_VALUES, "maxSelect": 1},
    {"name": "selm", "type": "select", "values": SELECT_VALUES, "maxSelect": 3},
    {"name": "rel1", "type": "relation", "collectionId": "@target", "maxSelect": 1},
    {"name": "relm", "type": "relation", "collectionId": "@target", "maxSelect": 3},
    {"name": "file1", "type": "file", "maxSelect": 1},
    {"name": "filem", "type": "file", "maxSelect": 3},
    {"name": "json", "type": "json"},
    {"name": "geo", "type": "geoPoint"},
    {"name": "password", "type": "password", "cost": 4},  # the cheapest bcrypt keeps the run short
]

# every value as the raw JSON text sent, so huge integers and lone surrogates go out exactly
VALUES: list[str] = [
    '"abc"',
    '"  padded  "',
    '""',
    '"123"',
    '"12.5"',
    '"-5"',
    '"1e3"',
    '"0"',
    '"-0"',
    '"1"',
    '"true"',
    '"false"',
    '"null"',
    '"a"',
    '"[1,2]"',
    '"[\\"a\\",\\"b\\"]"',
    '"{\\"a\\":1}"',
    '"a@b.co"',
    '"https://example.com/x"',
    '"2024-01-02 03:04:05.678Z"',
    '"2024-01-02"',
    '"2024-13-45"',
    '"target000000001"',
    '"caf\\u00e9 \\ud83d\\ude00"',
    '"nul\\u0000byte"',
    '"lone\\ud800surrogate"',
    "0",
    "1",
    "123",
    "-5",
    "12.5",
    "-0.25",
    "1e3",
    "1700000000",
    "9007199254740993",
    "99999999999999999999",
    "-99999999999999999999",
    "1.5e308",
    "true",
    "false",
    "null",
    "[]",
    "[1,2]",
    '["a","b"]',
    '["a","a","b"]',
    "[[1]]",
    '["target000000001"]',
    "{}",
    '{"a":1}',
    '{"lon":10,"lat":20}',
    '{"lon":"10","lat":"20"}',
    '{"lon":500,"lat":0}',
]

BODIES = ("json", "urlencoded", "multipart")


def form_text(raw: str) -> str:
    """What a form sends for a JSON value: a string as itself, anything else as its JSON text."""
    value = json.loads(raw)
    return value if isinstance(value, str) else raw


def collection_specs(target_id: str) -> list[dict[str, Any]]:
    fields = []
    for f in FIELDS:
        f = dict(f)
        if f.get("collectionId") == "@target":
            f["collectionId"] = target_id
        fields.append(f)
    rules = {r: "" for r in ("listRule", "viewRule", "createRule", "updateRule", "deleteRule")}
    return [{"name": COLLECTION, "type": "base", "fields": fields, **rules}]


async def setup(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    rules = {r: "" for r in ("listRule", "viewRule", "createRule", "updateRule", "deleteRule")}
    r = await client.post("/api/collections", json={"name": TARGET, "type": "base", **rules}, headers=su)
    assert r.status_code == 200, r.text
    target_id = r.json()["id"]
    r = await client.post(f"/api/collections/{TARGET}/records", json={"id": TARGET_ID}, headers=su)
    assert r.status_code == 200, r.text
    for spec in collection_specs(target_id):
        r = await client.post("/api/collections", json=spec, headers=su)
        assert r.status_code == 200, r.text


def _request(body: str, values: dict[str, str]) -> dict[str, Any]:
    """One create body setting each field to its raw JSON value (a form sends its text)."""
    if body == "json":
        content = "{" + ",".join(f'"{field}":{raw}' for field, raw in values.items()) + "}"
        return {"content": content.encode(), "headers": {"content-type": "application/json"}}
    texts = {field: form_text(raw).encode("utf-8", "surrogatepass") for field, raw in values.items()}
    if body == "urlencoded":
        from urllib.parse import quote

        content = "&".join(f"{field}={quote(text, safe='')}" for field, text in texts.items())
        return {"content": content.encode(), "headers": {"content-type": "application/x-www-form-urlencoded"}}
    boundary = "----inputboundary7MA4YWxk"
    payload = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n'.encode() + text + b"\r\n"
        for field, text in texts.items()
    )
    payload += f"--{boundary}--\r\n".encode()
    return {"content": payload, "headers": {"content-type": f"multipart/form-data; boundary={boundary}"}}


def _outcome(field: str, status: int, body: Any, codes: dict[str, str]) -> dict[str, Any]:
    if status == 200:
        if field in ("autodate", "password"):
            return {"status": 200}
        return {"status": 200, "value": body.get(field)}
    if body is None:
        return {"status": status, "text": ""}
    return {"status": status, "codes": {field: codes[field]} if field in codes else {}}


async def _send(
    client: httpx.AsyncClient, body: str, values: dict[str, str]
) -> tuple[int, Any, dict[str, str]]:
    r = await client.post(f"/api/collections/{COLLECTION}/records", **_request(body, values))
    try:
        data = r.json()
    except ValueError:
        return r.status_code, None, {}
    errors = (data.get("data") or {}) if r.status_code != 200 else {}
    codes = {k: v.get("code") for k, v in errors.items() if isinstance(v, dict)}
    return r.status_code, data, codes


def case_key(body: str, field: str, raw: str) -> str:
    return f"{body} {field} {raw}"


async def run_cases(client: httpx.AsyncClient) -> dict[str, dict[str, Any]]:
    """Every (body, field, value) case; expects `setup` to have run.

    Fields are validated independently, so one value goes to all fields in one create; fields
    that fail are recorded with their code and the rest sent again, and a failure that names no
    field is narrowed down by sending each field alone."""
    results: dict[str, dict[str, Any]] = {}
    names = [f["name"] for f in FIELDS]
    for body in BODIES:
        for raw in VALUES:
            # the password goes alone: hashing it in every round would be slow
            for pending in ([n for n in names if n != "password"], ["password"]):
                await _run_group(client, body, raw, pending, results)
    return results


async def _run_group(
    client: httpx.AsyncClient, body: str, raw: str, pending: list[str], results: dict[str, dict[str, Any]]
) -> None:
    while pending:
        status, data, codes = await _send(client, body, dict.fromkeys(pending, raw))
        failed = [n for n in pending if n in codes] if status != 200 else []
        if status == 200 or not failed:
            if status != 200 and len(pending) > 1:
                for name in pending:
                    st, d, c = await _send(client, body, {name: raw})
                    results[case_key(body, name, raw)] = _outcome(name, st, d, c)
            else:
                for name in pending:
                    results[case_key(body, name, raw)] = _outcome(name, status, data, codes)
            break
        for name in failed:
            results[case_key(body, name, raw)] = _outcome(name, status, data, codes)
        pending = [n for n in pending if n not in failed]


async def _generate(base_url: str, email: str, password: str) -> None:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        r = await client.post(
            "/api/collections/_superusers/auth-with-password", json={"identity": email, "password": password}
        )
        r.raise_for_status()
        su = {"Authorization": r.json()["token"]}
        await setup(client, su)
        results = await run_cases(client)
    TABLE_PATH.write_text(json.dumps(results, indent=0, sort_keys=True, ensure_ascii=True) + "\n")
    print(f"wrote {len(results)} cases to {TABLE_PATH}")


if __name__ == "__main__":
    asyncio.run(_generate(sys.argv[1], sys.argv[2], sys.argv[3]))
