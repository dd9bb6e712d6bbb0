"""Backups kept in S3 (`settings.backups.s3`) on a real S3-compatible server (moto), answering as
PocketBase 0.40.6 does with the same bucket (each answer below was read off the binary): keys at
the bucket's root, `application/zip` with `original-filename` metadata, the whole bucket listed,
a missing download a plain 400, a missing delete a 204, and a store that refuses named in the
message. Create, upload, download, delete, restore and scheduled pruning all work on the bucket
and leave the data folder's `backups/` empty."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import httpx
import pytest

from roost.core.app import App
from roost.core.backup_schedule import auto_backup
from tests.api.test_backups import all_ns, file_token, seed, sha256_tree

pytestmark = pytest.mark.anyio

VALIDATING = "An error occurred while validating the submitted data."


@pytest.fixture
def bucket(s3_server: Any) -> str:
    return str(s3_server.new_bucket())


async def enable(
    client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str, **extra: Any
) -> None:
    r = await client.patch(
        "/api/settings", headers=su, json={"backups": {"s3": {**s3_server.settings(bucket), **extra}}}
    )
    assert r.status_code == 200, r.text
    assert r.json()["backups"]["s3"]["enabled"] is True and "secret" not in r.json()["backups"]["s3"]


def local_backups(app: App) -> list[str]:
    folder = os.path.join(app.data_dir, "backups")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


async def test_settings_and_the_test_endpoint(
    client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    r = await client.patch("/api/settings", headers=su, json={"backups": {"s3": {"enabled": True}}})
    assert r.status_code == 400
    required = {"code": "validation_required", "message": "Cannot be blank."}
    assert r.json() == {
        "data": {
            "backups": {"s3": {k: required for k in ("accessKey", "bucket", "endpoint", "region", "secret")}}
        },
        "message": "An error occurred while saving the new settings.",
        "status": 400,
    }
    r = await client.post("/api/settings/test/s3", headers=su, json={"filesystem": "backups"})
    assert (
        r.json()["message"]
        == "Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled."
    )
    await enable(client, su, s3_server, bucket)
    r = await client.post("/api/settings/test/s3", headers=su, json={"filesystem": "backups"})
    assert r.status_code == 204, r.text
    assert s3_server.keys(bucket) == []  # the test file is removed again
    # the record files' store is a different setting: still off
    r = await client.post("/api/settings/test/s3", headers=su, json={"filesystem": "storage"})
    assert r.status_code == 400
    await enable(client, su, s3_server, bucket, secret="wrong")
    r = await client.post("/api/settings/test/s3", headers=su, json={"filesystem": "backups"})
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Failed to test the S3 filesystem. Raw error: \nfailed to upload a test file: "
    )
    assert "SignatureDoesNotMatch" in r.json()["message"]


async def test_create_list_download_upload_delete_in_the_bucket(
    app: App, client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    await enable(client, su, s3_server, bucket)
    assert (await client.get("/api/backups", headers=su)).json() == []
    assert (await client.post("/api/backups", headers=su, json={"name": "one.zip"})).status_code == 204
    assert s3_server.keys(bucket) == ["one.zip"] and local_backups(app) == []
    head = s3_server.client().head_object(Bucket=bucket, Key="one.zip")
    assert head["ContentType"] == "application/zip"
    assert head["Metadata"] == {"original-filename": "one.zip"}
    listed = (await client.get("/api/backups", headers=su)).json()
    assert [(b["key"], b["size"]) for b in listed] == [("one.zip", head["ContentLength"])]
    r = await client.post("/api/backups", headers=su, json={"name": "one.zip"})
    assert r.json()["data"] == {
        "name": {
            "code": "validation_backup_name_exists",
            "message": "The backup file name is invalid or already exists.",
        }
    }

    token = await file_token(client, su)
    r = await client.get("/api/backups/one.zip", params={"token": token})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == 'attachment; filename="one.zip"'
    stored = s3_server.client().get_object(Bucket=bucket, Key="one.zip")["Body"].read()
    assert r.content == stored and r.content[:2] == b"PK"
    r = await client.get("/api/backups/one.zip", params={"token": token}, headers={"Range": "bytes=2-11"})
    assert r.status_code == 206 and r.content == stored[2:12]
    r = await client.get("/api/backups/missing.zip", params={"token": token})
    assert r.status_code == 400
    assert r.json()["message"] == "Something went wrong while processing your request."

    r = await client.post("/api/backups/upload", headers=su, files={"file": ("two.zip", stored)})
    assert r.status_code == 204, r.text
    assert s3_server.keys(bucket) == ["one.zip", "two.zip"] and local_backups(app) == []
    r = await client.post("/api/backups/upload", headers=su, files={"file": ("two.zip", stored)})
    assert r.json()["data"]["file"]["code"] == "validation_backup_name_exists"
    # PocketBase lists every object of the bucket, whatever it is
    s3_server.client().put_object(Bucket=bucket, Key="notes/readme.txt", Body=b"hi")
    keys = [b["key"] for b in (await client.get("/api/backups", headers=su)).json()]
    assert keys == ["notes/readme.txt", "one.zip", "two.zip"]

    assert (await client.delete("/api/backups/two.zip", headers=su)).status_code == 204
    assert (
        await client.delete("/api/backups/two.zip", headers=su)
    ).status_code == 204  # as S3 and PocketBase
    assert s3_server.keys(bucket) == ["notes/readme.txt", "one.zip"]
    r = await client.post("/api/backups/missing.zip/restore", headers=su)
    assert r.status_code == 400 and r.json()["message"] == "Missing or invalid backup file."
    r = await client.post("/api/backups/notes/readme.txt/restore", headers=su)
    assert r.status_code == 404  # a key with a slash is no backup route at all


async def test_a_store_that_refuses_is_named_in_the_answer(
    app: App, client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    await enable(client, su, s3_server, bucket)
    assert (await client.post("/api/backups", headers=su, json={"name": "one.zip"})).status_code == 204
    await enable(client, su, s3_server, bucket, secret="wrong")
    r = await client.get("/api/backups", headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith("Failed to retrieve backup items. Raw error: \n")
    assert "SignatureDoesNotMatch" in r.json()["message"]
    # the name cannot be checked, so it counts as taken (as PocketBase)
    r = await client.post("/api/backups", headers=su, json={"name": "two.zip"})
    assert r.json()["data"]["name"]["code"] == "validation_backup_name_exists"
    r = await client.delete("/api/backups/one.zip", headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Invalid or already deleted backup file. Raw error: \n[key: one.zip] "
    )
    r = await client.post("/api/backups", headers=su, json={})
    assert r.status_code == 400 and r.json()["message"] == "Failed to create backup."
    assert local_backups(app) == [] and s3_server.keys(bucket) == ["one.zip"]
    # no work folder left behind: only the lock and the auth-record change stamp (SQLite) stay
    assert set(os.listdir(os.path.join(app.data_dir, ".roost_temp"))) <= {"backup.lock", "data.db.changes"}


async def test_restore_from_the_bucket(
    app: App, client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    await seed(client, su, 6)
    files_before = sha256_tree(os.path.join(app.data_dir, "storage"))
    await enable(client, su, s3_server, bucket)
    assert (await client.post("/api/backups", headers=su, json={"name": "six.zip"})).status_code == 204
    await client.post("/api/collections/notes/records", data={"n": "99"}, headers=su)
    r = await client.patch("/api/settings", json={"meta": {"appName": "Changed"}}, headers=su)
    assert r.status_code == 200
    assert (await client.post("/api/backups/six.zip/restore", headers=su)).status_code == 204
    await app.backups.wait()
    assert await all_ns(client, su) == list(range(6))
    assert (await client.get("/api/settings", headers=su)).json()["meta"]["appName"] == "Roost"
    assert sha256_tree(os.path.join(app.data_dir, "storage")) == files_before
    # the restored settings still keep backups in the bucket, which still holds the backup
    assert [b["key"] for b in (await client.get("/api/backups", headers=su)).json()] == ["six.zip"]
    assert local_backups(app) == []


async def test_a_damaged_backup_in_the_bucket_is_refused_before_anything_changes(
    app: App, client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    await seed(client, su, 3)
    await enable(client, su, s3_server, bucket)
    s3_server.client().put_object(Bucket=bucket, Key="junk.zip", Body=b"PK\x03\x04 not really a zip")
    r = await client.post("/api/backups/junk.zip/restore", headers=su)
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "Missing or invalid backup file. The file is not a valid zip archive"
    )
    assert await all_ns(client, su) == list(range(3))


async def test_scheduled_backups_go_to_the_bucket_and_old_ones_are_pruned(
    app: App, client: httpx.AsyncClient, su: dict[str, str], s3_server: Any, bucket: str
) -> None:
    await enable(client, su, s3_server, bucket)
    r = await client.patch(
        "/api/settings", headers=su, json={"backups": {"cron": "0 3 * * *", "cronMaxKeep": 2}}
    )
    assert r.status_code == 200, r.text
    s3_server.client().put_object(Bucket=bucket, Key="by_hand.zip", Body=b"x")
    made = []
    for _ in range(3):
        await auto_backup(app)
        autos = [k for k in s3_server.keys(bucket) if k.startswith("@auto_pb_backup_")]
        made.extend(k for k in autos if k not in made)
        await asyncio.sleep(1.0)  # names carry the time to the second
    autos = [k for k in s3_server.keys(bucket) if k.startswith("@auto_pb_backup_")]
    assert len(made) == 3 and autos == sorted(made)[1:]
    assert "by_hand.zip" in s3_server.keys(bucket) and local_backups(app) == []
