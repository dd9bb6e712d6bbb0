"""Send one case to one server and compare the two answers."""

from __future__ import annotations

from typing import Any

import httpx

from tests.differential.cases import Case
from tests.differential.compare import describe, first_difference, ids, normalize


class Target:
    """A seeded server: its HTTP client and the tokens of every caller."""

    def __init__(self, name: str, base_url: str, tokens: dict[str, str]) -> None:
        self.name = name
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.tokens = tokens

    def close(self) -> None:
        self.http.close()

    def send(self, case: Case) -> tuple[int, Any]:
        for method, path, body in case.setup:
            r = self.http.request(method, path, json=body, headers={"Authorization": self.tokens["su"]})
            if r.status_code >= 300:
                raise RuntimeError(f"{self.name}: setup {method} {path} -> {r.status_code} {r.text}")
        headers = dict(case.headers)
        if case.who != "guest":
            headers["Authorization"] = self.tokens[case.who]
        url = f"/api/collections/{case.collection}/records{case.path}"
        r = self.http.request(case.method, url, params=case.params, headers=headers, json=case.body)
        try:
            body = r.json() if r.content else None
        except ValueError:
            body = r.text
        return r.status_code, body


def mismatch(case: Case, pb: tuple[int, Any], roost: tuple[int, Any]) -> str | None:
    """Why Roost's answer does not match PocketBase's for this case, or None."""
    (s1, b1), (s2, b2) = pb, roost
    if s2 >= 500:
        return f"Roost answered {s2}: {b2}"
    if s1 != s2:
        return describe(s1, b1, s2, b2)
    if s1 != 200 or case.check == "status":
        return None
    if case.check == "set":
        # an order SQLite leaves undefined (a sort by a multi-valued path): the same rows and totals
        if sorted(ids(b1) or []) != sorted(ids(b2) or []):
            return f"ids: PocketBase {sorted(ids(b1) or [])} != Roost {sorted(ids(b2) or [])}"
        return first_difference(
            {k: v for k, v in b1.items() if k != "items"}, {k: v for k, v in b2.items() if k != "items"}
        )
    if ids(b1) != ids(b2):
        return f"ids: PocketBase {ids(b1)} != Roost {ids(b2)}"
    if case.check == "ids":
        return None
    return first_difference(normalize(b1), normalize(b2))
