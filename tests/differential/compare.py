"""How two answers to the same request are compared: status, then ids and order, then the JSON."""

from __future__ import annotations

import json
from typing import Any

IGNORED_VALUES = ("created", "updated")  # compared by presence only: they hold the seeding time


def normalize(value: Any) -> Any:
    """The JSON with autodate values blanked, recursively (items, expand, nested expand)."""
    if isinstance(value, list):
        return [normalize(v) for v in value]
    if isinstance(value, dict):
        return {
            k: ("<date>" if k in IGNORED_VALUES and isinstance(v, str) else normalize(v))
            for k, v in value.items()
        }
    return value


def ids(body: Any) -> list[str] | None:
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        return [item.get("id", "?") if isinstance(item, dict) else "?" for item in body["items"]]
    return None


def first_difference(a: Any, b: Any, path: str = "$") -> str | None:
    """A short description of where two JSON values first differ, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a:
                return f"{path}.{key}: only Roost has it ({_short(b[key])})"
            if key not in b:
                return f"{path}.{key}: missing in Roost (PocketBase: {_short(a[key])})"
            diff = first_difference(a[key], b[key], f"{path}.{key}")
            if diff:
                return diff
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items in PocketBase, {len(b)} in Roost"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            diff = first_difference(x, y, f"{path}[{i}]")
            if diff:
                return diff
        return None
    if a != b or (
        type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float)))
    ):
        return f"{path}: PocketBase {_short(a)} != Roost {_short(b)}"
    return None


def _short(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "..."


def describe(status_pb: int, body_pb: Any, status_roost: int, body_roost: Any) -> str:
    def msg(body: Any) -> str:
        return body.get("message", "") if isinstance(body, dict) else str(body)[:200]

    if status_pb != status_roost:
        return (
            f"status: PocketBase {status_pb} ({msg(body_pb)!r}) != Roost {status_roost} ({msg(body_roost)!r})"
            + (f"; PocketBase ids {ids(body_pb)}" if ids(body_pb) is not None else "")
            + (f"; Roost ids {ids(body_roost)}" if ids(body_roost) is not None else "")
        )
    return ""
