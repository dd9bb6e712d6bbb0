"""Backup and restore times for a data set of about 10,000 records, through the CLI as a user
runs it (each command's time includes starting Python and opening the app).

    .venv/bin/python benchmarks/backup_times.py [--records 10000] [--files 200] [--db URL]

Seeds a fresh data folder (and, with --db, a fresh PostgreSQL schema in that database) with
`--records` posts (title, body ~500 bytes, number, bool, JSON) and `--files` stored files of
20 kB, then times `roost backup create` and `roost backup restore FILE` into a new folder and
database, and checks the restored record count and file checksums."""

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
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="roost-backup-bench-")
    src_url = asyncio.run(new_schema(args.db)) if args.db else None
    dst_url = asyncio.run(new_schema(args.db)) if args.db else None
    try:
        src, dst = os.path.join(work, "src"), os.path.join(work, "dst")
        t0 = time.perf_counter()
        sums = asyncio.run(seed(src, src_url, args.records, args.files))
        print(f"seeded {args.records} records and {args.files} files in {time.perf_counter() - t0:.1f}s")
        db_args = ["--db", src_url] if src_url else []
        create = timed("backup", "create", "bench.zip", "--dir", src, *db_args)
        size = os.path.getsize(os.path.join(src, "backups", "bench.zip"))
        db_args = ["--db", dst_url] if dst_url else []
        restore = timed(
            "backup", "restore", os.path.join(src, "backups", "bench.zip"), "--dir", dst, *db_args
        )
        asyncio.run(check(dst, dst_url, args.records, sums))
        engine = "PostgreSQL" if args.db else "SQLite"
        print(
            f"{engine}: backup create {create:.2f}s, restore into a fresh folder {restore:.2f}s "
            f"(zip {size / 1e6:.1f} MB; restored data verified)"
        )
    finally:
        for url in (src_url, dst_url):
            if url:
                asyncio.run(drop_schema(url))
        subprocess.run(["rm", "-rf", work], check=False)


if __name__ == "__main__":
    main()
