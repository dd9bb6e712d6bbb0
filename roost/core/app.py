"""The App: composition root holding the database, the collection registry and settings."""

from __future__ import annotations

import logging
import os
from typing import Any

import orjson

from roost.core import auth_refs, collection_store, mfa
from roost.core.app_api import LibraryApi
from roost.core.collections import Collection, Registry
from roost.core.cron_locks import DatabaseTickLock
from roost.core.events import SettingsReloadEvent, TerminateEvent
from roost.core.hooks import HookCatalogue, HookSet
from roost.core.record_resolver import RecordResolver
from roost.core.routing import Routes
from roost.cron import Cron
from roost.db import Database, open_database
from roost.errors import Forbidden
from roost.filter import (
    Compiled,
    Node,
    Resolver,
    compile_filter,
    compile_sort,
    compile_together,
    parse,
    parse_sort,
)
from roost.realtime import Broker, MemoryBroker
from roost.storage import LocalStorage

log = logging.getLogger("roost")

DEFAULT_SETTINGS: dict[str, Any] = {
    "superuserIPs": [],
    "smtp": {
        "enabled": False,
        "port": 587,
        "host": "smtp.example.com",
        "username": "",
        "password": "",
        "authMethod": "",
        "tls": False,
        "localName": "",
    },
    "backups": {
        "cron": "",
        "cronMaxKeep": 3,
        "s3": {
            "enabled": False,
            "bucket": "",
            "region": "",
            "endpoint": "",
            "accessKey": "",
            "secret": "",
            "forcePathStyle": False,
        },
    },
    "s3": {
        "enabled": False,
        "bucket": "",
        "region": "",
        "endpoint": "",
        "accessKey": "",
        "secret": "",
        "forcePathStyle": False,
    },
    "meta": {
        "accentColor": "#1055c9",
        "appName": "Roost",
        "appURL": "http://localhost:8090",
        "senderName": "Support",
        "senderAddress": "support@example.com",
        "hideControls": False,
    },
    "rateLimits": {
        "rules": [
            {"label": "*:auth", "audience": "", "duration": 3, "maxRequests": 2},
            {"label": "*:create", "audience": "", "duration": 5, "maxRequests": 20},
            {"label": "/api/batch", "audience": "", "duration": 1, "maxRequests": 3},
            {"label": "/api/", "audience": "", "duration": 10, "maxRequests": 300},
        ],
        "excludedIPs": [],
        "enabled": False,
    },
    "trustedProxy": {"headers": [], "useLeftmostIP": False},
    "batch": {"enabled": False, "maxRequests": 50, "timeout": 3, "maxBodySize": 0},
    "logs": {"maxDataSize": 0, "maxDays": 5, "minLevel": 0, "logIP": True, "logAuthId": False},
}


def forbid_request_refs(text: str) -> None:
    """PocketBase refuses `@request.`/`@collection.` anywhere in a non-superuser's filter or sort,
    even inside a string literal."""
    for marker in ("@request.", "@collection."):
        if marker in text:
            raise Forbidden(f"Only superusers can filter by {marker}")


class App(HookCatalogue, LibraryApi):
    """One Roost application: database, collections, settings, hooks (`app.on_*`, see
    roost/core/hooks.py) and custom routes (`app.router`)."""

    def __init__(self, data_dir: str, db: Database) -> None:
        self.data_dir = data_dir
        self.db = db
        self.dialect = db.dialect
        self.registry = Registry()
        self.settings: dict[str, Any] = orjson.loads(orjson.dumps(DEFAULT_SETTINGS))
        self._filters: dict[Any, Any] = {}  # filters: Compiled; sorts: (order, where)
        self.token_cache: dict[str, tuple[float, Collection, dict[str, Any], str]] = {}
        self.storage = LocalStorage(os.path.join(data_dir, "storage"))
        self.hooks = HookSet()
        self.router = Routes()
        # async fn() after a collection was created, changed or deleted (other instances reload)
        self.on_collections_change: list[Any] = []
        # carries realtime events and schema changes between processes; replaced by `roost serve --redis`
        self.broker: Broker = MemoryBroker()
        # the realtime hub, once the realtime API is bound (roost/api/realtime_hub.py)
        self.realtime: Any = None
        # scheduled jobs; `roost serve` starts the ticker, the lock makes each tick run once
        self.cron = Cron(DatabaseTickLock(db))
        self.cron.add("__pbDBOptimize__", "0 0 * * *", self.dialect.optimize)
        # async fn(app, collection, record, alert_info) mailing the new-login-location alert
        self.auth_alert_sender: Any = None
        auth_refs.bind_hooks(self)
        mfa.register_cleanup(self)

    @classmethod
    async def open(cls, dir: str = "roost_data", db: str | None = None) -> App:
        """Open (creating if needed) the data folder `dir` and the database `db` (a PostgreSQL
        URL, or None for SQLite in `dir`), without serving."""
        os.makedirs(dir, exist_ok=True)
        database = await open_database(db, dir)
        app = cls(dir, database)
        await collection_store.bootstrap(app)
        return app

    async def close(self) -> None:
        try:
            await self.cron.stop()
            await self.hooks.terminate.trigger(TerminateEvent(self))
        finally:
            await self.broker.close()
            await self.db.close()

    # --- collections -------------------------------------------------------------------------------
    def collection(self, id_or_name: str) -> Collection | None:
        return self.registry.find(id_or_name)

    async def reload_collections(self) -> None:
        """Collections and settings from the database (another instance changed them)."""

        async def load(e: SettingsReloadEvent) -> None:
            await collection_store.load(self)
            self._filters.clear()

        await self.hooks.settings_reload.trigger(SettingsReloadEvent(self), load)

    async def collections_changed(self) -> None:
        """Collections or settings were saved here; listeners (the realtime hub) tell the other
        instances, which then reload both from the database (`reload_collections`)."""
        for cb in self.on_collections_change:
            await cb()

    # --- compiled filters, cached per schema version ------------------------------------------------
    def compile_filter(
        self,
        coll: Collection,
        text: str,
        auth_coll: Collection | None,
        client: bool,
        superuser: bool,
        alias: str | None = None,
    ) -> Compiled:
        """Compile a filter or rule for `coll`. `client` filters from query strings may not use
        @request/@collection unless the caller is a superuser."""
        key = (
            "f",
            self.registry.version,
            coll.id,
            text,
            auth_coll.id if auth_coll else None,
            client and not superuser,
            superuser,
            alias,
        )
        hit: Compiled | None = self._filters.get(key)
        if hit is None:
            if client and not superuser:
                forbid_request_refs(text)
            resolver = RecordResolver(
                self.registry,
                coll,
                auth_coll,
                allow_request=superuser or not client,
                allow_hidden=superuser or not client,
                table_alias=alias,
                join_rules=client and not superuser,
            )
            hit = compile_filter(parse(text), resolver, self.dialect)
            if len(self._filters) > 4096:
                self._filters.clear()
            self._filters[key] = hit
        return hit

    def compile_list_where(
        self, coll: Collection, rule: str, text: str, sort: str, auth_coll: Collection | None
    ) -> Compiled | None:
        """A non-superuser's listRule, client filter and sort joins as one condition when the rule walks
        relations, so that a path named twice is one join (as PocketBase's list query); else None."""
        key = ("lw", self.registry.version, coll.id, rule, text, sort, auth_coll.id if auth_coll else None)
        if key in self._filters:
            cached: Compiled | None = self._filters[key]
            return cached
        hit: Compiled | None = None
        if " JOIN " in self.compile_filter(coll, rule, auth_coll, client=False, superuser=False).sql:
            client = RecordResolver(
                self.registry, coll, auth_coll, allow_request=False, allow_hidden=False, join_rules=True
            )
            parts: list[tuple[Node, Resolver]] = [
                (parse(rule), RecordResolver(self.registry, coll, auth_coll))
            ]
            if text:
                forbid_request_refs(text)
                parts.append((parse(text), client))
            joined = tuple(
                (ident, client)
                for ident, _ in (parse_sort(sort) if sort else ())
                if ident.path not in (("@random",), ("@rowid",))
            )
            hit = compile_together(parts, self.dialect, joined)
        self._filters[key] = hit
        return hit

    def compile_sort(
        self, coll: Collection, text: str, auth_coll: Collection | None, superuser: bool
    ) -> tuple[Compiled, Compiled | None]:
        key = ("s", self.registry.version, coll.id, text, auth_coll.id if auth_coll else None, superuser)
        hit: tuple[Compiled, Compiled | None] | None = self._filters.get(key)
        if hit is None:
            if not superuser:
                forbid_request_refs(text)
            resolver = RecordResolver(
                self.registry,
                coll,
                auth_coll,
                allow_request=superuser,
                allow_hidden=superuser,
                join_rules=not superuser,
            )
            hit = compile_sort(
                parse_sort(text),
                resolver,
                self.dialect,
                f"{self.dialect.quote(coll.table)}.{self.dialect.rowid}",
            )
            self._filters[key] = hit
        return hit

    # --- settings ---------------------------------------------------------------------------------------
    async def save_settings(self) -> None:
        await collection_store.save_settings(self)
