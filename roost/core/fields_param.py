"""The `?fields=` projection, applied to any JSON response (PocketBase's tools/picker)."""

from __future__ import annotations

import html
import re
from typing import Any

from roost.errors import BadRequest

_MODIFIER_SPLIT_RE = re.compile(r"[(),\s]+")
_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
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
        if ":" in part:
            part, raw_mod = part.split(":", 1)
            mod = _modifier(raw_mod)
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


def _modifier(raw: str) -> tuple[str, int, bool]:
    """`excerpt(max, withEllipsis?)`, the one modifier PocketBase's picker knows; anything else,
    or a max that is not a positive integer, is a 400."""
    tokens = [t for t in _MODIFIER_SPLIT_RE.split(raw) if t]
    if not tokens or tokens[0] != "excerpt" or not 1 <= len(tokens) - 1 <= 2:
        raise BadRequest("Something went wrong while processing your request.")
    max_len = _go_int(tokens[1])
    if max_len <= 0:
        raise BadRequest("Something went wrong while processing your request.")
    return "excerpt", max_len, len(tokens) > 2 and tokens[2] in _GO_TRUE


def _go_int(text: str) -> int:
    """Go's cast.ToInt of a string: base prefixes allowed, decimals truncated, anything else 0."""
    text = text.strip()
    try:
        if re.fullmatch(r"[+-]?0[0-7]+", text):
            return int(text, 8)
        return int(text, 0)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return 0
    return int(value) if value == value and abs(value) != float("inf") else 0


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
            # only text values are shortened (PocketBase leaves numbers, JSON, ... as they are)
            out[key] = _excerpt(value, sub[1], sub[2]) if isinstance(value, str) else value
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
