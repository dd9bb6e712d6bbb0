"""Schemathesis hooks for tests/e2e/test_apidocs_clients.py (loaded through SCHEMATHESIS_HOOKS).

`?fields=` is documented, but an answer picked with it holds only the named fields, so it cannot
conform to the full record schema; the generated requests leave it out."""

from __future__ import annotations

from typing import Any

import schemathesis


@schemathesis.hook
def map_query(ctx: Any, query: Any) -> Any:
    if query:
        query.pop("fields", None)
    return query
