"""The installer token initializes a fresh app from a backup, as PocketBase's installer does: it
uploads a backup (POST /api/backups/upload) and restores it (POST /api/backups/{key}/restore).
The restored data has no installer account, so the token stops working; and like the installer
account itself, the token dies with the first real superuser."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from roost.api import build_asgi
from roost.core.app import App
from roost.core.installer import installer_token
from tests.conftest import SU_EMAIL, SU_PASSWORD, drop_db_url, new_db_url

pytestmark = pytest.mark.anyio


@pytest.fixture
async def fresh(tmp_path: Any) -> AsyncIterator[tuple[App, httpx.AsyncClient]]:
    """A second app with no superuser yet, as on a first run."""
    url = await new_db_url()
    app = await App.open(str(tmp_path / "fresh_data"), url)
    try:
        transport = httpx.ASGITransport(app=build_asgi(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as c:
            yield app, c
    finally:
        await app.close()
        await drop_db_url(url)


async def make_backup(client: httpx.AsyncClient, su: dict[str, str]) -> bytes:
    r = await client.post(
        "/api/collections", json={"name": "notes", "fields": [{"name": "t", "type": "text"}]}, headers=su
    )
    assert r.status_code == 200, r.text
    r = await client.post("/api/collections/notes/records", json={"t": "from the backup"}, headers=su)
    assert r.status_code == 200, r.text
    assert (await client.post("/api/backups", json={"name": "old.zip"}, headers=su)).status_code == 204
    token = (await client.post("/api/files/token", headers=su)).json()["token"]
    r = await client.get("/api/backups/old.zip", params={"token": token})
    assert r.status_code == 200
    return r.content


async def test_installer_token_uploads_and_restores_a_backup(
    client: httpx.AsyncClient, su: dict[str, str], fresh: tuple[App, httpx.AsyncClient]
) -> None:
    archive = await make_backup(client, su)
    app, c = fresh
    token = await installer_token(app)
    assert token
    auth = {"Authorization": token}
    assert (await c.get("/api/backups", headers=auth)).json() == []
    r = await c.post(
        "/api/backups/upload", files={"file": ("old.zip", archive, "application/zip")}, headers=auth
    )
    assert r.status_code == 204, r.text
    assert [b["key"] for b in (await c.get("/api/backups", headers=auth)).json()] == ["old.zip"]
    r = await c.post("/api/backups/old.zip/restore", headers=auth)
    assert r.status_code == 204, r.text
    await app.backups.wait()

    # the restored data is live: its superuser signs in and sees its record ...
    r = await c.post(
        "/api/collections/_superusers/auth-with-password",
        json={"identity": SU_EMAIL, "password": SU_PASSWORD},
    )
    assert r.status_code == 200, r.text
    old = {"Authorization": r.json()["token"]}
    r = await c.get("/api/collections/notes/records", headers=old)
    assert [i["t"] for i in r.json()["items"]] == ["from the backup"]
    # ... and the installer token is dead, with no new one to mint
    for method, url in (("GET", "/api/backups"), ("POST", "/api/backups/old.zip/restore")):
        r = await c.request(method, url, headers=auth)
        assert r.status_code == 401, (url, r.text)
    assert await installer_token(app) is None


async def test_installer_token_dies_with_the_first_superuser(fresh: tuple[App, httpx.AsyncClient]) -> None:
    app, c = fresh
    token = await installer_token(app)
    assert token
    auth = {"Authorization": token}
    r = await c.post(
        "/api/collections/_superusers/records",
        json={"email": "first@example.com", "password": SU_PASSWORD, "passwordConfirm": SU_PASSWORD},
        headers=auth,
    )
    assert r.status_code == 200, r.text
    for method, url in (
        ("GET", "/api/backups"),
        ("POST", "/api/backups/upload"),
        ("POST", "/api/backups/old.zip/restore"),
    ):
        r = await c.request(method, url, headers=auth)
        assert r.status_code == 401, (url, r.text)
        assert (
            r.json()["message"] == "The request requires valid record authorization token."
        )  # as PocketBase
