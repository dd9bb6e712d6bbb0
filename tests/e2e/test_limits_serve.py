"""Rate limits and API keys through real `roost serve` processes: two instances on one
database and one Redis hold a single limit between them, and a key revoked on one stops
working on the other within a second; the unmodified JS SDK authenticates with a key."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
from typing import Any

import httpx
import pytest

from tests.e2e.server import RoostServer
from tests.e2e.test_realtime_serve import REDIS, SU, db_url, needs_redis, running

pytestmark = pytest.mark.e2e
__all__ = ["db_url"]  # the fixture, shared with the realtime e2e tests

SDK_DIR = os.path.join(os.path.dirname(__file__), "..", "sdk")


async def su_headers(http: httpx.AsyncClient, base: str) -> dict[str, str]:
    r = await http.post(
        f"{base}/api/collections/_superusers/auth-with-password", json={"identity": SU[0], "password": SU[1]}
    )
    assert r.status_code == 200, r.text
    return {"Authorization": r.json()["token"]}


async def wait_for(check: Any, timeout: float = 5.0) -> float:
    """Poll `check()` until it is true; returns the seconds it took."""
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < timeout, "condition not reached in time"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


def pair(tmp_path: Any, db_url: str | None, redis: bool) -> tuple[RoostServer, RoostServer]:
    data = str(tmp_path / "data")  # SQLite: both processes open the same file; PostgreSQL: one schema
    extra = ("--redis", REDIS) if redis else ()
    a, b = RoostServer(data, db_url, extra), RoostServer(data, db_url, extra)
    assert a.cli("superuser", "upsert", *SU).returncode == 0
    return a, b


@needs_redis
def test_two_instances_hold_one_limit(tmp_path, db_url):
    a, b = pair(tmp_path, db_url, redis=True)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su = await su_headers(http, a.url)
            rules = [
                {"label": "*:listAuthMethods", "audience": "", "duration": 60, "maxRequests": 5},
                {
                    "label": "GET /api/collections/users/records",
                    "audience": "",
                    "duration": 60,
                    "maxRequests": 10,
                },
                {"label": "/api/health", "audience": "", "duration": 60, "maxRequests": 1000},
            ]
            r = await http.patch(
                f"{a.url}/api/settings", headers=su, json={"rateLimits": {"enabled": True, "rules": rules}}
            )
            assert r.status_code == 200, r.text

            async def b_has_rules() -> bool:  # B reloads the settings A saved
                return "ratelimit-policy" in (await http.get(f"{b.url}/api/health")).headers

            await wait_for(b_has_rules)
            url = "/api/collections/users/auth-methods"
            seen = [(await http.get(base + url)).status_code for base in (a.url, b.url) * 4]
            assert seen == [200] * 5 + [429] * 3
            r = await http.get(a.url + url)
            assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
            # concurrent requests on both instances: exactly the limit gets through
            url = "/api/collections/users/records"
            results = await asyncio.gather(*(http.get((a.url, b.url)[i % 2] + url) for i in range(30)))
            codes = sorted(r.status_code for r in results)
            assert codes == [200] * 10 + [429] * 20

    with running(a, b):
        asyncio.run(scenario())


async def _revocation(a: RoostServer, b: RoostServer, within: float) -> None:
    async with httpx.AsyncClient(timeout=10) as http:
        su = await su_headers(http, a.url)
        r = await http.post(f"{a.url}/api/keys", headers=su, json={"name": "deploy"})
        assert r.status_code == 200, r.text
        key_id, key = r.json()["id"], {"Authorization": r.json()["key"]}
        # the key acts as the superuser on both instances (and B now holds it in its cache)
        assert (await http.get(f"{b.url}/api/settings", headers=key)).status_code == 200
        assert (await http.get(f"{a.url}/api/settings", headers=key)).status_code == 200
        assert (await http.delete(f"{a.url}/api/keys/{key_id}", headers=su)).status_code == 204

        async def refused_on_b() -> bool:
            return (await http.get(f"{b.url}/api/settings", headers=key)).status_code == 401

        assert await wait_for(refused_on_b, timeout=within) < within
        assert (await http.get(f"{a.url}/api/settings", headers=key)).status_code == 401


@needs_redis
def test_revoked_key_stops_on_every_instance_with_redis(tmp_path, db_url):
    a, b = pair(tmp_path, db_url, redis=True)
    with running(a, b):
        asyncio.run(_revocation(a, b, within=1.0))


def test_revoked_key_stops_on_every_instance_without_redis(tmp_path, db_url):
    # no broker between them: each instance re-reads a key at least once a second
    a, b = pair(tmp_path, db_url, redis=False)
    with running(a, b):
        asyncio.run(_revocation(a, b, within=1.5))


SDK_SCRIPT = """
import PocketBase from 'pocketbase';
const pb = new PocketBase(process.env.PB_URL);
pb.authStore.save(process.env.PB_KEY);
const list = await pb.collection('users').getList(1, 5);
const auth = await pb.collection('users').authRefresh();
console.log(JSON.stringify({items: list.items.map(r => r.id), token: auth.token, id: auth.record.id}));
"""


def test_js_sdk_authenticates_with_a_key(tmp_path, db_url):
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", *SU).returncode == 0

    async def make_key() -> tuple[str, str]:
        async with httpx.AsyncClient(timeout=10) as http:
            su = await su_headers(http, server.url)
            body = {"email": "sdk@example.com", "password": "password123", "passwordConfirm": "password123"}
            user = (
                await http.post(f"{server.url}/api/collections/users/records", headers=su, json=body)
            ).json()
            r = await http.post(
                f"{server.url}/api/keys",
                headers=su,
                json={"name": "sdk", "collection": "users", "record": user["id"]},
            )
            return user["id"], r.json()["key"]

    with server:
        user_id, key = asyncio.run(make_key())
        out = subprocess.run(
            ["node", "--input-type=module", "-e", SDK_SCRIPT],
            cwd=SDK_DIR,
            env={**os.environ, "PB_URL": server.url, "PB_KEY": key},
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"items": [user_id], "token": key, "id": user_id}


@needs_redis
def test_a_new_password_revokes_keys_on_every_instance(tmp_path, db_url):
    a, b = pair(tmp_path, db_url, redis=True)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su = await su_headers(http, a.url)
            body = {"email": "k@example.com", "password": "password123", "passwordConfirm": "password123"}
            r = await http.post(f"{a.url}/api/collections/users/records", headers=su, json=body)
            assert r.status_code == 200, r.text
            user = r.json()["id"]
            r = await http.post(
                f"{a.url}/api/keys", headers=su, json={"name": "app", "collection": "users", "record": user}
            )
            key = {"Authorization": r.json()["key"]}
            refresh = "/api/collections/users/auth-refresh"
            assert (await http.post(b.url + refresh, headers=key)).status_code == 200  # B caches it
            r = await http.patch(
                f"{a.url}/api/collections/users/records/{user}",
                headers=su,
                json={"password": "changed1234", "passwordConfirm": "changed1234"},
            )
            assert r.status_code == 200, r.text

            async def refused_on_b() -> bool:
                return (await http.post(b.url + refresh, headers=key)).status_code == 401

            assert await wait_for(refused_on_b, timeout=1.0) < 1.0
            assert (await http.get(f"{b.url}/api/keys", headers=su)).json() == []

    with running(a, b):
        asyncio.run(scenario())


@needs_redis
def test_otp_attempts_are_counted_across_instances(tmp_path, db_url, smtp_sink):
    """PocketBase's 5 attempts per record and IP in 180 s hold for two instances together."""
    a, b = pair(tmp_path, db_url, redis=True)

    async def scenario() -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            su = await su_headers(http, a.url)
            r = await http.patch(f"{a.url}/api/settings", headers=su, json={"smtp": smtp_sink.settings()})
            assert r.status_code == 200, r.text
            users = "/api/collections/users"
            r = await http.patch(a.url + users, headers=su, json={"otp": {"enabled": True}})
            assert r.status_code == 200, r.text
            body = {"email": "o@example.com", "password": "password123", "passwordConfirm": "password123"}
            assert (await http.post(f"{a.url}{users}/records", headers=su, json=body)).status_code == 200
            r = await http.post(f"{a.url}{users}/request-otp", json={"email": "o@example.com"})
            otp_id = r.json()["otpId"]
            code = re.search(r"one-time password is: (\d+)", (await smtp_sink.wait(1))[0].text)
            assert code is not None
            wrong = {"otpId": otp_id, "password": "0" * len(code.group(1))}
            results = await asyncio.gather(
                *(http.post(f"{(a.url, b.url)[i % 2]}{users}/auth-with-otp", json=wrong) for i in range(10))
            )
            assert sorted(r.status_code for r in results) == [400] * 5 + [429] * 5
            # the right code is refused too, on either instance, until the window ends
            for base in (a.url, b.url):
                r = await http.post(
                    f"{base}{users}/auth-with-otp", json={"otpId": otp_id, "password": code.group(1)}
                )
                assert r.status_code == 429
                assert r.json()["message"] == "Too many attempts, please try again later with a new OTP."

    with running(a, b):
        asyncio.run(scenario())
