"""Differential cases built systematically rather than by hand, so that a whole class is not missed.

Every operand below is a (path, kind) pair over the seed's `docs` collection (and a few over
`posts`): each field kind (text, number, bool, date, select single/multi, relation single/multi,
json, email, autodate) reached through each path shape (direct, a single relation, a multiple
relation, nested 2-3 levels, a back-relation `x_via_y`, `@collection.x`). The generator crosses
them with every operator (the `?` variants included), with literals of the operand's kind, with
`null` and `""`, with comparisons between two paths, and with sorts by each path (the totals are
compared as well as the rows); each request is sent as a guest, as two different users and as a
superuser, since relation paths apply the related collections' listRules to non-superusers.

The seed's `staff` collection is listed by anyone when `active = true` and by any signed-in user
otherwise; `users` only by the user itself, so the callers see different related rows.
"""

from __future__ import annotations

import re
from typing import Any

from tests.differential.cases import Case
from tests.differential.seed import D, S, T, U

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "~", "!~")
ANY_OPERATORS = tuple("?" + op for op in OPERATORS)
OP_NAMES = {"=": "eq", "!=": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le", "~": "like", "!~": "nlike"}

# literals of each kind: the first is the one crossed with every operator, the others with = and !=
LITERALS: dict[str, tuple[str, ...]] = {
    "text": ("'Alice'", "'b'", "'bob'"),
    "number": ("3", "0", "-1", "5"),
    "bool": ("true", "false"),
    "date": ("'2020-06-01 00:00:00.000Z'", "@now", "'2000-01-01 00:00:00.000Z'"),
    "select": ("'spec'",),
    "role": ("'dev'", "'lead'"),
    "multi": ("'x'", "'y'"),
    "skills": ("'py'", "'go'"),
    "email": ("'a@x.io'", "'x.io'"),
    "user-email": ("'alice@example.com'", "'example'", "'bob@example.com'"),
    "json": ("1", "'s'"),
    "autodate": ("'2000-01-01 00:00:00.000Z'", "@yesterday"),
    "user": (f"'{U['alice']}'", f"'{U['bob']}'"),
    "staff": (f"'{S[1]}'", f"'{S[2]}'"),
    "team": (f"'{T[1]}'", f"'{T[2]}'"),
    "doc": (f"'{D[1]}'", f"'{D[6]}'"),
    "length": ("1", "0", "2"),
}
EMPTY = ("null", "''")

# (collection, path, literal kind, who may see which rows through it: "users" when the path joins
# users (a rule per user), "staff" when it joins staff (a rule for guests), "" otherwise)
DOCS_OPERANDS: list[tuple[str, str, str]] = [
    # direct
    ("title", "text", ""),
    ("pages", "number", ""),
    ("draft", "bool", ""),
    ("due", "date", ""),
    ("kind", "select", ""),
    ("labels", "multi", ""),
    ("labels:each", "multi", ""),
    ("labels:length", "length", ""),
    ("contact", "email", ""),
    ("created", "autodate", ""),
    ("owner", "user", ""),
    ("reviewers", "staff", ""),
    ("reviewers:each", "staff", ""),
    ("reviewers:length", "length", ""),
    ("title:lower", "text", ""),
    ("meta.a", "json", ""),
    # a single relation
    ("owner.name", "text", "users"),
    ("owner.id", "user", ""),
    ("owner.age", "number", "users"),
    ("owner.verified", "bool", "users"),
    ("owner.email", "user-email", "users"),
    ("owner.email:lower", "user-email", "users"),
    ("lead.name", "text", "staff"),
    ("lead.id", "staff", ""),
    ("lead.level", "number", "staff"),
    ("lead.active", "bool", "staff"),
    ("lead.joined", "date", "staff"),
    ("lead.role", "role", "staff"),
    ("lead.skills", "skills", "staff"),
    ("lead.skills:each", "skills", "staff"),
    ("lead.contact", "email", "staff"),
    ("lead.created", "autodate", "staff"),
    ("lead.team", "team", "staff"),
    ("lead.name:lower", "text", "staff"),
    ("team.name", "text", ""),
    # a multiple relation
    ("reviewers.name", "text", "staff"),
    ("reviewers.id", "staff", "staff"),
    ("reviewers.level", "number", "staff"),
    ("reviewers.active", "bool", "staff"),
    ("reviewers.joined", "date", "staff"),
    ("reviewers.role", "role", "staff"),
    ("reviewers.skills", "skills", "staff"),
    ("reviewers.contact", "email", "staff"),
    ("reviewers.user", "user", "staff"),
    ("reviewers.name:lower", "text", "staff"),
    ("reviewers.skills:length", "length", "staff"),
    ("reviewers.skills:each", "skills", "staff"),
    # nested, 2 and 3 levels
    ("lead.mentor.name", "text", "staff"),
    ("lead.mentor.level", "number", "staff"),
    ("lead.mentor.id", "staff", "staff"),
    ("lead.team.name", "text", "staff"),
    ("lead.user.name", "text", "users"),
    ("owner.team.name", "text", "users"),
    ("reviewers.team.name", "text", "staff"),
    ("reviewers.mentor.level", "number", "staff"),
    ("reviewers.user.name", "text", "users"),
    ("reviewers.user.email", "user-email", "users"),
    ("team.members.name", "text", "users"),
    ("team.members.age", "number", "users"),
    ("lead.mentor.mentor.name", "text", "staff"),
    ("reviewers.mentor.team.name", "text", "staff"),
    ("lead.team.members.name", "text", "users"),
    ("team.leader.team.name", "text", "users"),
    # back-relations: a single relation without a unique index, and a multiple one
    ("reviews_via_doc.score", "number", ""),
    ("reviews_via_doc.body", "text", ""),
    ("reviews_via_doc.approved", "bool", ""),
    ("reviews_via_doc.author.name", "text", "users"),
    ("reviews_via_doc.staffer.level", "number", "staff"),
    ("staff_via_watching.name", "text", "staff"),
    ("staff_via_watching.level", "number", "staff"),
    ("lead.reviews_via_staffer.score", "number", "staff"),
    # another collection
    ("@collection.reviews.score", "number", ""),
    ("@collection.staff.name", "text", ""),
    ("@collection.staff.team.name", "text", ""),
    ("@collection.reviews.doc.pages", "number", ""),
    ("@collection.staff.reviews_via_staffer.score", "number", ""),
]

POSTS_OPERANDS: list[tuple[str, str, str]] = [
    ("author.name", "text", "users"),
    ("author.id", "user", ""),
    ("author.age", "number", "users"),
    ("coauthors.name", "text", "users"),
    ("coauthors.age", "number", "users"),
    ("coauthors.verified", "bool", "users"),
    ("coauthors.email", "user-email", "users"),
    ("author.email", "user-email", "users"),
    ("team.members.name", "text", "users"),
    ("author.team.name", "text", "users"),
    ("related.author.name", "text", "users"),
    ("comments_via_post.likes", "number", ""),
    ("comments_via_post.user.name", "text", "users"),
    ("team.users_via_team.age", "number", "users"),
    ("author.profiles_via_user.bio", "text", "users"),
]

# boards' listRule walks `watchers` (a multiple relation to staff): a filter through the same relation
# shares its join with the rule, as in PocketBase's list query (every caller sees other rows)
BOARDS_OPERANDS: list[tuple[str, str, str]] = [
    ("name", "text", "users"),
    ("watchers.name", "text", "users"),
    ("watchers.level", "number", "users"),
    ("watchers.active", "bool", "users"),
    ("watchers.id", "staff", "users"),
    ("watchers:length", "length", "users"),
    ("watchers.mentor.name", "text", "users"),
    ("members.name", "text", "users"),
    ("members.age", "number", "users"),
]

# two paths compared with each other (multi vs multi pairs every value with every value)
PAIRS: list[tuple[str, str, str, str]] = [
    ("docs", "reviewers.level", "lead.level", "staff"),
    ("docs", "reviewers.name", "lead.name", "staff"),
    ("docs", "reviewers.level", "reviewers.level", "staff"),
    ("docs", "reviewers.name", "reviewers.mentor.name", "staff"),
    ("docs", "reviewers.level", "reviews_via_doc.score", "staff"),
    ("docs", "reviewers.team", "team", "staff"),
    ("docs", "lead.level", "pages", "staff"),
    ("docs", "reviewers.user", "owner", "staff"),
    ("docs", "reviews_via_doc.author", "owner", "users"),
    ("docs", "lead.mentor.level", "lead.level", "staff"),
    ("posts", "coauthors.age", "author.age", "users"),
    ("posts", "coauthors.name", "author.name", "users"),
    ("posts", "coauthors.team", "team", "users"),
]
PAIR_OPERATORS = ("=", "!=", ">", "<=", "?=", "?!=", "?>", "?<=")

# whole filters: paths sharing a join, rules under || and &&, nested groups
COMBINED: list[tuple[str, str, str]] = [
    ("docs", "reviewers.name = 'Alice' && reviewers.active = true", "staff"),
    ("docs", "reviewers.name ?= 'Alice' && reviewers.active ?= false", "staff"),
    ("docs", "reviewers.name ?= 'bob' || reviewers.level ?> 4", "staff"),
    ("docs", "lead.name = 'Alice' || title = 'Zeta'", "staff"),
    ("docs", "lead.name != '' || draft = true", "staff"),
    ("docs", "owner.name = 'Alice' || pages > 50", "users"),
    ("docs", "(owner.name = null || owner.name = '') && pages >= 0", "users"),
    ("docs", "lead.mentor.name = lead.name", "staff"),
    ("docs", "reviews_via_doc.score > 4 && reviews_via_doc.approved = true", ""),
    ("docs", "reviews_via_doc.score ?> 4 && reviews_via_doc.approved ?= false", ""),
    ("docs", "team.members.name ?= 'Alice' && team.members.age ?> 20", "users"),
    ("docs", "reviewers.id ?= lead.id", "staff"),
    ("docs", "reviewers ?= lead", ""),
    ("docs", "reviewers.skills ?~ 'py' && lead.skills ~ 'go'", "staff"),
    ("docs", "staff_via_watching.id ?= lead.id || staff_via_watching.name = 'Alice'", "staff"),
    ("docs", "@collection.reviews.doc ?= id && @collection.reviews.score ?> 5", ""),
    ("docs", "@collection.reviews:r.doc ?= id && @collection.reviews:r.score > 5", ""),
    ("docs", "@collection.staff.id ?= lead && @collection.staff.level ?> 3", ""),
    ("posts", "author.name = 'bob' || coauthors.name ?= 'bob'", "users"),
    ("posts", "comments_via_post.likes > 2 && comments_via_post.user.name ?!= 'bob'", "users"),
    ("boards", "watchers.level ?> 3 && watchers.name ?= 'Bob'", "users"),
    ("boards", "watchers.level ?< 0 || members.name ?= 'bob'", "users"),
    ("boards", "public = false && watchers.active ?= true", "users"),
    ("posts", "author.id != '' && author.name = null", "users"),
]

SORT_PATHS: list[tuple[str, str, str]] = [
    ("docs", "title", ""),
    ("docs", "pages", ""),
    ("docs", "due", ""),
    ("docs", "labels", ""),
    ("docs", "owner.name", "users"),
    ("docs", "owner.id", ""),
    ("docs", "owner.email", "users"),
    ("docs", "lead.name", "staff"),
    ("docs", "lead.level", "staff"),
    ("docs", "lead.active", "staff"),
    ("docs", "lead.mentor.name", "staff"),
    ("docs", "lead.mentor.mentor.level", "staff"),
    ("docs", "lead.team.name", "staff"),
    ("docs", "owner.team.name", "users"),
    ("docs", "team.name", ""),
    ("docs", "team.leader.name", "users"),
    ("docs", "reviewers.name", "staff"),
    ("docs", "reviews_via_doc.score", ""),
    ("docs", "meta.a", ""),
    ("posts", "author.name", "users"),
    ("posts", "author.team.name", "users"),
    ("posts", "team.name", ""),
    ("posts", "coauthors.age", "users"),
    ("boards", "watchers.level", "users"),
    ("boards", "members.name", "users"),
]

IDENTITIES = ("su", "guest", "alice", "bob")


def _slug(text: str) -> str:
    for op, name in sorted(OP_NAMES.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f" ?{op} ", f"-any{name}-").replace(f" {op} ", f"-{name}-")
    text = text.replace("''", "empty").replace("@", "at-")
    return re.sub(r"[^A-Za-z0-9._:-]+", "-", text).strip("-")


def _list(
    name: str, collection: str, flt: str | None, sort: str, who: str, bug: str = "", check: str = "full"
) -> Case:
    q: dict[str, Any] = {"perPage": 100, "sort": sort}
    if flt is not None:
        q["filter"] = flt
    return Case(name, collection, q, who=who, bug=bug, check=check)


# multi-valued paths: SQLite leaves the order of PocketBase's DISTINCT over their joined rows undefined
MULTI_VALUED = (
    "reviewers.",
    "coauthors.",
    "reviews_via_doc.",
    "staff_via_watching.",
    "team.members.",
    "watchers.",
    "members.",
)


# who sees different rows through a path: everyone through users, guests apart through staff
CALLERS = {"users": IDENTITIES, "staff": ("su", "guest", "alice"), "": ("su", "guest")}


def _filters(path: str, kind: str) -> list[tuple[str, bool]]:
    """(filter, key): key filters go to every caller, the others to one caller in turn."""
    lits = LITERALS[kind]
    ops = OPERATORS + ANY_OPERATORS
    if kind == "bool":  # a LIKE on a bool column is the literal/affinity cluster, not a path question
        ops = tuple(op for op in ops if "~" not in op)
    out = [(f"{path} {op} {lits[i % len(lits)]}", op in ("=", "!=")) for i, op in enumerate(ops)]
    # a bool or JSON value against '' is the literal/storage-class question (hand-written cases cover it)
    empties = ("null",) if kind in ("bool", "json") else EMPTY
    for op in ("=", "!=", "?=", "?!="):
        out += [(f"{path} {op} {lit}", op in ("=", "!=")) for lit in empties]
    for op in ("=", "!="):
        out += [(f"{path} {op} {lit}", False) for lit in lits[1:]]
    return out


def _sort_bug(path: str, who: str) -> str:
    """The BUGS key (tests/differential/cases.py) of a generated sort Roost knowingly answers otherwise."""
    if path.endswith(".email") and who == "bob":
        return "email-sort"  # bob's own email is hidden (emailVisibility off); he may list his own user only
    if path == "labels":
        return "json-sort@postgres"  # a multiple select sorts by jsonb's text there
    return ""


def build() -> list[Case]:
    cases: list[Case] = []
    turn = 0
    for collection, operands in (
        ("docs", DOCS_OPERANDS),
        ("posts", POSTS_OPERANDS),
        ("boards", BOARDS_OPERANDS),
    ):
        for path, kind, sees in operands:
            callers = ("su", "guest") if path.startswith("@collection") else CALLERS[sees]
            for flt, key in dict(_filters(path, kind)).items():
                if not key:
                    turn += 1
                for who in callers if key else (IDENTITIES[turn % len(IDENTITIES)],):
                    name = f"gen-{collection}-{_slug(flt)}-{who}"
                    cases.append(_list(name, collection, flt, "id", who))
    for collection, left, right, _ in PAIRS:
        for op in PAIR_OPERATORS:
            flt = f"{left} {op} {right}"
            for who in IDENTITIES:
                cases.append(_list(f"gen-{collection}-{_slug(flt)}-{who}", collection, flt, "id", who))
    for n, (collection, flt, _) in enumerate(COMBINED):
        for who in IDENTITIES:
            cases.append(_list(f"gen-{collection}-combined-{n}-{who}", collection, flt, "id", who))
    for collection, path, _ in SORT_PATHS:
        check = "set" if path.startswith(MULTI_VALUED) else "full"
        for sign, direction in (("", "asc"), ("-", "desc")):
            sort = f"{sign}{path},id"
            for who in IDENTITIES:
                name = f"gen-{collection}-sort-{direction}-{_slug(path)}-{who}"
                cases.append(_list(name, collection, None, sort, who, check=check, bug=_sort_bug(path, who)))
            # a sort together with a filter through the same relation
            flt = f"{path} != null"
            name = f"gen-{collection}-sort-{direction}-{_slug(path)}-filtered-guest"
            cases.append(
                _list(
                    name,
                    collection,
                    flt,
                    sort,
                    "guest",
                    check=check,
                    bug=_sort_bug(path, "guest"),
                )
            )
    return cases


GENERATED: list[Case] = build()
