"""The first-run installer account behind `roost serve`'s `#/pbinstall/<token>` link, as PocketBase
keeps it: a temporary `__pbinstaller@example.com` superuser whose 30-minute, non-refreshable token
may create the first real superuser, which deletes the installer account."""

from __future__ import annotations

import time

import httpx
import pytest

from roost.core.app import App
from roost.core.installer import INSTALLER_EMAIL, count_superusers, installer_token
from roost.security import jwt
from tests.conftest import SU_EMAIL, SU_PASSWORD, create_superuser

pytestmark = pytest.mark.anyio

SUPERUSERS = "/api/collections/_superusers"


async def test_the_installer_token_creates_the_first_superuser_once(
    app: App, client: httpx.AsyncClient
) -> None:
    token = await installer_token(app)
    assert token is not None
    claims = jwt.decode_unverified(token) or {}
    assert claims["type"] == "auth" and claims["refreshable"] is False
    assert 29 * 60 < claims["exp"] - time.time() <= 30 * 60
    assert await count_superusers(app) == 0  # the installer account is not a superuser to count
    again = await installer_token(app)  # a restart before install reuses the same account
    assert again is not None and (jwt.decode_unverified(again) or {})["id"] == claims["id"]

    body = {"email": SU_EMAIL, "password": SU_PASSWORD, "passwordConfirm": SU_PASSWORD}
    r = await client.post(f"{SUPERUSERS}/records", json=body, headers={"Authorization": token})
    assert r.status_code == 200, r.text
    assert await count_superusers(app) == 1
    auth = await client.post(
        f"{SUPERUSERS}/auth-with-password", json={"identity": SU_EMAIL, "password": SU_PASSWORD}
    )
    listed = await client.get(f"{SUPERUSERS}/records", headers={"Authorization": auth.json()["token"]})
    assert [u["email"] for u in listed.json()["items"]] == [SU_EMAIL]  # the installer account is gone
    # its token died with it
    body["email"] = "second@example.com"
    r = await client.post(f"{SUPERUSERS}/records", json=body, headers={"Authorization": token})
    assert r.status_code == 403, r.text
    assert await installer_token(app) is None


async def test_no_installer_once_a_superuser_exists(app: App) -> None:
    await create_superuser(app)
    assert await installer_token(app) is None
    assert await count_superusers(app) == 1


async def test_a_superuser_created_another_way_also_removes_the_installer_account(app: App) -> None:
    assert await installer_token(app) is not None
    await create_superuser(app)  # e.g. `roost superuser upsert`, through the same write path
    table = app.dialect.quote(app.registry.by_id["pbc_3142635823"].table)
    rows = await app.db.fetch_all(f"SELECT email FROM {table}")
    assert [r[0] for r in rows] == [SU_EMAIL]
    assert INSTALLER_EMAIL not in [r[0] for r in rows]
