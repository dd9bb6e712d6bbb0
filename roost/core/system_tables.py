"""DDL of Roost's own tables (collection definitions, settings, the migrations history), in one
place: the bootstrap, the migrations runner and backup restores create them the same way."""

from __future__ import annotations

from roost.db.dialects.base import Dialect

COLLECTIONS = "_collections"
PARAMS = "_params"
MIGRATIONS = "_migrations"


def create_statements(d: Dialect, table: str) -> list[str]:
    """The statements that create the system table `table` (empty list: not a system table)."""
    q = d.quote
    if table == COLLECTIONS:
        return [
            f"CREATE TABLE {q(COLLECTIONS)} ({q('id')} TEXT PRIMARY KEY NOT NULL, {q('name')} TEXT NOT NULL, "
            f"{q('type')} TEXT NOT NULL, {q('system')} BOOLEAN NOT NULL DEFAULT FALSE, {q('data')} TEXT NOT NULL, "
            f"{q('created')} TEXT NOT NULL, {q('updated')} TEXT NOT NULL)",
            f"CREATE UNIQUE INDEX {q('idx__collections_name')} ON {q(COLLECTIONS)} (LOWER({q('name')}))",
        ]
    if table == PARAMS:
        return [
            f"CREATE TABLE {q(PARAMS)} ({q('id')} TEXT PRIMARY KEY NOT NULL, {q('value')} TEXT, "
            f"{q('created')} TEXT NOT NULL, {q('updated')} TEXT NOT NULL)"
        ]
    if table == MIGRATIONS:
        return [
            f"CREATE TABLE IF NOT EXISTS {q(MIGRATIONS)} ({q('file')} TEXT PRIMARY KEY NOT NULL, "
            f"{q('applied')} BIGINT NOT NULL)"
        ]
    return []
