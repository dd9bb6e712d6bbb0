"""The records and auth endpoints of one collection, under its own paths, typed with its schemas.

Each operation carries its rule as `x-roost-rule` (null: superusers only, and then it is left
out of everyone else's description); create answers link to view, update and delete."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.audience import Audience, password_auth
from roost.core.apidocs.auth_flow_ops import mfa_step
from roost.core.apidocs.shared import (
    LIST_PARAMS,
    NO_CONTENT,
    OPTIONAL_AUTH,
    RECORD_PARAMS,
    REQUIRED_AUTH,
    errors,
    json_body,
    json_response,
    params,
    ref,
)
from roost.core.collections import Collection

ID_PARAM: dict[str, Any] = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}

AUTH_METHODS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "password": {
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean"},
                "identityFields": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["enabled", "identityFields"],
        },
        "oauth2": {"type": "object", "additionalProperties": True},
        "mfa": {"type": "object", "additionalProperties": True},
        "otp": {"type": "object", "additionalProperties": True},
    },
    "required": ["password", "oauth2", "mfa", "otp"],
    "additionalProperties": True,
}

PASSWORD_LOGIN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "identity": {
            "type": "string",
            "minLength": 1,
            "description": "The email (or another identity field).",
        },
        "password": {"type": "string", "minLength": 1, "writeOnly": True},
        "identityField": {"type": "string", "description": "Check only this identity field."},
        "mfaId": {"type": "string", "description": "With MFA: the id a first sign-in answered."},
    },
    "required": ["identity", "password"],
}


def _rule_note(rule: str | None) -> str:
    if rule is None:
        return "Superusers only."
    if rule == "":
        return "Open to everyone."
    return f"Rule: `{rule}`."


def _op(
    coll: Collection,
    audience: Audience,
    rule_name: str,
    op_id: str,
    summary: str,
    responses: dict[str, Any],
    **extra: Any,
) -> dict[str, Any] | None:
    if not audience.may(coll, rule_name):
        return None
    rule = coll.rules.get(rule_name)
    op: dict[str, Any] = {
        "operationId": op_id,
        "tags": [coll.name],
        "summary": summary,
        "description": _rule_note(rule),
        "x-roost-rule": rule,
        **extra,
    }
    # 404 too: the collection may be gone since the description was read
    statuses = (400, 401, 403, 404, 429) if rule is None else (400, 403, 404, 429)
    op["responses"] = {**responses, **errors(*statuses)}
    op["security"] = REQUIRED_AUTH if rule is None else OPTIONAL_AUTH
    return op


def record_paths(coll: Collection, audience: Audience, type_name: str, has_files: bool) -> dict[str, Any]:
    """`/api/collections/{name}/records[/{id}]` operations this audience may use."""
    base = f"/api/collections/{coll.name}/records"
    name = coll.name
    record = ref(f"{type_name}Record")
    writable = not coll.is_view
    list_op = _op(
        coll,
        audience,
        "listRule",
        f"list_{name}",
        f"List {name} records",
        {"200": json_response(ref(f"{type_name}List"))},
        parameters=params(*LIST_PARAMS),
    )
    create_op = None
    if writable:
        create_op = _op(
            coll,
            audience,
            "createRule",
            f"create_{name}",
            f"Create a {name} record",
            {
                "200": {
                    **json_response(record, "The new record."),
                    "links": {
                        "View": {"operationId": f"view_{name}", "parameters": {"id": "$response.body#/id"}},
                        "Update": {
                            "operationId": f"update_{name}",
                            "parameters": {"id": "$response.body#/id"},
                        },
                        "Delete": {
                            "operationId": f"delete_{name}",
                            "parameters": {"id": "$response.body#/id"},
                        },
                    },
                }
            },
            parameters=params(*RECORD_PARAMS),
            requestBody=_body(type_name, "Create", has_files),
        )
    view_op = _op(
        coll,
        audience,
        "viewRule",
        f"view_{name}",
        f"View a {name} record",
        {"200": json_response(record), **errors(404)},
        parameters=[ID_PARAM, *params(*RECORD_PARAMS)],
    )
    update_op = delete_op = None
    if writable:
        update_op = _op(
            coll,
            audience,
            "updateRule",
            f"update_{name}",
            f"Update a {name} record",
            {"200": json_response(record), **errors(404)},
            parameters=[ID_PARAM, *params(*RECORD_PARAMS)],
            requestBody=_body(type_name, "Update", has_files),
        )
        delete_op = _op(
            coll,
            audience,
            "deleteRule",
            f"delete_{name}",
            f"Delete a {name} record",
            {"204": NO_CONTENT, **errors(404)},
            parameters=[ID_PARAM],
        )
    paths: dict[str, Any] = {}
    collection_item = {k: v for k, v in (("get", list_op), ("post", create_op)) if v is not None}
    if collection_item:
        paths[base] = collection_item
    item = {k: v for k, v in (("get", view_op), ("patch", update_op), ("delete", delete_op)) if v is not None}
    if item:
        paths[base + "/{id}"] = item
    return paths


def _body(type_name: str, mode: str, has_files: bool) -> dict[str, Any]:
    body = json_body(ref(f"{type_name}{mode}"), required=mode == "Create")
    if has_files:
        body["content"]["multipart/form-data"] = {"schema": ref(f"{type_name}{mode}Form")}
    return body


def auth_paths(coll: Collection, audience: Audience, type_name: str) -> dict[str, Any]:
    """The auth endpoints of an auth collection: auth methods, password login and refresh."""
    base = f"/api/collections/{coll.name}"
    name = coll.name
    auth_response = ref(f"{type_name}AuthResponse")
    paths: dict[str, Any] = {
        f"{base}/auth-methods": {
            "get": {
                "operationId": f"auth_methods_{name}",
                "tags": [name],
                "summary": f"The ways to sign in to {name}",
                "security": OPTIONAL_AUTH,
                "parameters": params("fields"),
                "responses": {"200": json_response(AUTH_METHODS), **errors(404)},
            }
        }
    }
    if password_auth(coll):
        paths[f"{base}/auth-with-password"] = {
            "post": {
                "operationId": f"auth_with_password_{name}",
                "tags": [name],
                "summary": f"Sign in to {name} with a password",
                "description": f"Checks the collection's auth rule: {_rule_note(coll.rules.get('authRule'))}",
                "x-roost-rule": coll.rules.get("authRule"),
                "security": OPTIONAL_AUTH,
                "parameters": params(*RECORD_PARAMS),
                "requestBody": json_body(PASSWORD_LOGIN),
                "responses": {
                    "200": json_response(auth_response),
                    **mfa_step(coll),
                    **errors(400, 403, 404, 429),
                },
            }
        }
    if audience.collection_id == coll.id:
        paths[f"{base}/auth-refresh"] = {
            "post": {
                "operationId": f"auth_refresh_{name}",
                "tags": [name],
                "summary": f"A new token for the signed-in {name} record",
                "security": REQUIRED_AUTH,
                "parameters": params(*RECORD_PARAMS),
                "responses": {"200": json_response(auth_response), **errors(401, 403, 404)},
            }
        }
    return paths


def auth_response_schema(type_name: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "token": {"type": "string"},
            "record": ref(f"{type_name}Record"),
            "meta": {"type": "object", "additionalProperties": True},
        },
        "required": ["token", "record"],
    }
