"""The built-in endpoints that are not per collection: health, collections, files, realtime,
batch, settings, crons and these descriptions themselves.

`BUILTIN` maps (method, path) to (superusers only?, operation). Record and auth endpoints are
described per collection instead (record_ops.py), under the paths in `PER_COLLECTION`."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.shared import (
    NO_CONTENT,
    OPTIONAL_AUTH,
    REQUIRED_AUTH,
    errors,
    json_body,
    json_response,
    list_of,
    params,
    ref,
)

PER_COLLECTION = {
    ("GET", "/api/collections/{collection}/records"),
    ("POST", "/api/collections/{collection}/records"),
    ("GET", "/api/collections/{collection}/records/{id}"),
    ("PATCH", "/api/collections/{collection}/records/{id}"),
    ("DELETE", "/api/collections/{collection}/records/{id}"),
    ("GET", "/api/collections/{collection}/auth-methods"),
    ("POST", "/api/collections/{collection}/auth-with-password"),
    ("POST", "/api/collections/{collection}/auth-refresh"),
}

SCHEMAS: dict[str, Any] = {
    "Health": {
        "type": "object",
        "properties": {
            "code": {"type": "integer"},
            "message": {"type": "string"},
            "data": {"type": "object", "additionalProperties": True},
        },
        "required": ["code", "message", "data"],
    },
    "Collection": {
        "type": "object",
        "description": "A collection definition (see PocketBase's collections API).",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "type": {"type": "string", "enum": ["base", "auth", "view"]},
            "system": {"type": "boolean"},
            "fields": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            "indexes": {"type": "array", "items": {"type": "string"}},
            "listRule": {"type": ["string", "null"]},
            "viewRule": {"type": ["string", "null"]},
            "createRule": {"type": ["string", "null"]},
            "updateRule": {"type": ["string", "null"]},
            "deleteRule": {"type": ["string", "null"]},
            "created": {"type": "string"},
            "updated": {"type": "string"},
        },
        "required": ["id", "name", "type", "fields"],
        "additionalProperties": True,
    },
    "CollectionInput": {
        "type": "object",
        "description": "A collection definition to create, or the keys to change.",
        "properties": {
            "name": {"type": "string"},
            "type": {"type": "string", "enum": ["base", "auth", "view"]},
            "fields": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            "indexes": {"type": "array", "items": {"type": "string"}},
            "listRule": {"type": ["string", "null"]},
            "viewRule": {"type": ["string", "null"]},
            "createRule": {"type": ["string", "null"]},
            "updateRule": {"type": ["string", "null"]},
            "deleteRule": {"type": ["string", "null"]},
        },
        "additionalProperties": True,
    },
    "Settings": {
        "type": "object",
        "additionalProperties": True,
        "description": "The app settings; secrets are blank.",
    },
    "CronJob": {
        "type": "object",
        "properties": {"id": {"type": "string"}, "expression": {"type": "string"}},
        "required": ["id", "expression"],
    },
    "BatchRequest": {
        "type": "object",
        "properties": {
            "requests": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "method": {"type": "string", "enum": ["POST", "PUT", "PATCH", "DELETE"]},
                        "url": {"type": "string", "description": "e.g. `/api/collections/posts/records`."},
                        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                        "body": {"type": "object", "additionalProperties": True},
                    },
                    "required": ["method", "url"],
                },
            }
        },
        "required": ["requests"],
    },
    "BatchResult": {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"status": {"type": "integer"}, "body": {}},
            "required": ["status", "body"],
        },
    },
    "RealtimeSubscriptions": {
        "type": "object",
        "properties": {
            "clientId": {"type": "string"},
            "subscriptions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Topics: `posts`, `posts/RECORD_ID`, each may carry `?options={...}`.",
            },
        },
        "required": ["clientId"],
    },
    "CollectionsImport": {
        "type": "object",
        "properties": {
            "collections": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            "deleteMissing": {"type": "boolean"},
        },
        "required": ["collections"],
    },
    "SqlQuery": {"type": "object", "properties": {"query": {"type": "string"}}, "required": ["query"]},
    "SqlResult": {
        "type": "object",
        "properties": {
            "execTime": {"type": "integer"},
            "affectedRows": {"type": "integer"},
            "columns": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": ["string", "null"]}}},
        },
        "required": ["execTime", "affectedRows", "columns", "rows"],
    },
    "FileToken": {"type": "object", "properties": {"token": {"type": "string"}}, "required": ["token"]},
    "OpenApiDocument": {"type": "object", "additionalProperties": True},
    "JsonSchemaDocument": {"type": "object", "additionalProperties": True},
}


def _op(
    op_id: str,
    tag: str,
    summary: str,
    responses: dict[str, Any],
    *,
    superuser: bool = False,
    body: dict[str, Any] | None = None,
    parameters: list[dict[str, Any]] | None = None,
    description: str = "",
) -> dict[str, Any]:
    op: dict[str, Any] = {"operationId": op_id, "tags": [tag], "summary": summary}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
    all_responses = dict(responses)
    if superuser:
        all_responses.update(errors(401, 403))
        op["security"] = REQUIRED_AUTH
        op["x-roost-rule"] = None
    else:
        op["security"] = OPTIONAL_AUTH
    op["responses"] = all_responses
    return op


def _path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


COLLECTION = _path_param("collection", "A collection name or id.")

BUILTIN: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {
    ("GET", "/api/health"): (
        False,
        _op(
            "health",
            "health",
            "Health check",
            {"200": json_response(ref("Health"))},
            description="For superusers `data` also holds `canBackup`, `realIP` and `possibleProxyHeader`.",
        ),
    ),
    ("GET", "/api/collections"): (
        True,
        _op(
            "list_collections",
            "collections",
            "List collections",
            {"200": json_response(list_of(ref("Collection"))), **errors(400)},
            superuser=True,
            parameters=params("page", "perPage", "sort", "filter", "fields", "skipTotal"),
        ),
    ),
    ("POST", "/api/collections"): (
        True,
        _op(
            "create_collection",
            "collections",
            "Create a collection",
            {"200": json_response(ref("Collection")), **errors(400)},
            superuser=True,
            body=json_body(ref("CollectionInput")),
        ),
    ),
    ("GET", "/api/collections/meta/scaffolds"): (
        True,
        _op(
            "collection_scaffolds",
            "collections",
            "Default definitions of new collections, by type",
            {"200": json_response({"type": "object", "additionalProperties": ref("Collection")})},
            superuser=True,
        ),
    ),
    ("PUT", "/api/collections/import"): (
        True,
        _op(
            "import_collections",
            "collections",
            "Replace the collections with the given definitions",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            body=json_body(ref("CollectionsImport")),
        ),
    ),
    ("POST", "/api/sql"): (
        True,
        _op(
            "sql",
            "sql",
            "Run an SQL query",
            {"200": json_response(ref("SqlResult")), **errors(400)},
            superuser=True,
            body=json_body(ref("SqlQuery")),
            description="Writes run in one transaction; at most 1000 rows are answered.",
        ),
    ),
    ("GET", "/api/collections/{collection}"): (
        True,
        _op(
            "view_collection",
            "collections",
            "View a collection",
            {"200": json_response(ref("Collection")), **errors(404)},
            superuser=True,
            parameters=[COLLECTION, *params("fields")],
        ),
    ),
    ("PATCH", "/api/collections/{collection}"): (
        True,
        _op(
            "update_collection",
            "collections",
            "Update a collection",
            {"200": json_response(ref("Collection")), **errors(400, 404)},
            superuser=True,
            parameters=[COLLECTION],
            body=json_body(ref("CollectionInput")),
        ),
    ),
    ("DELETE", "/api/collections/{collection}"): (
        True,
        _op(
            "delete_collection",
            "collections",
            "Delete a collection and its records",
            {"204": NO_CONTENT, **errors(400, 404)},
            superuser=True,
            parameters=[COLLECTION],
        ),
    ),
    ("DELETE", "/api/collections/{collection}/truncate"): (
        True,
        _op(
            "truncate_collection",
            "collections",
            "Delete every record of a collection",
            {"204": NO_CONTENT, **errors(400, 404)},
            superuser=True,
            parameters=[COLLECTION],
        ),
    ),
    ("POST", "/api/files/token"): (
        False,
        _op(
            "file_token",
            "files",
            "A short-lived token for protected files",
            {"200": json_response(ref("FileToken")), **errors(400, 401)},
            description="Pass it as `?token=` to download files of protected file fields.",
        ),
    ),
    ("GET", "/api/files/{collection}/{recordId}/{filename}"): (
        False,
        _op(
            "download_file",
            "files",
            "Download a record's file",
            {
                "200": {
                    "description": "The file.",
                    "content": {
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                **errors(400, 404),
            },
            parameters=[
                COLLECTION,
                _path_param("recordId", "The record's id."),
                _path_param("filename", "The stored file name."),
                {
                    "name": "thumb",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "A thumbnail size listed by the field, `WxH` with an optional `t`, `b` or `f`.",
                },
                {
                    "name": "token",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "A file token.",
                },
                {
                    "name": "download",
                    "in": "query",
                    "schema": {"type": "boolean"},
                    "description": "As an attachment.",
                },
            ],
        ),
    ),
    ("GET", "/api/realtime"): (
        False,
        _op(
            "realtime_connect",
            "realtime",
            "Open the realtime event stream",
            {
                "200": {
                    "description": "Server-sent events.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}},
                }
            },
            description="The first event, `PB_CONNECT`, carries the `clientId` to subscribe with. The same "
            "stream is available over a WebSocket at `/api/realtime/ws`.",
        ),
    ),
    ("POST", "/api/realtime"): (
        False,
        _op(
            "realtime_subscribe",
            "realtime",
            "Set the subscriptions of a realtime client",
            {"204": NO_CONTENT, **errors(400, 403, 404)},
            body=json_body(ref("RealtimeSubscriptions")),
        ),
    ),
    ("POST", "/api/batch"): (
        False,
        _op(
            "batch",
            "batch",
            "Several record writes in one transaction",
            {"200": json_response(ref("BatchResult")), **errors(400, 403)},
            body=json_body(ref("BatchRequest")),
            description="Each sub-request is checked against its collection's rules. Off unless "
            "`settings.batch.enabled`.",
        ),
    ),
    ("GET", "/api/settings"): (
        True,
        _op(
            "get_settings",
            "settings",
            "View the settings",
            {"200": json_response(ref("Settings"))},
            superuser=True,
        ),
    ),
    ("PATCH", "/api/settings"): (
        True,
        _op(
            "update_settings",
            "settings",
            "Change the settings",
            {"200": json_response(ref("Settings")), **errors(400)},
            superuser=True,
            body=json_body(ref("Settings")),
        ),
    ),
    ("GET", "/api/crons"): (
        True,
        _op(
            "list_crons",
            "crons",
            "List the scheduled jobs",
            {"200": json_response({"type": "array", "items": ref("CronJob")})},
            superuser=True,
        ),
    ),
    ("POST", "/api/crons/{id}"): (
        True,
        _op(
            "run_cron",
            "crons",
            "Run a scheduled job now",
            {"204": NO_CONTENT, **errors(404)},
            superuser=True,
            parameters=[_path_param("id", "The job id.")],
        ),
    ),
    ("GET", "/api/openapi.json"): (
        False,
        _op(
            "openapi",
            "docs",
            "This description, for the caller",
            {"200": json_response(ref("OpenApiDocument")), "304": {"description": "Not modified."}},
        ),
    ),
    ("GET", "/api/schema/{collection}.json"): (
        False,
        _op(
            "json_schema",
            "docs",
            "JSON Schema (2020-12) of a collection's records",
            {"200": json_response(ref("JsonSchemaDocument")), **errors(400, 403, 404)},
            parameters=[
                COLLECTION,
                {
                    "name": "mode",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["record", "create", "update"], "default": "record"},
                },
            ],
        ),
    ),
    ("GET", "/api/schema/types.ts"): (
        False,
        _op(
            "typescript_types",
            "docs",
            "TypeScript types of the collections the caller may read (pocketbase-typegen style)",
            {
                "200": {
                    "description": "TypeScript.",
                    "content": {"application/typescript": {"schema": {"type": "string"}}},
                }
            },
        ),
    ),
}
