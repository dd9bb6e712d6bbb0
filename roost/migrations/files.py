"""Migration files: `<unix time>_<name>.py`, each defining `up(app)` and `down(app)`."""

from __future__ import annotations

import importlib.util
import os
import re
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

FILE_RE = re.compile(r"^(\d+)_(\w+)\.py$")
_NAME_RE = re.compile(r"[^a-z0-9_]+")


class MigrationError(Exception):
    """A migration that cannot be found, loaded or run; the message names the file."""


@dataclass(frozen=True, slots=True)
class MigrationFile:
    file: str  # the name recorded in `_migrations`
    path: str

    def load(self) -> ModuleType:
        spec = importlib.util.spec_from_file_location(f"roost_migration_{self.file[:-3]}", self.path)
        if spec is None or spec.loader is None:
            raise MigrationError(f"Cannot load migration {self.file}.")
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise MigrationError(f"Cannot load migration {self.file}: {type(exc).__name__}: {exc}") from exc
        for fn in ("up", "down"):
            if not callable(getattr(module, fn, None)):
                raise MigrationError(f"Migration {self.file} must define {fn}(app).")
        return module


def default_dir(data_dir: str) -> str:
    """`roost_migrations/` beside the data folder."""
    return os.path.join(os.path.dirname(os.path.abspath(data_dir)), "roost_migrations")


def list_files(directory: str) -> list[MigrationFile]:
    """Migration files in name (= time) order; other files are ignored."""
    if not os.path.isdir(directory):
        return []
    names = sorted(n for n in os.listdir(directory) if FILE_RE.match(n))
    return [MigrationFile(n, os.path.join(directory, n)) for n in names]


def normalize_name(name: str) -> str:
    return _NAME_RE.sub("_", name.strip().lower()).strip("_")


def new_file_name(directory: str, name: str) -> str:
    """`<unix time>_<name>.py`, the time moved past the newest file so names keep their order
    even when several are written in one second."""
    clean = normalize_name(name)
    if not clean:
        raise MigrationError("A migration needs a name made of letters, digits or underscores.")
    stamp = int(time.time())
    for f in list_files(directory):
        m = FILE_RE.match(f.file)
        if m is not None:
            stamp = max(stamp, int(m.group(1)) + 1)
    return f"{stamp}_{clean}.py"


def write_file(directory: str, file: str, text: str) -> str:
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, file)
    with open(path, "x", encoding="utf-8") as fh:
        fh.write(text)
    return path


def python_literal(value: Any) -> str:
    """JSON data as a Python expression (None/True/False, dicts keep their key order)."""
    import pprint

    return pprint.pformat(value, indent=4, width=100, sort_dicts=False)
