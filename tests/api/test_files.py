"""Files: uploads through record writes, downloads, thumbnails, ranges, protected files, cleanup."""

from __future__ import annotations

import base64
import io
import os
import re
import time
from pathlib import Path

import orjson
import pytest
from PIL import Image

from tests.helpers import error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio

NOT_FOUND = {"data": {}, "message": "The requested resource wasn't found.", "status": 404}
CSP = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
THUMBS = ["50x50", "0x40", "40x0", "60x30", "60x30t", "60x30b", "60x30f", "500x500f"]


def image(width: int, height: int, fmt: str = "PNG") -> bytes:
    """Red on top, blue below: crops from the top, center and bottom tell apart by colour."""
    img = Image.new("RGB", (width, height), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, width, height // 2))
    buf = io.BytesIO()
    img.save(buf, fmt)
    return buf.getvalue()


def stored_name(base: str, ext: str) -> re.Pattern[str]:
    return re.compile(rf"^{base}_[a-z0-9]{{10}}\.{ext}$")


def disk_files(app) -> list[str]:
    """Every file under the storage root, relative to it."""
    out = []
    for folder, _, names in os.walk(app.storage.root):
        out += [os.path.relpath(os.path.join(folder, n), app.storage.root) for n in names]
    return sorted(out)


@pytest.fixture
async def coll(client, su):
    return await make_collection(
        client,
        su,
        {
            "name": "media",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "createRule": "",
            "updateRule": "",
            "deleteRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "doc", "type": "file", "maxSelect": 1, "maxSize": 4096},
                {"name": "docs", "type": "file", "maxSelect": 3},
                {
                    "name": "img",
                    "type": "file",
                    "maxSelect": 1,
                    "mimeTypes": ["image/png", "image/jpeg"],
                    "thumbs": THUMBS,
                },
                {"name": "any", "type": "file", "maxSelect": 5, "thumbs": ["20x20"]},
            ],
        },
    )


async def upload(client, files, data=None, record_id=None):
    url = "/api/collections/media/records" + (f"/{record_id}" if record_id else "")
    send = client.patch if record_id else client.post
    return await send(url, files=files, data=data or {})


async def created(client, files, data=None):
    r = await upload(client, files, data)
    assert r.status_code == 200, r.text
    return r.json()


def url(rec, name, query=""):
    return f"/api/files/{rec['collectionId']}/{rec['id']}/{name}" + (f"?{query}" if query else "")


# --- upload and download -------------------------------------------------------------------------------
async def test_upload_then_download_the_same_bytes(client, coll, app):
    payload = os.urandom(3000)
    rec = await created(
        client, [("doc", ("Random Bytes.bin", payload, "application/octet-stream"))], {"title": "x"}
    )
    assert stored_name("random_bytes", "bin").match(rec["doc"])
    assert disk_files(app) == [f"{coll['id']}/{rec['id']}/{rec['doc']}"]

    r = await client.get(url(rec, rec["doc"]))
    assert r.status_code == 200
    assert r.content == payload
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"] == f'attachment; filename="{rec["doc"]}"'
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["cache-control"] == "max-age=2592000, stale-while-revalidate=86400"
    assert r.headers["accept-ranges"] == "bytes"
    assert "x-frame-options" not in r.headers  # files may be embedded
    assert r.headers["x-content-type-options"] == "nosniff"

    by_name = await client.get(f"/api/files/media/{rec['id']}/{rec['doc']}")
    assert by_name.content == payload


async def test_content_type_comes_from_the_content(client, coll):
    png = image(30, 20)
    rec = await created(
        client,
        [
            ("any", ("notes.txt", b"first file", "application/octet-stream")),
            ("any", ("data.JSON", b'{"a": [1, 2]}', "text/plain")),
            ("any", ("picture", png, "application/octet-stream")),
            ("any", ("page.html", b"<html><body>hi</body></html>", "text/plain")),
            ("any", ("doc.pdf", b"%PDF-1.4\n", "text/plain")),
        ],
    )
    txt, js, pic, html, pdf = rec["any"]
    assert stored_name("data", "JSON").match(js)
    assert stored_name("picture", "png").match(pic)  # the extension is taken from the content
    expected = [
        (txt, "text/plain; charset=utf-8", "attachment"),
        (js, "application/json", "attachment"),
        (pic, "image/png", "inline"),
        (html, "text/html; charset=utf-8", "attachment"),
        (pdf, "application/pdf", "inline"),
    ]
    for name, ctype, disposition in expected:
        r = await client.get(url(rec, name))
        assert r.headers["content-type"] == ctype, name
        assert r.headers["content-disposition"] == f'{disposition}; filename="{name}"'
    forced = await client.get(url(rec, pic, "download=1"))
    assert forced.headers["content-disposition"] == f'attachment; filename="{pic}"'
    assert forced.content == png


async def test_head_sends_headers_only(client, coll):
    rec = await created(client, [("doc", ("a.txt", b"hello", "text/plain"))])
    r = await client.head(url(rec, rec["doc"]))
    assert r.status_code == 200
    assert r.headers["content-length"] == "5"
    assert r.content == b""


# --- thumbnails ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("100x100", (100, 100)),
        ("50x50", (50, 50)),
        ("0x40", (60, 40)),
        ("40x0", (40, 27)),
        ("60x30f", (45, 30)),
        ("500x500f", (300, 200)),
        ("60x30t", (60, 30)),
        ("60x30b", (60, 30)),
    ],
)
async def test_thumbnail_sizes(client, coll, app, size, expected):
    rec = await created(client, [("img", ("photo.png", image(300, 200), "image/png"))])
    r = await client.get(url(rec, rec["img"], f"thumb={size}"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"] == f'inline; filename="{size}_{rec["img"]}"'
    assert Image.open(io.BytesIO(r.content)).size == expected
    cached = f"{coll['id']}/{rec['id']}/thumbs_{rec['img']}/{size}_{rec['img']}"
    assert cached in disk_files(app)


def _colour(png: bytes, y: int) -> str:
    r, _, b = Image.open(io.BytesIO(png)).convert("RGB").getpixel((30, y))
    return "red" if r > b else "blue"


async def test_crop_modes_keep_the_top_center_or_bottom(client, coll):
    # 300x200 (top half red) cut to 2:1: top keeps rows 0-150, center 25-175, bottom 50-200
    rec = await created(client, [("img", ("photo.png", image(300, 200), "image/png"))])
    rows = {}
    for size in ("60x30t", "60x30", "60x30b"):
        png = (await client.get(url(rec, rec["img"], f"thumb={size}"))).content
        rows[size] = (_colour(png, 12), _colour(png, 18))  # 40% and 60% down
    assert rows == {"60x30t": ("red", "red"), "60x30": ("red", "blue"), "60x30b": ("blue", "blue")}


async def test_thumbnail_is_made_once_and_reused(client, coll, app):
    rec = await created(client, [("img", ("photo.png", image(300, 200), "image/png"))])
    first = await client.get(url(rec, rec["img"], "thumb=50x50"))
    path = Path(app.storage.root, coll["id"], rec["id"], f"thumbs_{rec['img']}", f"50x50_{rec['img']}")
    assert path.read_bytes() == first.content
    marker = image(7, 7)
    path.write_bytes(marker)
    again = await client.get(url(rec, rec["img"], "thumb=50x50"))
    assert again.content == marker


@pytest.mark.parametrize("size", ["70x70", "abc", "0x0", "100X100", "50x50x", ""])
async def test_unlisted_or_malformed_size_serves_the_original(client, coll, size):
    png = image(300, 200)
    rec = await created(client, [("img", ("photo.png", png, "image/png"))])
    r = await client.get(url(rec, rec["img"], f"thumb={size}"))
    assert r.status_code == 200
    assert r.content == png
    assert r.headers["content-disposition"] == f'inline; filename="{rec["img"]}"'


async def test_thumbnail_formats(client, coll):
    rec = await created(
        client,
        [
            ("any", ("a.jpg", image(40, 30, "JPEG"), "image/jpeg")),
            ("any", ("b.gif", image(40, 30, "GIF"), "image/gif")),
            ("any", ("c.webp", image(40, 30, "WEBP"), "image/webp")),
        ],
    )
    got = []
    for name in rec["any"]:
        r = await client.get(url(rec, name, "thumb=20x20"))
        img = Image.open(io.BytesIO(r.content))
        got.append((r.headers["content-type"], img.format, img.size))
    # WebP thumbnails are PNG, as in PocketBase
    assert got == [
        ("image/jpeg", "JPEG", (20, 20)),
        ("image/gif", "GIF", (20, 20)),
        ("image/png", "PNG", (20, 20)),
    ]


async def test_no_thumbnail_for_other_types_or_broken_images(client, coll, app):
    broken = image(300, 200)[:120]  # a PNG header and then nothing usable
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    rec = await created(
        client,
        [
            ("any", ("broken.png", broken, "image/png")),
            ("any", ("vector.svg", svg, "image/svg+xml")),
            ("any", ("notes.txt", b"text", "text/plain")),
        ],
    )
    for name, body in zip(rec["any"], (broken, svg, b"text"), strict=True):
        r = await client.get(url(rec, name, "thumb=100x100"))
        assert r.status_code == 200
        assert r.content == body
    assert not [f for f in disk_files(app) if "thumbs_" in f]


# --- ranges and conditional requests ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "status", "content_range", "body"),
    [
        ("bytes=0-1", 206, "bytes 0-1/6", b"ab"),
        ("bytes=2-", 206, "bytes 2-5/6", b"cdef"),
        ("bytes=-2", 206, "bytes 4-5/6", b"ef"),
        ("bytes=4-100", 206, "bytes 4-5/6", b"ef"),
        ("bytes=10-20", 416, "bytes */6", b"invalid range: failed to overlap\n"),
        ("bytes=x-y", 416, None, b"invalid range\n"),
        ("items=0-1", 416, None, b"invalid range\n"),
        ("bytes=3-1", 416, None, b"invalid range\n"),
    ],
)
async def test_range_requests(client, coll, header, status, content_range, body):
    rec = await created(client, [("doc", ("abc.txt", b"abcdef", "text/plain"))])
    r = await client.get(url(rec, rec["doc"]), headers={"Range": header})
    assert r.status_code == status
    assert r.headers.get("content-range") == content_range
    assert r.content == body
    assert r.headers["content-length"] == str(len(body))


async def test_several_ranges_come_as_multipart(client, coll):
    rec = await created(client, [("doc", ("abc.txt", b"abcdef", "text/plain"))])
    r = await client.get(url(rec, rec["doc"]), headers={"Range": "bytes=0-0,4-5"})
    assert r.status_code == 206
    ctype = r.headers["content-type"]
    assert ctype.startswith("multipart/byteranges; boundary=")
    boundary = ctype.split("boundary=")[1]
    assert (
        r.content
        == (
            f"--{boundary}\r\nContent-Range: bytes 0-0/6\r\nContent-Type: text/plain; charset=utf-8\r\n\r\na"
            f"\r\n--{boundary}\r\nContent-Range: bytes 4-5/6\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nef"
            f"\r\n--{boundary}--\r\n"
        ).encode()
    )


async def test_conditional_requests(client, coll):
    rec = await created(client, [("doc", ("abc.txt", b"abcdef", "text/plain"))])
    full = await client.get(url(rec, rec["doc"]))
    modified = full.headers["last-modified"]
    unchanged = await client.get(url(rec, rec["doc"]), headers={"If-Modified-Since": modified})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    stale = await client.get(
        url(rec, rec["doc"]), headers={"Range": "bytes=0-1", "If-Range": "Mon, 01 Jan 2001 00:00:00 GMT"}
    )
    assert stale.status_code == 200 and stale.content == b"abcdef"
    fresh = await client.get(url(rec, rec["doc"]), headers={"Range": "bytes=0-1", "If-Range": modified})
    assert fresh.status_code == 206 and fresh.content == b"ab"


# --- not found and traversal -------------------------------------------------------------------------------
async def test_unknown_collection_record_or_name(client, coll, app):
    rec = await created(client, [("doc", ("a.txt", b"a", "text/plain"))])
    other = await created(client, [("doc", ("b.txt", b"b", "text/plain"))])
    r = await client.get(f"/api/files/nope/{rec['id']}/{rec['doc']}")
    assert r.status_code == 404
    assert r.json() == {"data": {}, "message": "Missing or invalid collection context.", "status": 404}
    for path in (
        f"/api/files/media/nope/{rec['doc']}",
        f"/api/files/media/{rec['id']}/nope_0123456789.txt",
        f"/api/files/media/{rec['id']}/{other['doc']}",
    ):  # a file of another record
        r = await client.get(path)
        assert r.status_code == 404 and r.json() == NOT_FOUND, path
    # listed on the record but gone from disk
    os.remove(os.path.join(app.storage.root, coll["id"], rec["id"], rec["doc"]))
    r = await client.get(url(rec, rec["doc"]))
    assert r.status_code == 404 and r.json() == NOT_FOUND


async def test_traversal_never_leaves_the_record_folder(client, coll, app):
    secret = Path(app.data_dir) / "secret.txt"
    secret.write_text("not yours")
    rec = await created(
        client,
        [
            ("docs", ("../../../secret.txt", b"evil", "text/plain")),
            ("docs", ("..", b"dots", "text/plain")),
            ("docs", ("..\\..\\win.txt", b"win", "text/plain")),
        ],
    )
    assert stored_name("secret", "txt").match(rec["docs"][0])
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in rec["docs"])
    assert all(f.startswith(f"{coll['id']}/{rec['id']}/") for f in disk_files(app))
    assert secret.read_text() == "not yours"

    png_rec = await created(client, [("img", ("p.png", image(300, 200), "image/png"))])
    await client.get(url(png_rec, png_rec["img"], "thumb=100x100"))
    for name in (
        "..%2F..%2F..%2Fsecret.txt",
        "../../../secret.txt",
        "%2e%2e%2fsecret.txt",
        f"thumbs_{png_rec['img']}%2F100x100_{png_rec['img']}",
        "%2e%2e",
        "%00",
    ):
        r = await client.get(f"/api/files/media/{png_rec['id']}/{name}")
        assert r.status_code == 404, name
        error_shape(r.json(), 404)
        assert b"not yours" not in r.content
    r = await client.get(f"/api/files/media/%00/{png_rec['img']}")
    assert r.status_code == 404 and r.json() == NOT_FOUND


# --- record writes ----------------------------------------------------------------------------------------
async def test_append_prepend_remove_and_merge(client, coll, app):
    rec = await created(client, [("docs", ("one.txt", b"1", "text/plain"))])
    one = rec["docs"][0]
    r = await upload(client, [("+docs", ("zero.txt", b"0", "text/plain"))], record_id=rec["id"])
    zero = r.json()["docs"][0]
    assert r.json()["docs"] == [zero, one] and stored_name("zero", "txt").match(zero)
    r = await upload(client, [("docs+", ("two.txt", b"2", "text/plain"))], record_id=rec["id"])
    two = r.json()["docs"][2]
    assert r.json()["docs"] == [zero, one, two]

    r = await client.patch(f"/api/collections/media/records/{rec['id']}", data={"docs-": zero})
    assert r.json()["docs"] == [one, two]
    assert (await client.get(url(rec, zero))).status_code == 404
    assert f"{coll['id']}/{rec['id']}/{zero}" not in disk_files(app)

    # names sent with new files are kept; the others are replaced and deleted
    r = await upload(
        client, [("docs", ("three.txt", b"3", "text/plain"))], {"docs": one}, record_id=rec["id"]
    )
    three = r.json()["docs"][1]
    assert r.json()["docs"] == [one, three]
    assert disk_files(app) == sorted(f"{coll['id']}/{rec['id']}/{n}" for n in (one, three))

    # JSON removal by name works the same way
    r = await client.patch(f"/api/collections/media/records/{rec['id']}", json={"docs-": [one]})
    assert r.json()["docs"] == [three]
    assert disk_files(app) == [f"{coll['id']}/{rec['id']}/{three}"]


async def test_replacing_and_clearing_delete_files_and_thumbs(client, coll, app):
    rec = await created(client, [("img", ("a.png", image(300, 200), "image/png"))])
    await client.get(url(rec, rec["img"], "thumb=100x100"))
    assert len(disk_files(app)) == 2
    r = await upload(client, [("img", ("b.png", image(30, 20), "image/png"))], record_id=rec["id"])
    new = r.json()["img"]
    assert disk_files(app) == [f"{coll['id']}/{rec['id']}/{new}"]  # old file and its thumbs are gone
    r = await client.patch(f"/api/collections/media/records/{rec['id']}", json={"img": ""})
    assert r.json()["img"] == ""
    assert disk_files(app) == []
    await client.patch(
        f"/api/collections/media/records/{rec['id']}", files=[("doc", ("x.txt", b"x", "text/plain"))], data={}
    )
    assert (await client.delete(f"/api/collections/media/records/{rec['id']}")).status_code == 204
    assert disk_files(app) == []
    assert os.listdir(app.storage.root) == []  # empty folders go too


async def test_single_file_field_keeps_the_last_upload(client, coll, app):
    rec = await created(
        client, [("doc", ("a.txt", b"a", "text/plain")), ("doc", ("b.txt", b"b", "text/plain"))]
    )
    assert rec["doc"].endswith(".txt") and rec["doc"].startswith("b")
    assert disk_files(app) == [f"{coll['id']}/{rec['id']}/{rec['doc']}"]


async def test_invalid_uploads_give_pocketbase_errors_and_write_nothing(client, coll, app):
    big = await upload(client, [("doc", ("big.bin", b"x" * 5000, "application/octet-stream"))])
    assert big.status_code == 400
    too_big = {
        "code": "validation_file_size_limit",
        "message": "Failed to upload big.bin - the maximum allowed file size is 4096 bytes.",
        "params": {"file": "big.bin", "maxSize": 4096},
    }
    assert big.json() == {"data": {"doc": too_big}, "message": "Failed to create record.", "status": 400}

    fake = await upload(client, [("img", ("fake.png", b"not a png", "image/png"))])
    err = fake.json()["data"]["img"]
    assert fake.status_code == 400 and err["code"] == "validation_invalid_mime_type"
    assert re.fullmatch(
        r'"fake_[a-z0-9]{10}\.png" mime type must be one of: image/png, image/jpeg\.', err["message"]
    )

    many = await upload(
        client,
        [("docs", (f"{n}.txt", n.encode(), "text/plain")) for n in "abcd"]
        + [("doc", ("big.bin", b"x" * 5000, "application/octet-stream"))],
    )
    assert many.json()["data"] == {
        "docs": {
            "code": "validation_too_many_files",
            "message": "The maximum allowed files is 3.",
            "params": {"maxSelect": 3},
        },
        "doc": too_big,
    }
    assert disk_files(app) == []
    listed = await client.get("/api/collections/media/records")
    assert listed.json()["totalItems"] == 0


async def test_only_existing_names_may_be_kept(client, coll, app):
    r = await client.post("/api/collections/media/records", json={"docs": ["bogus.txt"]})
    assert r.status_code == 400
    assert r.json()["data"] == {
        "docs": {
            "code": "validation_invalid_file",
            "message": "Invalid new files: [bogus.txt].",
            "params": {"invalidFiles": ["bogus.txt"]},
        }
    }
    rec = await created(client, [("docs", ("a.txt", b"a", "text/plain"))])
    r = await client.patch(
        f"/api/collections/media/records/{rec['id']}", json={"docs": [rec["docs"][0], "x.txt"]}
    )
    assert r.status_code == 400 and r.json()["data"]["docs"]["code"] == "validation_invalid_file"
    # a part without a filename is a plain value, not an upload
    r = await upload(client, [("docs", ("", b"sneaky", "text/plain"))])
    assert r.json()["data"]["docs"]["params"] == {"invalidFiles": ["sneaky"]}
    assert disk_files(app) == [f"{coll['id']}/{rec['id']}/{rec['docs'][0]}"]


async def test_a_write_failing_after_validation_leaves_no_file(client, su, app):
    await make_collection(
        client,
        su,
        {
            "name": "gated",
            "type": "base",
            "createRule": "title = 'ok'",
            "viewRule": "",
            "fields": [{"name": "title", "type": "text"}, {"name": "doc", "type": "file", "maxSelect": 1}],
        },
    )
    r = await client.post(
        "/api/collections/gated/records", data={"title": "no"}, files=[("doc", ("a.txt", b"a", "text/plain"))]
    )
    assert r.status_code == 400
    assert disk_files(app) == []
    ok = await client.post(
        "/api/collections/gated/records", data={"title": "ok"}, files=[("doc", ("a.txt", b"a", "text/plain"))]
    )
    assert ok.status_code == 200
    kept = disk_files(app)
    # the same id again: the unique violation must not touch the first record's files
    dup = await client.post(
        "/api/collections/gated/records",
        data={"title": "ok", "id": ok.json()["id"]},
        files=[("doc", ("b.txt", b"b", "text/plain"))],
    )
    assert dup.status_code == 400
    assert disk_files(app) == kept


# --- protected files and file tokens ---------------------------------------------------------------------
@pytest.fixture
async def private(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "private",
            "type": "base",
            "listRule": "owner = @request.auth.id",
            "viewRule": "owner = @request.auth.id",
            "createRule": "@request.auth.id != ''",
            "fields": [
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
                {"name": "secret", "type": "file", "maxSelect": 1, "protected": True},
            ],
        },
    )
    owner, owner_token = await make_user(client, "owner@example.com")
    _, other_token = await make_user(client, "other@example.com")
    r = await client.post(
        "/api/collections/private/records",
        headers={"Authorization": owner_token},
        data={"owner": owner["id"]},
        files=[("secret", ("secret.txt", b"top secret", "text/plain"))],
    )
    assert r.status_code == 200, r.text
    return r.json(), owner_token, other_token


async def file_token(client, auth_token):
    r = await client.post("/api/files/token", headers={"Authorization": auth_token})
    assert r.status_code == 200, r.text
    assert set(r.json()) == {"token"}
    return r.json()["token"]


async def test_protected_file_needs_a_file_token_passing_the_view_rule(client, su, private):
    rec, owner_token, other_token = private
    plain = await client.get(url(rec, rec["secret"]), headers={"Authorization": owner_token})
    assert plain.status_code == 404 and plain.json() == NOT_FOUND  # the header does not count
    auth_as_file = await client.get(url(rec, rec["secret"], f"token={owner_token}"))
    assert auth_as_file.status_code == 404
    owners = await client.get(url(rec, rec["secret"], f"token={await file_token(client, owner_token)}"))
    assert owners.status_code == 200 and owners.content == b"top secret"
    others = await client.get(url(rec, rec["secret"], f"token={await file_token(client, other_token)}"))
    assert others.status_code == 404 and others.json() == NOT_FOUND
    su_token = await file_token(client, su["Authorization"])
    superuser = await client.get(url(rec, rec["secret"], f"token={su_token}"))
    assert superuser.status_code == 200
    garbage = await client.get(url(rec, rec["secret"], "token=garbage"))
    assert garbage.status_code == 404


async def test_view_rule_sees_the_protected_file_context(client, su):
    await make_collection(
        client,
        su,
        {
            "name": "vault",
            "type": "base",
            "createRule": "",
            "viewRule": "@request.context = 'protectedFile'",
            "fields": [{"name": "secret", "type": "file", "maxSelect": 1, "protected": True}],
        },
    )
    r = await client.post(
        "/api/collections/vault/records", files=[("secret", ("s.txt", b"shh", "text/plain"))]
    )
    rec = r.json()
    assert (await client.get(f"/api/collections/vault/records/{rec['id']}")).status_code == 404
    served = await client.get(url(rec, rec["secret"]))
    assert served.status_code == 200 and served.content == b"shh"


async def test_file_token_is_a_short_lived_file_jwt(client, private):
    _, owner_token, _ = private
    token = await file_token(client, owner_token)
    payload = token.split(".")[1]
    claims = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["type"] == "file" and claims["collectionId"] == "_pb_users_auth_"
    assert abs(claims["exp"] - (time.time() + 180)) < 10


async def test_guests_cannot_get_a_file_token(client, coll):
    r = await client.post("/api/files/token")
    assert r.status_code == 401
    assert r.json() == {
        "data": {},
        "message": "The request requires valid record authorization token.",
        "status": 401,
    }
