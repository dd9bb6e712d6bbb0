"""Migrations: `roost migrate create/up/down/collections/history-sync`, and automigrate
round trips (a schema built through the API on SQLite, replayed on a fresh database of the
engine under test, PostgreSQL included)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

import roost
from roost.api import build_asgi
from roost.migrations import automigrate, runner
from tests.conftest import SU_EMAIL, SU_PASSWORD, create_superuser, drop_db_url, new_db_url

pytestmark = pytest.mark.anyio


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roost", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def read(path: Path) -> str:
    return path.read_text()


def write(path: Path, text: str) -> None:
    path.write_text(text)


@pytest.fixture
async def target(tmp_path: Any):
    """A fresh, empty database of the engine under test: (data dir, db url or None)."""
    url = await new_db_url()
    try:
        yield str(tmp_path / "target_data"), url
    finally:
        await drop_db_url(url)


def storage_args(data_dir: str, url: str | None, migrations: str) -> list[str]:
    return ["--dir", data_dir, "--migrationsDir", migrations] + (["--db", url] if url else [])


async def collections_json(app: roost.App) -> list[dict[str, Any]]:
    """GET /api/collections as a superuser, without timestamps and OAuth2 providers (which a
    migration does not carry), sorted by id."""
    su = app.registry.by_id["pbc_3142635823"]
    found = await app.find_records_by_filter(su, "email = {:e}", params={"e": SU_EMAIL})
    if not found:
        await create_superuser(app)
    transport = httpx.ASGITransport(app=build_asgi(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as client:
        r = await client.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": SU_EMAIL, "password": SU_PASSWORD},
        )
        r = await client.get("/api/collections?perPage=500", headers={"Authorization": r.json()["token"]})
    items = r.json()["items"]
    for item in items:
        item.pop("created")
        item.pop("updated")
        if "oauth2" in item:
            item["oauth2"].pop("providers")
    return sorted(items, key=lambda c: c["id"])


async def test_create_up_down(target: tuple[str, str | None], tmp_path: Any) -> None:
    data_dir, url = target
    folder = str(tmp_path / "migs")
    args = storage_args(data_dir, url, folder)
    r = cli("migrate", "create", "add posts", *args)
    assert r.returncode == 0, r.stderr
    (name,) = os.listdir(folder)
    assert name.endswith("_add_posts.py") and name.split("_")[0].isdigit()
    write(
        Path(folder, name),
        "import roost\n\n"
        "async def up(app):\n"
        "    await app.save(roost.Collection({'name': 'posts', 'fields': [{'name': 'title', 'type': 'text'}]}))\n"
        "    posts = app.find_collection_by_name_or_id('posts')\n"
        "    await app.save(roost.Record(posts, {'title': 'first'}))\n\n"
        "def down(app):  # plain functions work too\n"
        "    app.delete(app.find_collection_by_name_or_id('posts'))\n",
    )
    r = cli("migrate", "create", "second", *args)
    second = sorted(os.listdir(folder))[1]
    assert second.endswith("_second.py") and second > name

    r = cli("migrate", "up", *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"Applied {name}", f"Applied {second}"]
    assert cli("migrate", "up", *args).stdout.strip() == "No new migrations to apply."

    app = await roost.App.open(dir=data_dir, db=url)
    try:
        assert [r["title"] for r in await app.find_records_by_filter("posts")] == ["first"]
        assert await runner.applied(app) == [second, name]
    finally:
        await app.close()

    r = cli("migrate", "down", "2", *args)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [f"Reverted {second}", f"Reverted {name}"]
    app = await roost.App.open(dir=data_dir, db=url)
    try:
        assert app.registry.find("posts") is None
        assert await runner.applied(app) == []
    finally:
        await app.close()

    # history-sync forgets applied migrations whose file is gone
    assert cli("migrate", "up", *args).returncode == 0
    os.remove(os.path.join(folder, second))
    r = cli("migrate", "down", *args)
    assert r.returncode == 1 and "history-sync" in r.stderr
    r = cli("migrate", "history-sync", *args)
    assert r.returncode == 0 and f"Removed {second}" in r.stdout
    r = cli("migrate", "down", *args)
    assert r.returncode == 0 and r.stdout.strip() == f"Reverted {name}"


async def test_failing_migration_stops_the_run(target: tuple[str, str | None], tmp_path: Any) -> None:
    data_dir, url = target
    folder = tmp_path / "migs"
    folder.mkdir()
    (folder / "1700000000_good.py").write_text(
        "import roost\n\nasync def up(app):\n"
        "    await app.save(roost.Collection({'name': 'good', 'fields': []}))\n\n"
        "async def down(app):\n    pass\n"
    )
    (folder / "1700000001_bad.py").write_text(
        "import roost\n\nasync def up(app):\n"
        "    await app.save(roost.Collection({'name': 'bad', 'fields': [{'name': 'x', 'type': 'nope'}]}))\n\n"
        "async def down(app):\n    pass\n"
    )
    (folder / "1700000002_later.py").write_text(
        "async def up(app):\n    pass\n\nasync def down(app):\n    pass\n"
    )
    (folder / "notes.txt").write_text("not a migration")
    r = cli("migrate", "up", *storage_args(data_dir, url, str(folder)))
    assert r.returncode == 1
    assert "Applied 1700000000_good.py" in r.stdout
    assert "1700000001_bad.py failed in up()" in r.stderr and "validation_invalid_field_type" in r.stderr
    app = await roost.App.open(dir=data_dir, db=url)
    try:
        assert await runner.applied(app) == ["1700000000_good.py"]
    finally:
        await app.close()


async def test_automigrate_round_trip(target: tuple[str, str | None], tmp_path: Any) -> None:
    """Build a schema through the API on SQLite, replay the written migrations elsewhere."""
    folder = str(tmp_path / "roost_migrations")
    source = await roost.App.open(dir=str(tmp_path / "source_data"))  # always SQLite
    try:
        automigrate.enable(source, folder)
        await create_superuser(source)
        transport = httpx.ASGITransport(app=build_asgi(source))
        async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as client:
            r = await client.post(
                "/api/collections/_superusers/auth-with-password",
                json={"identity": SU_EMAIL, "password": SU_PASSWORD},
            )
            su = {"Authorization": r.json()["token"]}

            async def call(method: str, url: str, body: Any = None) -> dict[str, Any]:
                r = await client.request(method, url, json=body, headers=su)
                assert r.status_code in (200, 204), r.text
                return r.json() if r.status_code == 200 else {}

            members = await call(
                "POST",
                "/api/collections",
                {
                    "name": "members",
                    "type": "auth",
                    "listRule": "id = @request.auth.id",
                    "fields": [{"name": "nickname", "type": "text", "max": 40}],
                },
            )
            posts = await call(
                "POST",
                "/api/collections",
                {
                    "name": "posts",
                    "listRule": "",
                    "fields": [
                        {"name": "title", "type": "text", "required": True},
                        {"name": "author", "type": "relation", "collectionId": members["id"], "maxSelect": 1},
                        {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1},
                    ],
                    "indexes": ["CREATE INDEX idx_posts_title ON posts (title)"],
                },
            )
            # rename a field and the collection, add a field and a rule
            fields = posts["fields"]
            next(f for f in fields if f["name"] == "title")["name"] = "headline"
            fields.append({"name": "views", "type": "number", "onlyInt": True})
            await call(
                "PATCH",
                f"/api/collections/{posts['id']}",
                {
                    "name": "articles",
                    "fields": fields,
                    "viewRule": "status = 'live'",
                    "indexes": ["CREATE INDEX idx_posts_title ON articles (headline)"],
                },
            )
            users = await call("GET", "/api/collections/users")
            await call(
                "PATCH",
                "/api/collections/users",
                {"fields": [*users["fields"], {"name": "bio", "type": "editor"}]},
            )
            tmp = await call("POST", "/api/collections", {"name": "scratch", "fields": []})
            await call("DELETE", f"/api/collections/{tmp['id']}")
            await call("PATCH", "/api/collections/users", {})  # no change: no migration
        expected = await collections_json(source)
        secret = source.registry.find("members").to_storage()["authToken"]["secret"]
        assert await runner.pending(source, folder) == []  # written files count as applied here
    finally:
        await source.close()

    files = sorted(os.listdir(folder))
    assert [f.split("_", 1)[1] for f in files] == [
        "created_members.py",
        "created_posts.py",
        "updated_posts.py",
        "updated_users.py",
        "created_scratch.py",
        "deleted_scratch.py",
    ]
    for f in files:
        assert secret not in read(Path(folder, f))  # token secrets stay where they are

    data_dir, url = target
    args = storage_args(data_dir, url, folder)
    r = cli("migrate", "up", *args)
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == len(files)
    replayed = await roost.App.open(dir=data_dir, db=url)
    try:
        assert await collections_json(replayed) == expected
    finally:
        await replayed.close()

    # down all the way back gives the schema of a fresh database
    r = cli("migrate", "down", str(len(files)), *args)
    assert r.returncode == 0, r.stderr
    fresh_dir = str(tmp_path / "fresh")
    fresh = await roost.App.open(dir=fresh_dir)
    reverted = await roost.App.open(dir=data_dir, db=url)
    try:
        assert await collections_json(reverted) == await collections_json(fresh)
    finally:
        await reverted.close()
        await fresh.close()


async def test_collections_snapshot(target: tuple[str, str | None], tmp_path: Any) -> None:
    source_url = await new_db_url()
    source_dir = str(tmp_path / "source_data")
    folder = str(tmp_path / "snap")
    try:
        app = await roost.App.open(dir=source_dir, db=source_url)
        try:
            corpus = Path("/work/shared/corpus/pocketbase-schemas/qwibbert__kairos__pb_schema.json")
            await app.import_collections(read(corpus))
            expected = await collections_json(app)
        finally:
            await app.close()
        r = cli("migrate", "collections", *storage_args(source_dir, source_url, folder))
        assert r.returncode == 0, r.stderr
    finally:
        await drop_db_url(source_url)
    (name,) = os.listdir(folder)
    assert name.endswith("_collections_snapshot.py")
    data_dir, url = target
    r = cli("migrate", "up", *storage_args(data_dir, url, folder))
    assert r.returncode == 0, r.stderr
    replayed = await roost.App.open(dir=data_dir, db=url)
    try:
        assert await collections_json(replayed) == expected
    finally:
        await replayed.close()


def test_snapshot_leaves_out_secrets() -> None:
    from roost.core.collection_defaults import users_spec
    from roost.migrations.templates import created, snapshot_json

    spec = users_spec()
    spec["oauth2"] = {
        **spec.get("oauth2", {}),
        "providers": [{"name": "github", "clientId": "cid", "clientSecret": "TOPSECRET"}],
    }
    spec["authToken"] = {"duration": 100, "secret": "TOKENSECRET"}
    coll = roost.Collection(spec)
    snap = snapshot_json(coll)
    assert "providers" not in snap["oauth2"]
    assert snap["authToken"] == {"duration": 100}
    text = created(coll)
    assert "TOPSECRET" not in text and "TOKENSECRET" not in text
    compile(text, "migration.py", "exec")


def test_generated_migrations_type_check(tmp_path: Path) -> None:
    """mypy --strict accepts every kind of generated migration, as it accepts hook files."""
    from roost.core.collection_defaults import users_spec
    from roost.migrations import templates

    users = roost.Collection(users_spec())
    changed = roost.Collection({**users_spec(), "listRule": "id = @request.auth.id"})
    texts = {
        "1700000000_blank.py": templates.blank("blank"),
        "1700000001_created_users.py": templates.created(users),
        "1700000002_updated_users.py": templates.updated(users, changed) or "",
        "1700000003_deleted_users.py": templates.deleted(users),
        "1700000004_collections_snapshot.py": templates.all_collections([users, changed]),
    }
    for name, text in texts.items():
        write(tmp_path / name, text)
    # roost read as an installed package is: its own modules are not the user's to check
    root = Path(roost.__file__).parent.parent
    write(
        tmp_path / "mypy.ini",
        f"[mypy]\nstrict = True\nmypy_path = {root}\n\n[mypy-roost.*]\nfollow_imports = silent\n",
    )
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--config-file", "mypy.ini", *sorted(texts)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stdout + r.stderr


async def test_internal_table_names_are_refused(
    app: roost.App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    """As PocketBase: a collection may not take the name of an internal table."""
    await runner.ensure_table(app)
    expected = {
        "data": {
            "name": {
                "code": "validation_collection_name_invalid",
                "message": "The name shouldn't match with an existing internal table.",
            }
        },
        "message": "Failed to create collection.",
        "status": 400,
    }
    for name in ("_migrations", "_params", "_collections"):
        r = await client.post("/api/collections", json={"name": name}, headers=su)
        assert r.status_code == 400 and r.json() == expected, r.text
    r = await client.post("/api/collections", json={"name": "_notes"}, headers=su)
    assert r.status_code == 200  # an underscore alone is fine
    r = await client.patch("/api/collections/_notes", json={"name": "_migrations"}, headers=su)
    assert r.status_code == 400
    assert r.json()["data"]["name"]["code"] == "validation_collection_name_invalid"


async def test_instances_starting_together_share_the_migrations_table(target: tuple[str, str | None]) -> None:
    """Several instances starting at once on one database all prepare `_migrations`."""
    import asyncio

    data_dir, url = target
    apps = [await roost.App.open(dir=data_dir, db=url) for _ in range(4)]
    try:
        await asyncio.gather(*(runner.ensure_table(a) for a in apps))
        assert await runner.applied(apps[0]) == []
    finally:
        for a in apps:
            await a.close()
