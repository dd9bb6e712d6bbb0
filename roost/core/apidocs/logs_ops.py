"""The superuser-only monitoring endpoints: the logs API and the Prometheus metrics.
`BUILTIN` and `SCHEMAS` as in builtin_ops.py, which merges them."""

from __future__ import annotations

from typing import Any

from roost.core.apidocs.ops_common import op, path_param
from roost.core.apidocs.shared import NO_CONTENT, errors, json_response, list_of, params, ref

SCHEMAS: dict[str, Any] = {
    "Log": {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "created": {"type": "string"},
            "level": {"type": "integer", "description": "-4 debug, 0 info, 4 warning, 8 error."},
            "message": {"type": "string"},
            "data": {
                "type": "object",
                "additionalProperties": True,
                "description": 'For requests: `type: "request"`, `method`, `url`, `status`, `execTime`, '
                "`remoteIP`, `userIP`, `referer`, `userAgent`, `auth`, `authId`.",
            },
        },
        "required": ["id", "created", "level", "message", "data"],
    },
    "LogsStat": {
        "type": "object",
        "properties": {
            "date": {"type": "string", "description": "The hour, `2026-01-02 03:00:00.000Z`."},
            "total": {"type": "integer"},
        },
        "required": ["date", "total"],
    },
}

BUILTIN: dict[tuple[str, str], tuple[bool, dict[str, Any]]] = {
    ("GET", "/api/logs"): (
        True,
        op(
            "list_logs",
            "logs",
            "List the request and app logs",
            {"200": json_response(list_of(ref("Log"))), **errors(400)},
            superuser=True,
            parameters=params("page", "perPage", "sort", "filter", "fields", "skipTotal"),
            description="`filter` and `sort` work on `id`, `created`, `level`, `message` and "
            "`data.*` (e.g. `data.status >= 400`).",
        ),
    ),
    ("DELETE", "/api/logs"): (
        True,
        op("truncate_logs", "logs", "Delete every log", {"204": NO_CONTENT}, superuser=True),
    ),
    ("GET", "/api/logs/stats"): (
        True,
        op(
            "logs_stats",
            "logs",
            "Logs per hour, oldest first",
            {"200": json_response({"type": "array", "items": ref("LogsStat")}), **errors(400)},
            superuser=True,
            parameters=params("filter", "fields"),
        ),
    ),
    ("GET", "/api/logs/{id}"): (
        True,
        op(
            "view_log",
            "logs",
            "View a log",
            {"200": json_response(ref("Log")), **errors(404)},
            superuser=True,
            parameters=[path_param("id", "The log's id."), *params("fields")],
        ),
    ),
    ("GET", "/api/metrics"): (
        True,
        op(
            "metrics",
            "metrics",
            "Prometheus metrics",
            {
                "200": {
                    "description": "The Prometheus text format (0.0.4).",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
            superuser=True,
            description="For a superuser, or with the metrics secret (`roost serve --metricsSecret`) "
            "sent as `Authorization: Bearer <secret>`.",
        ),
    ),
}
