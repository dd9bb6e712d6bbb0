"""The differential cases: one request each, sent to PocketBase and to Roost as the same caller.

A case is one line. `L(name, collection, filter, ...)` is a list request (sort defaults to `id` so
the order is deterministic); `R(...)` is any other request. `who` is "su", "guest" or a user name
from the seed (alice, bob, carol, dave, eve). `check` says what must match: "full" (status, then
for 200 the ids in order and the JSON without autodate values), "ids" (status, then ids in order),
"set" (status, the ids in any order and the totals) or "status".

A case Roost is known to get wrong carries `bug="..."`: the reason, which becomes a strict xfail so
that the fix shows up as an unexpected pass. The bug keys group the reasons (see BUGS below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.differential.seed import C, P, T, U, rid


@dataclass(frozen=True)
class Case:
    name: str
    collection: str
    params: dict[str, Any] = field(default_factory=dict)
    who: str = "su"
    method: str = "GET"
    path: str = ""  # after /api/collections/{collection}/records
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    check: str = "full"
    bug: str = ""
    setup: tuple[
        tuple[str, str, dict[str, Any]], ...
    ] = ()  # superuser requests run first: (method, path, body)

    @property
    def id(self) -> str:
        return self.name


# Causes of the known divergences; a case names one in `bug=` (the text is its xfail reason). A key
# ending in "@postgres" or "@sqlite" applies on that Roost engine only. When the last case naming a
# key passes, drop the key (test_case_table_is_well_formed checks that every key is still used).
BUGS = {
    # --- access: rows, values or rights a caller must not get ---
    "email-sort": "deliberate: PocketBase sorts non-superusers by the raw email of a related auth record even "
    "where emailVisibility hides it (its order can be probed, e.g. against emails one registers oneself); "
    "Roost sorts a hidden email as NULL, as filters treat it",
    # --- parsing ---
    # --- comparison semantics ---
    # --- PostgreSQL only ---
    "json-sort@postgres": 'on PostgreSQL a multiple select sorts by jsonb\'s text (\'["a", "b"]\', with a '
    'space), not by PocketBase\'s compact JSON text (\'["a","b"]\'), so arrays sharing a first value may '
    "order differently",
    # --- response shape ---
}


def bug_key(tag: str) -> str:
    """The BUGS key a case's tag names ("key" or "key@engine")."""
    name = tag.split("@")[0]
    return next((k for k in BUGS if k.split("@")[0] == name), name)


def bug_reason(bug: str, engine: str) -> str:
    """The xfail reason of a case on `engine` ("sqlite" or "postgres"), or "" when it should pass. The
    engine restriction comes from the BUGS key or, for one case only, from the tag ("key@sqlite")."""
    reasons = []
    for tag in filter(None, bug.split(",")):
        key = bug_key(tag)
        only = (tag.split("@") + [""])[1] or (key.split("@") + [""])[1]
        if only and only != engine:
            continue
        reasons.append(f"[{key.split('@')[0]}] {BUGS[key]}")
    return "; ".join(reasons)


def L(
    name: str,
    collection: str,
    flt: str | None = None,
    sort: str | None = "id",
    who: str = "su",
    check: str = "full",
    bug: str = "",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> Case:
    q: dict[str, Any] = {"perPage": params.pop("perPage", 100)}
    if flt is not None:
        q["filter"] = flt
    if sort:
        q["sort"] = sort
    q.update(params)
    return Case(name, collection, q, who=who, check=check, bug=bug, headers=headers or {})


def V(name: str, collection: str, record_id: str, who: str = "su", bug: str = "", **params: Any) -> Case:
    return Case(name, collection, params, who=who, path="/" + record_id, bug=bug)


def R(
    name: str,
    collection: str,
    method: str,
    path: str = "",
    body: dict[str, Any] | None = None,
    who: str = "su",
    check: str = "full",
    bug: str = "",
    setup: tuple[tuple[str, str, dict[str, Any]], ...] = (),
    **params: Any,
) -> Case:
    return Case(
        name,
        collection,
        params,
        who=who,
        method=method,
        path=path,
        body=body,
        check=check,
        bug=bug,
        setup=setup,
    )


PEOPLE = ("guest", "alice", "bob", "carol", "dave", "eve", "su")

CASES: list[Case] = [
    # --- text operators, both quote kinds ------------------------------------------------------------
    L("text-eq-double", "posts", 'title = "Hello World"'),
    L("text-eq-single", "posts", "title = 'hello world'"),
    L("text-neq", "posts", "title != 'Hello World'"),
    L("text-gt", "posts", "title > 'h'"),
    L("text-gte", "posts", "title >= 'hello world'"),
    L("text-lt", "posts", "title < 'Hello'"),
    L("text-lte", "posts", "title <= '5.0'"),
    L("text-like-ascii-case-insensitive", "posts", "title ~ 'HELLO'"),
    L("text-not-like", "posts", "title !~ 'hello'"),
    L("text-like-unicode", "posts", "title ~ 'ünï'"),
    L("text-like-unicode-upper", "posts", "title ~ 'ÜNÏ'"),
    L("text-any-eq-single-value", "posts", "title ?= 'Hello World'"),
    L("text-any-neq", "posts", "title ?!= '5'"),
    L("text-any-like", "posts", "title ?~ 'world'"),
    L("text-any-not-like", "posts", "title ?!~ 'world'"),
    L("text-any-gt-lt", "posts", "title ?> '4' && title ?< 'A'"),
    L("text-any-gte-lte", "posts", "title ?>= '10' && title ?<= '5.0'"),
    L("text-literal-left", "posts", "'Hello World' = title"),
    L("text-column-vs-column", "posts", "title = slug"),
    L("text-like-column-right", "posts", "title ~ status"),
    # --- empty and null -------------------------------------------------------------------------------
    L("text-eq-empty", "posts", "title = ''"),
    L("text-neq-empty", "posts", "title != ''"),
    L("text-eq-null", "posts", "title = null"),
    L("text-neq-null", "posts", "title != null"),
    L("text-like-empty", "posts", "title ~ ''"),
    L("text-not-like-empty", "posts", "title !~ ''"),
    L("select-eq-empty", "posts", "status = ''"),
    L("date-eq-empty", "posts", "publishedAt = ''"),
    L("date-neq-null", "posts", "publishedAt != null"),
    L("number-eq-null", "posts", "views = null"),
    L("number-eq-empty", "posts", "views = ''"),
    L("bool-eq-null", "posts", "published = null"),
    L("rel-eq-empty", "posts", "author = ''"),
    L("rel-neq-empty", "posts", "author != ''"),
    L("null-eq-null", "posts", "null = null"),
    L("not-like-empty-relation", "posts", "team.name !~ 'zzz'"),
    L("not-like-empty-each", "posts", "tags:each ?!~ 'zzz'"),
    L("rel-id-vs-text", "posts", "team.id < 'a'"),
    L("literal-vs-literal-types", "posts", "'5' = 5"),
    L("length-vs-text", "posts", "tags:length = '2'"),
    L("lower-vs-number", "posts", "title:lower = 5 || title:lower > 4"),
    L("bool-vs-empty-text", "posts", "published = ''"),
    L("bool-vs-number", "posts", "5 <= published"),
    L("text-vs-number-column", "posts", "title >= views"),
    L("each-vs-each", "posts", "tags:each = tags:each"),
    L("big-integer", "posts", "views < 99999999999999999999"),
    L("non-ascii-identifier-start", "posts", "é = 1"),
    L("bool-lower", "posts", "published:lower = '1'"),
    L("lower-non-ascii-upper", "teams", "name:lower ~ 'équipe'"),
    L("multi-raw-json-unicode", "teams", 'colors = \'["x y","red"]\''),
    L("empty-eq-empty", "posts", "'' = ''"),
    L("empty-neq-empty", "posts", "'' != null"),
    # --- literals and escapes -------------------------------------------------------------------------
    L("escape-double-quote-sdk", "posts", 'title = "He said \\"hi\\""'),
    L("escape-single-quote", "posts", "title = 'O\\'Reilly\\'s book'"),
    L("double-quote-inside-single", "posts", "title = 'He said \"hi\"'"),
    L("single-quote-inside-double", "posts", "title = \"O'Reilly's book\""),
    L("backslash-sdk-stringify", "posts", 'title = "back\\\\slash"'),
    L("backslash-raw", "posts", 'title = "back\\slash"'),
    L("backslash-trailing", "posts", 'title = "a\\\\"'),
    L("escaped-other-quote", "posts", "title = 'He said \\\"hi\\\"'"),
    L("escaped-unknown-kept", "posts", "title = 'back\\qslash' || title = 'back\\slash'"),
    L("backslash-like", "posts", "title ~ 'k\\s'"),
    L("newline-sdk-stringify", "posts", 'title = "Line\\nbreak\\ttab"'),
    L("newline-raw", "posts", 'title = "Line\nbreak\ttab"'),
    L("like-percent-literal", "posts", "title ~ '50%'"),
    L("like-explicit-prefix", "posts", "title ~ 'Hello%'"),
    L("like-explicit-suffix", "posts", "title ~ '%world'"),
    L("like-escaped-percent", "posts", "title ~ '50\\%'"),
    L("like-underscore-literal", "posts", "title ~ 'e_c'"),
    L("like-underscore-matches-only-itself", "posts", "title ~ 'a_b'"),
    L("like-backslash-percent", "posts", "title ~ 'a\\%b'"),
    L("like-only-percent", "posts", "title ~ '%'"),
    L("like-only-underscore", "posts", "title ~ '_'"),
    L("eq-percent-is-not-wildcard", "posts", "title = '50%'"),
    L("keyword-true", "posts", "published = true"),
    L("keyword-false", "posts", "published = false"),
    L("keyword-upper-true", "posts", "published = TRUE"),
    L("keyword-mixed-null", "posts", "title = Null"),
    L("number-literal-negative", "posts", "views > -1"),
    L("number-literal-decimal", "posts", "rating = 4.5"),
    L("number-literal-negative-decimal", "posts", "rating < -0.75"),
    L("number-vs-text-literal", "posts", "views = '5'"),
    L("number-vs-decimal-text", "posts", "views = '5.0'"),
    L("number-vs-garbage-text", "posts", "views > 'abc'"),
    L("bool-vs-garbage-text", "posts", "published = 'yes'"),
    L("text-vs-number-literal", "posts", "title = 5"),
    L("text-vs-decimal-number-literal", "posts", "title = 5.0"),
    L("text-gt-number-literal", "posts", "title > 4"),
    L("number-eq-true", "posts", "views = true"),
    L("number-like", "posts", "views ~ '00'"),
    L("number-not-like", "posts", "views !~ '0'"),
    L("number-gt-lte", "posts", "views > 10 && views <= 100"),
    L("number-neq", "posts", "views != 5"),
    L("number-big", "posts", "views >= 1000000"),
    L("number-any-gt", "posts", "rating ?> 4"),
    L("number-column-compare", "posts", "views > rating"),
    L("bool-eq-1", "posts", "published = 1"),
    L("bool-eq-0", "posts", "published = 0"),
    L("bool-neq-true", "posts", "published != true"),
    L("bool-eq-text-true", "posts", "published = 'true'"),
    L("bool-eq-text-1", "posts", "published = '1'"),
    L("bool-like", "posts", "published ~ '1'"),
    # --- select ---------------------------------------------------------------------------------------
    L("select-eq", "posts", "status = 'draft'"),
    L("select-neq", "posts", "status != 'draft'"),
    L("select-like", "posts", "status ~ 'pub'"),
    L("select-any-eq", "posts", "status ?= 'archived'"),
    L("multi-like-raw", "posts", "tags ~ 'a'"),
    L("multi-like-quoted-raw", "posts", "tags ~ '\"a\"'"),
    L("multi-eq-raw-json", "posts", "tags = '[\"a\"]'"),
    L("multi-eq-raw-json-two", "posts", 'tags = \'["a","b"]\''),
    L("multi-eq-empty", "posts", "tags = ''"),
    L("multi-eq-null", "posts", "tags = null"),
    L("multi-any-eq-raw", "posts", "tags ?= 'a'"),
    L("multi-each-eq-all", "posts", "tags:each = 'a'"),
    L("multi-each-any-eq", "posts", "tags:each ?= 'a'"),
    L("multi-each-neq-all", "posts", "tags:each != 'a'"),
    L("multi-each-any-neq", "posts", "tags:each ?!= 'a'"),
    L("multi-each-like-all", "posts", "tags:each ~ '_'"),
    L("multi-each-any-like-wildcard", "posts", "tags:each ?~ 'e%'"),
    L("multi-each-any-like-escaped", "posts", "tags:each ?~ 'e\\%'"),
    L("multi-each-gt", "posts", "tags:each > 'a'"),
    L("multi-each-in-and", "posts", "tags:each ?= 'a' && tags:each ?= 'b'"),
    L("multi-each-in-or", "posts", "tags:each ?= 'c' || tags:each ?= 'd'"),
    L("multi-each-eq-empty", "posts", "tags:each = ''"),
    L("multi-each-any-eq-empty", "posts", "tags:each ?= ''"),
    L("multi-length-eq", "posts", "tags:length = 2"),
    L("multi-length-gt", "posts", "tags:length > 1"),
    L("multi-length-zero", "posts", "tags:length = 0"),
    L("multi-length-any", "posts", "tags:length ?>= 3"),
    L("multi-each-lower", "teams", "colors:each ?= 'x y'"),
    L("single-select-each", "posts", "status:each = 'draft'"),
    L("single-select-length", "posts", "status:length = 1"),
    # --- :lower -----------------------------------------------------------------------------------------
    L("lower-eq", "posts", "title:lower = 'hello world'"),
    L("lower-like", "posts", "title:lower ~ 'hello'"),
    L("lower-unicode", "posts", "title:lower = 'ünïcödé 日本語'"),
    L("lower-both-sides", "posts", "title:lower = author.name:lower"),
    L("lower-relation", "posts", "author.name:lower = 'bob'"),
    L("lower-number", "posts", "views:lower = '5'"),
    L("lower-multi-each", "teams", "colors:each:lower = 'red'", check="status"),
    # --- dates and macros -------------------------------------------------------------------------------
    L("date-gt-now", "posts", "publishedAt > @now"),
    L("date-lt-now", "posts", "publishedAt < @now && publishedAt != ''"),
    L("date-today", "posts", "publishedAt >= @todayStart && publishedAt <= @todayEnd"),
    L("date-yesterday-tomorrow", "posts", "publishedAt > @yesterday && publishedAt < @tomorrow"),
    L("date-month", "posts", "publishedAt >= @monthStart && publishedAt <= @monthEnd"),
    L("date-year", "posts", "publishedAt >= @yearStart && publishedAt <= @yearEnd"),
    L("date-literal", "posts", "publishedAt > '2024-01-01' && publishedAt < '2030-01-01 00:00:00.000Z'"),
    L("date-created-today", "posts", "created >= @todayStart && created <= @now"),
    L("date-updated-future", "posts", "updated > @tomorrow"),
    L("macro-integers", "posts", "@year > 2000 && @month >= 1 && @month <= 12 && @day >= 1 && @weekday < 7"),
    L("macro-time", "posts", "@hour >= 0 && @minute < 60 && @second >= 0"),
    L("macro-vs-macro", "posts", "@todayStart < @todayEnd && @yesterday < @tomorrow"),
    L("strftime-year", "posts", "strftime('%Y', publishedAt) = '2000'"),
    L("strftime-month-day", "posts", "strftime('%m-%d', publishedAt) = '02-29'"),
    L("strftime-empty-date", "posts", "strftime('%Y', publishedAt) = ''"),
    L("strftime-with-modifier", "posts", "strftime('%Y-%m-%d', publishedAt, '+1 day') = '2000-01-02'"),
    L("strftime-now-one-arg", "posts", "strftime('%Y') != ''"),
    L("strftime-vs-int-macro", "posts", "strftime('%Y', created) = @year"),
    L("strftime-vs-date-macro", "posts", "strftime('%Y', created) = strftime('%Y', @now)"),
    L("strftime-number-timevalue", "posts", "strftime('%Y', 0, 'unixepoch') = '1970'"),
    L("strftime-relation", "posts", "strftime('%Y', author.created) > '2000'"),
    L(
        "strftime-multi-relation",
        "posts",
        "strftime('%Y', coauthors.created) > '2000'",
    ),
    L("strftime-bad-format-arg", "posts", "strftime(title) = ''"),
    L(
        "strftime-too-many-args",
        "posts",
        "strftime('%Y', created, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i') = ''",
    ),
    # --- JSON -------------------------------------------------------------------------------------------
    L("json-key-number", "posts", "meta.a = 1"),
    L("json-key-text-number", "posts", "meta.a = '1'"),
    L("json-nested", "posts", "meta.b.c = 'x'"),
    L("json-array-index", "posts", "meta.list.2 = 3"),
    L("json-array-index-gt", "posts", "meta.list.0 > 1"),
    L("json-null-or-missing", "posts", "meta.a = null"),
    L("json-not-null", "posts", "meta.a != null"),
    L("json-whole-null", "posts", "meta = null"),
    L("json-whole-empty", "posts", "meta = ''"),
    L("json-whole-number", "posts", "meta = 5"),
    L("json-whole-string", "posts", "meta = 'plain string'"),
    L("json-whole-true", "posts", "meta = true"),
    L("json-like", "posts", "meta ~ 'x'"),
    L("json-key-like", "posts", "meta.b.c ~ 'X'"),
    L("json-number-vs-text", "posts", "meta.n = '5'"),
    L("json-number-vs-number", "posts", "meta.n = 5"),
    L("json-gt", "posts", "meta.a > 0"),
    L("json-relation", "posts", "team.meta.level = 2"),
    L("json-lower", "posts", "meta.b.c:lower = 'x'"),
    # --- geo --------------------------------------------------------------------------------------------
    L("geo-lon", "posts", "location.lon > 20"),
    L("geo-lat-range", "posts", "location.lat > 40 && location.lat < 45"),
    L("geo-zero", "posts", "location.lon = 0 && location.lat = 0"),
    L("geo-distance-near", "posts", "geoDistance(location.lon, location.lat, 23.3219, 42.6977) < 200"),
    L("geo-distance-far", "posts", "geoDistance(location.lon, location.lat, 23.3219, 42.6977) > 5000"),
    L(
        "geo-distance-literal-left",
        "posts",
        "500 > geoDistance(23.3219, 42.6977, location.lon, location.lat)",
    ),
    L(
        "geo-distance-same-point",
        "posts",
        "geoDistance(location.lon, location.lat, location.lon, location.lat) < 1",
    ),
    L("geo-distance-text-arg", "posts", "geoDistance('1', location.lat, 2, 3) < 1"),
    L("geo-distance-wrong-arity", "posts", "geoDistance(location.lon, location.lat, 1) < 1"),
    L("unknown-function", "posts", "nosuch(title) = 1"),
    # --- relations --------------------------------------------------------------------------------------
    L("rel-eq-id", "posts", f"author = '{U['alice']}'"),
    L("rel-dot-id", "posts", f"author.id = '{U['alice']}'"),
    L("rel-field", "posts", "author.name = 'Alice'"),
    L("rel-field-like", "posts", "author.name ~ 'o'"),
    L("rel-2-levels", "posts", "author.team.name = 'Web'"),
    L("rel-3-levels", "posts", "author.team.parent.name = 'Core'"),
    L("rel-4-levels", "posts", "author.team.parent.parent.name = 'Core'"),
    L("rel-5-levels", "posts", "author.team.parent.parent.parent.name = 'Core'"),
    L("rel-6-levels", "posts", "author.team.parent.parent.parent.parent.name = ''"),
    L("rel-7-levels", "posts", "author.team.parent.parent.parent.parent.parent.name = ''"),
    L("rel-empty-target-field", "posts", "author.name = ''"),
    L("rel-missing-vs-neq", "posts", "team.name != 'Web'"),
    L("rel-select", "posts", "author.role = 'admin'"),
    L("rel-email-su", "posts", "author.email = 'bob@example.com'"),
    L("rel-hidden-su", "posts", "author.nickname = 'ally'"),
    L("rel-circular", "posts", "team.leader.team.name = 'Web'"),
    L("rel-number", "posts", "author.age > 20"),
    L("rel-bool", "posts", "author.verified = false"),
    L("multi-rel-all", "posts", "coauthors.name = 'Alice'"),
    L("multi-rel-any", "posts", "coauthors.name ?= 'Alice'"),
    L("multi-rel-id-any", "posts", f"coauthors.id ?= '{U['bob']}'"),
    L("multi-rel-id-all", "posts", f"coauthors.id = '{U['bob']}'"),
    L("multi-rel-raw-any", "posts", f"coauthors ?= '{U['bob']}'"),
    L("multi-rel-raw-like", "posts", f"coauthors ~ '{U['bob']}'"),
    L("multi-rel-each", "posts", f"coauthors:each ?= '{U['eve']}'"),
    L("multi-rel-length", "posts", "coauthors:length > 2"),
    L("multi-rel-length-zero", "posts", "coauthors:length = 0"),
    L("multi-rel-all-gt", "posts", "coauthors.age > 20"),
    L("multi-rel-any-gt", "posts", "coauthors.age ?> 40"),
    L("multi-rel-all-neq", "posts", "coauthors.name != 'bob'"),
    L("multi-rel-any-neq", "posts", "coauthors.name ?!= 'bob'"),
    L("multi-rel-empty-all", "posts", "coauthors.name = ''"),
    L("multi-rel-not-empty", "posts", "coauthors.id != ''"),
    L("multi-rel-nested", "posts", "coauthors.team.name ?= 'Web'"),
    L("multi-rel-nested-all", "posts", "coauthors.team.name = 'Web'"),
    L("multi-rel-and-same-path", "posts", "coauthors.name ?= 'Alice' && coauthors.age ?< 26"),
    L("multi-rel-or-same-path", "posts", "coauthors.name ?= 'Alice' || coauthors.name ?= 'bob'"),
    L("multi-rel-mixed-all-any", "posts", "coauthors.age > 18 && coauthors.name ?= 'bob'"),
    L("multi-vs-multi", "posts", "coauthors.name ?= related.author.name"),
    L("multi-vs-multi-all", "posts", "coauthors.id = related.author.id"),
    L("self-multi", "posts", "related.title ?~ 'hello'"),
    L("self-multi-2-levels", "posts", "related.related.title ?~ 'Hello'"),
    L("self-multi-author", "posts", "related.author.name ?= 'bob'"),
    L("self-multi-all", "posts", "related.published = true"),
    L("multi-rel-lower", "posts", "coauthors.name:lower ?= 'alice'"),
    L("multi-rel-length-nested", "posts", "related.tags:length ?> 2"),
    L("multi-rel-each-nested", "posts", "related.tags:each ?= 'e%'"),
    L("comment-self-chain", "comments", "parent.parent.parent.text = 'Deep'"),
    L("comment-self-chain-5", "comments", "parent.parent.parent.parent.parent.text = 'agreed'"),
    L("rel-vs-rel", "posts", "author = team.leader"),
    L("rel-field-vs-field", "posts", "author.team = team"),
    # --- back-relations ---------------------------------------------------------------------------------
    L("back-rel-any-like", "posts", "comments_via_post.text ?~ 'first'"),
    L("back-rel-all-gt", "posts", "comments_via_post.likes > 0"),
    L("back-rel-any-gt", "posts", "comments_via_post.likes ?> 5"),
    L("back-rel-nested", "posts", "comments_via_post.user.name ?= 'bob'"),
    L("back-rel-exists", "posts", "comments_via_post.id != ''"),
    L("back-rel-none", "posts", "comments_via_post.id = ''"),
    L("back-rel-all-bool", "posts", "comments_via_post.flagged = false"),
    L("back-rel-multi-any", "posts", "labels_via_posts.name ?= 'featured'"),
    L("back-rel-multi-all", "posts", "labels_via_posts.name = 'featured'"),
    L("back-rel-multi-like-all", "posts", "labels_via_posts.name ~ 'feat'"),
    L("back-rel-unique", "users", "profiles_via_user.bio ~ 'bio'"),
    L("back-rel-unique-empty", "users", "profiles_via_user.bio = ''"),
    L("back-rel-from-users", "users", "posts_via_author.views ?> 50"),
    L("back-rel-count-like", "users", "posts_via_author.id ?!= ''"),
    L("back-rel-teams", "teams", "users_via_team.name ?= 'Alice'"),
    L("back-rel-teams-2", "teams", "users_via_team.posts_via_author.title ?~ 'hello'"),
    L("back-rel-self", "comments", "comments_via_parent.text ?= 'Deep'"),
    L("back-rel-self-multi", "posts", "posts_via_related.title ?~ 'HELLO'"),
    L("back-rel-self-teams", "teams", "teams_via_parent.name ?= 'Web'"),
    L("back-rel-and-same-path", "posts", "comments_via_post.likes ?> 2 && comments_via_post.likes ?< 5"),
    L("back-rel-unknown", "posts", "nosuch_via_post.text = 'x'"),
    L("back-rel-wrong-target", "posts", "comments_via_user.text = 'x'"),
    # --- @collection ------------------------------------------------------------------------------------
    L("collection-any", "posts", "@collection.comments.post ?= id && @collection.comments.likes ?> 8"),
    L(
        "collection-alias",
        "posts",
        "@collection.comments:c1.post ?= id && @collection.comments:c2.likes ?> 8",
    ),
    L("collection-all", "posts", "@collection.labels.name != 'nope'"),
    L("collection-vs-field", "posts", "@collection.users.name ?= author.name"),
    L("collection-like-id", "posts", "@collection.labels.posts ?~ id"),
    L(
        "collection-nested-rel",
        "posts",
        "@collection.comments.user.name ?= 'bob' && @collection.comments.post ?= id",
    ),
    L("collection-unknown", "posts", "@collection.nosuch.x = 1"),
    L("collection-by-id-path", "posts", "@collection.teams.name ?= 'Ops'"),
    # --- @request as superuser --------------------------------------------------------------------------
    L("request-auth-id", "posts", "@request.auth.id != ''"),
    L("request-auth-collection", "posts", "@request.auth.collectionName = '_superusers'"),
    L("request-auth-email", "posts", "@request.auth.email = 'parity@example.com'"),
    L("request-auth-missing-field", "posts", "@request.auth.role = ''"),
    L("request-method", "posts", "@request.method = 'GET'"),
    L("request-context", "posts", "@request.context = 'default'"),
    L("request-query", "posts", "@request.query.perPage = '100'"),
    L("request-query-missing", "posts", "@request.query.nosuch = null"),
    L("request-header", "posts", "@request.headers.x_custom = 'yes'", headers={"X-Custom": "yes"}),
    L(
        "request-header-lower",
        "posts",
        "@request.headers.x_custom:lower = 'yes'",
        headers={"X-Custom": "YES"},
    ),
    L("request-isset", "posts", "@request.query.perPage:isset = true && @request.query.nosuch:isset = false"),
    L(
        "request-body-changed",
        "posts",
        "@request.body.title:changed = false && @request.body.title:isset = false",
    ),
    L("request-body-missing", "posts", "@request.body.title = null"),
    L("request-vs-field", "posts", "@request.query.t = title", t="5"),
    L("request-unknown-section", "posts", "@request.nosuch = null"),
    # --- logic, grouping, comments, whitespace -----------------------------------------------------------
    L("and-or-precedence", "posts", "views > 10 || published = true && status = 'draft'"),
    L("parens", "posts", "(views > 10 || published = true) && status = 'draft'"),
    L(
        "nested-parens",
        "posts",
        "((views > 10 && (status = 'published' || status = 'archived')) || title = '')",
    ),
    L("comment-trailing", "posts", "views > 10 // only popular"),
    L("comment-between-lines", "posts", "views > 10 // first\n&& status = 'published'"),
    L("whitespace-tabs-newlines", "posts", "\tviews\n>\t10\n"),
    L("many-ors", "posts", " || ".join(f"views = {n}" for n in range(200))),
    L("too-many-expressions", "posts", " || ".join(f"views = {n}" for n in range(201))),
    L("too-long", "posts", "title = '" + "x" * 3500 + "'"),
    L("no-spaces", "posts", "views>10&&status='published'"),
    # --- errors -----------------------------------------------------------------------------------------
    L("err-unknown-field", "posts", "nosuch = 1"),
    L("err-syntax-double-eq", "posts", "title == 'x'"),
    L("err-unterminated", "posts", "title = 'x"),
    L("err-dangling-op", "posts", "title ="),
    L("err-dangling-join", "posts", "title = 'x' &&"),
    L("err-single-amp", "posts", "title = 'x' & views = 1"),
    L("err-unclosed-paren", "posts", "(title = 'x'"),
    L("err-extra-paren", "posts", "title = 'x')"),
    L("err-bad-number", "posts", "views = 1."),
    L("err-minus-alone", "posts", "views = -"),
    L("err-unknown-modifier", "posts", "title:upper = 'X'"),
    L("err-isset-on-field", "posts", "title:isset = true"),
    L("err-length-on-text", "posts", "title:length = 1"),
    L("err-identifier-trailing-dot", "posts", "title. = 1"),
    L("err-not-relation", "posts", "title.x = 1"),
    L("err-only-comment", "posts", "// nothing"),
    L("err-whitespace-only", "posts", "   "),
    L("err-empty-group", "posts", "()"),
    L("quirk-empty-group-and", "posts", "() && views > 10"),
    L("quirk-group-as-operand", "posts", "title = (views > 10)"),
    L("quirk-carriage-return", "posts", "views > 10\r\n"),
    L("err-unicode-identifier", "posts", "meta.ключ = 1"),
    # --- sort ---------------------------------------------------------------------------------------------
    L("sort-desc", "posts", None, "-views,id"),
    L("sort-multi", "posts", None, "status,-rating,id"),
    L("sort-plus", "posts", None, "+title,id"),
    L("sort-spaces", "posts", None, " -views , id "),
    L("sort-relation", "posts", None, "author.name,id"),
    L("sort-relation-desc-deep", "posts", None, "-author.team.name,id"),
    L("sort-rowid", "posts", None, "@rowid"),
    L("sort-rowid-desc", "posts", None, "-@rowid"),
    L("sort-json", "posts", None, "meta.a,id"),
    L("sort-geo", "posts", None, "location.lat,id"),
    L("sort-bool-date", "posts", None, "published,-publishedAt,id"),
    L("sort-created", "posts", None, "-created,id"),
    L("sort-empty-values", "posts", None, "status,title,id"),
    L("sort-unicode-text", "teams", None, "name,id"),
    L("sort-random-status", "posts", None, "@random", check="status"),
    L("sort-default-order", "posts", None, None),
    L("sort-default-order-filtered", "posts", "views > 5", None),
    L("sort-lower", "posts", None, "title:lower,id", check="status"),
    L("sort-multi-rel", "posts", None, "coauthors.name,id", check="status"),
    L("sort-back-rel", "posts", None, "comments_via_post.likes,id", check="status"),
    L("sort-length", "posts", None, "tags:length,id", check="status"),
    L("sort-unknown-field", "posts", None, "nosuch"),
    L("sort-request-su", "posts", None, "@request.auth.id,id"),
    L("sort-too-many", "posts", None, "title,views,rating,status,published,slug,author,team,id"),
    L("sort-eight", "posts", None, "title,views,rating,status,published,slug,author,id"),
    L("sort-bad-char", "posts", None, "title;drop"),
    L("sort-only-commas", "posts", None, ","),
    L("sort-empty-terms", "posts", None, "title,,id"),
    L("sort-whitespace", "posts", None, " "),
    L("sort-with-filter-relation", "posts", "author.name != ''", "-author.age,id"),
    # --- pagination ---------------------------------------------------------------------------------------
    L("page-2", "posts", "views >= 0", "id", perPage=4, page=2),
    L("page-beyond", "posts", None, "id", perPage=10, page=5),
    L("page-zero", "posts", None, "id", perPage=5, page=0),
    L("per-page-zero", "posts", None, "id", perPage=0),
    L("per-page-huge", "posts", None, "id", perPage=5000),
    L("skip-total", "posts", "views > 5", "id", perPage=3, skipTotal=1),
    L("page-not-int", "posts", None, "id", page="abc"),
    # --- expand -------------------------------------------------------------------------------------------
    L("expand-single", "posts", "views > 20", expand="author"),
    L("expand-nested", "posts", None, expand="author.team"),
    L("expand-6-levels", "comments", f"id = '{C[9]}'", expand="parent.parent.parent.parent.parent.parent"),
    L(
        "expand-7-levels",
        "comments",
        f"id = '{C[9]}'",
        expand="parent.parent.parent.parent.parent.parent.parent",
    ),
    L("expand-deep-mixed", "posts", f"id = '{P[1]}'", expand="author.team.parent,team.leader.team"),
    L("expand-multi", "posts", None, expand="coauthors,related"),
    L("expand-multi-nested", "posts", None, expand="related.related.author"),
    L("expand-back-rel", "posts", None, expand="comments_via_post"),
    L("expand-back-rel-nested", "posts", None, expand="comments_via_post.user.team"),
    L("expand-back-rel-multi", "posts", None, expand="labels_via_posts"),
    L("expand-back-rel-unique", "users", None, expand="profiles_via_user"),
    L("expand-back-rel-self", "comments", None, expand="comments_via_parent"),
    L("expand-several", "posts", None, expand="author,team,coauthors,comments_via_post"),
    L("expand-unknown", "posts", None, expand="nosuch"),
    L("expand-not-relation", "posts", None, expand="title"),
    L("expand-empty-parts", "posts", None, expand="author,,team"),
    L("expand-secrets-su", "posts", None, expand="secrets_via_post"),
    L("expand-viewrule-guest", "posts", None, who="guest", expand="author,comments_via_post"),
    L("expand-viewrule-alice", "posts", None, who="alice", expand="author,coauthors,comments_via_post"),
    L("expand-locked-guest", "posts", None, who="guest", expand="secrets_via_post"),
    L("expand-with-filter-rel", "posts", "author.team.name = 'Web'", expand="author.team"),
    # --- fields -------------------------------------------------------------------------------------------
    L("fields-some", "posts", None, fields="id,title"),
    L("fields-star", "posts", None, fields="*"),
    L("fields-star-expand", "posts", None, fields="*,expand.author.name", expand="author"),
    L(
        "fields-nested-expand",
        "posts",
        None,
        fields="id,expand.author.name,expand.author.expand.team.name",
        expand="author.team",
    ),
    L(
        "fields-expand-list",
        "posts",
        None,
        fields="id,expand.comments_via_post.text",
        expand="comments_via_post",
    ),
    L("fields-excerpt-ellipsis", "posts", None, fields="id,title:excerpt(3,true)"),
    L("fields-excerpt-html", "posts", None, fields="id,body:excerpt(10)"),
    L("fields-excerpt-long", "posts", None, fields="id,body:excerpt(200,true)"),
    L("fields-unknown", "posts", None, fields="id,nosuch"),
    L("fields-spaces", "posts", None, fields=" id , title "),
    L("fields-top-level", "posts", None, fields="page,totalItems,items.id"),
    L("fields-empty", "posts", None, fields=""),
    L("fields-json-geo", "posts", None, fields="id,meta,location"),
    # --- auth collection listing and client restrictions -----------------------------------------------------
    L("users-as-su", "users", None),
    L("users-filter-email-su", "users", "email ~ 'example.com'"),
    L("users-hidden-filter-su", "users", "nickname != ''"),
    L("guest-request-forbidden", "posts", "@request.auth.id = ''", who="guest"),
    L("user-request-forbidden", "posts", "@request.method = 'GET'", who="alice"),
    L("guest-collection-forbidden", "posts", "@collection.comments.likes ?> 1", who="guest"),
    L("guest-sort-request-forbidden", "posts", None, "@request.auth.id", who="guest"),
    L("guest-literal-forbidden", "posts", "title = '@request.auth.id'", who="guest"),
    L("guest-literal-collection", "posts", "title ~ '@collection.'", who="guest"),
    L("guest-hidden-field", "posts", "author.nickname = 'ally'", who="guest"),
    L("guest-hidden-own-field", "users", "nickname = 'ally'", who="alice"),
    L("guest-join-list-rule", "posts", "author.name = 'Alice'", who="guest"),
    L("user-join-list-rule", "posts", "author.name != ''", who="bob"),
    L("user-join-list-rule-own", "posts", "author.name = 'bob'", who="bob"),
    L("user-join-list-rule-or", "posts", "author.name = 'Alice' || views > 100", who="bob"),
    L("guest-join-locked", "posts", "secrets_via_post.code = 's1'", who="guest"),
    L("guest-join-locked-any", "posts", "secrets_via_post.code ?!= ''", who="guest"),
    L("guest-back-rel-list-rule", "teams", "users_via_team.name ?= 'Alice'", who="guest"),
    L("user-email-filter", "posts", "author.email ~ 'bob'", who="bob"),
    L("user-email-filter-visible", "posts", "author.email ~ 'alice'", who="alice"),
    L("user-own-email", "users", "email = 'bob@example.com'", who="bob"),
    L("user-own-email-visible", "users", "email = 'alice@example.com'", who="alice"),
    L("guest-sort-relation", "posts", None, "author.name,id", who="guest"),
    L("guest-expand-filter", "comments", "post.title ~ 'hello'", who="guest", expand="post,user"),
]

# --- rule-guarded collections, as every caller --------------------------------------------------------------
for _who in PEOPLE:
    CASES += [
        L(f"notes-list-{_who}", "notes", None, who=_who),
        L(f"notes-filter-{_who}", "notes", "text ~ 'shared'", who=_who),
        L(f"projects-list-{_who}", "projects", None, who=_who),
        L(f"memberships-list-{_who}", "memberships", None, who=_who),
        L(f"gated-list-{_who}", "gated", None, who=_who),
        L(f"gated-list-header-{_who}", "gated", None, who=_who, headers={"X-Key": "open-sesame"}),
        L(f"gated-list-query-{_who}", "gated", None, who=_who, key="k1"),
        V(f"gated-view-{_who}", "gated", rid("gated", 1), who=_who),
        L(f"tasks-list-{_who}", "tasks", "id ~ 'task'", who=_who),
        L(f"users-list-{_who}", "users", None, who=_who),
        L(f"comments-expand-{_who}", "comments", None, who=_who, expand="post.author,user"),
    ]
    for _n in (1, 2, 5, 6):
        CASES.append(V(f"notes-view-{_n}-{_who}", "notes", rid("note", _n), who=_who))
    for _n in (1, 2, 4):
        CASES.append(V(f"projects-view-{_n}-{_who}", "projects", rid("proj", _n), who=_who))


def _task(n: int, **body: Any) -> tuple[str, str, dict[str, Any]]:
    return ("POST", "/api/collections/tasks/records", {"id": rid("tsk", n), "title": f"task {n}", **body})


CASES += [
    # --- create rules with @request.body ---------------------------------------------------------------------
    R("create-guest", "tasks", "POST", body={"id": rid("new", 1), "title": "x"}, who="guest", check="status"),
    R("create-own", "tasks", "POST", body={"id": rid("new", 2), "title": "x", "owner": U["bob"]}, who="bob"),
    R(
        "create-other-owner",
        "tasks",
        "POST",
        body={"id": rid("new", 3), "owner": U["alice"]},
        who="bob",
        check="status",
    ),
    R(
        "create-status-open",
        "tasks",
        "POST",
        body={"id": rid("new", 4), "owner": U["bob"], "status": "open"},
        who="bob",
    ),
    R(
        "create-status-done",
        "tasks",
        "POST",
        body={"id": rid("new", 5), "owner": U["bob"], "status": "done"},
        who="bob",
        check="status",
    ),
    R(
        "create-tags-two",
        "tasks",
        "POST",
        body={"id": rid("new", 6), "owner": U["bob"], "tags": ["x", "y"]},
        who="bob",
    ),
    R(
        "create-tags-three",
        "tasks",
        "POST",
        body={"id": rid("new", 7), "owner": U["bob"], "tags": ["x", "y", "z"]},
        who="bob",
        check="status",
    ),
    R(
        "create-form-data-owner",
        "tasks",
        "POST",
        body={"id": rid("new", 8), "owner": U["carol"]},
        who="carol",
    ),
    # --- update rules with :changed / :isset -----------------------------------------------------------------
    R(
        "update-own-title",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 1),
        {"title": "new title"},
        who="alice",
        setup=(_task(1, owner=U["alice"]),),
    ),
    R(
        "update-change-owner",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 2),
        {"owner": U["bob"]},
        who="alice",
        check="status",
        setup=(_task(2, owner=U["alice"]),),
    ),
    R(
        "update-same-owner",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 3),
        {"owner": U["alice"], "title": "t"},
        who="alice",
        setup=(_task(3, owner=U["alice"]),),
    ),
    R(
        "update-priority-ok",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 4),
        {"priority": 5},
        who="alice",
        setup=(_task(4, owner=U["alice"]),),
    ),
    R(
        "update-priority-high",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 5),
        {"priority": 6},
        who="alice",
        check="status",
        setup=(_task(5, owner=U["alice"]),),
    ),
    R(
        "update-priority-text",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 6),
        {"priority": "4"},
        who="alice",
        setup=(_task(6, owner=U["alice"]),),
    ),
    R(
        "update-forbidden-title",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 7),
        {"title": "FORBIDDEN word"},
        who="alice",
        check="status",
        setup=(_task(7, owner=U["alice"]),),
    ),
    R(
        "update-other-user",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 8),
        {"title": "mine"},
        who="bob",
        check="status",
        setup=(_task(8, owner=U["alice"]),),
    ),
    R(
        "update-guest",
        "tasks",
        "PATCH",
        "/" + rid("tsk", 9),
        {"title": "mine"},
        who="guest",
        check="status",
        setup=(_task(9, owner=U["alice"]),),
    ),
    R(
        "delete-open",
        "tasks",
        "DELETE",
        "/" + rid("tsk", 10),
        who="alice",
        check="status",
        setup=(_task(10, owner=U["alice"], status="open"),),
    ),
    R(
        "delete-done",
        "tasks",
        "DELETE",
        "/" + rid("tsk", 11),
        who="alice",
        check="status",
        setup=(_task(11, owner=U["alice"], status="done"),),
    ),
    R(
        "delete-done-other",
        "tasks",
        "DELETE",
        "/" + rid("tsk", 12),
        who="bob",
        check="status",
        setup=(_task(12, owner=U["alice"], status="done"),),
    ),
    # --- view requests with expand and fields ----------------------------------------------------------------
    V("view-expand-fields", "posts", P[1], expand="author.team,comments_via_post", fields="id,expand"),
    V("view-expand-guest", "posts", P[1], who="guest", expand="author,comments_via_post"),
    V("view-comment-flagged-guest", "comments", C[3], who="guest"),
    V("view-comment-flagged-su", "comments", C[3]),
    V("view-team-expand-back", "teams", T[2], expand="users_via_team,teams_via_parent.teams_via_parent"),
]

# --- view collections: inferred fields, aggregates, rules, expand ---------------------------------------------
CASES += [
    L("vc-post-stats", "post_stats"),
    L("vc-post-stats-guest", "post_stats", who="guest"),
    L("vc-post-stats-comments", "post_stats", "comments > 1", sort="-comments,id"),
    L("vc-post-stats-likes", "post_stats", "likes >= 2 || top > 3", sort="-likes,id"),
    L("vc-post-stats-tags", "post_stats", "tags ?= 'a'"),
    L("vc-post-stats-meta", "post_stats", "meta != null", sort="-views,id"),
    L("vc-post-stats-author-rel", "post_stats", "author.name ~ 'a'"),
    L("vc-post-stats-expand", "post_stats", expand="author.team", fields="id,comments,expand"),
    L("vc-post-stats-page", "post_stats", sort="-views,id", perPage=3, page=2),
    L("vc-post-stats-skip-total", "post_stats", "views > 0", skipTotal="1"),
    L("vc-author-stats", "author_stats"),
    L("vc-author-stats-level", "author_stats", "level = 'busy' || posts = 0", sort="-posts,id"),
    L("vc-author-stats-views", "author_stats", "views > 10", sort="-views,id"),
    L("vc-author-stats-label", "author_stats", "label = '0'"),
    L("vc-author-stats-expand", "author_stats", expand="team", who="alice"),
    L("vc-note-view-guest", "note_view", who="guest"),
    L("vc-note-view-alice", "note_view", who="alice"),
    L("vc-note-view-su", "note_view"),
    V("vc-post-stats-one", "post_stats", P[1], expand="author"),
    V("vc-note-view-other", "note_view", rid("note", 1), who="bob"),
    R("vc-post-stats-create", "post_stats", "POST", body={"title": "x"}, check="full"),
    R("vc-post-stats-update", "post_stats", "PATCH", "/" + P[1], body={"title": "x"}, check="full"),
    R("vc-post-stats-delete", "post_stats", "DELETE", "/" + P[1], who="guest", check="full"),
]
