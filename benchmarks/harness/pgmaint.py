"""After seeding Roost on PostgreSQL: the upkeep PostgreSQL's autovacuum does after bulk inserts.

PostgreSQL's default configuration vacuums and analyzes a table once enough rows were inserted
into it (autovacuum_vacuum_insert_threshold, since PostgreSQL 13), within a minute of the seeding.
Until then the planner has no statistics and `count(*)` reads every heap page instead of the
primary key's index (no visibility map yet): about 3x slower on the posts table. A database with
autovacuum switched off (this machine's has it off in /etc/postgresql/15/main/conf.d/90-ci.conf)
would never get there, so every run does what autovacuum would, and says so in the results."""

from __future__ import annotations

import asyncio
import time


def vacuum_analyze(url: str, tables: list[str]) -> str:
    """VACUUM (ANALYZE) each of `tables` in the database at `url`; a line for the results."""
    return asyncio.run(_vacuum_analyze(url, tables))


async def _vacuum_analyze(url: str, tables: list[str]) -> str:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        autovacuum = await conn.fetchval("SHOW autovacuum")
        started = time.perf_counter()
        for table in tables:
            quoted = '"' + table.replace('"', '""') + '"'
            await conn.execute(f"VACUUM (ANALYZE) {quoted}")
        seconds = time.perf_counter() - started
    finally:
        await conn.close()
    return (
        f"VACUUM (ANALYZE) of {', '.join(tables)} after seeding, as autovacuum would "
        f"({seconds:.1f} s; the database's autovacuum is {autovacuum})"
    )
