"""Many realtime clients at once: subscribers are decided and rendered in groups (one auth
state and one subscription string), so clients that share a subscription string but not an
auth, or an auth but not the options, must still each get exactly what their rules allow."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from roost.api import build_asgi
from tests.helpers import make_collection, make_user
from tests.realtime_clients import SSEClient

pytestmark = pytest.mark.anyio

OWNER_RULE = "public = true || owner = @request.auth.id"
CLIENTS_EACH = 3  # clients per (identity, subscription string)


def options(**query: str) -> str:
    return "?options=" + quote(json.dumps({"query": query}))


async def test_many_clients_with_different_auths_get_what_their_rules_allow(app, client, su, su_token):
    asgi = build_asgi(app)
    await make_collection(
        client,
        su,
        {
            "name": "notes",
            "type": "base",
            "listRule": OWNER_RULE,
            "viewRule": OWNER_RULE,
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "public", "type": "bool"},
                {"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            ],
        },
    )
    users = {name: await make_user(client, f"{name}@example.com") for name in ("ann", "ben", "cid")}
    tokens = {"guest": "", "su": su_token} | {name: tok for name, (_, tok) in users.items()}
    topics = {
        "all": "notes/*",
        "titles": "notes/*" + options(fields="id,title"),
        "x-only": "notes/*" + options(filter="title ~ 'x'"),
    }
    opened: list[tuple[str, str, SSEClient]] = []
    try:
        for who, token in tokens.items():
            for kind, topic in topics.items():
                for _ in range(CLIENTS_EACH):
                    c = await SSEClient(asgi).connect()
                    opened.append((who, kind, c))
                    headers = {"Authorization": token} if token else {}
                    body = {"clientId": c.client_id, "subscriptions": [topic]}
                    r = await client.post("/api/realtime", json=body, headers=headers)
                    assert r.status_code == 204, r.text

        made: dict[str, dict] = {}  # title -> record
        for title, owner, public in (
            ("ann-x", "ann", False),
            ("ben-x", "ben", False),
            ("ben-plain", "ben", False),
            ("public-x", "cid", True),
            ("cid-plain", "cid", False),
        ):
            body = {"title": title, "owner": users[owner][0]["id"], "public": public}
            r = await client.post("/api/collections/notes/records", json=body, headers=su)
            assert r.status_code == 200, r.text
            made[title] = r.json()
        end = (
            await client.post(
                "/api/collections/notes/records", json={"title": "end-x", "public": True}, headers=su
            )
        ).json()

        def allowed(who: str, kind: str) -> list[str]:
            out = []
            for title, rec in made.items():
                visible = (
                    who == "su" or rec["public"] or rec["owner"] == users.get(who, ({"id": None},))[0]["id"]
                )
                if visible and (kind != "x-only" or "x" in title):
                    out.append(title)
            return out

        for who, kind, c in opened:
            got = []
            while True:
                e = await c.next()
                assert e["event"] == topics[kind]
                rec = e["data"]["record"]
                if rec["id"] == end["id"]:
                    break
                if kind == "titles":
                    assert set(rec) == {"id", "title"}, rec
                else:
                    assert rec == made[rec["title"]], rec
                got.append(rec["title"])
            expected = allowed(who, kind)
            assert got == expected, (who, kind, got)
            await c.assert_quiet()
    finally:
        for _, _, c in opened:
            await c.close()
