"""A small YAML emitter for JSON-like data (dicts, lists, strings, numbers, bools, None).

Block style throughout; strings are double-quoted with JSON escapes (a subset of YAML's
double-quoted escapes), so every value reads back exactly as it was."""

from __future__ import annotations

import re
from typing import Any

import orjson

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_$\-]*$")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return orjson.dumps(value).decode()
    return orjson.dumps(str(value)).decode()


def _key(key: str) -> str:
    if _PLAIN_KEY.match(key) and key.lower() not in _RESERVED:
        return key
    return orjson.dumps(key).decode()


def _emit(value: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                out.append(f"{pad}{_key(str(k))}:")
                _emit(v, indent + 1, out)
            else:
                out.append(f"{pad}{_key(str(k))}: {_flow_empty(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                nested: list[str] = []
                _emit(item, indent + 1, nested)
                first = nested[0].lstrip()
                out.append(f"{pad}- {first}")
                out.extend(nested[1:])
            else:
                out.append(f"{pad}- {_flow_empty(item)}")


def _flow_empty(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def to_yaml(value: Any) -> str:
    if not isinstance(value, (dict, list)) or not value:
        return _flow_empty(value) + "\n"
    out: list[str] = []
    _emit(value, 0, out)
    return "\n".join(out) + "\n"
