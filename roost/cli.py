"""The `roost` command: serve, superuser upsert/delete, --version."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from roost import __version__

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
@_db_option
def serve(
    http_addr: str,
    workers: int,
    redis_url: str | None,
    automigrate: bool,
    migrations_dir: str | None,
    data_dir: str,
    db_url: str | None,
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
    click.echo(
        f"Roost {__version__} serving http://{host}:{port}/api/ (data: {data_dir}, "
        f"database: {'PostgreSQL' if db_url else 'SQLite'})"
    )
    if workers == 1:
        # one process: the server runs embedded in this one (less memory, no worker to supervise)
        _serve_embedded(host.strip("[]"), int(port), data_dir, db_url, redis_url)
        return
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


def _serve_embedded(host: str, port: int, data_dir: str, db_url: str | None, redis_url: str | None) -> None:
    """Granian's embedded server on this process's event loop; SIGINT/SIGTERM stop it gracefully
    (requests in flight finish, then the lifespan shutdown closes storage)."""
    import signal

    from granian.constants import Interfaces
    from granian.server.embed import Server

    from roost.asgi import LazyApp

    async def run() -> None:
        server = Server(
            LazyApp(data_dir, db_url, redis_url, os.environ.get("ROOST_AUTOMIGRATE_DIR") or None),
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
        await server.serve()

    if os.environ.get("ROOST_LOOP", "uvloop") == "uvloop":
        try:
            import uvloop

            uvloop.run(run())
            return
        except ImportError:
            pass
    asyncio.run(run())


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


def _with_app(data_dir: str, db_url: str | None, work):  # type: ignore[no-untyped-def]
    """Open the app, run `await work(app)`, close it; errors become a message and exit code 1."""
    from roost.core.app import App

    folder = os.path.abspath(data_dir)

    async def run():  # type: ignore[no-untyped-def]
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

    async def snapshot(app):  # type: ignore[no-untyped-def]
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
