"""The superuser-only built-in endpoints of the admin tools: the settings tests (email, S3), the
backups, the API keys, the view query dry run and the OAuth2 providers list. `BUILTIN` and `SCHEMAS` as in builtin_ops.py, which merges them."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.ops_common import op, path_param
from roost.core.apidocs.shared import NO_CONTENT, errors, json_body, json_response, ref

_RATE_LIMIT: dict[str, Any] = {
    "type": ["object", "null"],
    "description": "At most `maxRequests` requests per `duration` seconds, or null for no cap.",
    "properties": {
        "maxRequests": {"type": "integer", "minimum": 1},
        "duration": {"type": "integer", "minimum": 1},
    },
    "required": ["maxRequests", "duration"],
}
_EXPIRES: dict[str, Any] = {
    "type": ["string", "null"],
    "description": "A future date (`2030-01-01 00:00:00.000Z`); empty or null: never.",
}

SCHEMAS: dict[str, Any] = {
    "ViewDryRun": {
        "type": "object",
        "properties": {
            "fields": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
            "sample": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
        },
        "required": ["fields", "sample"],
        "description": "The fields a view collection with this query would have, and up to 10 of its records.",
    },
    "OAuth2ProviderInfo": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "displayName": {"type": "string"},
            "logo": {"type": "string"},
        },
        "required": ["name", "displayName", "logo"],
    },
    "TestEmail": {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email", "description": "Where to send it."},
            "template": {
                "type": "string",
                "enum": ["verification", "password-reset", "email-change", "otp", "login-alert"],
            },
            "collection": {
                "type": "string",
                "description": "An auth collection whose template is sent (default `_superusers`).",
            },
        },
        "required": ["email", "template"],
    },
    "TestS3": {
        "type": "object",
        "properties": {"filesystem": {"type": "string", "enum": ["storage", "backups"]}},
        "required": ["filesystem"],
    },
    "Backup": {
        "type": "object",
        "properties": {
            "key": {"type": "string", "description": "The file name, e.g. `pb_backup_20260101000000.zip`."},
            "size": {"type": "integer", "description": "Bytes."},
            "modified": {"type": "string", "description": "`2026-01-01 00:00:00.000Z`."},
        },
        "required": ["key", "size", "modified"],
    },
    "BackupCreate": {
        "type": "object",
        "properties": {
            "name": {
                "type": "string",
                "maxLength": 150,
                "pattern": "^[a-z0-9_-]+\\.zip$",
                "description": "The file name; generated when left out.",
            }
        },
    },
    "BackupUpload": {
        "type": "object",
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "A backup zip; its name is kept."}
        },
        "required": ["file"],
    },
    "ApiKey": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "collectionId": {
                "type": "string",
                "description": "The auth collection of the record it acts as.",
            },
            "collectionName": {"type": "string"},
            "recordId": {"type": "string", "description": "The record the key acts as."},
            "expires": {"type": "string", "description": "Empty: never."},
            "rateLimit": _RATE_LIMIT,
            "created": {"type": "string"},
            "updated": {"type": "string"},
        },
        "required": [
            "id",
            "name",
            "collectionId",
            "collectionName",
            "recordId",
            "expires",
            "rateLimit",
            "created",
            "updated",
        ],
    },
    "ApiKeyCreated": {
        "allOf": [
            ref("ApiKey"),
            {
                "type": "object",
                "properties": {
                    "key": {
                        "type": "string",
                        "description": "`rk_<id>_<secret>`, sent as `Authorization`; answered only here.",
                    }
                },
                "required": ["key"],
            },
        ]
    },
    "ApiKeyCreate": {
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "collection": {
                "type": "string",
                "description": "An auth collection id or name; with `record`. Left out: the key acts as its "
                "creator.",
            },
            "record": {"type": "string", "description": "The record of `collection` the key acts as."},
            "expires": _EXPIRES,
            "rateLimit": _RATE_LIMIT,
        },
        "required": ["name"],
    },
    "ApiKeyUpdate": {
        "type": "object",
        "description": "What the key acts as never changes.",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 255},
            "expires": _EXPIRES,
            "rateLimit": _RATE_LIMIT,
        },
    },
}

BACKUP_KEY = path_param("key", "The backup's file name.")
KEY_ID = path_param("id", "The API key's id.")

BUILTIN: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {
    ("POST", "/api/collections/meta/dry-run-view"): (
        True,
        op(
            "dry_run_view",
            "collections",
            "Try a view query: its inferred fields and a few records",
            {"200": json_response(ref("ViewDryRun")), **errors(400)},
            superuser=True,
            body=json_body(
                {
                    "type": "object",
                    "properties": {
                        "query": {"type": "string", "maxLength": 5000, "description": "One SELECT statement."}
                    },
                    "required": ["query"],
                }
            ),
        ),
    ),
    ("GET", "/api/collections/meta/oauth2-providers"): (
        True,
        op(
            "oauth2_providers",
            "collections",
            "The OAuth2 providers one can sign in with",
            {"200": json_response({"type": "array", "items": ref("OAuth2ProviderInfo")})},
            superuser=True,
        ),
    ),
    ("POST", "/api/settings/test/email"): (
        True,
        op(
            "test_email",
            "settings",
            "Send a test email",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            body=json_body(ref("TestEmail")),
            description="Sends one of an auth collection's templates, filled with placeholder values, "
            "through the configured mailer; a sending failure is a 400 with the raw error.",
        ),
    ),
    ("POST", "/api/settings/test/s3"): (
        True,
        op(
            "test_s3",
            "settings",
            "Check an S3 filesystem",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            body=json_body(ref("TestS3")),
            description="Writes and deletes a small file with the saved settings of the `storage` or "
            "`backups` filesystem; 400 when it is not enabled or fails.",
        ),
    ),
    ("GET", "/api/backups"): (
        True,
        op(
            "list_backups",
            "backups",
            "List the backups",
            {"200": json_response({"type": "array", "items": ref("Backup")})},
            superuser=True,
        ),
    ),
    ("POST", "/api/backups"): (
        True,
        op(
            "create_backup",
            "backups",
            "Create a backup",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            body=json_body(ref("BackupCreate"), required=False),
            description="A zip of the data (database and files); 400 while another backup or restore runs.",
        ),
    ),
    ("POST", "/api/backups/upload"): (
        True,
        op(
            "upload_backup",
            "backups",
            "Upload a backup zip",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            body={"required": True, "content": {"multipart/form-data": {"schema": ref("BackupUpload")}}},
        ),
    ),
    ("GET", "/api/backups/{key}"): (
        True,
        op(
            "download_backup",
            "backups",
            "Download a backup",
            {
                "200": {
                    "description": "The zip (ranges are served too).",
                    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
                },
                **errors(400, 403, 404),
            },
            parameters=[
                BACKUP_KEY,
                {
                    "name": "token",
                    "in": "query",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "A superuser's file token (`POST /api/files/token`); the "
                    "`Authorization` header is not used here.",
                },
            ],
        ),
    ),
    ("DELETE", "/api/backups/{key}"): (
        True,
        op(
            "delete_backup",
            "backups",
            "Delete a backup",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            parameters=[BACKUP_KEY],
            description="400 for a missing backup or one being restored.",
        ),
    ),
    ("POST", "/api/backups/{key}/restore"): (
        True,
        op(
            "restore_backup",
            "backups",
            "Restore a backup",
            {"204": NO_CONTENT, **errors(400)},
            superuser=True,
            parameters=[BACKUP_KEY],
            description="Checks the backup, answers, then replaces the data with it and restarts the "
            "server. 400 for a missing or invalid backup, or while another backup or restore runs.",
        ),
    ),
    ("GET", "/api/keys"): (
        True,
        op(
            "list_api_keys",
            "keys",
            "List the API keys",
            {"200": json_response({"type": "array", "items": ref("ApiKey")})},
            superuser=True,
        ),
    ),
    ("POST", "/api/keys"): (
        True,
        op(
            "create_api_key",
            "keys",
            "Create an API key",
            {"200": json_response(ref("ApiKeyCreated")), **errors(400)},
            superuser=True,
            body=json_body(ref("ApiKeyCreate")),
        ),
    ),
    ("GET", "/api/keys/{id}"): (
        True,
        op(
            "view_api_key",
            "keys",
            "View an API key",
            {"200": json_response(ref("ApiKey")), **errors(404)},
            superuser=True,
            parameters=[KEY_ID],
        ),
    ),
    ("PATCH", "/api/keys/{id}"): (
        True,
        op(
            "update_api_key",
            "keys",
            "Change an API key's name, expiry or rate limit",
            {"200": json_response(ref("ApiKey")), **errors(400, 404)},
            superuser=True,
            parameters=[KEY_ID],
            body=json_body(ref("ApiKeyUpdate")),
        ),
    ),
    ("DELETE", "/api/keys/{id}"): (
        True,
        op(
            "delete_api_key",
            "keys",
            "Revoke an API key",
            {"204": NO_CONTENT, **errors(404)},
            superuser=True,
            parameters=[KEY_ID],
        ),
    ),
}
