"""/api/backups, checked against PocketBase 0.40.6's answers, and what a backup holds: a backup
taken during a steady write load restores (into a fresh data folder and database) with every
write acknowledged before it began and every stored file, byte for byte."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import time
import zipfile
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest

from roost.api import build_asgi
from roost.core.app import App
from roost.core.backup_schedule import JOB_ID
from roost.core.backups import BUSY
from tests.conftest import drop_db_url, new_db_url
from tests.helpers import DATETIME_RE, make_collection, make_user

pytestmark = pytest.mark.anyio

VALIDATING = "An error occurred while validating the submitted data."


async def file_token(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    r = await client.post("/api/files/token", headers=headers)
    assert r.status_code == 200, r.text
    return str(r.json()["token"])


def sha256_tree(root: str) -> dict[str, str]:
    out = {}
    for folder, _, names in os.walk(root):
        for n in names:
            path = os.path.join(folder, n)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, root)] = hashlib.sha256(fh.read()).hexdigest()
    return out


# --- access -------------------------------------------------------------------------------------
async def test_superusers_only(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    _, user = await make_user(client, "someone@example.com")
    calls = [
        ("GET", "/api/backups"),
        ("POST", "/api/backups"),
        ("POST", "/api/backups/upload"),
        ("DELETE", "/api/backups/a.zip"),
        ("POST", "/api/backups/a.zip/restore"),
    ]
    for method, url in calls:
        r = await client.request(method, url)
        assert r.status_code == 401, (method, url)
        assert r.json()["message"] == "The request requires valid record authorization token."
        r = await client.request(method, url, headers={"Authorization": user})
        assert r.status_code == 403, (method, url)
        assert r.json()["message"] == "The authorized record is not allowed to perform this action."
    assert (await client.post("/api/backups", json={"name": "a.zip"}, headers=su)).status_code == 204
    forbidden = {"data": {}, "message": "Insufficient permissions to access the resource.", "status": 403}
    # the download needs a superuser *file* token in the query: no header, no auth token, no user's
    for params, headers in (
        ({}, su),
        ({"token": su["Authorization"]}, {}),
        ({"token": await file_token(client, {"Authorization": user})}, {}),
    ):
        r = await client.get("/api/backups/a.zip", params=params, headers=headers)
        assert r.status_code == 403 and r.json() == forbidden


async def test_health_reports_can_backup(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.get("/api/health")
    assert r.json() == {"message": "API is healthy.", "code": 200, "data": {}}
    r = await client.get("/api/health", headers=su)
    assert r.json()["data"] == {"canBackup": True, "realIP": "127.0.0.1", "possibleProxyHeader": ""}
    r = await client.get("/api/health", headers={**su, "CF-Connecting-IP": "1.2.3.4"})
    assert r.json()["data"]["possibleProxyHeader"] == "CF-Connecting-IP"
    assert app.backups.lock.acquire("x.zip")
    try:
        r = await client.get("/api/health", headers=su)
        assert r.json()["data"]["canBackup"] is False
    finally:
        app.backups.lock.release()


# --- create, list, delete -------------------------------------------------------------------------
async def test_create_validates_the_name(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    cases = [
        ("Bad.zip", "validation_match_invalid", "Must be in a valid format."),
        ("x", "validation_match_invalid", "Must be in a valid format."),
        ("a" * 147 + ".zip", "validation_length_out_of_range", "The length must be between 1 and 150."),
    ]
    for name, code, message in cases:
        r = await client.post("/api/backups", json={"name": name}, headers=su)
        assert r.status_code == 400
        assert r.json()["message"] == VALIDATING
        assert r.json()["data"]["name"]["code"] == code
        assert r.json()["data"]["name"]["message"] == message
    r = await client.post("/api/backups", json={"name": "a" * 146 + ".zip"}, headers=su)
    assert r.status_code == 204 and r.content == b""
    r = await client.post("/api/backups", json={"name": "a" * 146 + ".zip"}, headers=su)
    assert r.json()["data"] == {
        "name": {
            "code": "validation_backup_name_exists",
            "message": "The backup file name is invalid or already exists.",
        }
    }
    for body in (b"{bad", b"[]", b'{"name": 5}'):
        r = await client.post(
            "/api/backups", content=body, headers={**su, "Content-Type": "application/json"}
        )
        assert r.status_code == 400
        assert r.json() == {
            "data": {},
            "message": "An error occurred while loading the submitted data.",
            "status": 400,
        }


async def test_create_list_delete(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.get("/api/backups", headers=su)
    assert r.status_code == 200 and r.json() == []
    assert (await client.post("/api/backups", json={"name": "zeta.zip"}, headers=su)).status_code == 204
    assert (await client.post("/api/backups", json={}, headers=su)).status_code == 204
    items = (await client.get("/api/backups", headers=su)).json()
    assert [sorted(i) for i in items] == [["key", "modified", "size"]] * 2
    assert re.fullmatch(r"pb_backup_roost_\d{14}\.zip", items[0]["key"])  # sorted by key
    assert items[1]["key"] == "zeta.zip"
    assert all(DATETIME_RE.match(i["modified"]) and i["size"] > 0 for i in items)
    assert items[1]["size"] == os.path.getsize(os.path.join(app.data_dir, "backups", "zeta.zip"))

    r = await client.delete("/api/backups/zeta.zip", headers=su)
    assert r.status_code == 204
    r = await client.delete("/api/backups/zeta.zip", headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Invalid or already deleted backup file. Raw error: \n[key: zeta.zip]"
    )
    assert [i["key"] for i in (await client.get("/api/backups", headers=su)).json()] == [items[0]["key"]]


async def test_one_backup_or_restore_at_a_time(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    assert (await client.post("/api/backups", json={"name": "a.zip"}, headers=su)).status_code == 204
    assert app.backups.lock.acquire("a.zip")
    try:
        for url in ("/api/backups", "/api/backups/a.zip/restore"):
            r = await client.post(url, json={"name": "b.zip"}, headers=su)
            assert r.json() == {"data": {}, "message": BUSY, "status": 400}
        r = await client.delete("/api/backups/a.zip", headers=su)
        assert r.json()["message"] == "The backup is currently being used and cannot be deleted."
    finally:
        app.backups.lock.release()


async def test_one_at_a_time_across_processes_sharing_the_folder(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    from roost.archive import BackupLock

    other = BackupLock(app.backups.lock.path)  # another worker's lock on the same data folder
    assert other.acquire("elsewhere.zip")
    try:
        r = await client.post("/api/backups", json={}, headers=su)
        assert r.json()["message"] == BUSY
        assert (await client.get("/api/health", headers=su)).json()["data"]["canBackup"] is False
    finally:
        other.release()
    assert (await client.post("/api/backups", json={}, headers=su)).status_code == 204


# --- upload and download ----------------------------------------------------------------------------
async def test_upload_download_round_trip(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    assert (await client.post("/api/backups", json={"name": "orig.zip"}, headers=su)).status_code == 204
    token = await file_token(client, su)
    r = await client.get("/api/backups/orig.zip", params={"token": token})
    assert r.status_code == 200
    original = r.content
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == 'attachment; filename="orig.zip"'
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["content-length"] == str(len(original))
    r = await client.get("/api/backups/orig.zip", params={"token": token}, headers={"Range": "bytes=0-9"})
    assert r.status_code == 206 and r.content == original[:10]
    r = await client.get("/api/backups/missing.zip", params={"token": token})
    assert r.status_code == 404
    assert r.json()["message"] == "The requested resource wasn't found."

    # uploads keep the client's file name (PocketBase checks only that it is new), even one the
    # create form would refuse
    r = await client.post("/api/backups/upload", files={"file": ("Up Weird.zip", original)}, headers=su)
    assert r.status_code == 204, r.text
    r = await client.get("/api/backups/Up Weird.zip", params={"token": token})
    assert r.status_code == 200 and r.content == original
    r = await client.post("/api/backups/upload", files={"file": ("Up Weird.zip", original)}, headers=su)
    assert r.json()["data"] == {
        "file": {
            "code": "validation_backup_name_exists",
            "message": "Backup file with the specified name already exists.",
        }
    }
    # a path in the client's name is dropped, as Go's multipart reader does
    r = await client.post("/api/backups/upload", files={"file": ("../../evil.zip", original)}, headers=su)
    assert r.status_code == 204
    assert os.path.isfile(os.path.join(app.data_dir, "backups", "evil.zip"))
    assert not os.path.exists(os.path.join(app.data_dir, "evil.zip"))


async def test_upload_validation(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    r = await client.post("/api/backups/upload", headers=su)
    assert r.status_code == 400
    assert r.json() == {
        "data": {"file": {"code": "validation_required", "message": "Cannot be blank."}},
        "message": VALIDATING,
        "status": 400,
    }
    r = await client.post("/api/backups/upload", files={"file": ("x.txt", b"hello\n")}, headers=su)
    assert r.status_code == 400
    err = r.json()["data"]["file"]
    assert err["code"] == "validation_invalid_mime_type"
    assert re.fullmatch(
        r'"x[a-z0-9]{10}_[a-z0-9]{10}\.txt" mime type must be one of: application/zip\.', err["message"]
    )
    assert app.backups.folder.list() == []  # nothing was kept
    temp = os.path.join(app.data_dir, ".roost_temp")
    assert not [n for n in os.listdir(temp) if n.startswith("upload_")]


# --- restore ----------------------------------------------------------------------------------------
async def seed(client: httpx.AsyncClient, su: dict[str, str], n: int) -> dict[str, Any]:
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "listRule": "",
            "fields": [
                {"name": "n", "type": "number"},
                {"name": "body", "type": "text"},
                {"name": "doc", "type": "file", "maxSelect": 1, "maxSize": 50_000_000},
            ],
        },
    )
    last: dict[str, Any] = {}
    for i in range(n):
        files = {"doc": (f"doc{i}.bin", os.urandom(2000 + i))} if i % 3 == 0 else None
        r = await client.post(
            "/api/collections/notes/records", data={"n": str(i), "body": f"note {i}"}, files=files, headers=su
        )
        assert r.status_code == 200, r.text
        last = r.json()
    return last


async def all_ns(client: httpx.AsyncClient, su: dict[str, str]) -> list[int]:
    r = await client.get("/api/collections/notes/records", params={"perPage": 500, "sort": "n"}, headers=su)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    return [int(i["n"]) for i in items]


async def test_restore_in_place_reopens_the_app(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    await seed(client, su, 6)
    before = sha256_tree(os.path.join(app.data_dir, "storage"))
    assert (await client.post("/api/backups", json={"name": "six.zip"}, headers=su)).status_code == 204
    # changes after the backup: a record, a file, a new collection, a settings change
    await client.post("/api/collections/notes/records", data={"n": "99"}, headers=su)
    await make_collection(client, su, {"name": "later", "fields": [{"name": "t", "type": "text"}]})
    r = await client.patch("/api/settings", json={"meta": {"appName": "Changed"}}, headers=su)
    assert r.status_code == 200
    r = await client.post("/api/backups/six.zip/restore", headers=su)
    assert r.status_code == 204 and r.content == b""
    assert (await client.get("/api/health", headers=su)).json()["data"]["canBackup"] is False
    await app.backups.wait()
    assert (await client.get("/api/health", headers=su)).json()["data"]["canBackup"] is True
    assert await all_ns(client, su) == list(range(6))
    assert (await client.get("/api/collections/later", headers=su)).status_code == 404
    assert (await client.get("/api/settings", headers=su)).json()["meta"]["appName"] == "Roost"
    assert sha256_tree(os.path.join(app.data_dir, "storage")) == before
    # the app keeps working on the restored data
    r = await client.post("/api/collections/notes/records", data={"n": "7"}, headers=su)
    assert r.status_code == 200
    assert await all_ns(client, su) == [*range(6), 7]
    # and lists without a sort in insertion order: the new record comes last
    r = await client.get("/api/collections/notes/records", headers=su)
    assert [int(i["n"]) for i in r.json()["items"]] == [*range(6), 7]


async def test_restore_refuses_what_is_not_a_backup(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    r = await client.post("/api/backups/missing.zip/restore", headers=su)
    assert r.json() == {"data": {}, "message": "Missing or invalid backup file.", "status": 400}
    folder = os.path.join(app.data_dir, "backups")
    os.makedirs(folder, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:  # a PocketBase-style zip: no manifest
        zf.writestr("data.db", b"not really")
    with open(os.path.join(folder, "plain.zip"), "wb") as fh:
        fh.write(buf.getvalue())
    r = await client.post("/api/backups/plain.zip/restore", headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Missing or invalid backup file. The archive has no roost_backup.json"
    )


def rewrite_zip(src: str, dest: str, change: Any) -> None:
    """Copy a backup zip, passing (name, bytes) of each entry through `change`."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            for name, data in change(info.filename, zin.read(info)):
                zout.writestr(name, data)


async def test_restore_refuses_unsafe_or_corrupt_archives_and_changes_nothing(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    await seed(client, su, 3)
    assert (await client.post("/api/backups", json={"name": "good.zip"}, headers=su)).status_code == 204
    await client.post("/api/collections/notes/records", data={"n": "50"}, headers=su)
    folder = os.path.join(app.data_dir, "backups")
    good = os.path.join(folder, "good.zip")

    def traversal(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name == "roost_backup.json":
            manifest = orjson.loads(data)
            manifest["files"]["../evil.txt"] = {"size": 4, "sha256": hashlib.sha256(b"evil").hexdigest()}
            return [(name, orjson.dumps(manifest)), ("../evil.txt", b"evil")]
        return [(name, data)]

    def tampered(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name.startswith("storage/"):
            return [(name, bytes([data[0] ^ 1]) + data[1:])]
        return [(name, data)]

    def unlisted(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, data)] + ([("storage/extra.txt", b"x")] if name == "roost_backup.json" else [])

    def other_engine(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name == "roost_backup.json":
            manifest = orjson.loads(data)
            manifest["database"]["format"] = "another-engine"
            return [(name, orjson.dumps(manifest))]
        return [(name, data)]

    rewrite_zip(good, os.path.join(folder, "other.zip"), other_engine)
    rewrite_zip(good, os.path.join(folder, "traversal.zip"), traversal)
    rewrite_zip(good, os.path.join(folder, "tampered.zip"), tampered)
    rewrite_zip(good, os.path.join(folder, "unlisted.zip"), unlisted)
    for name, reason in (
        ("traversal.zip", "unsafe path"),
        ("unlisted.zip", "does not list"),
        ("other.zip", "holds a 'another-engine' database snapshot"),
    ):
        r = await client.post(f"/api/backups/{name}/restore", headers=su)
        assert r.status_code == 400 and reason in r.json()["message"], r.text
    # a checksum is only seen while unpacking: the restore fails then, before anything changed
    with pytest.raises(Exception, match="checksum"):
        await app.restore_backup("tampered.zip")
    assert not os.path.exists(os.path.join(os.path.dirname(app.data_dir), "evil.txt"))
    assert await all_ns(client, su) == [0, 1, 2, 50]
    assert not [n for n in os.listdir(os.path.join(app.data_dir, ".roost_temp")) if n.startswith("restore_")]


async def test_backup_during_writes_restores_into_a_fresh_folder(
    app: App, client: httpx.AsyncClient, su: dict[str, str], tmp_path: Any
) -> None:
    await seed(client, su, 30)
    # a large stored file keeps the archiving busy for a while, so writes overlap the backup
    big = os.path.join(app.data_dir, "storage", "big", "blob.bin")
    os.makedirs(os.path.dirname(big))
    with open(big, "wb") as fh:
        fh.write(os.urandom(24 << 20))
    acked: list[tuple[float, int]] = []
    stop = asyncio.Event()

    async def writer() -> None:
        n = 1000
        while not stop.is_set():
            r = await client.post("/api/collections/notes/records", json={"n": n, "body": "load"}, headers=su)
            assert r.status_code == 200, r.text
            acked.append((time.monotonic(), n))
            n += 1
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    await asyncio.sleep(0.05)
    started = time.monotonic()
    r = await client.post("/api/backups", json={"name": "load.zip"}, headers=su)
    finished = time.monotonic()
    stop.set()
    await task
    assert r.status_code == 204, r.text
    before = [n for t, n in acked if t < started]
    during = [n for t, n in acked if started <= t < finished]
    assert before and during, "writes must go on while the backup runs"
    files = sha256_tree(os.path.join(app.data_dir, "storage"))

    # restore into a new data folder and a new database, as `roost backup restore FILE` does
    fresh_dir = str(tmp_path / "fresh")
    fresh_url = await new_db_url()
    fresh = await App.open(fresh_dir, fresh_url)
    try:
        os.makedirs(os.path.join(fresh_dir, "backups"))
        os.link(
            os.path.join(app.data_dir, "backups", "load.zip"), os.path.join(fresh_dir, "backups", "load.zip")
        )
        await fresh.restore_backup("load.zip")
        transport = httpx.ASGITransport(app=build_asgi(fresh))
        async with httpx.AsyncClient(transport=transport, base_url="http://roost.test") as c2:
            r = await c2.post(
                "/api/collections/_superusers/auth-with-password",
                json={"identity": "admin@example.com", "password": "Passw0rd123!"},
            )
            assert r.status_code == 200, r.text
            headers = {"Authorization": r.json()["token"]}
            got = []
            page = 1
            while True:
                r = await c2.get(
                    "/api/collections/notes/records",
                    params={"perPage": 500, "page": page, "sort": "n", "fields": "n"},
                    headers=headers,
                )
                got += [int(i["n"]) for i in r.json()["items"]]
                if page >= r.json()["totalPages"]:
                    break
                page += 1
        seeded = list(range(30))
        assert got[:30] == seeded
        load = got[30:]
        # one consistent moment: every write acknowledged before the backup, then an unbroken run
        assert load == list(range(1000, 1000 + len(load)))
        assert len(load) >= len(before)
        assert sha256_tree(os.path.join(fresh_dir, "storage")) == files
    finally:
        await fresh.close()
        await drop_db_url(fresh_url)


# --- settings and scheduled backups -----------------------------------------------------------------------
async def test_backup_settings_validation(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    async def patch(backups: dict[str, Any]) -> httpx.Response:
        return await client.patch("/api/settings", json={"backups": backups}, headers=su)

    cases = [
        ({"cron": "bad"}, "cron", "validation_invalid_cron",
         "Invalid cron expression - must be a valid macro or to have exactly 5 space separated segments."),
        ({"cron": "61 * * * *"}, "cron", "validation_invalid_cron",
         "Invalid segment value - must be between the min and max of the segment."),
        ({"cron": "*/0 * * * *"}, "cron", "validation_invalid_cron",
         "Invalid segment step boundary - the step must be between 1 and the 59."),
        ({"cron": "x * * * *"}, "cron", "validation_invalid_cron", 'Strconv.Atoi: parsing "x": invalid syntax.'),
        ({"cron": "* * * * *", "cronMaxKeep": 0}, "cronMaxKeep", "validation_required", "Cannot be blank."),
        ({"cron": "", "cronMaxKeep": -3}, "cronMaxKeep", "validation_min_greater_equal_than_required",
         "Must be no less than 1."),
    ]  # fmt: skip
    for body, key, code, message in cases:
        r = await patch(body)
        assert r.status_code == 400, body
        assert r.json()["message"] == "An error occurred while saving the new settings."
        assert r.json()["data"]["backups"][key]["code"] == code
        assert r.json()["data"]["backups"][key]["message"] == message
    r = await patch({"cron": "", "cronMaxKeep": 0})
    assert r.status_code == 200 and r.json()["backups"]["cronMaxKeep"] == 0
    # S3 switched on needs its connection details (tests/api/test_backups_s3.py uses them)
    r = await patch({"s3": {"enabled": True}})
    assert r.json()["data"]["backups"]["s3"]["bucket"]["code"] == "validation_required"


async def test_scheduled_backups_appear_and_old_ones_are_pruned(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    r = await client.patch(
        "/api/settings", json={"backups": {"cron": "*/5 * * * *", "cronMaxKeep": 2}}, headers=su
    )
    assert r.status_code == 200, r.text
    jobs = (await client.get("/api/crons", headers=su)).json()
    assert {"id": JOB_ID, "expression": "*/5 * * * *"} in jobs
    # earlier scheduled backups, and one made by hand that pruning must leave alone
    folder = os.path.join(app.data_dir, "backups")
    os.makedirs(folder, exist_ok=True)
    assert (await client.post("/api/backups", json={"name": "manual.zip"}, headers=su)).status_code == 204
    manual = os.path.join(folder, "manual.zip")
    old = []
    for i in range(3):
        key = f"@auto_pb_backup_roost_2020010100000{i}.zip"
        with open(manual, "rb") as src, open(os.path.join(folder, key), "wb") as dst:
            dst.write(src.read())
        os.utime(os.path.join(folder, key), (1_600_000_000 + i, 1_600_000_000 + i))
        old.append(key)
    os.utime(manual, (1_500_000_000, 1_500_000_000))
    # the scheduler's tick at a due minute runs the job
    tasks = await app.cron.run_due(datetime(2030, 1, 1, 0, 5, tzinfo=UTC))
    assert [t.get_name() for t in tasks] == [f"cron:{JOB_ID}"]
    await asyncio.gather(*tasks)
    keys = [i["key"] for i in (await client.get("/api/backups", headers=su)).json()]
    autos = [k for k in keys if k.startswith("@auto_pb_backup_roost_") and k not in old]
    assert len(autos) == 1 and re.fullmatch(r"@auto_pb_backup_roost_\d{14}\.zip", autos[0])
    assert sorted(keys) == sorted(["manual.zip", old[2], autos[0]])
    # not due: nothing runs
    assert await app.cron.run_due(datetime(2030, 1, 1, 0, 6, tzinfo=UTC)) == []
    r = await client.patch("/api/settings", json={"backups": {"cron": ""}}, headers=su)
    assert JOB_ID not in [j["id"] for j in (await client.get("/api/crons", headers=su)).json()]


async def test_backup_hooks(app: App, client: httpx.AsyncClient, su: dict[str, str]) -> None:
    seen: list[tuple[str, str]] = []

    @app.on_backup_create()
    async def name_it(e: Any) -> None:
        seen.append(("create", e.name))
        if not e.name:
            e.name = "from_hook.zip"
        e.exclude.append("storage")
        await e.next()
        seen.append(("created", e.name))

    @app.on_backup_restore()
    async def refuse(e: Any) -> None:
        seen.append(("restore", e.name))
        raise RuntimeError("restores are off today")

    await seed(client, su, 3)
    assert (await client.post("/api/backups", json={}, headers=su)).status_code == 204
    assert seen == [("create", ""), ("created", "from_hook.zip")]
    with zipfile.ZipFile(os.path.join(app.data_dir, "backups", "from_hook.zip")) as zf:
        assert not [n for n in zf.namelist() if n.startswith("storage/")]
    with pytest.raises(RuntimeError):
        await app.restore_backup("from_hook.zip")
    assert seen[-1] == ("restore", "from_hook.zip")
    assert await all_ns(client, su) == [0, 1, 2]
    assert not app.backups.busy()
