"""Small helpers shared by API tests."""

from __future__ import annotations

import re
from typing import Any

import httpx

DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$")
ID_RE = re.compile(r"^[a-z0-9]{15}$")


async def make_collection(
    client: httpx.AsyncClient, su: dict[str, str], spec: dict[str, Any]
) -> dict[str, Any]:
    r = await client.post("/api/collections", json=spec, headers=su)
    assert r.status_code == 200, r.text
    return r.json()


async def make_user(
    client: httpx.AsyncClient, email: str, password: str = "password123", **extra: Any
) -> tuple[dict, str]:
    r = await client.post(
        "/api/collections/users/records",
        json={"email": email, "password": password, "passwordConfirm": password, **extra},
    )
    assert r.status_code == 200, r.text
    r2 = await client.post(
        "/api/collections/users/auth-with-password", json={"identity": email, "password": password}
    )
    assert r2.status_code == 200, r2.text
    return r2.json()["record"], r2.json()["token"]


def error_shape(body: dict[str, Any], status: int) -> None:
    assert set(body) == {"data", "message", "status"}, body
    assert body["status"] == status
    assert isinstance(body["message"], str) and body["message"].endswith(".")
