"""S3 file storage against a real S3-compatible server (moto, tests/s3_server.py).

`settings.s3` switched on through the settings API sends record files and thumbnails to the
bucket: uploads, downloads with PocketBase's headers, ranges, thumbnails, protected files,
cleanup on update and delete, `POST /api/settings/test/s3`, and files stored on the local
disk before the switch staying readable (PocketBase answers 404 for those)."""

from __future__ import annotations

import io
import os

import anyio
import pytest
from PIL import Image

from roost.storage import open_s3
from roost.storage.base import CHUNK
from tests.helpers import error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio

CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
NOT_FOUND = {"data": {}, "message": "The requested resource wasn't found.", "status": 404}


def png(width: int = 64, height: int = 48) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (200, 10, 10)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def bucket(s3_server):
    return s3_server.new_bucket()


async def enable_s3(client, su, s3_server, bucket_name, **override):
    settings = {**s3_server.settings(bucket_name), **override}
    r = await client.patch("/api/settings", headers=su, json={"s3": settings})
    assert r.status_code == 200, r.text
    assert "secret" not in r.json()["s3"]  # write-only
    return r.json()


@pytest.fixture
async def docs(client, su):
    return await make_collection(
        client,
        su,
        {
            "name": "docs",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "createRule": "",
            "updateRule": "",
            "deleteRule": "",
            "fields": [
                {"name": "f", "type": "file", "maxSelect": 3, "maxSize": 50 << 20, "thumbs": ["20x20"]},
                {"name": "p", "type": "file", "maxSelect": 1, "protected": True},
            ],
        },
    )


def local_files(app) -> list[str]:
    return [key for key, _ in app.local_storage.list_files()]


async def upload(client, files, headers=None):
    r = await client.post("/api/collections/docs/records", files=files, headers=headers or {})
    assert r.status_code == 200, r.text
    return r.json()


async def test_upload_and_download_through_s3(client, su, app, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, bucket)
    image, blob = png(), os.urandom(5000)
    rec = await upload(client, [("f", ("photo.png", image, "image/png")), ("f", ("data.bin", blob))])
    img_name, bin_name = rec["f"]
    prefix = f"{docs['id']}/{rec['id']}/"
    assert s3_server.keys(bucket) == sorted([prefix + img_name, prefix + bin_name])
    assert local_files(app) == []  # nothing went to the data folder

    # stored as PocketBase stores it: the detected type and the original name as metadata
    head = s3_server.client().head_object(Bucket=bucket, Key=prefix + img_name)
    assert head["ContentType"] == "image/png"
    assert head["Metadata"] == {"original-filename": "photo.png"}

    r = await client.get(f"/api/files/docs/{rec['id']}/{img_name}")
    assert r.status_code == 200 and r.content == image
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"] == f'inline; filename="{img_name}"'
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["cache-control"] == "max-age=2592000, stale-while-revalidate=86400"
    assert r.headers["accept-ranges"] == "bytes"
    assert r.headers["content-length"] == str(len(image))
    assert r.headers["last-modified"].endswith(" GMT")
    assert "x-frame-options" not in r.headers

    r = await client.get(f"/api/files/docs/{rec['id']}/{bin_name}")
    assert r.status_code == 200 and r.content == blob
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"] == f'attachment; filename="{bin_name}"'

    r = await client.get(f"/api/files/docs/{rec['id']}/{img_name}", params={"download": "1"})
    assert r.headers["content-disposition"] == f'attachment; filename="{img_name}"'

    r = await client.head(f"/api/files/docs/{rec['id']}/{bin_name}")
    assert r.status_code == 200 and r.content == b"" and r.headers["content-length"] == "5000"

    # a name the record does not hold, and an object removed behind our back: 404
    r = await client.get(f"/api/files/docs/{rec['id']}/other.png")
    assert r.status_code == 404 and r.json() == NOT_FOUND
    s3_server.client().delete_object(Bucket=bucket, Key=prefix + bin_name)
    r = await client.get(f"/api/files/docs/{rec['id']}/{bin_name}")
    assert r.status_code == 404 and r.json() == NOT_FOUND


async def test_ranges_and_conditional_requests(client, su, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, bucket)
    blob = bytes(range(256)) * 40
    rec = await upload(client, [("f", ("data.bin", blob))])
    url = f"/api/files/docs/{rec['id']}/{rec['f'][0]}"

    r = await client.get(url, headers={"Range": "bytes=10-19"})
    assert r.status_code == 206 and r.content == blob[10:20]
    assert r.headers["content-range"] == f"bytes 10-19/{len(blob)}"
    assert r.headers["content-length"] == "10"

    r = await client.get(url, headers={"Range": "bytes=-100"})
    assert r.status_code == 206 and r.content == blob[-100:]

    r = await client.get(url, headers={"Range": "bytes=0-1,5-6"})
    assert r.status_code == 206
    assert r.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert blob[0:2] in r.content and blob[5:7] in r.content

    r = await client.get(url, headers={"Range": f"bytes={len(blob) + 5}-"})
    assert r.status_code == 416 and r.headers["content-range"] == f"bytes */{len(blob)}"

    modified = (await client.get(url)).headers["last-modified"]
    r = await client.get(url, headers={"If-Modified-Since": modified})
    assert r.status_code == 304 and r.content == b""


async def test_large_files_go_up_in_parts_and_stream_down(client, su, app, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, bucket)
    blob = os.urandom(9 << 20)  # above the single-request limit: a multipart upload
    rec = await upload(client, [("f", ("big.bin", blob))])
    key = f"{docs['id']}/{rec['id']}/{rec['f'][0]}"
    head = s3_server.client().head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(blob)
    assert "-" in head["ETag"]  # S3 marks objects assembled from parts this way

    r = await client.get(f"/api/files/docs/{rec['id']}/{rec['f'][0]}")
    assert r.status_code == 200 and r.content == blob

    # downloads are one ranged GET handed on in pieces, never the whole file at once
    pieces = [len(p) async for p in app.storage.astream(key, 0, len(blob))]
    assert sum(pieces) == len(blob) and max(pieces) <= CHUNK and len(pieces) > 1
    r = await client.get(
        f"/api/files/docs/{rec['id']}/{rec['f'][0]}", headers={"Range": "bytes=5000000-5000009"}
    )
    assert r.status_code == 206 and r.content == blob[5000000:5000010]


async def test_thumbs_are_made_once_and_stored_in_s3(client, su, app, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, bucket)
    rec = await upload(client, [("f", ("photo.png", png(), "image/png"))])
    name = rec["f"][0]
    url = f"/api/files/docs/{rec['id']}/{name}"
    thumb_key = f"{docs['id']}/{rec['id']}/thumbs_{name}/100x100_{name}"

    r = await client.get(url, params={"thumb": "100x100"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == f'inline; filename="100x100_{name}"'
    assert r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (100, 100)
    assert thumb_key in s3_server.keys(bucket)
    assert s3_server.client().head_object(Bucket=bucket, Key=thumb_key)["ContentType"] == "image/png"
    assert local_files(app) == []

    # served from the bucket the second time: replace the stored thumb and see it come back
    marker = png(7, 7)
    s3_server.client().put_object(Bucket=bucket, Key=thumb_key, Body=marker, ContentType="image/png")
    assert (await client.get(url, params={"thumb": "100x100"})).content == marker

    r = await client.get(url, params={"thumb": "20x20"})  # a size the field lists
    assert Image.open(io.BytesIO(r.content)).size == (20, 20)
    r = await client.get(url, params={"thumb": "33x33"})  # not listed: the original
    assert r.content == png()


async def test_protected_files_need_a_file_token(client, su, app, s3_server, bucket):
    await enable_s3(client, su, s3_server, bucket)
    await make_collection(
        client,
        su,
        {
            "name": "secrets",
            "type": "base",
            "viewRule": "@request.auth.id != ''",
            "createRule": "",
            "fields": [{"name": "p", "type": "file", "maxSelect": 1, "protected": True}],
        },
    )
    r = await client.post("/api/collections/secrets/records", files=[("p", ("s.txt", b"top secret"))])
    rec = r.json()
    url = f"/api/files/secrets/{rec['id']}/{rec['p']}"
    r = await client.get(url)
    assert r.status_code == 404 and r.json() == NOT_FOUND

    _, token = await make_user(client, "reader@example.com")
    file_token = (await client.post("/api/files/token", headers={"Authorization": token})).json()["token"]
    r = await client.get(url, params={"token": file_token})
    assert r.status_code == 200 and r.content == b"top secret"
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    r = await client.get(url, params={"token": "not-a-token"})
    assert r.status_code == 404


async def test_replacing_and_deleting_remove_objects(client, su, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, bucket)
    rec = await upload(client, [("f", ("a.png", png(), "image/png")), ("f", ("b.txt", b"bee"))])
    a, b = rec["f"]
    prefix = f"{docs['id']}/{rec['id']}/"
    await client.get(f"/api/files/docs/{rec['id']}/{a}", params={"thumb": "100x100"})
    assert len(s3_server.keys(bucket)) == 3

    r = await client.patch(f"/api/collections/docs/records/{rec['id']}", json={"f-": [a]})
    assert r.status_code == 200, r.text
    assert s3_server.keys(bucket) == [prefix + b]  # the file and its thumbs went

    other = await upload(client, [("f", ("c.txt", b"sea"))])
    r = await client.delete(f"/api/collections/docs/records/{rec['id']}")
    assert r.status_code == 204
    assert s3_server.keys(bucket) == [f"{docs['id']}/{other['id']}/{other['f'][0]}"]

    r = await client.delete("/api/collections/docs", headers=su)
    assert r.status_code == 204
    assert s3_server.keys(bucket) == []


async def test_a_failed_write_leaves_no_object(client, su, s3_server, bucket):
    await enable_s3(client, su, s3_server, bucket)
    await make_collection(
        client,
        su,
        {
            "name": "uniq",
            "type": "base",
            "createRule": "",
            "fields": [
                {"name": "code", "type": "text"},
                {"name": "f", "type": "file", "maxSelect": 1},
            ],
            "indexes": ["CREATE UNIQUE INDEX idx_code ON uniq (code)"],
        },
    )
    r = await client.post("/api/collections/uniq/records", data={"code": "x"}, files=[("f", ("a.txt", b"1"))])
    assert r.status_code == 200
    kept = s3_server.keys(bucket)
    r = await client.post("/api/collections/uniq/records", data={"code": "x"}, files=[("f", ("b.txt", b"2"))])
    assert r.status_code == 400
    for _ in range(50):  # the rolled-back upload is removed in the background
        if s3_server.keys(bucket) == kept:
            break
        await anyio.sleep(0.05)
    assert s3_server.keys(bucket) == kept


async def test_files_stored_before_the_switch_stay_readable(client, su, app, s3_server, bucket, docs):
    old = await upload(client, [("f", ("old.png", png(), "image/png"))])
    old_name = old["f"][0]
    assert len(local_files(app)) == 1
    await enable_s3(client, su, s3_server, bucket)
    new = await upload(client, [("f", ("new.txt", b"fresh"))])
    assert s3_server.keys(bucket) == [f"{docs['id']}/{new['id']}/{new['f'][0]}"]

    r = await client.get(f"/api/files/docs/{old['id']}/{old_name}")
    assert r.status_code == 200 and r.content == png()
    assert r.headers["content-type"] == "image/png"
    r = await client.get(f"/api/files/docs/{old['id']}/{old_name}", headers={"Range": "bytes=1-3"})
    assert r.status_code == 206 and r.content == png()[1:4]
    # its thumbnail is made from the local original and kept in the bucket
    r = await client.get(f"/api/files/docs/{old['id']}/{old_name}", params={"thumb": "100x100"})
    assert Image.open(io.BytesIO(r.content)).size == (100, 100)
    assert f"{docs['id']}/{old['id']}/thumbs_{old_name}/100x100_{old_name}" in s3_server.keys(bucket)

    # deleting the old record removes its local file and its thumbnail in the bucket
    r = await client.delete(f"/api/collections/docs/records/{old['id']}")
    assert r.status_code == 204
    assert local_files(app) == []
    assert s3_server.keys(bucket) == [f"{docs['id']}/{new['id']}/{new['f'][0]}"]

    # switching back: local storage again (files put in the bucket are PocketBase's business too)
    r = await client.patch("/api/settings", headers=su, json={"s3": {"enabled": False}})
    assert r.status_code == 200
    assert app.storage is app.local_storage


async def test_settings_validation(client, su, s3_server, bucket):
    r = await client.patch("/api/settings", headers=su, json={"s3": {"enabled": True}})
    assert r.status_code == 400
    error_shape(r.json(), 400)
    assert r.json()["message"] == "An error occurred while saving the new settings."
    blank = {"code": "validation_required", "message": "Cannot be blank."}
    assert r.json()["data"] == {
        "s3": {k: blank for k in ("accessKey", "bucket", "endpoint", "region", "secret")}
    }
    r = await client.patch("/api/settings", headers=su, json={"s3": {"endpoint": "notaurl"}})
    assert r.json()["data"] == {
        "s3": {"endpoint": {"code": "validation_is_url", "message": "Must be a valid URL."}}
    }
    for endpoint in ("minio:9000", "localhost:9000", "s3.amazonaws.com", "http://127.0.0.1:9000"):
        r = await client.patch("/api/settings", headers=su, json={"s3": {"endpoint": endpoint}})
        assert r.status_code == 200, endpoint

    # the secret is kept when a later change leaves it out, and never sent back
    await enable_s3(client, su, s3_server, bucket)
    r = await client.patch("/api/settings", headers=su, json={"s3": {"forcePathStyle": True}})
    assert r.status_code == 200 and "secret" not in r.json()["s3"]
    r = await client.post("/api/settings/test/s3", headers=su, json={"filesystem": "storage"})
    assert r.status_code == 204


async def test_the_s3_test_endpoint(client, su, s3_server, bucket):
    url = "/api/settings/test/s3"
    r = await client.post(url, json={"filesystem": "storage"})
    assert r.status_code == 401
    r = await client.post(url, headers=su, json={})
    assert r.json() == {
        "data": {"filesystem": {"code": "validation_required", "message": "Cannot be blank."}},
        "message": "Failed to test the S3 filesystem.",
        "status": 400,
    }
    r = await client.post(url, headers=su, json={"filesystem": "x"})
    assert r.json()["data"] == {
        "filesystem": {"code": "validation_in_invalid", "message": "Must be a valid value."}
    }
    r = await client.post(url, headers={**su, "content-type": "application/json"}, content=b"xx")
    assert r.json() == {
        "data": {},
        "message": "An error occurred while loading the submitted data.",
        "status": 400,
    }
    for fs in ("storage", "backups"):
        r = await client.post(url, headers=su, json={"filesystem": fs})
        assert r.json() == {
            "data": {},
            "message": "Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled.",
            "status": 400,
        }

    await enable_s3(client, su, s3_server, bucket)
    r = await client.post(url, headers=su, json={"filesystem": "storage"})
    assert r.status_code == 204, r.text
    assert s3_server.keys(bucket) == []  # the test file was removed again

    cases = [
        ({"secret": "wrong"}, "SignatureDoesNotMatch"),
        ({"accessKey": "AKIAUNKNOWN000000000"}, "InvalidAccessKeyId"),
        ({"bucket": "no-such-bucket-here"}, "NoSuchBucket"),
    ]
    for override, code in cases:
        await enable_s3(client, su, s3_server, bucket, **override)
        r = await client.post(url, headers=su, json={"filesystem": "storage"})
        assert r.status_code == 400
        body = r.json()
        assert body["data"] == {} and body["status"] == 400
        assert body["message"].startswith(
            "Failed to test the S3 filesystem. Raw error: \nfailed to upload a test file: [key: pb_settings_test_"
        )
        assert code in body["message"] and body["message"].endswith(".")
        assert "wrong" not in body["message"]  # the secret never shows


async def test_the_storage_interface_for_other_code(s3_server, bucket, tmp_path):
    """What backups and plugins use: blocking calls from a worker thread, a file object streamed up."""
    store = open_s3(s3_server.settings(bucket))

    def use() -> None:
        src = tmp_path / "archive.zip"
        src.write_bytes(os.urandom(300_000))
        with open(src, "rb") as fh:
            store.write("backups/archive.zip", fh, "application/zip")
        info = store.stat("backups/archive.zip")
        assert info is not None and info.size == 300_000 and info.content_type == "application/zip"
        assert store.read("backups/archive.zip") == src.read_bytes()
        assert [k for k, _ in store.list_files("backups")] == ["backups/archive.zip"]
        assert store.list_files("back") == []  # a prefix names a folder
        assert store.read("backups/missing.zip") is None and not store.exists("backups/missing.zip")
        store.delete_prefix("backups")
        assert s3_server.keys(bucket) == []

    try:
        await anyio.to_thread.run_sync(use)
    finally:
        store.close()


async def test_a_store_that_refuses_fails_the_write_as_pocketbase(client, su, s3_server, bucket, docs):
    await enable_s3(client, su, s3_server, "no-such-bucket-here")
    r = await client.post("/api/collections/docs/records", files=[("f", ("a.txt", b"1"))])
    assert r.status_code == 400
    assert r.json() == {"data": {}, "message": "Failed to create record.", "status": 400}
    r = await client.get("/api/collections/docs/records")
    assert r.json()["totalItems"] == 0  # nothing half-written
    r = await client.post("/api/collections/docs/records", json={})
    assert r.status_code == 200  # writes without files do not need the store
