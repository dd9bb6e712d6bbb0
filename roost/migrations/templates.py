"""The text of generated migrations: blank ones (`migrate create`), snapshots of every
collection (`migrate collections`) and one per collection change (automigrate)."""

from __future__ import annotations

import copy
from typing import Any

from roost.core.collections import Collection
from roost.migrations.files import python_literal

_HEAD = '''"""{title}"""

from __future__ import annotations

import roost
'''
_HEAD_DATA = _HEAD.replace("import roost", "from typing import Any\n\nimport roost")


def blank(name: str) -> str:
    return (
        _HEAD.format(title=f"Migration {name}.")
        + '''

async def up(app: roost.App) -> None:
    """Apply the change, e.g. `await app.save(roost.Collection({...}))`."""


async def down(app: roost.App) -> None:
    """Undo what up() did."""
'''
    )


def snapshot_json(coll: Collection) -> dict[str, Any]:
    """A collection as a migration stores it: its API JSON without timestamps, token secrets
    (never output) or OAuth2 providers (they carry client secrets; saving a definition without
    `providers` keeps the ones configured where it is applied)."""
    data = copy.deepcopy(coll.to_json())
    data.pop("created", None)
    data.pop("updated", None)
    if isinstance(data.get("oauth2"), dict):
        data["oauth2"].pop("providers", None)
    return data


def all_collections(collections: list[Collection]) -> str:
    snapshot = [snapshot_json(c) for c in collections]
    return (
        _HEAD_DATA.format(title="Snapshot of every collection (roost migrate collections).")
        + f"""
SNAPSHOT: list[dict[str, Any]] = {python_literal(snapshot)}


async def up(app: roost.App) -> None:
    await app.import_collections(SNAPSHOT, delete_missing=False)


async def down(app: roost.App) -> None:
    pass
"""
    )


def created(coll: Collection) -> str:
    return (
        _HEAD_DATA.format(title=f'Created collection "{coll.name}" (written by automigrate).')
        + f"""
COLLECTION: dict[str, Any] = {python_literal(snapshot_json(coll))}


async def up(app: roost.App) -> None:
    await app.save(roost.Collection(COLLECTION))


async def down(app: roost.App) -> None:
    await app.delete(app.find_collection_by_name_or_id(COLLECTION["id"]))
"""
    )


def updated(old: Collection, new: Collection) -> str | None:
    """None when nothing a migration carries changed."""
    before, after = snapshot_json(old), snapshot_json(new)
    if before == after:
        return None
    return (
        _HEAD_DATA.format(title=f'Updated collection "{old.name}" (written by automigrate).')
        + f"""
BEFORE: dict[str, Any] = {python_literal(before)}

AFTER: dict[str, Any] = {python_literal(after)}


async def up(app: roost.App) -> None:
    await app.save(roost.Collection(AFTER))


async def down(app: roost.App) -> None:
    await app.save(roost.Collection(BEFORE))
"""
    )


def deleted(coll: Collection) -> str:
    return (
        _HEAD_DATA.format(title=f'Deleted collection "{coll.name}" (written by automigrate).')
        + f"""
COLLECTION: dict[str, Any] = {python_literal(snapshot_json(coll))}


async def up(app: roost.App) -> None:
    await app.delete(app.find_collection_by_name_or_id(COLLECTION["id"]))


async def down(app: roost.App) -> None:
    await app.save(roost.Collection(COLLECTION))
"""
    )
