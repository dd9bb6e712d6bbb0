"""The OpenAPI 3.1 description for one audience, built from the live collections, and the cache
that serves it: one entry per (schema version, audience), with a content ETag."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import metadata
from typing import TYPE_CHECKING, Any

import orjson

from roost.core.apidocs import auth_flow_ops, builtin_ops, record_ops, shared
from roost.core.apidocs.audience import Audience, usable
from roost.core.apidocs.names import type_names
from roost.core.apidocs.record_schema import record_schema, write_body_schema
from roost.core.apidocs.yaml_text import to_yaml

if TYPE_CHECKING:
    from roost.core.app import App
    from roost.core.routing import Route

OPENAPI_VERSION = "3.1.0"
# served by the docs module itself, not described
UNDESCRIBED = {
    ("GET", "/api/openapi.yaml"),
    ("GET", "/api/docs"),
    ("GET", "/api/docs/{file...}"),
    # the dashboard (dashboard.py), which also answers the pages the mails link to: for people in a browser
    ("GET", "/_/"),
    ("GET", "/_/{file...}"),
    # where an OAuth2 provider sends the browser back: it answers only redirects to those pages
    ("GET", "/api/oauth2-redirect"),
    ("POST", "/api/oauth2-redirect"),
    # GraphQL describes itself (introspection, docs/graphql.md); its explorer's files are for browsers
    ("GET", "/api/graphql"),
    ("POST", "/api/graphql"),
    ("GET", "/api/graphql/ui/{file}"),
}
# the route as mounted -> the path it is described under
ALIASES = {
    ("GET", "/api/schema/{file}"): ("GET", "/api/schema/{collection}.json"),
    ("GET", "/api/files/{collection}/{recordId}/{filename...}"): (
        "GET",
        "/api/files/{collection}/{recordId}/{filename}",
    ),
}


def _version() -> str:
    try:
        return metadata.version("roost")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def build_document(
    app: App, audience: Audience, mounted: list[tuple[str, str]], custom: list[Route]
) -> dict[str, Any]:
    collections = usable(app.registry, audience)
    names = type_names(app.registry.all())
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": shared.ERROR_SCHEMA}
    for key in mounted:
        key = ALIASES.get(key, key)
        entry = builtin_ops.BUILTIN.get(key)
        if entry is None:
            continue
        superuser_only, op = entry
        if superuser_only and not audience.superuser:
            continue
        paths.setdefault(key[1], {})[key[0].lower()] = op
    for name, schema in builtin_ops.SCHEMAS.items():
        schemas[name] = schema
    for coll in collections:
        type_name = names[coll.id]
        has_files = any(f.type == "file" for f in coll.fields)
        coll_paths = record_ops.record_paths(coll, audience, type_name, has_files)
        if coll.is_auth:
            coll_paths.update(record_ops.auth_paths(coll, audience, type_name))
            coll_paths.update(auth_flow_ops.flow_paths(coll, audience, type_name))
            schemas[f"{type_name}AuthResponse"] = record_ops.auth_response_schema(type_name)
        paths.update(coll_paths)
        schemas[f"{type_name}Record"] = record_schema(coll, audience, app.registry)
        schemas[f"{type_name}List"] = shared.list_of(shared.ref(f"{type_name}Record"), f"{coll.name} list")
        if not coll.is_view:
            for mode in ("create", "update"):
                title = mode.capitalize()
                schemas[f"{type_name}{title}"] = write_body_schema(
                    coll, audience, mode, registry=app.registry
                )
                if has_files:
                    schemas[f"{type_name}{title}Form"] = write_body_schema(
                        coll, audience, mode, form=True, registry=app.registry
                    )
    for route in custom:
        if route.summary or route.description:
            path, op = custom_operation(route)
            paths.setdefault(path, {})[route.method.lower()] = op
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Roost API",
            "version": _version(),
            "description": "Generated live from the collections and rules, for "
            + (
                "a superuser"
                if audience.superuser
                else "a guest"
                if audience.kind == "guest"
                else "an auth record"
            )
            + ". Errors use PocketBase's shape `{status, message, data}`.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "parameters": shared.PARAMETERS,
            "responses": shared.RESPONSES,
            "securitySchemes": shared.SECURITY_SCHEMES,
        },
    }


def custom_operation(route: Route) -> tuple[str, dict[str, Any]]:
    """A custom route registered with a summary or description (`app.router.get(..., summary=...)`)."""
    segments, parameters = [], []
    for seg in route.path.strip("/").split("/"):
        if seg.startswith("{") and seg.endswith("}"):
            name = seg[1:-1].removesuffix("...")
            segments.append("{" + name + "}")
            parameters.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
        else:
            segments.append(seg)
    op: dict[str, Any] = {
        "operationId": f"custom_{route.method.lower()}_"
        + "_".join(s.strip("{}") for s in segments if s != "api"),
        "tags": ["custom"],
        "responses": {"default": {"description": "The route's answer."}},
    }
    if route.summary:
        op["summary"] = route.summary
    if route.description:
        op["description"] = route.description
    if parameters:
        op["parameters"] = parameters
    op["security"] = shared.REQUIRED_AUTH if route.requires_auth else shared.OPTIONAL_AUTH
    if route.requires_auth:
        op["responses"].update(shared.errors(401, 403))
    op.update(route.openapi)
    return "/" + "/".join(segments), op


@dataclass
class Built:
    """One generated text, with its ETag."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Built:
        return cls(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@dataclass
class ApiDocs:
    """Generated descriptions, cached per (schema version, audience, what)."""

    app: App
    mounted: list[tuple[str, str]]
    custom: list[Route] = field(default_factory=list)
    _cache: dict[tuple[Any, ...], Built] = field(default_factory=dict)
    _version: int = -1

    def _get(self, key: tuple[Any, ...], make: Any) -> Built:
        version = self.app.registry.version
        if version != self._version:
            self._cache.clear()
            self._version = version
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = Built.of(make())
        return hit

    def document(self, audience: Audience) -> dict[str, Any]:
        return build_document(self.app, audience, self.mounted, self.custom)

    def openapi_json(self, audience: Audience) -> Built:
        return self._get(("json", audience.key), lambda: orjson.dumps(self.document(audience)))

    def openapi_yaml(self, audience: Audience) -> Built:
        return self._get(
            ("yaml", audience.key), lambda: to_yaml(orjson.loads(self.openapi_json(audience).body)).encode()
        )

    def cached(self, key: tuple[Any, ...], make: Any) -> Built:
        """Any other generated text (JSON Schema, types.ts) under the same invalidation."""
        return self._get(key, make)
