"""GraphQL at /api/graphql, in process: naming, rules, relations in batches, errors, limits and
a schema change showing up without a restart."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from roost.core.app import App
from tests.helpers import make_collection, make_user

pytestmark = pytest.mark.anyio

GQL = "/api/graphql"


async def gql(
    client: httpx.AsyncClient, query: str, headers: dict[str, str] | None = None, **variables: Any
) -> dict[str, Any]:
    r = await client.post(GQL, json={"query": query, "variables": variables}, headers=headers or {})
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def _blog(client: httpx.AsyncClient, su: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    authors = await make_collection(
        client,
        su,
        {
            "name": "blog_authors",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [{"name": "name", "type": "text"}],
        },
    )
    posts = await make_collection(
        client,
        su,
        {
            "name": "posts",
            "type": "base",
            "listRule": "public = true || owner = @request.auth.id",
            "viewRule": "public = true || owner = @request.auth.id",
            "createRule": "@request.auth.id != ''",
            "updateRule": "owner = @request.auth.id",
            "deleteRule": "owner = @request.auth.id",
            "fields": [
                {"name": "title", "type": "text", "required": True},
                {"name": "public", "type": "bool"},
                {"name": "views", "type": "number"},
                {"name": "tags", "type": "select", "values": ["a", "b"], "maxSelect": 2},
                {"name": "author", "type": "relation", "collectionId": authors["id"], "maxSelect": 1},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
                {"name": "meta", "type": "json"},
            ],
        },
    )
    await make_collection(
        client,
        su,
        {
            "name": "comments",
            "type": "base",
            "listRule": "",
            "viewRule": "",
            "fields": [
                {"name": "body", "type": "text"},
                {"name": "post", "type": "relation", "collectionId": posts["id"], "maxSelect": 1},
            ],
        },
    )
    return authors, posts


async def test_crud_through_graphql_follows_the_rules(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    await _blog(client, su)
    ann = (
        await client.post("/api/collections/blog_authors/records", json={"name": "Ann"}, headers=su)
    ).json()
    user, token = await make_user(client, "u1@example.com")
    auth = {"Authorization": token}
    created = await gql(
        client,
        """mutation($d: PostsCreateInput!) { create_posts(data: $d) {
             id title public views tags meta author { name } owner { id } } }""",
        auth,
        d={
            "title": "Hello",
            "views": 3,
            "tags": ["a"],
            "author": ann["id"],
            "owner": user["id"],
            "meta": {"k": [1]},
        },
    )
    assert "errors" not in created, created
    post = created["data"]["create_posts"]
    assert post["title"] == "Hello" and post["views"] == 3 and post["tags"] == ["a"]
    assert post["author"] == {"name": "Ann"} and post["owner"] == {"id": user["id"]}
    assert post["meta"] == {"k": [1]}
    for i in range(3):
        await client.post(
            "/api/collections/comments/records", json={"body": f"c{i}", "post": post["id"]}, headers=su
        )

    listed = await gql(
        client,
        """{ posts(sort: "-title", perPage: 5) { page perPage totalItems totalPages
             items { id title author { name } comments_via_post { body } } } }""",
        auth,
    )
    assert "errors" not in listed, listed
    page = listed["data"]["posts"]
    assert (page["totalItems"], page["perPage"]) == (1, 5)
    assert page["items"][0]["author"] == {"name": "Ann"}
    assert sorted(c["body"] for c in page["items"][0]["comments_via_post"]) == ["c0", "c1", "c2"]

    # a guest sees nothing private and may not create
    guest = await gql(client, "{ posts { totalItems } }")
    assert guest["data"]["posts"]["totalItems"] == 0
    refused = await gql(client, 'mutation { create_posts(data: {title: "x"}) { id } }')
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"] == {
        "status": 400,
        "message": "Failed to create record.",
        "data": {},
    }

    # filters are PocketBase filters; a bad one carries PocketBase's error
    found = await gql(client, "{ posts(filter: \"title ~ 'ell'\") { items { title } } }", auth)
    assert found["data"]["posts"]["items"] == [{"title": "Hello"}]
    bad = await gql(client, '{ posts(filter: "nope = 1") { totalItems } }', auth)
    assert bad["data"] is None
    assert bad["errors"][0]["extensions"]["status"] == 400
    assert bad["errors"][0]["path"] == ["posts"]

    updated = await gql(
        client,
        'mutation($id: ID!) { update_posts(id: $id, data: {title: "Bye", public: true}) { title public } }',
        auth,
        id=post["id"],
    )
    assert updated["data"]["update_posts"] == {"title": "Bye", "public": True}
    assert (await gql(client, "{ posts { totalItems } }"))["data"]["posts"]["totalItems"] == 1

    _, other_token = await make_user(client, "u2@example.com")
    denied = await gql(
        client, "mutation($id: ID!) { delete_posts(id: $id) }", {"Authorization": other_token}, id=post["id"]
    )
    assert denied["errors"][0]["extensions"]["status"] == 404
    deleted = await gql(client, "mutation($id: ID!) { delete_posts(id: $id) }", auth, id=post["id"])
    assert deleted == {"data": {"delete_posts": True}}
    missing = await gql(client, "query($id: ID!) { posts_by_id(id: $id) { id } }", su, id=post["id"])
    assert missing["errors"][0]["extensions"]["status"] == 404


async def test_introspection_hides_what_the_caller_may_not_use(
    client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    await make_collection(
        client, su, {"name": "secrets", "type": "base", "fields": [{"name": "v", "type": "text"}]}
    )
    await make_collection(
        client,
        su,
        {"name": "blog_posts", "type": "base", "listRule": "", "fields": [{"name": "t", "type": "text"}]},
    )
    q = "{ __schema { queryType { fields { name } } mutationType { fields { name } } } }"
    as_guest = (await gql(client, q))["data"]["__schema"]
    names = {f["name"] for f in as_guest["queryType"]["fields"]}
    assert "blog_posts" in names and "secrets" not in names and "blog_posts_by_id" not in names
    as_su = (await gql(client, q, su))["data"]["__schema"]
    su_names = {f["name"] for f in as_su["queryType"]["fields"]}
    assert {"secrets", "secrets_by_id", "blog_posts_by_id"} <= su_names
    assert "create_blog_posts" in {f["name"] for f in as_su["mutationType"]["fields"]}
    typed = await gql(client, '{ __type(name: "BlogPosts") { name } }')
    assert typed["data"]["__type"] == {"name": "BlogPosts"}


async def test_a_schema_change_shows_up_without_a_restart(
    client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    coll = await make_collection(
        client,
        su,
        {"name": "notes", "type": "base", "listRule": "", "fields": [{"name": "a", "type": "text"}]},
    )
    assert "errors" not in await gql(client, "{ notes { items { a } } }")
    spec = {"fields": [*coll["fields"], {"name": "b", "type": "number"}]}
    r = await client.patch(f"/api/collections/{coll['id']}", json=spec, headers=su)
    assert r.status_code == 200, r.text
    assert "errors" not in await gql(client, "{ notes { items { a b } } }")
    await client.patch(f"/api/collections/{coll['id']}", json={"listRule": None}, headers=su)
    gone = await gql(client, "{ notes { items { a } } }")
    assert "Cannot query field 'notes'" in gone["errors"][0]["message"]


async def test_names_that_are_not_graphql_names_are_mapped(
    client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    await make_collection(
        client,
        su,
        {
            "name": "café",
            "type": "base",
            "listRule": "",
            "createRule": "",
            "fields": [{"name": "2nd", "type": "text"}],
        },
    )
    made = await gql(client, 'mutation { create_caf_(data: {_2nd: "x"}) { id _2nd } }')
    assert made["data"]["create_caf_"]["_2nd"] == "x", made
    listed = await gql(client, "{ caf_ { items { _2nd } } }")
    assert listed["data"]["caf_"]["items"] == [{"_2nd": "x"}]
    typed = await gql(client, '{ __type(name: "Caf_") { name } }')
    assert typed["data"]["__type"] == {"name": "Caf_"}


async def test_limits_and_request_errors(client: httpx.AsyncClient, su: dict[str, str]) -> None:
    await _blog(client, su)
    deep = "{ posts { items { " + "author { " * 1 + "name } } } }"
    assert "errors" not in await gql(client, deep, su)
    frag = (
        "fragment F on Posts { id title }\n"
        + "{ posts { items { "
        + " ".join(f"a{i}: title" for i in range(1001))
        + " } } }"
    )
    r = await client.post(GQL, json={"query": frag}, headers=su)
    assert r.status_code == 200 and "more than 1000 fields" in r.json()["errors"][0]["message"]
    r = await client.post(
        GQL, json={"query": "{ posts { totalItems }"}, headers={"Accept": "application/graphql-response+json"}
    )
    assert r.status_code == 400 and r.json()["errors"][0]["message"].startswith("Syntax Error")
    r = await client.get(GQL, params={"query": 'mutation { delete_posts(id: "x") }'}, headers=su)
    assert r.status_code == 405
    r = await client.post(GQL, content=b"{", headers={"content-type": "application/json"})
    assert r.status_code == 400
    r = await client.get(GQL, headers={"Accept": "text/html"})
    assert r.status_code == 200 and b"graphiql" in r.content.lower()
    # the explorer is served from the package (offline), with its licence
    for name in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js", "explorer.js"):
        r = await client.get(f"{GQL}/ui/{name}")
        assert r.status_code == 200 and len(r.content) > 500, name
        assert b"sourceMappingURL" not in r.content[-300:]
    r = await client.get(f"{GQL}/ui/LICENSE")
    assert b"MIT License" in r.content
    assert (await client.get(f"{GQL}/ui/../../../etc/passwd")).status_code == 404


async def test_the_fast_record_completion_answers_as_graphql_core(
    app: App, client: httpx.AsyncClient, su: dict[str, str]
) -> None:
    """Records are completed by roost/core/graphql/fast.py; graphql-core's own executor must
    give the same data and errors for the same document."""
    from graphql import execute, parse

    from roost.api.graphql_ops import RequestOps
    from roost.core.apidocs import audience_of
    from roost.core.graphql import Schemas
    from roost.core.graphql.fast import RecordExecutor
    from roost.web import Request

    await _blog(client, su)
    ann = (
        await client.post("/api/collections/blog_authors/records", json={"name": "Ann"}, headers=su)
    ).json()
    for i in range(3):
        body = {"title": f"p{i}", "public": True, "views": i, "tags": ["a", "b"][:i], "meta": {"i": i}}
        if i:
            body["author"] = ann["id"]
        post = (await client.post("/api/collections/posts/records", json=body, headers=su)).json()
        await client.post(
            "/api/collections/comments/records", json={"body": f"c{i}", "post": post["id"]}, headers=su
        )
    document = parse(
        """query Q($skip: Boolean!) {
          posts(sort: "title") { __typename totalItems items {
            __typename id t: title views tags meta public
            author { __typename name id } ...C
            nothing: author @skip(if: $skip) { name }
          } }
        }
        fragment C on Posts { comments_via_post { body post { title } } }"""
    )
    scope = {"type": "http", "method": "POST", "path": "/api/graphql", "query_string": b"", "headers": []}
    schema = Schemas(app).get(audience_of(None)).schema

    async def run(executor: Any, skip: bool) -> Any:
        ops = RequestOps(app, Request(scope, None))
        result = execute(schema, document, None, ops, {"skip": skip}, executor_class=executor)
        return await result if not hasattr(result, "data") else result

    # compiled plans are shared between requests: one made with other variables must not answer
    for skip in (True, False, True):
        plain, fast = await run(None, skip), await run(RecordExecutor, skip)
        assert plain.errors is None and fast.errors is None
        assert fast.data == plain.data
        assert ("nothing" in fast.data["posts"]["items"][2]) is not skip
    items = fast.data["posts"]["items"]
    assert [i["author"] for i in items] == [
        None,
        {"__typename": "BlogAuthors", "name": "Ann", "id": ann["id"]},
    ] * 1 + [{"__typename": "BlogAuthors", "name": "Ann", "id": ann["id"]}]
    assert items[1]["views"] == 1.0 and items[2]["tags"] == ["a", "b"]
