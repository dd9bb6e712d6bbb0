"""Backup and restore times for a data set of about 10,000 records, through the CLI as a user
runs it (each command's time includes starting Python and opening the app).

    .venv/bin/python benchmarks/backup_times.py [--records 10000] [--files 200] [--db URL] [--s3]

Seeds a fresh data folder (and, with --db, a fresh PostgreSQL schema in that database) with
`--records` posts (title, body ~500 bytes, number, bool, JSON) and `--files` stored files of
20 kB, then times `roost backup create` and `roost backup restore FILE` into a new folder and
database, and checks the restored record count and file checksums. With --s3 the backup is kept
in S3 (`settings.backups.s3`, on a local moto server): create includes the upload, and the
restore (by name, from the bucket) the download."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid

import asyncpg

import roost

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


async def new_schema(url: str) -> str:
    schema = "bench_" + uuid.uuid4().hex[:10]
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await conn.close()
    return f"{url}{'&' if '?' in url else '?'}search_path={schema}"


async def drop_schema(url: str) -> None:
    base, schema = url.rsplit("search_path=", 1)
    conn = await asyncpg.connect(base.rstrip("?&"))
    try:
        await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await conn.close()


async def keep_backups_in(data_dir: str, db_url: str | None, s3: dict[str, object]) -> None:
    app = await roost.App.open(data_dir, db_url)
    try:
        app.settings["backups"]["s3"] = s3
        await app.save_settings()
    finally:
        await app.close()


async def seed(data_dir: str, db_url: str | None, records: int, files: int) -> dict[str, str]:
    app = await roost.App.open(data_dir, db_url)
    try:
        posts = await app.save(
            roost.Collection(
                {
                    "name": "posts",
                    "fields": [
                        {"name": "title", "type": "text"},
                        {"name": "body", "type": "text"},
                        {"name": "views", "type": "number"},
                        {"name": "published", "type": "bool"},
                        {"name": "meta", "type": "json"},
                    ],
                }
            )
        )
        rng = random.Random(1)
        words = [
            "lorem",
            "ipsum",
            "dolor",
            "sit",
            "amet",
            "consectetur",
            "adipiscing",
            "elit",
            "sed",
            "do",
            "eiusmod",
            "tempor",
        ]
        for start in range(0, records, 500):

            async def chunk(tx: object, start: int = start) -> None:
                for i in range(start, min(start + 500, records)):
                    body = " ".join(rng.choices(words, k=80))
                    await tx.save(  # type: ignore[attr-defined]
                        roost.Record(
                            posts,
                            {
                                "title": f"post {i}",
                                "body": body,
                                "views": i,
                                "published": i % 2 == 0,
                                "meta": {"i": i, "tags": rng.sample(words, 3)},
                            },
                        )
                    )

            await app.run_in_transaction(chunk)
        sums = {}
        for i in range(files):
            blob = os.urandom(20_000)
            key = f"{posts.id}/file{i:04d}/f{i}.bin"
            app.storage.write(key, blob)
            sums[key] = hashlib.sha256(blob).hexdigest()
        return sums
    finally:
        await app.close()


async def check(data_dir: str, db_url: str | None, records: int, sums: dict[str, str]) -> None:
    app = await roost.App.open(data_dir, db_url)
    try:
        table = app.dialect.quote("posts")
        count = await app.db.fetch_val(f"SELECT COUNT(*) FROM {table}")
        assert int(count) == records, (count, records)
        for key, digest in sums.items():
            data = app.storage.read(key)
            assert data is not None and hashlib.sha256(data).hexdigest() == digest, key
    finally:
        await app.close()


def timed(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "roost", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"roost {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--db", default=None, help="PostgreSQL URL (a fresh schema is used inside it)")
    parser.add_argument("--s3", action="store_true", help="keep the backup in S3 (a local moto server)")
    args = parser.parse_args()
    s3_server = None
    if args.s3:
        sys.path.insert(0, ROOT)
        from tests.s3_server import start

        s3_server = start()
    work = tempfile.mkdtemp(prefix="roost-backup-bench-")
    src_url = asyncio.run(new_schema(args.db)) if args.db else None
    dst_url = asyncio.run(new_schema(args.db)) if args.db else None
    try:
        src, dst = os.path.join(work, "src"), os.path.join(work, "dst")
        t0 = time.perf_counter()
        sums = asyncio.run(seed(src, src_url, args.records, args.files))
        print(f"seeded {args.records} records and {args.files} files in {time.perf_counter() - t0:.1f}s")
        db_args = ["--db", src_url] if src_url else []
        if s3_server is not None:
            s3 = s3_server.settings(bucket := s3_server.new_bucket())
            asyncio.run(keep_backups_in(src, src_url, s3))
            asyncio.run(keep_backups_in(dst, dst_url, s3))
        create = timed("backup", "create", "bench.zip", "--dir", src, *db_args)
        if s3_server is not None:
            size = s3_server.client().head_object(Bucket=bucket, Key="bench.zip")["ContentLength"]
            source = "bench.zip"  # restored by name from the bucket
        else:
            size = os.path.getsize(os.path.join(src, "backups", "bench.zip"))
            source = os.path.join(src, "backups", "bench.zip")
        db_args = ["--db", dst_url] if dst_url else []
        restore = timed("backup", "restore", source, "--dir", dst, *db_args)
        asyncio.run(check(dst, dst_url, args.records, sums))
        engine = ("PostgreSQL" if args.db else "SQLite") + (" with backups in S3" if args.s3 else "")
        print(
            f"{engine}: backup create {create:.2f}s, restore into a fresh folder {restore:.2f}s "
            f"(zip {size / 1e6:.1f} MB; restored data verified)"
        )
    finally:
        for url in (src_url, dst_url):
            if url:
                asyncio.run(drop_schema(url))
        subprocess.run(["rm", "-rf", work], check=False)
        if s3_server is not None:
            s3_server.stop()


if __name__ == "__main__":
    main()
