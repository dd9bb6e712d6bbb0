"""The `roost` command: serve, superuser upsert/delete, migrate, --version."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from roost import __version__
from roost.serving import check_address_free, in_child, metrics_dir, run_server

if TYPE_CHECKING:
    from roost.core.app import App

T = TypeVar("T")

DEFAULT_DIR = "./roost_data"


def _db_option(f):  # type: ignore[no-untyped-def]
    f = click.option(
        "--db",
        "db_url",
        default=None,
        envvar="ROOST_DB",
        help="Database URL: postgresql://user@host:port/name (default: SQLite in --dir).",
    )(f)
    return click.option(
        "--dir",
        "data_dir",
        default=DEFAULT_DIR,
        show_default=True,
        envvar="ROOST_DIR",
        help="Data folder (SQLite database, uploaded files).",
    )(f)


def _migrations_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--migrationsDir",
        "migrations_dir",
        default=None,
        envvar="ROOST_MIGRATIONS_DIR",
        help="Folder of migration files (default: roost_migrations/ beside the data folder).",
    )(f)


# --- hook files (roost/plugins/hooks_dir.py) ------------------------------------------------------------
def _hooks_options(f):  # type: ignore[no-untyped-def]
    f = click.option("--dev", is_flag=True, default=False, help="Development mode (watches hook files).")(f)
    f = click.option(
        "--hooksWatch",
        "hooks_watch",
        type=click.BOOL,
        default=None,
        is_flag=False,
        flag_value=True,
        help="Restart when a hook file changes (default: on with --dev).",
    )(f)
    return click.option(
        "--hooksDir",
        "hooks_dir",
        default=None,
        help="Folder of hook files (default: roost_hooks/ beside --dir).",
    )(f)


def _hooks_env(data_dir: str, hooks_dir: str | None) -> str:
    from roost.plugins.hooks_dir import default_folder

    folder = os.path.abspath(hooks_dir) if hooks_dir else default_folder(data_dir)
    os.environ["ROOST_HOOKS_DIR"] = folder
    return folder


def _exit_on_hook_error(fn) -> None:  # type: ignore[no-untyped-def]
    from roost.plugins.hooks_dir import HookFileError

    try:
        fn()
    except HookFileError as exc:
        click.echo(f"Error in hook file {exc.path}, line {exc.line}: {exc.message}", err=True)
        sys.exit(1)


@click.group()
@click.version_option(__version__, prog_name="roost", message="roost version %(version)s")
def main() -> None:
    """Roost: a backend server that speaks PocketBase's Web API, on SQLite or PostgreSQL."""


@main.command()
@click.option(
    "--http", "http_addr", default="127.0.0.1:8090", show_default=True, help="Address to listen on."
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    help="Worker processes (more than 1 needs --redis for realtime).",
)
@click.option(
    "--redis",
    "redis_url",
    default=None,
    envvar="ROOST_REDIS",
    help="Redis URL: realtime events, rate-limit counts and API key revocations across processes.",
)
@click.option(
    "--automigrate",
    type=click.BOOL,
    default=True,
    show_default=True,
    help="Write a migration file for every collection change (--automigrate=false to turn off).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    envvar="ROOST_LOG_FORMAT",
    help="Request and error log lines on stdout: text, or JSON lines with stable keys.",
)
@click.option(
    "--quiet",
    is_flag=True,
    default=False,
    envvar="ROOST_QUIET",
    help="No line per request; warnings and errors are still logged.",
)
@click.option(
    "--metricsSecret",
    "metrics_secret",
    default="",
    envvar="ROOST_METRICS_SECRET",
    help="A secret that, sent as `Authorization: Bearer SECRET`, may read /api/metrics (superusers always may).",
)
@_migrations_option
@_hooks_options
@_db_option
def serve(
    http_addr: str,
    workers: int,
    redis_url: str | None,
    log_format: str,
    quiet: bool,
    metrics_secret: str,
    automigrate: bool,
    migrations_dir: str | None,
    data_dir: str,
    db_url: str | None,
    hooks_dir: str | None = None,
    hooks_watch: bool | None = None,
    dev: bool = False,
) -> None:
    """Start the server."""
    host, port = _parse_http(http_addr)
    if workers > 1 and not redis_url:
        # each worker holds its own realtime clients; without a broker a write in one worker
        # would never reach subscribers connected to another
        raise click.UsageError("--workers above 1 needs --redis URL, so realtime events reach every worker.")
    check_address_free(host, port)
    data_dir = os.path.abspath(data_dir)
    os.makedirs(data_dir, exist_ok=True)
    os.environ["ROOST_DIR"] = data_dir
    os.environ["ROOST_DB"] = db_url or ""
    if redis_url:
        os.environ["ROOST_REDIS"] = redis_url
    os.environ["ROOST_LOG_FORMAT"] = log_format
    os.environ["ROOST_QUIET"] = "1" if quiet else ""
    os.environ["ROOST_METRICS_SECRET"] = metrics_secret
    # migrations: the schema is created and pending migrations applied once here, before any
    # worker starts (so workers do not race to bootstrap); a failing migration stops the start
    folder = _migrations_dir(data_dir, migrations_dir)
    os.environ["ROOST_AUTOMIGRATE_DIR"] = folder if automigrate else ""
    hooks_dir = _hooks_env(data_dir, hooks_dir)

    def prepare() -> str | None:
        install_token = _prepare_storage(data_dir, db_url, folder)
        # hook files load (or fail with their file and line) before the port is taken
        _exit_on_hook_error(lambda: asyncio.run(check_hooks(data_dir, db_url, hooks_dir)))
        return install_token

    install_token = in_child(prepare)
    click.echo(_banner(host, port, data_dir, db_url, install_token))
    watch = dev if hooks_watch is None else hooks_watch
    # a restored backup asks for a restart: the worker writes this file and stops the server
    restart_file = os.path.join(data_dir, ".roost_temp", f"restart-{os.getpid()}")
    os.environ["ROOST_RESTART_FILE"] = restart_file
    os.environ["ROOST_SUPERVISOR_PID"] = str(os.getpid())
    os.environ["ROOST_METRICS_DIR"] = metrics_dir(data_dir) if workers > 1 else ""
    try:
        changed = run_server(host, port, workers, hooks_dir if watch else None)
    finally:
        if workers > 1:
            shutil.rmtree(os.environ["ROOST_METRICS_DIR"], ignore_errors=True)
    restored = os.path.exists(restart_file)
    if restored:
        os.remove(restart_file)
    if changed or restored:
        # start afresh, as PocketBase does (no stale handlers, every worker on the restored data)
        click.echo("Backup restored: restarting." if restored else "Hook files changed: restarting.")
        os.execv(sys.executable, [sys.executable, "-m", "roost", *sys.argv[1:]])  # noqa: S606


def _parse_http(http_addr: str) -> tuple[str, int]:
    host, _, port = http_addr.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:8090", param_hint="--http")
    return host.strip("[]"), int(port)


async def check_hooks(data_dir: str, db_url: str | None, hooks_dir: str | None) -> None:
    from roost.boot import check_hooks as check

    await check(data_dir, db_url, hooks_dir)


def _prepare_storage(data_dir: str, db_url: str | None, folder: str) -> str | None:
    """Open the storage once before workers start (so they do not race to bootstrap it), apply
    pending migrations (a failing one stops the server from starting), warn about the database
    server's upkeep settings and, while there is no superuser, mint the installer token for the
    banner's link."""
    from roost.core.installer import installer_token
    from roost.migrations import up

    async def prepare(app: App) -> str | None:
        app.backups.clean_temp()  # what an interrupted backup or restore left behind
        await up(app, folder, click.echo)
        for warning in await app.dialect.upkeep_warnings():
            click.echo(f"Warning: {warning}", err=True)
        return await installer_token(app)

    return _with_app(data_dir, db_url, prepare)


def _describe_database(data_dir: str, db_url: str | None) -> str:
    """`SQLite /abs/data.db` or `PostgreSQL postgresql://user@host:5432/name`, never a password."""
    if not db_url:
        return f"SQLite {os.path.join(data_dir, 'data.db')}"
    if db_url.startswith("sqlite:///"):
        return f"SQLite {os.path.abspath(db_url[len('sqlite:///') :])}"
    return f"PostgreSQL {_redact_url(db_url)}"


def _redact_url(url: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rpartition("@")
    user = (parts.username or "") + ":***"
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[2]}"))


def _storage_flags(data_dir: str, db_url: str | None) -> str:
    import shlex

    flags = f"--dir {shlex.quote(data_dir)}"
    if db_url:
        flags += f" --db {shlex.quote(_redact_url(db_url))}"
    return flags


def _banner(host: str, port: int, data_dir: str, db_url: str | None, install_token: str | None) -> str:
    """The startup banner; `install_token` (no superuser yet) adds the dashboard's installer link."""
    url_host = f"[{host}]" if ":" in host else host
    lines = [
        f"Roost {__version__} server starting",
        f"├─ REST API:  http://{url_host}:{port}/api/",
        f"├─ Dashboard: http://{url_host}:{port}/_/",
        f"├─ Data:      {data_dir}",
        f"└─ Database:  {_describe_database(data_dir, db_url)}",
    ]
    if install_token:
        lines += [
            "",
            "(!) There is no superuser yet. Open this one-time link (valid for 30 minutes) to create the first one:",
            f"    http://{url_host}:{port}/_/#/pbinstall/{install_token}",
            "    or create it with:",
            f"    roost superuser upsert EMAIL PASSWORD {_storage_flags(data_dir, db_url)}",
        ]
    return "\n".join(lines)


@main.group()
def superuser() -> None:
    """Manage superuser accounts (works with or without a running server)."""


@superuser.command("upsert")
@click.argument("email")
@click.argument("password")
@_db_option
def superuser_upsert(email: str, password: str, data_dir: str, db_url: str | None) -> None:
    """Create a superuser, or set the password of an existing one."""
    from roost.core.superusers import upsert_superuser

    data_dir = os.path.abspath(data_dir)
    new_folder = _warn_if_new_storage(data_dir, db_url)
    try:
        asyncio.run(upsert_superuser(data_dir, db_url, email, password))
    except Exception as exc:
        raise click.ClickException(f"Failed to upsert superuser: {_describe(exc)}") from None
    click.echo(f'Successfully saved superuser "{email}"!')
    click.echo(_changed(data_dir, db_url, new_folder))


@superuser.command("delete")
@click.argument("email")
@_db_option
def superuser_delete(email: str, data_dir: str, db_url: str | None) -> None:
    """Delete a superuser by email."""
    from roost.core.superusers import delete_superuser

    data_dir = os.path.abspath(data_dir)
    if not db_url and not os.path.exists(os.path.join(data_dir, "data.db")):
        raise click.ClickException(f"Failed to delete superuser: there is no Roost data in {data_dir}.")
    try:
        asyncio.run(delete_superuser(data_dir, db_url, email))
    except Exception as exc:
        raise click.ClickException(f"Failed to delete superuser: {_describe(exc)}") from None
    click.echo(f'Successfully deleted superuser "{email}"!')
    click.echo(_changed(data_dir, db_url, False))


def _warn_if_new_storage(data_dir: str, db_url: str | None) -> bool:
    """True (with a note on stderr) when no SQLite database exists yet in `data_dir`: a mistyped
    or forgotten --dir would otherwise silently create a second, empty data folder."""
    if db_url or os.path.exists(os.path.join(data_dir, "data.db")):
        return False
    click.echo(
        f"Note: there is no Roost data in {data_dir} yet; creating it there "
        "(pass --dir to use an existing data folder).",
        err=True,
    )
    return True


def _changed(data_dir: str, db_url: str | None, new_folder: bool) -> str:
    created = " (new)" if new_folder else ""
    return f"Data folder: {data_dir}{created}\nDatabase:    {_describe_database(data_dir, db_url)}"


def _describe(exc: Exception) -> str:
    """An error with its field problems spelled out, e.g. `email: Must be a valid email address.`"""
    message = str(getattr(exc, "message", exc))
    data = getattr(exc, "data", None)
    if isinstance(data, dict) and data:
        details = "; ".join(f"{k}: {v.get('message', v)}" for k, v in data.items() if isinstance(v, dict))
        if details:
            message = f"{message} ({details})"
    return message


# --- migrate ------------------------------------------------------------------------------------


def _migrations_dir(data_dir: str, migrations_dir: str | None) -> str:
    from roost.migrations import default_dir

    return os.path.abspath(migrations_dir) if migrations_dir else default_dir(data_dir)


def _with_app(data_dir: str, db_url: str | None, work: Callable[[App], Awaitable[T]]) -> T:
    """Open the app, run `await work(app)`, close it; errors become a message and exit code 1."""
    from roost.core.app import App

    folder = os.path.abspath(data_dir)

    async def run() -> T:
        app = await App.open(folder, db_url)
        try:
            return await work(app)
        finally:
            await app.close()

    try:
        return asyncio.run(run())
    except Exception as exc:
        raise click.ClickException(_describe(exc)) from None


@main.group()
def migrate() -> None:
    """Apply, revert and write migrations (Python files with up(app) and down(app))."""


@migrate.command("up")
@_migrations_option
@_db_option
def migrate_up(migrations_dir: str | None, data_dir: str, db_url: str | None) -> None:
    """Apply every migration not applied yet."""
    from roost.migrations import up

    folder = _migrations_dir(data_dir, migrations_dir)
    done = _with_app(data_dir, db_url, lambda app: up(app, folder, click.echo))
    if not done:
        click.echo("No new migrations to apply.")


@migrate.command("down")
@click.argument("count", default=1, type=click.IntRange(min=1))
@_migrations_option
@_db_option
def migrate_down(count: int, migrations_dir: str | None, data_dir: str, db_url: str | None) -> None:
    """Revert the last COUNT applied migrations (default 1)."""
    from roost.migrations import down

    if sys.stdin.isatty():
        click.confirm(f"Do you really want to revert the last {count} applied migration(s)?", abort=True)
    folder = _migrations_dir(data_dir, migrations_dir)
    done = _with_app(data_dir, db_url, lambda app: down(app, folder, count, click.echo))
    if not done:
        click.echo("No migrations to revert.")


@migrate.command("create")
@click.argument("name")
@_migrations_option
@_db_option
def migrate_create(name: str, migrations_dir: str | None, data_dir: str, db_url: str | None) -> None:
    """Write a blank migration NAME to fill in."""
    from roost.migrations.files import MigrationError, new_file_name, write_file
    from roost.migrations.templates import blank

    folder = _migrations_dir(data_dir, migrations_dir)
    try:
        file = new_file_name(folder, name)
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Successfully created file {write_file(folder, file, blank(name))!r}.")


@migrate.command("collections")
@_migrations_option
@_db_option
def migrate_collections(migrations_dir: str | None, data_dir: str, db_url: str | None) -> None:
    """Write a migration that imports a snapshot of every collection."""
    from roost.migrations.files import new_file_name, write_file
    from roost.migrations.templates import all_collections

    folder = _migrations_dir(data_dir, migrations_dir)

    async def snapshot(app: App) -> str:
        colls = sorted(app.registry.all(), key=lambda c: (c.created, c.id))
        return write_file(folder, new_file_name(folder, "collections_snapshot"), all_collections(colls))

    click.echo(f"Successfully created file {_with_app(data_dir, db_url, snapshot)!r}.")


@migrate.command("history-sync")
@_migrations_option
@_db_option
def migrate_history_sync(migrations_dir: str | None, data_dir: str, db_url: str | None) -> None:
    """Forget applied migrations whose file no longer exists."""
    from roost.migrations import history_sync

    folder = _migrations_dir(data_dir, migrations_dir)
    gone = _with_app(data_dir, db_url, lambda app: history_sync(app, folder))
    for name in gone:
        click.echo(f"Removed {name} from the migrations history.")
    click.echo("Migrations history synced successfully.")


# --- backup ---------------------------------------------------------------------------------------


def _progress_to_stderr() -> None:
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("roost.backups")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@main.group()
def backup() -> None:
    """Create, list and restore backups (zips of the database and the stored files)."""


@backup.command("create")
@click.argument("name", default="")
@_db_option
def backup_create(name: str, data_dir: str, db_url: str | None) -> None:
    """Back up the database and stored files to <dir>/backups/NAME (a generated name if none)."""
    _progress_to_stderr()

    folder = os.path.join(os.path.abspath(data_dir), "backups")

    async def create(app: App) -> str:
        key = await app.create_backup(name)
        if app.backups.store.remote:
            return f"s3://{app.settings['backups']['s3']['bucket']}/{key}"
        return f"{folder}{os.sep}{key}"

    click.echo(f"Backup saved as {_with_app(data_dir, db_url, create)}")


@backup.command("list")
@_db_option
def backup_list(data_dir: str, db_url: str | None) -> None:
    """List the backups in <dir>/backups (or the S3 bucket of settings.backups.s3)."""
    for info in _with_app(data_dir, db_url, lambda app: app.backups.store.list()):
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(info.modified))
        click.echo(f"{info.key}\t{info.size}\t{stamp}Z")


@backup.command("restore")
@click.argument("backup_ref", metavar="NAME_OR_FILE")
@_db_option
def backup_restore(backup_ref: str, data_dir: str, db_url: str | None) -> None:
    """Replace the data with a backup: NAME in <dir>/backups, or the path of a backup zip (copied
    there first). Works on a new, empty --dir/--db too. Stop a server using the data first."""

    _progress_to_stderr()
    folder = os.path.abspath(data_dir)
    name, from_file = backup_ref, False
    if os.sep in backup_ref or (os.path.isfile(backup_ref) and not backup_ref.endswith(os.sep)):
        source = os.path.abspath(backup_ref)
        if not os.path.isfile(source):
            raise click.ClickException(f"There is no backup file {source}.")
        name, from_file = os.path.basename(source), True
        target = os.path.join(folder, "backups", name)
        if os.path.abspath(target) != source:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(source, target)

    async def restore(app: App) -> None:
        # a file given by path is restored from the local folder even while backups go to S3
        await app.backups.check(name, from_file)
        await app.backups.restore(name, from_file)

    _with_app(folder, db_url, restore)
    click.echo(f"Restored {name} into {_describe_database(folder, db_url)} and {folder}.")


if __name__ == "__main__":
    main()
