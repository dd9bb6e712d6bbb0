"""The `roost` command: serve, superuser upsert/delete, migrate, --version."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

import click

from roost import __version__

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


async def _watch_hooks(folder: str, server) -> None:  # type: ignore[no-untyped-def]
    from roost.plugins.hooks_dir import watch

    await watch(folder)
    server.stop()


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
    "--redis", "redis_url", default=None, envvar="ROOST_REDIS", help="Redis URL for events across processes."
)
@click.option(
    "--automigrate",
    type=click.BOOL,
    default=True,
    show_default=True,
    help="Write a migration file for every collection change (--automigrate=false to turn off).",
)
@_migrations_option
@_hooks_options
@_db_option
def serve(
    http_addr: str,
    workers: int,
    redis_url: str | None,
    automigrate: bool,
    migrations_dir: str | None,
    data_dir: str,
    db_url: str | None,
    hooks_dir: str | None = None,
    hooks_watch: bool | None = None,
    dev: bool = False,
) -> None:
    """Start the server."""
    from granian import Granian
    from granian.constants import Interfaces, Loops

    host, _, port = http_addr.rpartition(":")
    if not host or not port.isdigit():
        raise click.BadParameter("use HOST:PORT, e.g. 127.0.0.1:8090", param_hint="--http")
    if workers > 1 and not redis_url:
        # each worker holds its own realtime clients; without a broker a write in one worker
        # would never reach subscribers connected to another
        raise click.UsageError("--workers above 1 needs --redis URL, so realtime events reach every worker.")
    data_dir = os.path.abspath(data_dir)
    os.makedirs(data_dir, exist_ok=True)
    os.environ["ROOST_DIR"] = data_dir
    os.environ["ROOST_DB"] = db_url or ""
    if redis_url:
        os.environ["ROOST_REDIS"] = redis_url
    # migrations: pending ones are applied once here, before any worker starts
    folder = _migrations_dir(data_dir, migrations_dir)
    os.environ["ROOST_AUTOMIGRATE_DIR"] = folder if automigrate else ""
    _apply_migrations(data_dir, db_url, folder)
    hooks_dir = _hooks_env(data_dir, hooks_dir)
    click.echo(
        f"Roost {__version__} serving http://{host}:{port}/api/ (data: {data_dir}, "
        f"database: {'PostgreSQL' if db_url else 'SQLite'})"
    )
    watch = dev if hooks_watch is None else hooks_watch
    if workers == 1:
        # one process: the server runs embedded in this one (less memory, no worker to supervise)
        _serve_embedded(host.strip("[]"), int(port), data_dir, db_url, redis_url, hooks_dir, watch)
        return
    _exit_on_hook_error(lambda: asyncio.run(check_hooks(data_dir, db_url, hooks_dir)))
    Granian(
        target="roost.asgi:app",
        address=host.strip("[]"),
        port=int(port),
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop if sys.platform != "win32" else Loops.auto,
        log_access=False,
        websockets=True,
    ).serve()


def _serve_embedded(
    host: str,
    port: int,
    data_dir: str,
    db_url: str | None,
    redis_url: str | None,
    hooks_dir: str | None = None,
    watch: bool = False,
) -> None:
    """Granian's embedded server on this process's event loop; SIGINT/SIGTERM stop it gracefully
    (requests in flight finish, then the lifespan shutdown closes storage)."""
    import signal

    from granian.constants import Interfaces
    from granian.server.embed import Server

    from roost.asgi import LazyApp

    restart = False

    async def run() -> None:
        nonlocal restart
        lazy = LazyApp(
            data_dir, db_url, redis_url, hooks_dir, os.environ.get("ROOST_AUTOMIGRATE_DIR") or None
        )
        await lazy._ensure()  # hook files load (or fail) before the port is taken
        server = Server(
            lazy,
            address=host,
            port=port,
            interface=Interfaces.ASGI,
            websockets=True,
            log_access=False,
            backlog=1024,
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, server.stop)
        watcher = asyncio.ensure_future(_watch_hooks(hooks_dir, server)) if watch and hooks_dir else None
        await server.serve()
        if watcher is not None:
            restart = watcher.done() and not watcher.cancelled()
            watcher.cancel()

    def main() -> None:
        if os.environ.get("ROOST_LOOP", "uvloop") == "uvloop":
            try:
                import uvloop

                uvloop.run(run())
                return
            except ImportError:
                pass
        asyncio.run(run())

    _exit_on_hook_error(main)
    if restart:  # a hook file changed: start afresh, as PocketBase does (no stale handlers)
        click.echo("Hook files changed: restarting.")
        os.execv(sys.executable, [sys.executable, "-m", "roost", *sys.argv[1:]])  # noqa: S606


async def check_hooks(data_dir: str, db_url: str | None, hooks_dir: str | None) -> None:
    from roost.boot import check_hooks as check

    await check(data_dir, db_url, hooks_dir)


def _apply_migrations(data_dir: str, db_url: str | None, folder: str) -> None:
    """Create the schema and apply pending migrations once, before workers start (so they do
    not race to bootstrap); a failing migration stops the server from starting."""
    from roost.migrations import up

    _with_app(data_dir, db_url, lambda app: up(app, folder, click.echo))


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

    try:
        asyncio.run(upsert_superuser(os.path.abspath(data_dir), db_url, email, password))
    except Exception as exc:
        raise click.ClickException(f"Failed to upsert superuser: {_describe(exc)}") from None
    click.echo(f'Successfully saved superuser "{email}"!')


@superuser.command("delete")
@click.argument("email")
@_db_option
def superuser_delete(email: str, data_dir: str, db_url: str | None) -> None:
    """Delete a superuser by email."""
    from roost.core.superusers import delete_superuser

    try:
        asyncio.run(delete_superuser(os.path.abspath(data_dir), db_url, email))
    except Exception as exc:
        raise click.ClickException(f"Failed to delete superuser: {_describe(exc)}") from None
    click.echo(f'Successfully deleted superuser "{email}"!')


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


if __name__ == "__main__":
    main()
