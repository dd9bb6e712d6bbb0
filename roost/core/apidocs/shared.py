"""Parts every OpenAPI description shares: PocketBase's error shape, the list parameters,
the security schemes and the error responses by status."""

from __future__ import annotations

from typing import Any

ERROR_MESSAGES = {
    400: "Something went wrong while processing your request.",
    401: "Missing or invalid authentication.",
    403: "You are not allowed to perform this request.",
    404: "The requested resource wasn't found.",
    429: "Too Many Requests.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "PocketBase's error shape. `data` holds validation errors by field name "
    "(`{code, message, params?}`, nested for arrays and objects), else it is empty.",
    "properties": {
        "status": {"type": "integer"},
        "message": {"type": "string"},
        "data": {"type": "object", "additionalProperties": True},
    },
    "required": ["status", "message", "data"],
}

SECURITY_SCHEMES: dict[str, Any] = {
    "authToken": {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": "A record auth token (from auth-with-password or auth-refresh), sent as it is.",
    },
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "The same token with a `Bearer ` prefix.",
    },
}
OPTIONAL_AUTH: list[dict[str, Any]] = [{}, {"authToken": []}, {"bearerAuth": []}]
REQUIRED_AUTH: list[dict[str, Any]] = [{"authToken": []}, {"bearerAuth": []}]


def _param(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PARAMETERS: dict[str, Any] = {
    "filter": _param(
        "filter",
        {"type": "string", "maxLength": 3500},
        "A PocketBase filter expression, e.g. `title ~ 'abc' && created > '2024-01-01'`.",
    ),
    "sort": _param("sort", {"type": "string"}, "Fields to sort by, `-` for descending, e.g. `-created,id`."),
    "expand": _param(
        "expand",
        {"type": "string"},
        "Relation fields to expand, comma separated, dotted for nested: `author,tags.owner`.",
    ),
    "fields": _param(
        "fields",
        {"type": "string"},
        "Only these fields in the answer, comma separated (`*` for all, `expand.rel.name`, `title:excerpt(200)`). "
        "An answer picked this way holds the named fields only.",
    ),
    "page": _param("page", {"type": "integer", "default": 1}, "The page, from 1."),
    "perPage": _param(
        "perPage", {"type": "integer", "default": 30}, "Items per page: 30 when 0 or less, 1000 at most."
    ),
    "skipTotal": _param(
        "skipTotal", {"type": "boolean"}, "Skip counting: `totalItems` and `totalPages` are then -1 (faster)."
    ),
}
LIST_PARAMS = ["page", "perPage", "sort", "filter", "expand", "fields", "skipTotal"]
RECORD_PARAMS = ["expand", "fields"]


def params(*names: str) -> list[dict[str, Any]]:
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def errors(*statuses: int) -> dict[str, Any]:
    return {str(s): {"$ref": f"#/components/responses/Error{s}"} for s in statuses}


RESPONSES: dict[str, Any] = {
    f"Error{status}": {
        "description": message,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    for status, message in ERROR_MESSAGES.items()
}


def json_body(schema: dict[str, Any], required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def json_response(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


NO_CONTENT: dict[str, Any] = {"description": "Done, no content."}


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(item: dict[str, Any], title: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "object",
        "properties": {
            "page": {"type": "integer"},
            "perPage": {"type": "integer"},
            "totalItems": {"type": "integer", "description": "-1 with `skipTotal`."},
            "totalPages": {"type": "integer", "description": "-1 with `skipTotal`."},
            "items": {"type": "array", "items": item},
        },
        "required": ["page", "perPage", "totalItems", "totalPages", "items"],
    }
    if title:
        out["title"] = title
    return out
