"""The `?fields=` projection, applied to any JSON response (PocketBase's tools/picker)."""

from __future__ import annotations

import html
import re
from typing import Any

_EXCERPT_RE = re.compile(r"^(.+?):excerpt\((\d+)(?:\s*,\s*(true|false|1|0))?\)$")
_TAG_RE = re.compile(r"<[^>]*>")
_WS_RE = re.compile(r"\s+")


def _excerpt(value: Any, max_len: int, ellipsis: bool) -> str:
    text = _WS_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", str(value)))).strip()
    if len(text) > max_len:
        text = text[:max_len].rstrip() + ("..." if ellipsis else "")
    return text


def parse_fields(raw: str) -> dict[str, Any]:
    """`a,b:excerpt(10,true),expand.rel.x,*` -> a tree of {key: subtree | modifier tuple | None}."""
    tree: dict[str, Any] = {}
    for part in _split(raw):
        part = part.strip()
        if not part:
            continue
        mod = None
        m = _EXCERPT_RE.match(part)
        if m:
            part, mod = m.group(1), ("excerpt", int(m.group(2)), m.group(3) in ("true", "1"))
        node = tree
        keys = part.split(".")
        for k in keys[:-1]:
            child = node.get(k)
            if not isinstance(child, dict):
                child = {}
                node[k] = child
            node = child
        if keys[-1] not in node or not isinstance(node[keys[-1]], dict):
            node[keys[-1]] = mod
    return tree


def _split(raw: str) -> list[str]:
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in raw:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def pick(data: Any, tree: dict[str, Any]) -> Any:
    if isinstance(data, list):
        return [pick(item, tree) for item in data]
    if not isinstance(data, dict):
        return data
    out: dict[str, Any] = {}
    if "*" in tree:
        for k, v in data.items():
            out[k] = v
    for key, sub in tree.items():
        if key == "*" or key not in data:
            continue
        value = data[key]
        if isinstance(sub, dict):
            out[key] = pick(value, sub)
        elif isinstance(sub, tuple):
            out[key] = _excerpt(value, sub[1], sub[2])
        else:
            out[key] = value
    return out


def pick_response(data: Any, raw_fields: str, is_list: bool) -> Any:
    tree = parse_fields(raw_fields)
    if not tree:
        return data
    if is_list and isinstance(data, dict) and "items" in data:
        return {**data, "items": pick(data["items"], tree)}
    return pick(data, tree)
