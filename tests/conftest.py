"""Fixtures: a fresh app per test on SQLite (default) or PostgreSQL (ROOST_TEST_DB=postgresql://...).

On PostgreSQL every test gets its own schema inside one database created for the run, so
tests never share state and can run in parallel."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest

from roost.api import build_asgi
from roost.core.app import App
from roost.core.record_write import save
from roost.core.records import SUPERUSERS_ID, Caller

# a real SMTP server (aiosmtpd) and an app that mails through it
from tests.smtp_sink import mailbox, smtp_sink  # noqa: F401

TEST_DB = os.environ.get("ROOST_TEST_DB", "")
SU_EMAIL = "admin@example.com"
SU_PASSWORD = "Passw0rd123!"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def engine() -> str:
    return "postgres" if TEST_DB.startswith("postgres") else "sqlite"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        marker = item.get_closest_marker("dialects")
        if marker is not None and engine() not in marker.args:
            item.add_marker(pytest.mark.skip(reason=f"only on {', '.join(marker.args)}"))


async def new_db_url() -> str | None:
    """A database URL of its own for one test: None for SQLite, a fresh schema on PostgreSQL."""
    if engine() != "postgres":
        return None
    schema = "t_" + uuid.uuid4().hex[:12]
    conn = await asyncpg.connect(TEST_DB)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    sep = "&" if "?" in TEST_DB else "?"
    return f"{TEST_DB}{sep}search_path={schema}"


async def drop_db_url(url: str | None) -> None:
    if not url:
        return
    schema = url.rsplit("search_path=", 1)[1]
    conn = await asyncpg.connect(TEST_DB)
    try:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()


@pytest.fixture
async def app(tmp_path: Any) -> AsyncIterator[App]:
    url = await new_db_url()
    application = await App.open(str(tmp_path / "roost_data"), url)
    try:
        yield application
    finally:
        await application.close()
        await drop_db_url(url)


@pytest.fixture
async def client(app: App) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as c:
        yield c


async def create_superuser(app: App, email: str = SU_EMAIL, password: str = SU_PASSWORD) -> dict[str, Any]:
    coll = app.registry.by_id[SUPERUSERS_ID]
    caller = Caller(auth={"id": "setup"}, auth_coll=coll)
    return await save(
        app,
        coll,
        caller,
        None,
        {"email": email, "password": password, "passwordConfirm": password},
        {},
        False,
        rule=None,
    )


@pytest.fixture
async def su_token(app: App, client: httpx.AsyncClient) -> str:
    await create_superuser(app)
    r = await client.post(
        "/api/collections/_superusers/auth-with-password",
        json={"identity": SU_EMAIL, "password": SU_PASSWORD},
    )
    assert r.status_code == 200, r.text
    return r.json()["token"]


@pytest.fixture
def su(su_token: str) -> dict[str, str]:
    return {"Authorization": su_token}


@pytest.fixture(scope="session")
def s3_server() -> Any:
    """A real S3-compatible server (moto) for the session; tests make a bucket each."""
    from tests.s3_server import start

    server = start()
    try:
        yield server
    finally:
        server.stop()
