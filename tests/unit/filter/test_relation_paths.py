"""Relation paths, NULLs, multi-relations and sorts through relations, as PocketBase 0.40.6 answers
them (each expectation below is PocketBase's answer on the same data; tests/differential checks the
same semantics against the binary on a larger seed).

`crew` may be listed by anyone when `active = true` and by any signed-in user otherwise, so guests
and users see different related rows: a related collection's listRule applies to the joined rows of
a non-superuser's filter or sort (`id = '' || rule`, so a missing related row passes), but not to
the every-value check of a comparison without `?`, and `rel.id` reads the relation column itself.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio

CREW = [
    {"id": "crew00000000001", "name": "Ann", "level": 5, "active": True},
    {"id": "crew00000000002", "name": "Ann", "level": 1, "active": False},
    {"id": "crew00000000003", "name": "Ben", "level": 2, "active": False},
    {"id": "crew00000000004", "name": "Cy", "level": 4, "active": True},
    {"id": "crew00000000005", "name": "Dee", "level": 9, "active": False},
    {"id": "crew00000000006", "name": "Eve", "level": 0, "active": True},
]
C1, C2, C3, C4, C5, C6 = (c["id"] for c in CREW)
JOBS = [
    {"id": "job000000000001", "title": "one", "lead": C1, "crew": [C1, C2]},
    {"id": "job000000000002", "title": "two", "lead": C2, "crew": [C1, C3]},
    {"id": "job000000000003", "title": "three", "crew": []},
    {"id": "job000000000004", "title": "four", "lead": C4, "crew": [C4]},
]
SHIFTS = [
    {"id": "shift0000000001", "name": "s1", "open": True, "crew": [C2]},
    {"id": "shift0000000002", "name": "s2", "open": False, "crew": [C2, C4]},
    {"id": "shift0000000003", "name": "s3", "open": False, "crew": [C1]},
    {"id": "shift0000000004", "name": "s4", "open": False, "crew": [C5, C6]},
]

# (who, collection, filter, sort, the ids PocketBase lists in that order, or in any order for a set:
# SQLite leaves the order of a sort by a multi-valued path undefined)
CASES: list[tuple[str, str, str, str, list[str] | set[str]]] = [
    # rel.id is the relation column: no join, no related listRule, '' when unset
    ("guest", "jobs", f"lead.id != '{C1}'", "id", ["job000000000002", "job000000000003", "job000000000004"]),
    ("su", "jobs", f"lead.id != '{C1}'", "id", ["job000000000002", "job000000000003", "job000000000004"]),
    # a missing related row passes the related listRule; a hidden one does not
    ("guest", "jobs", "lead.name = null", "id", ["job000000000003"]),
    ("guest", "jobs", "lead.name != 'Ann'", "id", ["job000000000003", "job000000000004"]),
    # a sort through a relation applies the listRule the same way (and keeps records without a lead)
    ("guest", "jobs", "", "lead.name,id", ["job000000000003", "job000000000001", "job000000000004"]),
    (
        "alice",
        "jobs",
        "",
        "-lead.name,id",
        ["job000000000004", "job000000000001", "job000000000002", "job000000000003"],
    ),
    # without `?`, every value must match, the ones the caller may not list included
    ("guest", "jobs", "crew.name = 'Ann'", "id", ["job000000000001"]),
    ("guest", "jobs", "crew.level > 3", "id", ["job000000000004"]),
    ("guest", "jobs", "crew.name ?= 'Ann'", "id", ["job000000000001", "job000000000002"]),
    # two multi-valued operands: every value against every value
    ("su", "jobs", "crew.level = crew.level", "id", ["job000000000003", "job000000000004"]),
    ("su", "jobs", "crew.level >= crew.level", "id", ["job000000000004"]),
    # the listRule and the filter name the same relation: one join, so the same row must meet both
    ("alice", "shifts", "crew.name ?= 'Ann'", "id", ["shift0000000001", "shift0000000003"]),
    ("guest", "shifts", "crew.name ?= 'Ann'", "id", ["shift0000000003"]),
    # ... and so do the rule and a sort: a row must meet the rule and be listable (s4 has neither)
    ("guest", "shifts", "", "crew.name,id", {"shift0000000002", "shift0000000003"}),
    ("guest", "shifts", "name != 's3'", "-crew.level,id", {"shift0000000002"}),
    # an auth record's email: the comparison as a whole requires emailVisibility
    ("alice", "jobs", "owner.email != 'zzz@example.com'", "id", []),
    ("bob", "jobs", "owner.email != 'zzz@example.com'", "id", ["job000000000002"]),
]


async def seed(client: Any, su: dict[str, str]) -> dict[str, dict[str, str]]:
    """The collections and records above; the auth headers of alice and bob."""
    alice, alice_token = await make_user(client, "alice@example.com", emailVisibility=False)
    bob, bob_token = await make_user(client, "bob@example.com", emailVisibility=True)
    crew = await make_collection(
        client,
        su,
        {
            "name": "crew",
            "type": "base",
            "listRule": "active = true || @request.auth.id != ''",
            "fields": [
                {"name": "name", "type": "text"},
                {"name": "level", "type": "number"},
                {"name": "active", "type": "bool"},
            ],
        },
    )
    users = (await client.get("/api/collections/users", headers=su)).json()

    def rel(name: str, target: str, n: int) -> dict[str, Any]:
        return {"name": name, "type": "relation", "collectionId": target, "maxSelect": n}

    await make_collection(
        client,
        su,
        {
            "name": "jobs",
            "type": "base",
            "listRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                rel("lead", crew["id"], 1),
                rel("crew", crew["id"], 5),
                rel("owner", users["id"], 1),
            ],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "shifts",
            "type": "base",
            "listRule": "open = true || crew.level ?> 3",
            "fields": [
                {"name": "name", "type": "text"},
                {"name": "open", "type": "bool"},
                rel("crew", crew["id"], 5),
            ],
        },
    )
    owners = {"job000000000001": alice["id"], "job000000000002": bob["id"]}
    for name, rows in (("crew", CREW), ("jobs", JOBS), ("shifts", SHIFTS)):
        for row in rows:
            body = {**row, "owner": owners[row["id"]]} if row["id"] in owners else row
            r = await client.post(f"/api/collections/{name}/records", json=body, headers=su)
            assert r.status_code == 200, r.text
    return {
        "su": su,
        "guest": {},
        "alice": {"Authorization": alice_token},
        "bob": {"Authorization": bob_token},
    }


async def test_relation_paths_answer_as_pocketbase(client, su) -> None:
    callers = await seed(client, su)
    wrong = []
    for who, collection, flt, sort, expected in CASES:
        params = {"sort": sort, "perPage": 100, **({"filter": flt} if flt else {})}
        r = await client.get(f"/api/collections/{collection}/records", params=params, headers=callers[who])
        assert r.status_code == 200, (who, flt, r.text)
        body = r.json()
        got: list[str] | set[str] = [item["id"] for item in body["items"]]
        if isinstance(expected, set):
            got = set(got)
        if got != expected or body["totalItems"] != len(expected):
            wrong.append(
                f"{who} {collection} filter={flt!r} sort={sort!r}: {got} (total {body['totalItems']})"
            )
    assert not wrong, "\n".join(wrong)
