"""Rate limits, trusted proxy and superuser IPs, as PocketBase 0.40.6 answers them (each
pinned against the real binary): its rule format, validation codes, label precedence,
audiences, fixed windows per client IP, excluded IPs; plus the IETF RateLimit headers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import error_shape, make_collection, make_user

pytestmark = pytest.mark.anyio

SAVE_FAILED = "An error occurred while saving the new settings."
TOO_MANY = {"data": {}, "message": "Too Many Requests.", "status": 429}


def rule(label: str, max_requests: int, duration: int = 60, audience: str = "") -> dict[str, Any]:
    return {"label": label, "audience": audience, "duration": duration, "maxRequests": max_requests}


async def limits(client, su, *rules: dict[str, Any], **extra: Any) -> None:
    body = {"rateLimits": {"enabled": True, "rules": list(rules), **extra.pop("rate", {})}, **extra}
    r = await client.patch("/api/settings", headers=su, json=body)
    assert r.status_code == 200, r.text


async def statuses(client, method: str, url: str, n: int, **kw: Any) -> list[int]:
    return [(await client.request(method, url, **kw)).status_code for _ in range(n)]


async def test_defaults_match_pocketbase(client, su):
    r = await client.get("/api/settings", headers=su)
    assert r.json()["rateLimits"] == {
        "rules": [
            rule("*:auth", 2, 3),
            rule("*:create", 20, 5),
            rule("/api/batch", 3, 1),
            rule("/api/", 300, 10),
        ],
        "excludedIPs": [],
        "enabled": False,
    }
    assert r.json()["trustedProxy"] == {"headers": [], "useLeftmostIP": False}
    assert r.json()["superuserIPs"] == []


INVALID = [
    (
        {"rateLimits": {"enabled": True, "rules": []}},
        {"rateLimits": {"rules": {"code": "validation_required", "message": "Cannot be blank."}}},
    ),
    (
        {
            "rateLimits": {
                "rules": [{"label": "bad label!", "audience": "x", "duration": 0, "maxRequests": -2}]
            }
        },
        {
            "rateLimits": {
                "rules": {
                    "0": {
                        "audience": {"code": "validation_in_invalid", "message": "Must be a valid value."},
                        "duration": {"code": "validation_required", "message": "Cannot be blank."},
                        "label": {
                            "code": "validation_match_invalid",
                            "message": "Must be in a valid format.",
                        },
                        "maxRequests": {
                            "code": "validation_min_greater_equal_than_required",
                            "message": "Must be no less than 1.",
                            "params": {"threshold": 1},
                        },
                    }
                }
            }
        },
    ),
    (  # a conflict is reported only once every rule is valid
        {"rateLimits": {"rules": [rule("a", 1), rule("a", 1), rule("b", 1, 0)]}},
        {
            "rateLimits": {
                "rules": {"2": {"duration": {"code": "validation_required", "message": "Cannot be blank."}}}
            }
        },
    ),
    (  # an "everyone" rule conflicts with an audience rule of the same label
        {"rateLimits": {"rules": [rule("a", 1, audience="@auth"), rule("a", 1)]}},
        {
            "rateLimits": {
                "rules": {
                    "1": {
                        "label": {
                            "code": "validation_conflicting_rate_limit_rule",
                            "message": "Rate limit rule configuration with label a already exists or conflicts with another rule.",
                            "params": {"label": "a"},
                        }
                    }
                }
            }
        },
    ),
    (
        {"rateLimits": {"excludedIPs": ["", "1.2.3", "10.0.0.0/8"]}, "superuserIPs": [" 1.2.3.4"]},
        {
            "rateLimits": {
                "excludedIPs": {
                    "0": {"code": "validation_required", "message": "Cannot be blank."},
                    "1": {"code": "validation_invlaid_ip_or_subnet", "message": "Invalid IP or CIDR subnet."},
                }
            },
            "superuserIPs": {
                "0": {"code": "validation_invlaid_ip_or_subnet", "message": "Invalid IP or CIDR subnet."}
            },
        },
    ),
]


@pytest.mark.parametrize(("patch", "errors"), INVALID)
async def test_validation_errors_as_pocketbase(client, su, patch, errors):
    r = await client.patch("/api/settings", headers=su, json=patch)
    assert r.status_code == 400, r.text
    assert r.json() == {"data": errors, "message": SAVE_FAILED, "status": 400}


async def test_valid_labels_and_nulls_are_saved(client, su):
    rules = [
        rule("ab", 1),
        rule("a", 1),
        rule("/api", 1),
        rule("/api/", 1),
        rule("users:auth", 1),
        rule("*:create", 1),
        rule("GET /api/x/", 1, audience="@guest"),
        rule("GET /api/x/", 1, audience="@auth"),
    ]
    r = await client.patch("/api/settings", headers=su, json={"rateLimits": {"rules": rules}})
    assert r.status_code == 200, r.text
    assert r.json()["rateLimits"]["rules"] == rules
    r = await client.patch(
        "/api/settings",
        headers=su,
        json={"rateLimits": {"rules": None, "excludedIPs": None}, "trustedProxy": {"headers": None}},
    )
    assert r.status_code == 200, r.text
    assert r.json()["rateLimits"]["rules"] == [] and r.json()["rateLimits"]["excludedIPs"] == []
    assert r.json()["trustedProxy"]["headers"] == []
    # a number of the wrong kind is refused as a bad request, not stored
    r = await client.patch("/api/settings", headers=su, json={"rateLimits": {"rules": [rule("a", 1, 1.5)]}})
    assert r.status_code == 400
    error_shape(r.json(), 400)


async def test_request_wide_rule_429_and_headers(client, su):
    await limits(client, su, rule("/api/", 2, 30))
    first = await client.get("/api/health")
    assert first.status_code == 200
    assert first.headers["ratelimit-policy"] == '"/api/";q=2;w=30'
    assert first.headers["ratelimit"].startswith('"/api/";r=1;t=')
    assert 29 <= int(first.headers["ratelimit"].rsplit("=", 1)[1]) <= 30
    # unknown /api routes count against the same rule (PocketBase routes them too)
    assert (await client.get("/api/nope")).status_code == 404
    r = await client.get("/api/health")
    assert r.status_code == 429
    assert r.json() == TOO_MANY
    assert 1 <= int(r.headers["retry-after"]) <= 30
    assert r.headers["ratelimit"].startswith('"/api/";r=0;t=')
    assert r.headers["x-content-type-options"] == "nosniff"  # still a regular response
    # paths outside the rule are not counted; superusers are never limited
    assert (await client.get("/nope")).status_code == 404
    assert await statuses(client, "GET", "/api/health", 3, headers=su) == [200, 200, 200]
    # preflight requests are not counted
    r = await client.options("/api/health", headers={"Origin": "x", "Access-Control-Request-Method": "GET"})
    assert r.status_code == 204


async def test_disabled_limits_send_no_headers(client, su):
    r = await client.patch("/api/settings", headers=su, json={"rateLimits": {"rules": [rule("/api/", 1)]}})
    assert r.status_code == 200
    assert await statuses(client, "GET", "/api/health", 3) == [200, 200, 200]
    assert "ratelimit" not in (await client.get("/api/health")).headers


async def test_collection_rules_precede_path_rules(client, su):
    await make_collection(client, su, {"name": "notes", "type": "base", "listRule": "", "createRule": ""})
    await limits(
        client,
        su,
        rule("/api/", 100),
        rule("users:list", 1),
        rule("*:list", 2),
        rule("GET /api/collections/notes/records/", 5),
    )
    # users:list (its own label) wins over *:list
    assert await statuses(client, "GET", "/api/collections/users/records", 2) == [200, 429]
    # notes: *:list comes before the `METHOD /path/` prefix; counted per collection
    r = await client.get("/api/collections/notes/records")
    assert r.headers["ratelimit-policy"] == '"*:list";q=2;w=60'
    assert await statuses(client, "GET", "/api/collections/notes/records", 2) == [200, 429]
    # other actions fall back to the path rules; a missing collection is a 404 and not counted
    assert (
        (await client.get("/api/collections/notes/records/abc"))
        .headers["ratelimit-policy"]
        .startswith('"GET /api/collections/notes/records/"')
    )
    assert await statuses(client, "GET", "/api/collections/missing/records", 3) == [404, 404, 404]


async def test_prefix_rules_match_in_their_order(client, su):
    # PocketBase takes the first prefix rule in the list, not the longest
    await limits(client, su, rule("/api/", 1), rule("/api/health/", 5))
    assert await statuses(client, "GET", "/api/health", 2) == [200, 429]
    await limits(client, su, rule("GET /api/health", 3), rule("/api/", 1))
    assert await statuses(client, "GET", "/api/health", 4) == [200, 200, 200, 429]


async def test_audiences(client, su):
    _, token = await make_user(client, "aud@example.com")
    user = {"Authorization": token}
    await limits(client, su, rule("/api/", 1, audience="@guest"), rule("/api/", 3, audience="@auth"))
    assert await statuses(client, "GET", "/api/health", 2) == [200, 429]
    assert await statuses(client, "GET", "/api/health", 4, headers=user) == [200, 200, 200, 429]


async def test_auth_rule_counts_attempts_and_checks_the_collection_first(client, su):
    await make_user(client, "auth@example.com")
    await limits(client, su, rule("*:auth", 2, 30))
    body = {"identity": "auth@example.com", "password": "wrong-one"}
    url = "/api/collections/users/auth-with-password"
    assert await statuses(client, "POST", url, 3, json=body) == [400, 400, 429]
    # even the right password waits for the window
    ok = {"identity": "auth@example.com", "password": "password123"}
    assert (await client.post(url, json=ok)).status_code == 429
    r = await client.post("/api/collections/missing/auth-with-password", json=ok)
    assert r.json() == {"data": {}, "message": "Missing or invalid collection context.", "status": 404}


async def test_batch_sub_requests_count_as_record_requests(client, su):
    await make_collection(client, su, {"name": "items", "type": "base", "createRule": ""})
    r = await client.patch("/api/settings", headers=su, json={"batch": {"enabled": True}})
    assert r.status_code == 200
    await limits(client, su, rule("*:create", 2), rule("/api/batch", 10))
    create = {"method": "POST", "url": "/api/collections/items/records", "body": {}}
    r = await client.post("/api/batch", json={"requests": [create, create, create]})
    assert r.status_code == 400
    failed = r.json()["data"]["requests"]["2"]
    assert failed["code"] == "batch_request_failed" and failed["response"] == TOO_MANY
    assert r.headers["ratelimit-policy"] == '"/api/batch";q=10;w=60'
    # direct creates have a counter of their own, as in PocketBase
    assert (await client.post("/api/collections/items/records", json={})).status_code == 200


async def test_trusted_proxy_and_excluded_ips(client, su):
    await limits(
        client,
        su,
        rule("/api/", 1),
        rate={"excludedIPs": ["10.0.0.0/8", "2001:db8::1"]},
        trustedProxy={"headers": ["X-Forwarded-For"], "useLeftmostIP": False},
    )

    def via(chain: str) -> dict[str, str]:
        return {"X-Forwarded-For": chain}

    # the rightmost valid address is the client: one counter per client IP
    assert await statuses(client, "GET", "/api/health", 2, headers=via("9.9.9.9, 1.1.1.1")) == [200, 429]
    assert await statuses(client, "GET", "/api/health", 2, headers=via("1.1.1.1, 2.2.2.2")) == [200, 429]
    assert (await client.get("/api/health", headers=via("3.3.3.3, not-an-ip"))).status_code == 200
    # excluded IPs and subnets are never limited
    assert await statuses(client, "GET", "/api/health", 3, headers=via("10.1.2.3")) == [200] * 3
    assert await statuses(client, "GET", "/api/health", 3, headers=via("2001:db8:0::1")) == [200] * 3
    # without the header, the connection's address counts
    assert await statuses(client, "GET", "/api/health", 2) == [200, 429]
    r = await client.get("/api/health", headers={**su, **via("7.7.7.7, 2001:db8::5")})
    assert r.json()["data"] == {
        "canBackup": True,
        "realIP": "2001:0db8:0000:0000:0000:0000:0000:0005",
        "possibleProxyHeader": "X-Forwarded-For",
    }
    await limits(
        client, su, rule("/api/", 1), trustedProxy={"headers": ["X-Forwarded-For"], "useLeftmostIP": True}
    )
    r = await client.get("/api/health", headers={**su, **via("7.7.7.7, 2001:db8::5")})
    assert r.json()["data"]["realIP"] == "7.7.7.7"
    await limits(client, su, rule("/api/", 1), trustedProxy={"headers": []})
    r = await client.get("/api/health", headers={**su, **via("7.7.7.7"), "Fly-Client-IP": "1.1.1.1"})
    assert r.json()["data"] == {
        "canBackup": True,
        "realIP": "127.0.0.1",
        "possibleProxyHeader": "Fly-Client-IP",
    }


async def test_changed_rules_count_afresh(client, su):
    await limits(client, su, rule("/api/", 1))
    assert await statuses(client, "GET", "/api/health", 2) == [200, 429]
    await limits(client, su, rule("/api/", 2))
    assert await statuses(client, "GET", "/api/health", 3) == [200, 200, 429]


async def test_superuser_ips(client, su):
    _, token = await make_user(client, "plain@example.com")
    r = await client.patch(
        "/api/settings",
        headers=su,
        json={"superuserIPs": ["10.0.0.0/8", "192.168.1.7"], "trustedProxy": {"headers": ["X-Real-IP"]}},
    )
    assert r.status_code == 200, r.text
    forbidden = {"data": {}, "message": "You are not allowed to perform this request.", "status": 403}
    assert (await client.get("/api/settings", headers=su)).json() == forbidden
    assert (await client.get("/api/collections/users/records", headers=su)).json() == forbidden
    assert (await client.get("/api/nope", headers=su)).json() == forbidden
    ok = await client.get("/api/settings", headers={**su, "X-Real-IP": "10.1.2.3"})
    assert ok.status_code == 200
    assert (await client.get("/api/health", headers={**su, "X-Real-IP": "192.168.1.7"})).status_code == 200
    # signing in as a superuser from elsewhere is refused too; a wrong password still reads as one
    login = {"identity": "admin@example.com", "password": "Passw0rd123!"}
    url = "/api/collections/_superusers/auth-with-password"
    assert (await client.post(url, json=login)).json() == forbidden
    bad = await client.post(url, json={**login, "password": "nope-nope"})
    assert bad.json()["message"] == "Failed to authenticate."
    assert (await client.post(url, json=login, headers={"X-Real-IP": "10.0.0.1"})).status_code == 200
    # guests and other users are not concerned
    assert (await client.get("/api/health")).status_code == 200
    r = await client.get("/api/collections/users/records", headers={"Authorization": token})
    assert r.status_code == 200
