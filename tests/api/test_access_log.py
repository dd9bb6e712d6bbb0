"""Request and error logs: one line per request with its id, never a token or password."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from roost.api import build_asgi
from roost.web.access_log import safe_query, setup_logging

pytestmark = pytest.mark.anyio


async def logged(app, fmt, requests, quiet=False):
    """Runs `requests(client)` against the real app with logging to a buffer; returns the lines."""
    out = io.StringIO()
    writer, access_log = setup_logging(fmt, quiet, stream=out)
    try:
        transport = httpx.ASGITransport(app=build_asgi(app, access_log), client=("203.0.113.7", 5000))
        async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as client:
            result = await requests(client)
    finally:
        writer.close()
    return out.getvalue().splitlines(), result


async def test_text_lines_have_method_path_status_duration_and_request_id(app):
    async def requests(client):
        a = await client.get("/api/health")
        b = await client.get("/api/collections/nope/records", headers={"Authorization": "Bearer abc.def.ghi"})
        return a, b

    lines, (a, b) = await logged(app, "text", requests)
    assert len(lines) == 2
    assert a.headers["x-request-id"] != b.headers["x-request-id"]
    first, second = lines
    assert " INFO GET /api/health 200 " in first and "ms ip=203.0.113.7" in first
    assert first.endswith(f"request_id={a.headers['x-request-id']}")
    assert " GET /api/collections/nope/records 404 " in second
    assert "abc.def.ghi" not in second


async def test_json_lines_have_stable_keys_and_no_secrets(app):
    async def requests(client):
        await client.get("/api/files/x/y/z.png", params={"token": "file-token-1", "thumb": "100x100"})
        await client.post(
            "/api/collections/users/auth-with-password",
            params={"password": "pw-in-query"},
            json={"identity": "a@example.com", "password": "pw-in-body"},
        )

    lines, _ = await logged(app, "json", requests)
    entries = [json.loads(line) for line in lines]
    keys = {"time", "level", "msg", "request_id", "method", "url", "status", "duration_ms", "remote_ip"}
    assert all(set(e) == keys for e in entries)
    assert entries[0]["url"] == "/api/files/x/y/z.png?token=***&thumb=100x100"
    assert entries[0]["msg"] == "request" and entries[0]["level"] == "INFO"
    assert entries[1]["method"] == "POST" and entries[1]["status"] == 400
    assert entries[1]["url"] == "/api/collections/users/auth-with-password?password=***"
    assert isinstance(entries[1]["duration_ms"], float)
    assert not any(s in "\n".join(lines) for s in ("file-token-1", "pw-in-query", "pw-in-body"))


async def test_quiet_logs_no_requests_but_still_errors(app):
    async def requests(client):
        await client.get("/api/health")
        logging.getLogger("roost.web").error("storage failed", extra={"request_id": "r-1"})

    lines, _ = await logged(app, "text", requests, quiet=True)
    assert len(lines) == 1
    assert " ERROR storage failed request_id=r-1" in lines[0]


async def test_errors_carry_the_request_id_and_traceback(app):
    async def requests(client):
        r = await client.get("/api/health")
        try:
            raise RuntimeError("kaboom")
        except RuntimeError:
            logging.getLogger("roost.web").exception(
                "unhandled error", extra={"request_id": r.headers["x-request-id"]}
            )
        return r

    lines, r = await logged(app, "json", requests)
    error = json.loads(lines[-1])
    assert error["level"] == "ERROR" and error["msg"] == "unhandled error" and error["logger"] == "roost.web"
    assert error["request_id"] == r.headers["x-request-id"]
    assert "RuntimeError: kaboom" in error["error"]


def test_credentials_in_query_strings_are_masked():
    assert safe_query(b"token=abc&x=1") == "token=***&x=1"
    assert (
        safe_query(b"%74oken=abc&TOKEN=def&access_token=g&api_key=h")
        == "%74oken=***&TOKEN=***&access_token=***&api_key=***"
    )
    assert safe_query(b"filter=(title%3D'token')&sort=-created") == "filter=(title%3D'token')&sort=-created"
    assert safe_query(b"token") == "token"


async def test_unexpected_errors_are_logged_with_the_request_id(app):
    async def requests(client):
        await app.db.close()  # storage gone: the next query fails in a way no handler expects
        return await client.get("/api/collections/users/records")

    lines, r = await logged(app, "json", requests)
    assert r.status_code == 500
    error = next(json.loads(line) for line in lines if json.loads(line)["level"] == "ERROR")
    assert error["request_id"] == r.headers["x-request-id"]
    assert error["error"].startswith("Traceback")
    request_line = json.loads(lines[-1])
    assert request_line["status"] == 500 and request_line["request_id"] == r.headers["x-request-id"]
