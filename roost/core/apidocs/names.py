"""Type names for collections, shared by every generated description (OpenAPI, JSON Schema, types.ts).

A collection's type name is its name in PascalCase as `pocketbase-typegen` spells it: a name of
letters and digits only keeps its letters and gets a capital first letter (`myPosts` → `MyPosts`);
any other name is split into words at the other characters, each word capitalised and the rest of
it lower-cased (`blog_posts` → `BlogPosts`, `_superusers` → `Superusers`)."""

from __future__ import annotations

import re

from roost.core.collections import Collection

_WORD_RE = re.compile(r"([^\W_])([^\W_]*)")
_ALNUM_RE = re.compile(r"^[^\W_]+$")


def pascal_case(name: str) -> str:
    if _ALNUM_RE.match(name):
        return name[:1].upper() + name[1:]
    out = _WORD_RE.sub(lambda m: m.group(1).upper() + m.group(2).lower(), name)
    return re.sub(r"[\W_]", "", out)


def type_names(collections: list[Collection]) -> dict[str, str]:
    """Collection id -> its type name, unique among `collections`: when two names give the same
    PascalCase (`_superusers` and `superusers`), the later one by name gets a number (`Superusers2`)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for coll in sorted(collections, key=lambda c: c.name):
        base = pascal_case(coll.name) or "Collection"
        if base[0].isdigit():
            base = "C" + base
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}{n}"
        taken.add(name.lower())
        names[coll.id] = name
    return names
