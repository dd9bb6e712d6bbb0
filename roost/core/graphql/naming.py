"""GraphQL names for collections and fields.

GraphQL names are `[_A-Za-z][_0-9A-Za-z]*` and may not start with `__`; collection and field
names are `\\w+` (any Unicode letter). A name that is already valid is kept as it is. Any other
is mapped predictably (docs/graphql.md): every character outside `[_0-9A-Za-z]` becomes `_`, a
leading digit gets a `_` before it, a leading `__` gets an `x` before it; when two names map to
the same one, the later one (in field or name order) gets `_2`, `_3`, ... Type names are the
OpenAPI schema names (roost/core/apidocs/names.py), numbered the same way on a clash."""

from __future__ import annotations

import re

from roost.core.apidocs.names import type_names
from roost.core.collections import Collection

_VALID_RE = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_INVALID_CHAR_RE = re.compile(r"[^_0-9A-Za-z]")

# names the schema itself uses: a collection type may not take them
BUILTIN_TYPES = frozenset(
    {"Query", "Mutation", "Subscription", "JSON", "String", "Int", "Float", "Boolean", "ID", "RecordAction"}
)
# the types derived from each collection type
SUFFIXES = ("List", "CreateInput", "UpdateInput", "Event")


def graphql_name(name: str) -> str:
    """`name` as a GraphQL name (unchanged when it already is one)."""
    if _VALID_RE.match(name) and not name.startswith("__"):
        return name
    out = _INVALID_CHAR_RE.sub("_", name) or "_"
    if out[0].isdigit():
        out = "_" + out
    if out.startswith("__"):
        out = "x" + out
    return out


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name_2`, `name_3`, ... when taken; the result is added to `taken`."""
    out, n = name, 1
    while out in taken:
        n += 1
        out = f"{name}_{n}"
    taken.add(out)
    return out


def collection_type_names(collections: list[Collection]) -> dict[str, str]:
    """Collection id -> its GraphQL type name: the OpenAPI name, numbered (`Posts2`) when it or
    one of its derived names (`PostsList`, `PostsEvent`, ...) is a built-in or already taken."""
    base = type_names(collections)
    taken: set[str] = set(BUILTIN_TYPES)
    out: dict[str, str] = {}
    for coll in sorted(collections, key=lambda c: c.name):
        first = graphql_name(base[coll.id])
        name, n = first, 1
        while any(x in taken for x in (name, *(name + s for s in SUFFIXES))):
            n += 1
            name = f"{first}{n}"
        taken.update((name, *(name + s for s in SUFFIXES)))
        out[coll.id] = name
    return out
