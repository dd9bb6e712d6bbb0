"""The App: composition root holding the database, the collection registry and settings."""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any

import orjson

from roost.core import auth_refs, backup_schedule, collection_store, installer, logs, mfa, otps
from roost.core.api_keys import ApiKeyStore
from roost.core.app_api import LibraryApi
from roost.core.auth_records import AuthRecords
from roost.core.backups import Backups
from roost.core.collections import Collection, Registry
from roost.core.cron_locks import DatabaseTickLock
from roost.core.events import SettingsReloadEvent, TerminateEvent
from roost.core.hooks import HookCatalogue, HookSet
from roost.core.record_resolver import RecordResolver
from roost.core.request_policy import RequestPolicy
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
from roost.logs import LogStore
from roost.metrics import HttpMetrics
from roost.ratelimit import Limiter, MemoryLimiter
from roost.realtime import Broker, MemoryBroker
from roost.storage import LayeredStorage, LocalStorage, Storage, open_s3

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
        self.auth_records = AuthRecords(self)
        self.local_storage = LocalStorage(os.path.join(data_dir, "storage"))
        self._s3: tuple[tuple[Any, ...], Storage] | None = None  # (settings.s3 it was made for, store)
        self._retired: list[Storage] = []  # stores replaced by a settings change, closed with the app
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
        # the backups folder and the one-backup-or-restore-at-a-time lock (roost/core/backups.py)
        self.backups = Backups(self)
        self.cron.add("__pbDBOptimize__", "0 0 * * *", self.dialect.optimize)
        # mails being sent in the background (roost/core/mails.py); close() lets them finish
        self.mail_tasks: set[asyncio.Task[None]] = set()
        otps.register(self)
        # trusted proxy, superuser IPs and rate-limit rules, compiled from the settings
        self.policy = RequestPolicy(self.settings)
        # rate-limit counters; `roost serve --redis` shares them between processes
        self.limiter: Limiter = MemoryLimiter()
        self.api_keys = ApiKeyStore(self)
        self.api_keys.bind_hooks()  # a new password revokes the record's keys
        # request and app logs (core/logs.py): their database, the batching writer, and the
        # logger hook code writes to (`app.logger.info("msg", extra={...})`)
        self.logs_db: Database | None = None
        self.log_store: LogStore | None = None
        self.logger = logs.new_logger()
        self.http_metrics = HttpMetrics()  # request durations and requests in flight (/api/metrics)
        # SQLite's group commit waits a turn of the loop for company only when other requests are in flight
        self.dialect.hint_concurrency(lambda: self.http_metrics.active > 1)
        self.metrics_secret = ""  # a bearer secret that may read /api/metrics (besides superusers)
        # the folder the workers of one `roost serve --workers N` share their metrics through
        # ("" for a single process; roost/metrics/shared.py)
        self.metrics_dir = ""
        # async fn(app, collection, record, alert_info) mailing the new-login-location alert
        self.auth_alert_sender: Any = _send_auth_alert
        auth_refs.bind_hooks(self)
        installer.bind_hooks(self)
        mfa.register_cleanup(self)

    @classmethod
    async def open(cls, dir: str = "roost_data", db: str | None = None) -> App:
        """Open (creating if needed) the data folder `dir` and the database `db` (a PostgreSQL
        URL, or None for SQLite in `dir`), without serving."""
        os.makedirs(dir, exist_ok=True)
        database = await open_database(db, dir)
        app = cls(dir, database)
        try:
            await collection_store.bootstrap(app)
            backup_schedule.sync_job(app)
            await logs.open_logs(app)
        except BaseException:
            await database.close()
            raise
        return app

    async def close(self) -> None:
        try:
            if self.mail_tasks:
                await asyncio.wait(set(self.mail_tasks), timeout=10)
            await self.backups.wait()
            await self.cron.stop()
            await self.hooks.terminate.trigger(TerminateEvent(self))
        finally:
            try:
                await logs.close_logs(self)
            finally:
                await self.broker.close()
                await self.limiter.close()
                await self.db.close()
                for store in [*self._retired, *([self._s3[1]] if self._s3 else [])]:
                    store.close()
                self.backups.close()

    # --- files -------------------------------------------------------------------------------------
    @property
    def storage(self) -> Storage:
        """Where record files live: the data folder's `storage`, or while `settings.s3.enabled`
        that S3 bucket in front of it (files stored before the switch stay readable, see
        roost/storage/layered.py). Read on every use, as PocketBase makes its filesystem per call."""
        s3 = self.settings.get("s3") or {}
        if not s3.get("enabled"):
            return self.local_storage
        config = tuple(sorted(s3.items()))
        if self._s3 is None or self._s3[0] != config:
            if self._s3 is not None:
                self._retired.append(self._s3[1])  # requests in flight may still be reading it
            self._s3 = (config, LayeredStorage(open_s3(s3), self.local_storage))
        return self._s3[1]

    # --- collections -------------------------------------------------------------------------------
    def collection(self, id_or_name: str) -> Collection | None:
        return self.registry.find(id_or_name)

    async def reload_collections(self) -> None:
        """Collections and settings from the database (another instance changed them)."""

        async def load(e: SettingsReloadEvent) -> None:
            await collection_store.load(self)
            self._filters.clear()
            backup_schedule.sync_job(self)
            logs.apply_settings(self)

        await self.hooks.settings_reload.trigger(SettingsReloadEvent(self), load)

    async def collections_changed(self) -> None:
        """Collections or settings were saved here; listeners (the realtime hub) tell the other
        instances, which then reload both from the database (`reload_collections`)."""
        for cb in self.on_collections_change:
            await cb()

    def clear_caches(self) -> None:
        """Forget compiled filters and verified tokens (the data underneath was replaced)."""
        self._filters.clear()
        self.token_cache.clear()
        self.auth_records.clear()

    # --- backups (PocketBase's app.CreateBackup / app.RestoreBackup) ---------------------------------
    async def create_backup(self, name: str = "") -> str:
        """Back up the database and stored files to `backups/<name>` (a generated name when
        empty); returns the name. Writers carry on meanwhile."""
        return await self.backups.create(name)

    async def restore_backup(self, name: str) -> None:
        """Replace the data with the backup `name` and reopen the app (under `roost serve`, the
        server process restarts)."""
        await self.backups.restore(name)

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

    def settings_changed(self) -> None:
        """Settings were replaced or reloaded: recompile what the request path reads from them."""
        policy = RequestPolicy(self.settings)
        if policy.generation != self.policy.generation:
            self.limiter.reset()
        self.policy = policy


async def _send_auth_alert(app: App, coll: Collection, record: dict[str, Any], info: str) -> None:
    """Mail the new-login-location alert. The mail modules (email, html) load with the first mail
    a server sends, not in every worker at startup."""
    from roost.core import mails

    await mails.send_auth_alert(app, coll, record, info)
