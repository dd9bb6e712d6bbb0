"""A schema for the API-description client tests: `posts` (every field type, owner rules), `secrets`
(superusers only), the default `users` (with OTP on), one superuser and one user; mails go to
the given SMTP server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

SU_EMAIL = "admin@example.com"
SU_PASSWORD = "Passw0rd123!"
USER_EMAIL = "user@example.com"
USER_PASSWORD = "password123"

POSTS = {
    "name": "posts",
    "type": "base",
    "listRule": "",
    "viewRule": "",
    "createRule": "@request.auth.id != ''",
    "updateRule": "author = @request.auth.id",
    "deleteRule": "author = @request.auth.id",
    "fields": [
        {"name": "title", "type": "text", "required": True, "max": 100},
        {"name": "status", "type": "select", "values": ["draft", "published"], "maxSelect": 1},
        {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
        {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
        {"name": "files", "type": "file", "maxSelect": 2},
        {"name": "meta", "type": "json"},
        {"name": "secret", "type": "text", "hidden": True},
        {"name": "views", "type": "number", "onlyInt": True, "min": 0},
        {"name": "score", "type": "number"},
        {"name": "published", "type": "bool"},
        {"name": "when", "type": "date"},
        {"name": "site", "type": "url"},
        {"name": "contact", "type": "email"},
        {"name": "body", "type": "editor"},
        {"name": "where", "type": "geoPoint"},
        {"name": "created", "type": "autodate", "onCreate": True},
        {"name": "updated", "type": "autodate", "onCreate": True, "onUpdate": True},
    ],
}
SECRETS = {"name": "secrets", "type": "base", "fields": [{"name": "x", "type": "text"}]}


@dataclass
class Seeded:
    url: str
    su_token: str
    user_token: str
    user_id: str


def seed(url: str, smtp: dict[str, Any]) -> Seeded:
    """The schema and accounts; the superuser must exist already (`superuser upsert`).
    `smtp`: the settings of a real SMTP server the flows' mails go to."""
    with httpx.Client(base_url=url, timeout=30) as c:
        r = c.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": SU_EMAIL, "password": SU_PASSWORD},
        )
        assert r.status_code == 200, r.text
        su = {"Authorization": r.json()["token"]}
        for spec in (POSTS, SECRETS):
            r = c.post("/api/collections", json=spec, headers=su)
            assert r.status_code == 200, r.text
        r = c.patch("/api/settings", json={"smtp": smtp}, headers=su)
        assert r.status_code == 200, r.text
        r = c.patch("/api/collections/users", json={"otp": {"enabled": True}}, headers=su)
        assert r.status_code == 200, r.text
        r = c.post(
            "/api/collections/users/records",
            json={"email": USER_EMAIL, "password": USER_PASSWORD, "passwordConfirm": USER_PASSWORD},
        )
        assert r.status_code == 200, r.text
        r = c.post(
            "/api/collections/users/auth-with-password",
            json={"identity": USER_EMAIL, "password": USER_PASSWORD},
        )
        assert r.status_code == 200, r.text
        return Seeded(url, su["Authorization"], r.json()["token"], r.json()["record"]["id"])
