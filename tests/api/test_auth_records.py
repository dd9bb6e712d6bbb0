"""Auth records kept between requests (roost/core/auth_records.py) never outlive a change: a
password change, a deletion or a field a rule reads, made by the API, by a hook's own SQL, by the
SQL console or by another process, is seen by the next request (on PostgreSQL a change that did
not go through this process's record API is seen once its notification arrives, within
milliseconds: `seen` waits up to a second for it there). Both engines."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest

import roost
from roost.core.auth_records import MAX_AGE
from tests.conftest import SU_EMAIL, SU_PASSWORD, drop_db_url, engine, new_db_url
from tests.e2e.server import roost_cmd
from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio


@pytest.fixture
async def db_url():
    url = await new_db_url()
    try:
        yield url
    finally:
        await drop_db_url(url)


@pytest.fixture
async def app(tmp_path, db_url):
    """The app, on a database whose URL the tests can give to a second instance or process."""
    application = await roost.App.open(str(tmp_path / "roost_data"), db_url)
    try:
        yield application
    finally:
        await application.close()


@pytest.fixture
async def notes(client, su):
    """A note only users named "admin" may list."""
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": '@request.auth.name = "admin"',
            "fields": [{"name": "title", "type": "text"}],
        },
    )
    r = await client.post("/api/collections/notes/records", json={"title": "secret"}, headers=su)
    assert r.status_code == 200, r.text


async def seen(check: Callable[[], Awaitable[object]], expected: object) -> None:
    """`check()` gives `expected` now (SQLite), or within a second (PostgreSQL's notification)."""
    for _ in range(100 if engine() == "postgres" else 1):
        if (got := await check()) == expected:
            return
        await asyncio.sleep(0.01)
    assert got == expected


async def kept(app: roost.App, client: httpx.AsyncClient, token: str) -> None:
    """Wait until `token`'s auth record is kept (listing notes then reads no single row)."""

    async def point_reads() -> int:
        before = sum(app.db.stats.read.counts)
        await visible(client, token)
        return sum(app.db.stats.read.counts) - before

    await point_reads()
    await seen(point_reads, 0)


async def visible(client: httpx.AsyncClient, token: str) -> list[str]:
    r = await client.get("/api/collections/notes/records", headers={"Authorization": token})
    assert r.status_code == 200, r.text
    return [n["title"] for n in r.json()["items"]]


async def refreshes(client: httpx.AsyncClient, collection: str, token: str) -> int:
    r = await client.post(f"/api/collections/{collection}/auth-refresh", headers={"Authorization": token})
    return r.status_code


async def test_a_field_changed_by_a_hooks_own_sql_reaches_the_next_request(app, client, notes):
    user, token = await make_user(client, "reader@example.com", name="reader")
    assert await visible(client, token) == []
    await kept(app, client, token)
    await app.db.execute('UPDATE "users" SET "name" = ? WHERE "id" = ?', ["admin", user["id"]])
    await seen(lambda: visible(client, token), ["secret"])


async def test_a_field_changed_through_the_api_reaches_the_next_request(app, client, su, notes):
    user, token = await make_user(client, "writer@example.com", name="admin")
    assert await visible(client, token) == ["secret"]
    await kept(app, client, token)
    r = await client.patch(f"/api/collections/users/records/{user['id']}", json={"name": "x"}, headers=su)
    assert r.status_code == 200, r.text
    assert await visible(client, token) == []


async def test_a_password_change_or_deletion_ends_the_token_at_once(client, su):
    user, token = await make_user(client, "pw@example.com")
    assert await refreshes(client, "users", token) == 200
    r = await client.patch(
        f"/api/collections/users/records/{user['id']}",
        json={"password": "another-pass-1", "passwordConfirm": "another-pass-1"},
        headers=su,
    )
    assert r.status_code == 200, r.text
    assert await refreshes(client, "users", token) == 401

    other, token = await make_user(client, "gone@example.com")
    assert await refreshes(client, "users", token) == 200
    r = await client.delete(f"/api/collections/users/records/{other['id']}", headers=su)
    assert r.status_code == 204
    assert await refreshes(client, "users", token) == 401


async def test_a_deletion_by_the_sql_console_ends_the_token_at_once(client, su):
    _, token = await make_user(client, "console@example.com")
    assert await refreshes(client, "users", token) == 200
    # no WHERE: SQLite deletes these rows without calling its update hook
    r = await client.post("/api/sql", json={"query": 'DELETE FROM "users"'}, headers=su)
    assert r.status_code == 200, r.text
    await seen(lambda: refreshes(client, "users", token), 401)


async def test_another_instance_on_the_same_database_ends_the_token_at_once(app, db_url, client, notes):
    user, token = await make_user(client, "twice@example.com", name="admin")
    assert await visible(client, token) == ["secret"]
    await kept(app, client, token)
    other = await roost.App.open(dir=app.data_dir, db=db_url)
    try:
        await other.db.execute('UPDATE "users" SET "name" = ? WHERE "id" = ?', ["reader", user["id"]])
    finally:
        await other.close()
    await seen(lambda: visible(client, token), [])


async def test_the_roost_command_changing_a_password_ends_the_token_at_once(app, db_url, client, su_token):
    assert await refreshes(client, "_superusers", su_token) == 200
    args = ["superuser", "upsert", SU_EMAIL, SU_PASSWORD + "-new", "--dir", app.data_dir]
    if db_url:
        args += ["--db", db_url]
    done = await asyncio.to_thread(
        subprocess.run, roost_cmd(*args), capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )
    assert done.returncode == 0, done.stderr
    await seen(lambda: refreshes(client, "_superusers", su_token), 401)


@pytest.mark.dialects("sqlite")
async def test_a_change_by_another_program_is_seen_within_max_age(app, client, notes):
    """Deliberate difference ("auth-record-age"): a change written to the SQLite file by a program
    other than Roost reaches requests with an earlier token within MAX_AGE seconds, not at once."""
    user, token = await make_user(client, "outside@example.com", name="admin")
    assert await visible(client, token) == ["secret"]
    await kept(app, client, token)
    with sqlite3.connect(os.path.join(app.data_dir, "data.db")) as conn:
        conn.execute('UPDATE "users" SET "name" = ? WHERE "id" = ?', ("reader", user["id"]))
    changed = time.monotonic()
    while await visible(client, token) == ["secret"]:
        assert time.monotonic() - changed < MAX_AGE + 1, "the change was never seen"
        await asyncio.sleep(0.25)


async def test_a_password_change_is_seen_while_the_record_is_read_under_load(client, su):
    """Requests in flight around the change: none after its answer still passes."""
    user, token = await make_user(client, "busy@example.com")

    async def hammer() -> None:
        for _ in range(20):
            await refreshes(client, "users", token)

    load = asyncio.gather(*(hammer() for _ in range(4)))
    r = await client.patch(
        f"/api/collections/users/records/{user['id']}",
        json={"password": "another-pass-2", "passwordConfirm": "another-pass-2"},
        headers=su,
    )
    assert r.status_code == 200, r.text
    assert [await refreshes(client, "users", token) for _ in range(5)] == [401] * 5
    await load


async def test_a_signed_in_request_reads_no_more_than_a_guests(app, client, su):
    """What the cache is for: once kept, the auth record costs no query (on PostgreSQL once the
    change listener is up, which `seen` waits for)."""
    await make_collection(
        client,
        su,
        {"name": "posts", "type": "base", "viewRule": "", "fields": [{"name": "t", "type": "text"}]},
    )
    post = (await client.post("/api/collections/posts/records", json={"t": "x"}, headers=su)).json()
    _, token = await make_user(client, "reads@example.com")
    url = f"/api/collections/posts/records/{post['id']}"

    async def reads(headers: dict[str, str]) -> int:
        before = sum(app.db.stats.read.counts)
        assert (await client.get(url, headers=headers)).status_code == 200
        return sum(app.db.stats.read.counts) - before

    guest = await reads({})
    await reads({"Authorization": token})  # the first one reads the auth record, and keeps it
    await seen(lambda: reads({"Authorization": token}), guest)
