"""Create or drop the PostgreSQL database a test run uses: `pgdb.py create|drop ADMIN_URL NAME`."""

from __future__ import annotations

import asyncio
import sys

import asyncpg


async def main(action: str, admin_url: str, name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"invalid database name {name!r}")
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
