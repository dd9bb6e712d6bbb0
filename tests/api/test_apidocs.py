"""Generated API descriptions in-process: /api/openapi.json|yaml per caller class, typed record
schemas, ETag caching, JSON Schema validated against real records with `jsonschema`, types.ts,
custom routes, and the docs page."""

from __future__ import annotations

import re
import time
from typing import Any

import httpx
import jsonschema
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

import roost
from roost.api import build_asgi
from roost.api.server import build_router
from roost.core.apidocs.builtin_ops import BUILTIN, PER_COLLECTION
from roost.core.apidocs.openapi import ALIASES, UNDESCRIBED
from tests.helpers import error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio

POSTS = {
    "name": "posts",
    "type": "base",
    "listRule": "",
    "viewRule": "",
    "createRule": "@request.auth.id != ''",
    "updateRule": "author = @request.auth.id",
    "deleteRule": None,
    "fields": [
        {"name": "title", "type": "text", "required": True, "max": 100},
        {"name": "status", "type": "select", "values": ["draft", "published"], "maxSelect": 1},
        {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
        {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
        {"name": "files", "type": "file", "maxSelect": 2},
        {"name": "meta", "type": "json"},
        {"name": "secret", "type": "text", "hidden": True},
        {"name": "views", "type": "number", "onlyInt": True, "min": 0},
        {"name": "when", "type": "date"},
        {"name": "where", "type": "geoPoint"},
        {"name": "created", "type": "autodate", "onCreate": True},
    ],
}
SECRETS = {"name": "secrets", "type": "base", "fields": [{"name": "x", "type": "text"}]}


@pytest.fixture
async def seeded(client: httpx.AsyncClient, su: dict[str, str]) -> dict[str, Any]:
    await make_collection(client, su, POSTS)
    await make_collection(client, su, SECRETS)
    user, token = await make_user(client, "u@example.com")
    return {"user": user, "user_auth": {"Authorization": token}}


async def _doc(client: httpx.AsyncClient, headers: dict[str, str] | None = None) -> dict[str, Any]:
    r = await client.get("/api/openapi.json", headers=headers or {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    return r.json()


def _ops(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for item in doc["paths"].values() for op in item.values()}


async def test_each_caller_gets_the_operations_it_may_use(client, su, seeded):
    guest, user, superuser = (
        await _doc(client),
        await _doc(client, seeded["user_auth"]),
        await _doc(client, su),
    )
    for doc in (guest, user, superuser):
        validate_openapi(doc)  # a valid OpenAPI 3.1 document
        assert doc["openapi"] == "3.1.0"
    g, u, s = _ops(guest), _ops(user), _ops(superuser)
    # a null rule is superusers-only: left out for everyone else, documented as such for them
    assert "delete_posts" not in g and "delete_posts" not in u
    assert s["delete_posts"]["x-roost-rule"] is None and {"authToken": []} in s["delete_posts"]["security"]
    assert {op for op in g if op.endswith("_secrets")} == set()
    assert {"list_secrets", "view_secrets", "create_secrets", "update_secrets", "delete_secrets"} <= set(s)
    assert "SecretsRecord" not in guest["components"]["schemas"]
    # other rules are documented as they are
    assert (
        g["list_posts"]["x-roost-rule"] == ""
        and g["create_posts"]["x-roost-rule"] == "@request.auth.id != ''"
    )
    assert g["update_posts"]["x-roost-rule"] == "author = @request.auth.id"
    # superuser-only built-ins
    for op in ("list_collections", "get_settings", "update_settings", "list_crons", "run_cron"):
        assert op in s and op not in g and op not in u
    for op in ("health", "batch", "realtime_subscribe", "file_token", "download_file", "openapi"):
        assert op in g
    # auth flows: everyone may sign in; refresh only for the caller's own collection
    assert "auth_with_password_users" in g and "auth_refresh_users" not in g
    assert "auth_refresh_users" in u and "auth_refresh__superusers" in s and "auth_refresh_users" not in s


async def test_list_parameters_errors_security_and_links(client, su, seeded):
    doc = await _doc(client)
    ops = _ops(doc)
    names = [p["$ref"].rsplit("/", 1)[1] for p in ops["list_posts"]["parameters"]]
    assert names == ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal"]
    assert set(ops["list_posts"]["responses"]) == {"200", "400", "403", "404", "429"}
    assert ops["create_posts"]["responses"]["400"] == {"$ref": "#/components/responses/Error400"}
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["status", "message", "data"]
    schemes = doc["components"]["securitySchemes"]
    assert schemes["authToken"] == {
        **schemes["authToken"],
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
    }
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    links = ops["create_posts"]["responses"]["200"]["links"]
    assert links["View"] == {"operationId": "view_posts", "parameters": {"id": "$response.body#/id"}}
    assert set(links) == {"View", "Update", "Delete"}
    body = ops["create_posts"]["requestBody"]["content"]
    assert body["application/json"]["schema"] == {"$ref": "#/components/schemas/PostsCreate"}
    assert body["multipart/form-data"]["schema"] == {"$ref": "#/components/schemas/PostsCreateForm"}


async def test_record_schemas_are_typed_from_the_fields(client, su, seeded):
    guest = (await _doc(client))["components"]["schemas"]
    superuser = (await _doc(client, su))["components"]["schemas"]
    rec = guest["PostsRecord"]["properties"]
    assert rec["status"]["enum"] == ["draft", "published", ""]
    assert rec["tags"] == {
        **rec["tags"],
        "type": "array",
        "items": {"type": "string", "enum": ["a", "b", "c"]},
    }
    assert rec["author"]["type"] == "string" and rec["author"]["x-roost-relation"] == "users"
    assert rec["files"]["type"] == "array" and rec["files"]["items"] == {"type": "string"}
    assert rec["views"]["type"] == "integer" and rec["where"]["required"] == ["lon", "lat"]
    assert rec["created"]["readOnly"] is True
    assert "secret" not in rec and "secret" in superuser["PostsRecord"]["properties"]
    assert set(guest["PostsRecord"]["required"]) >= {
        "id",
        "collectionId",
        "collectionName",
        "title",
        "created",
    }
    create = guest["PostsCreate"]
    assert create["required"] == ["title"]
    assert "created" not in create["properties"] and "files" not in create["properties"]
    assert create["properties"]["status"]["enum"] == ["draft", "published", ""]
    assert create["properties"]["tags"]["maxItems"] == 3 and create["properties"]["views"]["minimum"] == 0
    assert (
        create["properties"]["title"]["maxLength"] == 100 and create["properties"]["title"]["minLength"] == 1
    )
    form = guest["PostsCreateForm"]["properties"]["files"]
    assert form["type"] == "array" and form["items"]["format"] == "binary" and form["maxItems"] == 2
    update = guest["PostsUpdate"]
    assert "required" not in update and {"views", "tags", "files"} <= set(update["properties"])
    # the modifiers are patterns, so no two properties map to one identifier in a generated client
    assert not [p for p in update["properties"] if "+" in p or "-" in p]
    patterns = [re.compile(p) for p in update["patternProperties"]]
    for name in ("views+", "views-", "tags+", "+tags", "tags-", "files-"):
        assert any(p.search(name) for p in patterns), name
    for name in ("views", "title+", "status+", "views+x", "xviews-"):
        assert not any(p.search(name) for p in patterns), name
    users = guest["UsersRecord"]
    assert "password" not in users["properties"] and "tokenKey" not in users["properties"]
    assert "email" in users["properties"] and "email" not in users["required"]
    assert "email" in superuser["UsersRecord"]["required"]
    assert {"password", "passwordConfirm", "email"} <= set(guest["UsersCreate"]["required"])
    assert "oldPassword" in guest["UsersUpdate"]["properties"]
    assert (
        "verified" not in guest["UsersCreate"]["properties"]
        and "verified" in superuser["UsersCreate"]["properties"]
    )


async def test_etag_and_regeneration_on_schema_change(client, su, seeded):
    r = await client.get("/api/openapi.json", headers=su)
    etag = r.headers["etag"]
    assert r.headers["cache-control"] == "no-cache" and "Authorization" in r.headers["vary"]
    again = await client.get("/api/openapi.json", headers={**su, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (await client.get("/api/openapi.json")).headers["etag"] != etag  # another caller class
    # a schema change shows up at once, with a new ETag
    coll = (await client.get("/api/collections/posts", headers=su)).json()
    coll["fields"].append({"name": "subtitle", "type": "text"})
    r = await client.patch("/api/collections/posts", json={"fields": coll["fields"]}, headers=su)
    assert r.status_code == 200, r.text
    r = await client.get("/api/openapi.json", headers={**su, "If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert "subtitle" in r.json()["components"]["schemas"]["PostsRecord"]["properties"]
    # the token is still good after the collection was saved
    assert (await client.get("/api/collections", headers=su)).status_code == 200


async def test_yaml_is_the_same_document(client, su, seeded):
    doc = await _doc(client, su)
    r = await client.get("/api/openapi.yaml", headers=su)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(r.text) == doc
    assert r.headers["etag"] != (await client.get("/api/openapi.json", headers=su)).headers["etag"]


async def _best_time(asgi: Any, path: str, headers: list[tuple[bytes, bytes]]) -> float:
    """Seconds per request through the ASGI app (no HTTP client), best of 5 batches of 100."""
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "scheme": "http",
        "http_version": "1.1",
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await asgi(scope, receive, send)  # the first request builds and caches
    assert sent[0]["status"] == 200
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(100):
            await asgi(scope, receive, send)
        best = min(best, (time.perf_counter() - start) / 100)
    assert sent[-2]["status"] == 200
    return best


async def test_cached_document_costs_under_a_millisecond(app, su, seeded):
    asgi = build_asgi(app)
    guest = await _best_time(asgi, "/api/openapi.json", [])
    assert guest < 0.001, f"{guest * 1000:.3f} ms per cached request"
    # with a token, loading the caller (a database read) comes first on every route: the
    # description adds under a millisecond to the cheapest route's cost
    token = [(b"authorization", su["Authorization"].encode())]
    doc = await _best_time(asgi, "/api/openapi.json", token)
    health = await _best_time(asgi, "/api/health", token)
    assert doc - health < 0.001, f"{doc * 1000:.3f} ms vs {health * 1000:.3f} ms for /api/health"


async def test_json_schema_validates_real_records(client, su, seeded):
    auth = seeded["user_auth"]
    for mode in ("record", "create", "update"):
        r = await client.get(f"/api/schema/posts.json?mode={mode}", headers=auth)
        assert r.status_code == 200 and r.headers["content-type"] == "application/schema+json"
        jsonschema.Draft202012Validator.check_schema(r.json())
    create = jsonschema.Draft202012Validator(
        (await client.get("/api/schema/posts.json?mode=create", headers=auth)).json()
    )
    body = {
        "title": "hello",
        "status": "draft",
        "tags": ["a", "c"],
        "author": seeded["user"]["id"],
        "meta": {"k": [1]},
    }
    create.validate(body)
    r = await client.post("/api/collections/posts/records", json=body, headers=auth)
    assert r.status_code == 200, r.text
    # what the schema refuses, the server refuses too
    bad = {"title": "x", "status": "bogus"}
    assert not create.is_valid(bad)
    assert (await client.post("/api/collections/posts/records", json=bad, headers=auth)).status_code == 400
    update = jsonschema.Draft202012Validator(
        (await client.get("/api/schema/posts.json?mode=update", headers=auth)).json()
    )
    patch = {"title": "changed", "views+": 3, "tags-": "a"}
    update.validate(patch)
    rid = r.json()["id"]
    assert (
        await client.patch(f"/api/collections/posts/records/{rid}", json=patch, headers=auth)
    ).status_code == 200
    # every caller's records validate against that caller's record schema
    for headers in ({}, auth, su):
        schema = (await client.get("/api/schema/posts.json", headers=headers)).json()
        items = (await client.get("/api/collections/posts/records?expand=author", headers=headers)).json()[
            "items"
        ]
        assert items
        for item in items:
            jsonschema.validate(item, schema, cls=jsonschema.Draft202012Validator)
        users = (await client.get("/api/schema/users.json", headers=headers)).json()
        for item in (await client.get("/api/collections/users/records", headers=headers)).json()["items"]:
            jsonschema.validate(item, users, cls=jsonschema.Draft202012Validator)
    assert "secret" in (await client.get("/api/schema/posts.json", headers=su)).json()["properties"]


async def test_json_schema_errors(client, su, seeded):
    r = await client.get("/api/schema/secrets.json")
    assert r.status_code == 403
    error_shape(r.json(), 403)
    assert (await client.get("/api/schema/secrets.json", headers=su)).status_code == 200
    r = await client.get("/api/schema/nope.json")
    assert r.status_code == 404 and r.json()["message"] == "Missing collection context."
    r = await client.get("/api/schema/posts.json?mode=delete")
    assert r.status_code == 400
    error_shape(r.json(), 400)
    assert (await client.get("/api/schema/posts.txt")).status_code == 404


async def test_types_ts_per_caller(client, su, seeded):
    r = await client.get("/api/schema/types.ts")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/typescript")
    guest = r.text
    assert "export type PostsRecord<Tmeta = unknown> = {" in guest
    assert 'export const PostsStatusOptions = {\n\t"draft": "draft",' in guest
    assert "\ttags?: PostsTagsOptions[]" in guest and "\tauthor?: RecordIdString" in guest
    assert "\tfiles?: FileNameString[]" in guest and "\tcreated: IsoAutoDateString" in guest
    assert "Secrets" not in guest and "\tsecret?" not in guest
    assert "export type TypedPocketBase = {" in guest
    superuser = (await client.get("/api/schema/types.ts", headers=su)).text
    assert "export type SecretsRecord = {" in superuser and "\tsecret?: string" in superuser
    assert '\tSecrets: "secrets",' in superuser


async def test_custom_routes_with_a_description_are_documented(app, su, seeded):
    async def hello(e: roost.RequestEvent) -> roost.Response:
        return e.json(200, {"name": e.request.path_params["name"]})

    app.router.get("/api/hello/{name}", hello, summary="Say hello", description="Greets `name`.")
    app.router.post(
        "/api/admin/reindex",
        lambda e: e.no_content(),
        roost.require_superuser(),
        summary="Reindex",
        openapi={"responses": {"204": {"description": "Reindexed."}}},
    )
    app.router.get("/api/undocumented", hello)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=build_asgi(app)), base_url="http://t"
    ) as c:
        doc = await _doc(c)
        assert (await c.get("/api/hello/bob")).json() == {"name": "bob"}
    hello_op = doc["paths"]["/api/hello/{name}"]["get"]
    assert hello_op["summary"] == "Say hello" and hello_op["description"] == "Greets `name`."
    assert hello_op["parameters"][0]["name"] == "name" and {} in hello_op["security"]
    reindex = doc["paths"]["/api/admin/reindex"]["post"]
    assert reindex["responses"] == {"204": {"description": "Reindexed."}}
    assert reindex["security"] == [{"authToken": []}, {"bearerAuth": []}]
    assert "/api/undocumented" not in doc["paths"]
    validate_openapi(doc)


async def test_every_builtin_route_is_described(app):
    router = build_router(app)
    missing = []
    for method, path in router.paths:
        key = ALIASES.get((method, path), (method, path))
        if method == "HEAD" or key in UNDESCRIBED or key in PER_COLLECTION:
            continue
        if key not in BUILTIN:
            missing.append(key)
    assert missing == []


async def test_docs_page_is_served_offline(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/api/docs/swagger-ui-bundle.js" in r.text and "/api/docs/docs.js" in r.text
    for name, kind in (
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("docs.js", "text/javascript"),
        ("LICENSE", "text/plain"),
    ):
        r = await client.get(f"/api/docs/{name}")
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind), name
        assert len(r.content) > 100
    assert "SwaggerUIBundle" in (await client.get("/api/docs/swagger-ui-bundle.js")).text
    assert "Apache License" in (await client.get("/api/docs/LICENSE")).text
    for bad in ("/api/docs/nope.js", "/api/docs/../apidocs.py", "/api/docs/%2e%2e/apidocs.py"):
        r = await client.get(bad)
        assert r.status_code == 404, bad
