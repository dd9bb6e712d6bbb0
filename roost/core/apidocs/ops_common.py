"""Helpers for the built-in operations that are not per collection (builtin_ops.py, admin_ops.py)."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.shared import OPTIONAL_AUTH, REQUIRED_AUTH, errors


def op(
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
    """One operation; a superuser-only one needs a token (401 without, 403 for others)."""
    out: dict[str, Any] = {"operationId": op_id, "tags": [tag], "summary": summary}
    if description:
        out["description"] = description
    if parameters:
        out["parameters"] = parameters
    if body is not None:
        out["requestBody"] = body
    all_responses = dict(responses)
    if superuser:
        all_responses.update(errors(401, 403))
        out["security"] = REQUIRED_AUTH
        out["x-roost-rule"] = None
    else:
        out["security"] = OPTIONAL_AUTH
    out["responses"] = all_responses
    return out


def path_param(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string"},
        "description": description,
    }


COLLECTION = path_param("collection", "A collection name or id.")
