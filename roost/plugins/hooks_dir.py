"""Hook files: every `*.py` in a folder defines `setup(app: roost.App) -> None`.

Files load in name order, once per process. An error in one is a `HookFileError` naming the
file and the line. `watch()` waits until a file in the folder changes (for `--hooksWatch`)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import traceback
import types
from typing import Any

DEFAULT_FOLDER = "roost_hooks"
PACKAGE = "roost_hooks"


class HookFileError(Exception):
    def __init__(self, path: str, line: int, message: str) -> None:
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


def default_folder(data_dir: str) -> str:
    """`roost_hooks/` beside the data folder."""
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), DEFAULT_FOLDER)


def hook_files(folder: str) -> list[str]:
    if not os.path.isdir(folder):
        return []
    names = sorted(n for n in os.listdir(folder) if n.endswith(".py") and not n.startswith("."))
    return [os.path.join(folder, n) for n in names]


def _line_in(path: str, exc: BaseException) -> int:
    if isinstance(exc, SyntaxError) and exc.filename == path:
        return exc.lineno or 1
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.abspath(frame.filename) == path:
            line = frame.lineno or line
    return line


async def load_hooks(app: Any, folder: str) -> list[str]:
    """Import each file and run its `setup(app)`; returns the paths loaded."""
    loaded = []
    folder = os.path.abspath(folder)  # noqa: ASYNC240 (startup only)
    # the files form the package `roost_hooks`: one file may import another (`from roost_hooks import a`)
    package = types.ModuleType(PACKAGE)
    package.__path__ = [folder]
    sys.modules[PACKAGE] = package
    for path in hook_files(folder):
        stem = os.path.splitext(os.path.basename(path))[0]
        module_name = f"{PACKAGE}.{stem}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            if spec is None or spec.loader is None:
                raise HookFileError(path, 1, "cannot be loaded as a Python module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            setattr(package, stem, module)
            spec.loader.exec_module(module)
            setup = getattr(module, "setup", None)
            if not callable(setup):
                raise HookFileError(path, 1, "defines no setup(app) function")
            result = setup(app)
            if asyncio.iscoroutine(result):
                await result
        except HookFileError:
            raise
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            raise HookFileError(path, _line_in(path, exc), message) from exc
        loaded.append(path)
    return loaded


def snapshot(folder: str) -> dict[str, float]:
    out = {}
    for path in hook_files(folder):
        try:
            out[path] = os.stat(path).st_mtime
        except OSError:
            pass
    return out


async def watch(folder: str, interval: float = 0.5) -> None:
    """Return once a hook file is added, removed or changed."""
    before = snapshot(folder)
    while True:
        await asyncio.sleep(interval)
        if snapshot(folder) != before:
            return
