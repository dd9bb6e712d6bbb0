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
@_hooks_options
@_db_option
def serve(
    http_addr: str,
    workers: int,
    redis_url: str | None,
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
    # create the schema once before workers start, so they do not race to bootstrap it
    asyncio.run(_bootstrap(data_dir, db_url))
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
        lazy = LazyApp(data_dir, db_url, redis_url, hooks_dir)
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


async def _bootstrap(data_dir: str, db_url: str | None) -> None:
    from roost.core.app import App

    app = await App.open(data_dir, db_url)
    await app.close()


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


if __name__ == "__main__":
    main()
