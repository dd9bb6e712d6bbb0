"""Who a generated description is for: a superuser, a guest, or a record of one auth collection.

The description depends only on the caller's class, never on the caller's own record, so it can
be cached per (schema version, audience). Rules are not evaluated: an operation whose rule is
`null` (superusers only) is left out for everyone else, any other rule is documented as it is."""

from __future__ import annotations

from dataclasses import dataclass

from roost.core.collections import RULE_NAMES, Collection, Registry

SUPERUSERS_ID = "pbc_3142635823"


@dataclass(frozen=True, slots=True)
class Audience:
    kind: str  # "superuser", "guest" or "auth"
    collection_id: str = ""  # the caller's auth collection, for "auth"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.collection_id}"

    @property
    def superuser(self) -> bool:
        return self.kind == "superuser"

    def may(self, coll: Collection, rule: str) -> bool:
        """Whether the operation behind `rule` is open to this audience (not superusers-only)."""
        return self.superuser or coll.rules.get(rule) is not None


GUEST = Audience("guest")
SUPERUSER = Audience("superuser", SUPERUSERS_ID)


def audience_of(auth_collection: Collection | None) -> Audience:
    if auth_collection is None:
        return GUEST
    if auth_collection.id == SUPERUSERS_ID:
        return SUPERUSER
    return Audience("auth", auth_collection.id)


def may_read(coll: Collection, audience: Audience) -> bool:
    """May list or view the collection's records (JSON Schema and types.ts are given for these)."""
    return audience.may(coll, "listRule") or audience.may(coll, "viewRule")


def may_use(coll: Collection, audience: Audience) -> bool:
    """Has any records operation open, or is an auth collection one may sign in to."""
    return audience.superuser or any(coll.rules.get(r) is not None for r in RULE_NAMES) or password_auth(coll)


def password_auth(coll: Collection) -> bool:
    return coll.is_auth and bool(coll.options.get("passwordAuth", {}).get("enabled", True))


def readable(registry: Registry, audience: Audience) -> list[Collection]:
    return sorted((c for c in registry.all() if may_read(c, audience)), key=lambda c: c.name)


def usable(registry: Registry, audience: Audience) -> list[Collection]:
    return sorted((c for c in registry.all() if may_use(c, audience)), key=lambda c: c.name)
