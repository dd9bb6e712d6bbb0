"""API keys: long-lived credentials that superusers create, each acting as one auth record
(a superuser, or a record of any auth collection), sent in `Authorization` like a token.

A key reads `rk_<id>_<secret>`. Only the SHA-256 of the secret is stored (the secret is 32
random bytes, so a fast hash is enough), in the `_apiKeys` table, and compared in constant time.
Each instance keeps a key's row for at most `CACHE_TTL` seconds, and drops it at once when a
`apikeys` broker message (sent on every update and delete) names it, so a revoked key stops
working everywhere within a second. The acting record is read on every request, as for tokens:
deleting it disables the key. A new password for the acting record revokes its keys (deleted in
the same transaction as the password, announced once it commits), as it ends its sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from roost.core.events import is_auth_record
from roost.core.fields.date import now, parse_datetime
from roost.core.records import SUPERUSERS_ID, fetch_record
from roost.db import DatabaseError
from roost.errors import ValidationError, field_error
from roost.security.ids import random_id

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.collections import Collection
    from roost.core.events import RecordEvent

KEY_PREFIX = "rk_"
TABLE = "_apiKeys"
CACHE_TTL = 1.0  # seconds an instance may use a key's row before reading it again
CHANNEL = "apikeys"  # broker channel: the id of a key that changed or was deleted
NAME_MAX = 255
_CACHE_MAX = 10_000
_REVOKE_HOOK = "__roostApiKeysOnPassword__"
_PENDING_MAX = 60.0  # s a revocation waits for its write to commit before it is forgotten
_COLUMNS = ("id", "name", "collectionId", "recordId", "hash", "expires", "rateLimit", "created", "updated")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(slots=True)
class ApiKey:
    id: str
    name: str
    collection_id: str
    record_id: str
    hash: str
    expires: str
    rate_limit: dict[str, int] | None
    created: str
    updated: str

    def to_json(self, app: App) -> dict[str, Any]:
        coll = app.registry.by_id.get(self.collection_id)
        return {
            "id": self.id,
            "name": self.name,
            "collectionId": self.collection_id,
            "collectionName": coll.name if coll else "",
            "recordId": self.record_id,
            "expires": self.expires,
            "rateLimit": self.rate_limit,
            "created": self.created,
            "updated": self.updated,
        }

    def expired(self) -> bool:
        return bool(self.expires) and self.expires <= now()


def _row_to_key(row: Any) -> ApiKey:
    data = dict(zip(_COLUMNS, row, strict=True))
    limit = orjson.loads(data["rateLimit"]) if data["rateLimit"] else None
    return ApiKey(
        data["id"],
        data["name"],
        data["collectionId"],
        data["recordId"],
        data["hash"],
        data["expires"] or "",
        limit,
        data["created"],
        data["updated"],
    )


class ApiKeyStore:
    def __init__(self, app: App) -> None:
        self.app = app
        self._ready = False
        self._cache: dict[str, tuple[float, ApiKey | None]] = {}
        # keys deleted with a new password, to announce once that write commits:
        # (collection id, record id) -> (monotonic time, key ids)
        self._revoked: dict[tuple[str, str], tuple[float, list[str]]] = {}

    # --- storage ------------------------------------------------------------------------------------
    async def _ensure(self) -> None:
        if self._ready:
            return
        db = self.app.db
        q = db.dialect.quote
        cols = ", ".join(f"{q(c)} TEXT NOT NULL DEFAULT ''" for c in _COLUMNS[1:])
        try:
            await db.execute(
                f"CREATE TABLE IF NOT EXISTS {q(TABLE)} ({q('id')} TEXT PRIMARY KEY NOT NULL, {cols})"
            )
        except DatabaseError:
            if not await db.dialect.table_exists(db, TABLE):  # else another process made it just now
                raise
        self._ready = True

    def _select(self) -> str:
        q = self.app.dialect.quote
        return f"SELECT {', '.join(q(c) for c in _COLUMNS)} FROM {q(TABLE)}"

    async def list(self) -> list[ApiKey]:
        await self._ensure()
        q = self.app.dialect.quote
        rows = await self.app.db.fetch_all(self._select() + f" ORDER BY {q('created')}, {q('id')}")
        return [_row_to_key(r) for r in rows]

    async def get(self, key_id: str) -> ApiKey | None:
        await self._ensure()
        q = self.app.dialect.quote
        row = await self.app.db.fetch_one(self._select() + f" WHERE {q('id')} = ?", (key_id,))
        return _row_to_key(row) if row else None

    async def create(
        self, data: dict[str, Any], creator: tuple[Collection, dict[str, Any]]
    ) -> tuple[ApiKey, str]:
        """A new key from `{name, collection?, record?, expires?, rateLimit?}` (without a
        collection, the key acts as `creator`); returns it with its one-time secret key."""
        await self._ensure()
        errors: dict[str, Any] = {}
        name = _name(data.get("name"), errors)
        coll_id, record_id = await self._target(data, creator, errors)
        expires = _expires(data.get("expires"), errors)
        limit = _rate_limit(data.get("rateLimit"), errors)
        if errors:
            raise ValidationError(errors, "Failed to create API key.")
        secret = secrets.token_urlsafe(32)
        ts = now()
        key = ApiKey(random_id(), name, coll_id, record_id, _digest(secret), expires, limit, ts, ts)
        q = self.app.dialect.quote
        await self.app.db.execute(
            f"INSERT INTO {q(TABLE)} ({', '.join(q(c) for c in _COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
            _values(key),
        )
        return key, f"{KEY_PREFIX}{key.id}_{secret}"

    async def update(self, key: ApiKey, data: dict[str, Any]) -> ApiKey:
        """Change a key's name, expiry or rate limit (what it acts as never changes)."""
        errors: dict[str, Any] = {}
        if "name" in data:
            key.name = _name(data["name"], errors)
        if "expires" in data:
            key.expires = _expires(data["expires"], errors)
        if "rateLimit" in data:
            key.rate_limit = _rate_limit(data["rateLimit"], errors)
        if errors:
            raise ValidationError(errors, "Failed to update API key.")
        key.updated = now()
        q = self.app.dialect.quote
        await self.app.db.execute(
            f"UPDATE {q(TABLE)} SET {q('name')} = ?, {q('expires')} = ?, {q('rateLimit')} = ?, {q('updated')} = ? "
            f"WHERE {q('id')} = ?",
            (key.name, key.expires, _limit_text(key.rate_limit), key.updated, key.id),
        )
        await self._changed(key.id)
        return key

    async def delete(self, key: ApiKey) -> None:
        await self._ensure()
        q = self.app.dialect.quote
        await self.app.db.execute(f"DELETE FROM {q(TABLE)} WHERE {q('id')} = ?", (key.id,))
        await self._changed(key.id)

    async def _changed(self, key_id: str) -> None:
        self._cache.pop(key_id, None)
        if self.app.broker.shared:
            await self.app.broker.publish(CHANNEL, key_id.encode())

    async def on_broker_message(self, message: bytes) -> None:
        self._cache.pop(message.decode(errors="replace"), None)

    # --- a new password revokes the record's keys ---------------------------------------------------
    def bind_hooks(self) -> None:
        self.app.hooks.record_update_execute.bind(
            self._on_update, id=_REVOKE_HOOK, priority=99, _when=is_auth_record
        )

    async def _on_update(self, e: RecordEvent) -> None:
        await e.next()
        coll, tx = e.record.collection, e.tx
        if not coll.is_auth or tx is None:
            return
        if e.record.original().get("password") == e.record.data.get("password"):
            return
        if not self._ready and not await self.app.dialect.table_exists(tx, TABLE):
            return  # no key was ever made
        q = self.app.dialect.quote
        where = f"WHERE {q('collectionId')} = ? AND {q('recordId')} = ?"
        args = (coll.id, str(e.record.data["id"]))
        rows = await tx.fetch_all(f"SELECT {q('id')} FROM {q(TABLE)} {where}", args)
        if rows:
            await tx.execute(f"DELETE FROM {q(TABLE)} {where}", args)
            self._revoked[args] = (time.monotonic(), [str(r[0]) for r in rows])
            # announced once the write commits; bound only meanwhile, so other updates pay nothing
            self.app.hooks.record_after_update_success.bind(self._on_updated, id=_REVOKE_HOOK, priority=99)

    async def _on_updated(self, e: RecordEvent) -> None:
        await e.next()
        entry = self._revoked.pop((e.record.collection.id, str(e.record.data["id"])), None)
        for key_id in entry[1] if entry else ():
            await self._changed(key_id)
        stale = time.monotonic() - _PENDING_MAX  # writes that rolled back leave entries behind
        self._revoked = {k: v for k, v in self._revoked.items() if v[0] > stale}
        if not self._revoked:
            self.app.hooks.record_after_update_success.unbind(_REVOKE_HOOK)

    async def _target(
        self, data: dict[str, Any], creator: tuple[Collection, dict[str, Any]], errors: dict[str, Any]
    ) -> tuple[str, str]:
        ref, record_id = data.get("collection"), data.get("record")
        if ref in (None, "") and record_id in (None, ""):
            return creator[0].id, str(creator[1]["id"])
        coll = self.app.registry.find(str(ref)) if isinstance(ref, str) and ref else None
        if coll is None or not coll.is_auth:
            errors["collection"] = field_error(
                "validation_missing_collection", "Missing or invalid auth collection."
            )
            return "", ""
        if not isinstance(record_id, str) or not record_id:
            errors["record"] = field_error("validation_required", "Cannot be blank.")
            return "", ""
        if "\x00" in record_id or await fetch_record(self.app, coll, record_id) is None:
            errors["record"] = field_error("validation_missing_record", "Missing or invalid auth record.")
        return coll.id, record_id

    # --- authentication -----------------------------------------------------------------------------
    async def _cached(self, key_id: str) -> ApiKey | None:
        hit = self._cache.get(key_id)
        clock = time.monotonic()
        if hit is not None and clock - hit[0] < CACHE_TTL:
            return hit[1]
        try:
            key = await self.get(key_id)
        except DatabaseError:
            return None
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[key_id] = (clock, key)
        return key

    async def authenticate(self, token: str) -> tuple[Collection, dict[str, Any], dict[str, Any]] | None:
        """(collection, record, claims) for a valid, unexpired key, else None (a guest)."""
        parts = token.split("_", 2)
        if len(parts) != 3 or len(parts[1]) != 15 or not parts[1].isalnum():
            return None
        key = await self._cached(parts[1])
        if key is None or not hmac.compare_digest(key.hash, _digest(parts[2])) or key.expired():
            return None
        coll = self.app.registry.by_id.get(key.collection_id)
        if coll is None or not coll.is_auth:
            return None
        record = await fetch_record(self.app, coll, key.record_id)
        if record is None:
            return None
        claims = {
            "id": key.record_id,
            "type": "auth",
            "collectionId": coll.id,
            "refreshable": False,  # auth-refresh answers with the key itself
            "apiKey": key.id,
            "rateLimit": key.rate_limit,
        }
        return coll, record, claims


def is_superuser_key(key: ApiKey) -> bool:
    return key.collection_id == SUPERUSERS_ID


def _limit_text(limit: dict[str, int] | None) -> str:
    return orjson.dumps(limit).decode() if limit else ""


def _values(key: ApiKey) -> tuple[Any, ...]:
    return (
        key.id,
        key.name,
        key.collection_id,
        key.record_id,
        key.hash,
        key.expires,
        _limit_text(key.rate_limit),
        key.created,
        key.updated,
    )


def _name(value: Any, errors: dict[str, Any]) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        errors["name"] = field_error("validation_required", "Cannot be blank.")
    elif len(name) > NAME_MAX:
        errors["name"] = field_error(
            "validation_max_text_constraint", f"Must be less than {NAME_MAX} character(s).", max=NAME_MAX
        )
    return name


def _expires(value: Any, errors: dict[str, Any]) -> str:
    if value is None:
        return ""
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        errors["expires"] = field_error("validation_invalid_date", "Must be a valid date.")
        return ""
    if parsed and parsed <= now():
        errors["expires"] = field_error("validation_date_in_past", "Must be a date in the future.")
    return parsed


def _rate_limit(value: Any, errors: dict[str, Any]) -> dict[str, int] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors["rateLimit"] = field_error("validation_invalid_value", "Must be an object or null.")
        return None
    out: dict[str, int] = {}
    sub: dict[str, Any] = {}
    for name in ("maxRequests", "duration"):
        n = value.get(name)
        if isinstance(n, bool) or not isinstance(n, int):
            sub[name] = field_error("validation_required", "Cannot be blank.")
        elif n < 1:
            sub[name] = field_error(
                "validation_min_greater_equal_than_required", "Must be no less than 1.", threshold=1
            )
        else:
            out[name] = n
    if sub:
        errors["rateLimit"] = sub
        return None
    return out
