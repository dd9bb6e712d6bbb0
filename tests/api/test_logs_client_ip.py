"""The request log's two addresses, as PocketBase writes them: `userIP` is the client's address
read from the trusted proxy headers (`settings.trustedProxy`), `remoteIP` the socket's peer (the
proxy itself). Without trusted headers, or with a header that is not trusted, both are the peer."""

from __future__ import annotations

import pytest

from tests.api.test_logs import stored

pytestmark = pytest.mark.anyio

FORWARDED = {"X-Forwarded-For": "203.0.113.7, 198.51.100.2", "X-Real-IP": "192.0.2.9"}


async def logged_ips(app, client, su, path):
    await client.get(path, headers=FORWARDED)
    page = await stored(app, client, su, filter=f'data.url = "{path}"')
    assert page["totalItems"] == 1, page
    data = page["items"][0]["data"]
    return data["userIP"], data["remoteIP"]


async def test_user_ip_comes_from_the_trusted_proxy_header(app, client, su):
    # nothing trusted yet: the forwarded headers are the client's word, not taken
    assert await logged_ips(app, client, su, "/api/one") == ("127.0.0.1", "127.0.0.1")

    r = await client.patch(
        "/api/settings", headers=su, json={"trustedProxy": {"headers": ["X-Forwarded-For"]}}
    )
    assert r.status_code == 200, r.text
    # the rightmost address: the one the trusted proxy appended
    assert await logged_ips(app, client, su, "/api/two") == ("198.51.100.2", "127.0.0.1")

    r = await client.patch("/api/settings", headers=su, json={"trustedProxy": {"useLeftmostIP": True}})
    assert r.status_code == 200, r.text
    assert await logged_ips(app, client, su, "/api/three") == ("203.0.113.7", "127.0.0.1")

    # a header not in the list is ignored, even when it is the only one sent
    await client.get("/api/four", headers={"X-Real-IP": "192.0.2.9"})
    page = await stored(app, client, su, filter='data.url = "/api/four"')
    assert page["items"][0]["data"]["userIP"] == "127.0.0.1"
    # and the log filters on either address
    page = await stored(app, client, su, filter='data.userIP = "203.0.113.7"')
    assert [i["data"]["url"] for i in page["items"]] == ["/api/three"]


async def test_log_ip_off_keeps_neither(app, client, su):
    r = await client.patch(
        "/api/settings",
        headers=su,
        json={"trustedProxy": {"headers": ["X-Forwarded-For"]}, "logs": {"logIP": False}},
    )
    assert r.status_code == 200, r.text
    await client.get("/api/five", headers=FORWARDED)
    page = await stored(app, client, su, filter='data.url = "/api/five"')
    data = page["items"][0]["data"]
    assert "userIP" not in data and "remoteIP" not in data
