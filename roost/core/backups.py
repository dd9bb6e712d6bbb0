"""Backups and restores: PocketBase's CreateBackup / RestoreBackup for a Roost data folder.

A backup is one zip (roost/archive): the database snapshot (SQLite: `VACUUM INTO` a file;
PostgreSQL: a logical dump, core/backup_dump.py), every other entry of the data folder (the
stored files under `storage/`) and a manifest with each file's sha256. Backups live in
`<data>/backups`, or in the S3 bucket of `settings.backups.s3` while it is enabled
(core/backup_store.py); work files in `<data>/.roost_temp`, on the same file system, so finished
files move into place atomically (or are uploaded from there).

A restore verifies the archive (manifest, checksums, safe paths) before touching anything, then
moves the current data folder entries aside, moves the restored ones in, swaps the database
(SQLite: the file; PostgreSQL: every Roost table, in one transaction) and reopens the app. Under
`roost serve` the server process then restarts, as PocketBase's does; used as a library the
app is reopened in place. One backup or restore runs at a time, across processes."""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from roost.archive import ArchiveError, ArchiveWriter, BackupFolder, BackupLock, extract
from roost.core import backup_dump, collection_store
from roost.core.backup_store import BackupStore, LocalBackupStore, open_store
from roost.core.events import BackupEvent
from roost.core.record_files import snakecase
from roost.errors import BadRequest, RoostError
from roost.storage import StorageError

if TYPE_CHECKING:
    from roost.core.app import App

log = logging.getLogger("roost.backups")

BACKUPS_DIR = "backups"
TEMP_DIR = ".roost_temp"
BUSY = "Try again later - another backup/restore process has already been started."
MANUAL_PREFIX = "pb_backup_"
AUTO_PREFIX = "@auto_pb_backup_"
_PROGRESS_EVERY = 2.0  # seconds between progress lines


class Backups:
    """`app.backups`: the backups folder and the one-at-a-time lock."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.folder = BackupFolder(os.path.join(app.data_dir, BACKUPS_DIR))
        self.temp_dir = os.path.join(app.data_dir, TEMP_DIR)
        self.lock = BackupLock(os.path.join(self.temp_dir, "backup.lock"))
        # set by `roost serve`: restarts the server process after a restore
        self.restart: Callable[[], None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._local = LocalBackupStore(self.folder)
        self._s3: tuple[tuple[Any, ...], BackupStore] | None = None
        self._retired: list[BackupStore] = []

    @property
    def store(self) -> BackupStore:
        """Where backups are kept now: read on every use, as PocketBase makes its backups
        filesystem per call, so a settings change applies to the next call."""
        s3 = (self.app.settings.get("backups") or {}).get("s3") or {}
        if not s3.get("enabled"):
            return self._local
        config = tuple(sorted(s3.items()))
        if self._s3 is None or self._s3[0] != config:
            if self._s3 is not None:
                self._retired.append(self._s3[1])  # a download in flight may still read it
            self._s3 = (config, open_store(self.folder, s3))
        return self._s3[1]

    def close(self) -> None:
        for store in [*self._retired, *([self._s3[1]] if self._s3 else [])]:
            store.close()
        self._s3, self._retired = None, []

    @property
    def active(self) -> str | None:
        return self.lock.active

    def busy(self) -> bool:
        return self.lock.busy()

    def new_name(self, prefix: str = MANUAL_PREFIX) -> str:
        app_name = snakecase(str(self.app.settings["meta"]["appName"]))[:50]
        return f"{prefix}{app_name}_{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}.zip"

    def _work_dir(self, prefix: str) -> str:
        os.makedirs(self.temp_dir, exist_ok=True)
        return tempfile.mkdtemp(prefix=prefix, dir=self.temp_dir)

    # --- create ---------------------------------------------------------------------------------
    async def create(self, name: str = "") -> str:
        """Make a backup named `name` (generated when empty; an existing one is replaced) and
        return its key. Raises BadRequest when another backup or restore runs."""
        if not self.lock.acquire(name or "(new)"):
            raise BadRequest(BUSY)
        try:
            event = BackupEvent(self.app, name=name, exclude=[BACKUPS_DIR, TEMP_DIR])

            async def write(e: BackupEvent) -> None:
                e.name = e.name or self.new_name()
                self.lock.active = e.name
                await self._write(e.name, e.exclude)

            await self.app.hooks.backup_create.trigger(event, write)
            return event.name
        finally:
            self.lock.release()

    async def _write(self, name: str, exclude: list[str]) -> None:
        started = time.perf_counter()
        work = self._work_dir("backup_")
        try:
            log.info("Backup %s: started", name, extra={"data": {"name": name}})
            d = self.app.dialect
            if d.snapshot_format is not None:
                db_files = await d.snapshot_to(work)
                db_format = d.snapshot_format
            else:
                db_files = await backup_dump.dump(self.app, work)
                db_format = backup_dump.FORMAT
            log.info("Backup %s: database snapshot taken in %.2fs", name, time.perf_counter() - started)
            zip_path = os.path.join(work, "backup.zip")
            meta = {
                "created": datetime.now(UTC).isoformat(),
                "database": {"format": db_format, "files": db_files},
            }
            await asyncio.to_thread(self._zip, name, zip_path, work, db_files, exclude, meta)
            size = os.path.getsize(zip_path)
            await self.store.add(zip_path, name)
            log.info(
                "Backup %s: done in %.2fs (%d bytes)",
                name,
                time.perf_counter() - started,
                size,
                extra={"data": {"name": name, "size": size}},
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _zip(
        self,
        name: str,
        zip_path: str,
        work: str,
        db_files: list[str],
        exclude: list[str],
        meta: dict[str, Any],
    ) -> None:
        files = [(f, os.path.join(work, *f.split("/"))) for f in db_files]
        files += list(_data_files(self.app.data_dir, exclude))
        total = sum(os.path.getsize(p) for _, p in files) or 1
        progress = _Progress(f"Backup {name}: archiving", total)
        writer = ArchiveWriter(zip_path)
        try:
            for entry, path in files:
                writer.add_file(entry, path, progress.add)
            writer.finish(meta)
        except BaseException:
            writer.abort()
            raise

    # --- restore --------------------------------------------------------------------------------
    async def check(self, name: str, local: bool = False) -> dict[str, Any]:
        """The manifest of the backup `name`, after a quick look (its entries against the manifest,
        the database format against this app's engine). `local`: the one in the data folder's
        `backups/` even while backups go to S3 (the CLI restoring a file). Raises BadRequest."""
        store = self._local if local else self.store
        if not store.valid_key(name) or not await store.exists(name):
            raise BadRequest("Missing or invalid backup file.")
        try:
            manifest = await store.manifest(name)
        except ArchiveError as exc:
            raise BadRequest(f"Missing or invalid backup file. {exc.message}") from None
        except (OSError, StorageError):
            raise BadRequest("Missing or invalid backup file.") from None
        self._check_format(manifest)
        return manifest

    def _check_format(self, manifest: dict[str, Any]) -> None:
        database = manifest.get("database")
        fmt = database.get("format") if isinstance(database, dict) else None
        expected = self.app.dialect.snapshot_format or backup_dump.FORMAT
        if fmt != expected:
            raise BadRequest(
                f"Missing or invalid backup file. It holds a {fmt!r} database snapshot; "
                f"this app's database restores {expected!r} snapshots."
            )

    def restore_soon(self, name: str, delay: float = 0.5) -> None:
        """Start restoring `name` in the background (the API answers first, as PocketBase's);
        the lock is taken now, so the answer already sees a restore under way."""
        if not self.lock.acquire(name):
            raise BadRequest(BUSY)

        async def run() -> None:
            restarting = False
            try:
                await asyncio.sleep(delay)
                restarting = await self._restore_locked(name, self.store)
            except Exception as exc:
                log.error("Failed to restore backup %s: %s", name, getattr(exc, "message", exc))
            finally:
                # a restarting server keeps the lock until its process ends (the lock dies with
                # it), so until the restart it says a restore is under way, as PocketBase's does
                if not restarting:
                    self.lock.release()

        task = asyncio.get_running_loop().create_task(run(), name=f"restore:{name}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def restore(self, name: str, local: bool = False) -> None:
        """Restore the backup `name` now (see the module doc; `local` as for `check`). Raises
        BadRequest when busy, or a RoostError saying why the backup cannot be restored (nothing
        is changed then)."""
        if not self.lock.acquire(name):
            raise BadRequest(BUSY)
        restarting = False
        try:
            restarting = await self._restore_locked(name, self._local if local else self.store)
        finally:
            if not restarting:
                self.lock.release()

    async def _restore_locked(self, name: str, store: BackupStore) -> bool:
        """Restore `name`; True when the server restarts on the restored data."""
        event = BackupEvent(self.app, name=name, exclude=[BACKUPS_DIR, TEMP_DIR])

        async def replace(e: BackupEvent) -> None:
            await self._replace(e.name, e.exclude, store)

        await self.app.hooks.backup_restore.trigger(event, replace)
        if self.restart is None:
            return False
        log.info("Restore %s: restarting the server", name)
        self.restart()
        return True

    async def _replace(self, name: str, exclude: list[str], store: BackupStore) -> None:
        started = time.perf_counter()
        work = self._work_dir("restore_")
        data, old = os.path.join(work, "data"), os.path.join(work, "old")
        try:
            if store.remote:
                log.info("Restore %s: downloading", name, extra={"data": {"name": name}})
            path = await store.local_copy(name, work) if store.valid_key(name) else None
            if path is None:
                raise RoostError(f"Missing or invalid backup file {name!r} to restore.")
            log.info("Restore %s: verifying and unpacking", name, extra={"data": {"name": name}})
            progress = _Progress(f"Restore {name}: unpacking", os.path.getsize(path))
            try:
                manifest = await asyncio.to_thread(extract, path, data, progress.at)
            except ArchiveError as exc:
                raise BadRequest(exc.message) from None
            self._check_format(manifest)
            db_roots = {f.split("/", 1)[0] for f in manifest["database"].get("files", [])}
            moved = _swap_entries(self.app.data_dir, data, old, set(exclude) | db_roots | _DB_FILES)
            try:
                if self.app.dialect.snapshot_format is not None:
                    await self.app.dialect.replace_with(data, old)
                else:
                    await backup_dump.load(self.app, data)
            except BaseException:
                _swap_back(self.app.data_dir, old, moved)
                raise
            await self._reopen()
            log.info(
                "Restore %s: done in %.2fs",
                name,
                time.perf_counter() - started,
                extra={"data": {"name": name}},
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)

    async def _reopen(self) -> None:
        """Everything the app read from the database, read again from the restored one."""
        from roost.core.app import DEFAULT_SETTINGS
        from roost.core.backup_schedule import sync_job

        app = self.app
        app.settings = copy.deepcopy(DEFAULT_SETTINGS)
        await collection_store.load(app)
        app.clear_caches()
        sync_job(app)
        await app.collections_changed()  # other instances on the same database reload too

    def clean_temp(self) -> None:
        """Remove what an interrupted backup, upload or restore left in the temp folder."""
        if self.busy() or not os.path.isdir(self.temp_dir):
            return
        for entry in os.listdir(self.temp_dir):
            if entry.startswith(("backup_", "restore_", "upload_")):
                path = os.path.join(self.temp_dir, entry)
                if os.path.isdir(path):
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.remove(path)

    async def wait(self) -> None:
        """Until background restores have finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


# SQLite's files stay where they are: the dialect swaps the database itself, and other database
# files in the data folder (the request logs' store) are neither archived nor replaced, as
# copying a live SQLite file is not a consistent snapshot of it
_DB_FILES = {"data.db", "data.db-wal", "data.db-shm"}
_DB_SUFFIXES = (".db", "-wal", "-shm", "-journal")


def _data_files(root: str, exclude: list[str]) -> list[tuple[str, str]]:
    """(archive name, path) of every regular file under the data folder's entries not excluded
    (database files aside); symbolic links are not followed."""
    out: list[tuple[str, str]] = []
    skip = set(exclude) | _DB_FILES
    for entry in sorted(os.listdir(root)):
        if entry in skip or entry.endswith(_DB_SUFFIXES):
            continue
        top = os.path.join(root, entry)
        if os.path.isfile(top) and not os.path.islink(top):
            out.append((entry, top))
            continue
        for folder, dirs, names in os.walk(top):
            dirs.sort()
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            for n in sorted(names):
                path = os.path.join(folder, n)
                if os.path.isfile(path) and not os.path.islink(path):
                    out.append((f"{rel}/{n}", path))
    return out


def _swap_entries(root: str, new: str, old: str, keep: set[str]) -> list[str]:
    """Move `root`'s entries (except `keep`) into `old`, then `new`'s (except `keep`) into `root`;
    returns the names moved in, for `_swap_back`."""
    os.makedirs(old, exist_ok=True)
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for entry in os.listdir(root):
            if entry not in keep and not entry.endswith(_DB_SUFFIXES):
                os.replace(os.path.join(root, entry), os.path.join(old, entry))
                moved_out.append(entry)
        for entry in os.listdir(new):
            if entry not in keep:
                os.replace(os.path.join(new, entry), os.path.join(root, entry))
                moved_in.append(entry)
    except OSError:
        _swap_back(root, old, moved_in)
        raise
    return moved_in


def _swap_back(root: str, old: str, moved_in: list[str]) -> None:
    for entry in moved_in:
        shutil.rmtree(os.path.join(root, entry), ignore_errors=True)
        if os.path.isfile(os.path.join(root, entry)):
            os.remove(os.path.join(root, entry))
    for entry in os.listdir(old):
        if entry not in _DB_FILES:
            os.replace(os.path.join(old, entry), os.path.join(root, entry))


class _Progress:
    """Logs how far a long copy got, at most every couple of seconds."""

    def __init__(self, what: str, total: int) -> None:
        self.what = what
        self.total = max(total, 1)
        self.done = 0
        self.last = time.monotonic()

    def add(self, n: int) -> None:
        self.at(self.done + n, self.total)

    def at(self, done: int, total: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self.last >= _PROGRESS_EVERY:
            self.last = now
            pct = min(100, int(done * 100 / self.total))
            log.info(
                "%s: %d%% (%d of %d bytes)",
                self.what,
                pct,
                done,
                self.total,
                extra={"data": {"percent": pct}},
            )
