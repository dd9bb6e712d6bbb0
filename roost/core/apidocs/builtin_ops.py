"""The built-in endpoints that are not per collection: health, collections, SQL, files, realtime,
batch, settings, crons and these descriptions themselves; with admin_ops.py's settings tests,
backups and API keys, and logs_ops.py's logs and metrics.

`BUILTIN` maps (method, path) to (superusers only?, operation). Record and auth endpoints are
described per collection instead (record_ops.py, auth_flow_ops.py), under the paths in
`PER_COLLECTION`."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs import admin_ops, auth_flow_ops, logs_ops
from roost.core.apidocs.ops_common import COLLECTION, op, path_param
from roost.core.apidocs.shared import (
    NO_CONTENT,
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
    *(("POST", f"/api/collections/{{collection}}/{flow}") for flow in auth_flow_ops.FLOW_PATHS),
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


BUILTIN: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {
    ("GET", "/api/health"): (
        False,
        op(
            "health",
            "health",
            "Health check",
            {"200": json_response(ref("Health"))},
            description="For superusers `data` also holds `canBackup`, `realIP` and `possibleProxyHeader`.",
        ),
    ),
    ("GET", "/api/collections"): (
        True,
        op(
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
        op(
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
        op(
            "collection_scaffolds",
            "collections",
            "Default definitions of new collections, by type",
            {"200": json_response({"type": "object", "additionalProperties": ref("Collection")})},
            superuser=True,
        ),
    ),
    ("PUT", "/api/collections/import"): (
        True,
        op(
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
        op(
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
        op(
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
        op(
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
        op(
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
        op(
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
        op(
            "file_token",
            "files",
            "A short-lived token for protected files",
            {"200": json_response(ref("FileToken")), **errors(400, 401)},
            description="Pass it as `?token=` to download files of protected file fields.",
        ),
    ),
    ("GET", "/api/files/{collection}/{recordId}/{filename}"): (
        False,
        op(
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
                path_param("recordId", "The record's id."),
                path_param("filename", "The stored file name."),
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
        op(
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
        op(
            "realtime_subscribe",
            "realtime",
            "Set the subscriptions of a realtime client",
            {"204": NO_CONTENT, **errors(400, 403, 404)},
            body=json_body(ref("RealtimeSubscriptions")),
        ),
    ),
    ("POST", "/api/batch"): (
        False,
        op(
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
        op(
            "get_settings",
            "settings",
            "View the settings",
            {"200": json_response(ref("Settings"))},
            superuser=True,
        ),
    ),
    ("PATCH", "/api/settings"): (
        True,
        op(
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
        op(
            "list_crons",
            "crons",
            "List the scheduled jobs",
            {"200": json_response({"type": "array", "items": ref("CronJob")})},
            superuser=True,
        ),
    ),
    ("POST", "/api/crons/{id}"): (
        True,
        op(
            "run_cron",
            "crons",
            "Run a scheduled job now",
            {"204": NO_CONTENT, **errors(404)},
            superuser=True,
            parameters=[path_param("id", "The job id.")],
        ),
    ),
    ("GET", "/api/openapi.json"): (
        False,
        op(
            "openapi",
            "docs",
            "This description, for the caller",
            {"200": json_response(ref("OpenApiDocument")), "304": {"description": "Not modified."}},
        ),
    ),
    ("GET", "/api/schema/{collection}.json"): (
        False,
        op(
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
        op(
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

BUILTIN.update(admin_ops.BUILTIN)
BUILTIN.update(logs_ops.BUILTIN)
SCHEMAS.update(admin_ops.SCHEMAS)
SCHEMAS.update(logs_ops.SCHEMAS)
SCHEMAS.update(auth_flow_ops.SCHEMAS)
