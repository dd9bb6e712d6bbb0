"""Two instances on one database and a real Redis: a write is published on the broker only while
another instance has realtime clients, and a client that connects is told so only once the
other instances will publish what it may see (roost/realtime/presence.py)."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import orjson
import pytest

from roost.core.app import App
from roost.realtime.redis import RedisBroker, channel_prefix
from tests.api.test_realtime_cluster import Instance
from tests.conftest import drop_db_url, new_db_url
from tests.helpers import make_collection

pytestmark = pytest.mark.anyio

REDIS = "redis://127.0.0.1:6379/0"
HEARTBEAT = 0.2  # s: the tests' instances settle in two of these instead of ten seconds


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="needs a Redis server on 127.0.0.1:6379")


class Spy:
    """A third party on the channel, counting the record events the instances publish."""

    def __init__(self, prefix: str) -> None:
        self.broker = RedisBroker(REDIS, prefix)
        self.records: list[dict[str, Any]] = []
        self.broker.subscribe("events", self._heard)

    async def _heard(self, raw: bytes) -> None:
        msg = orjson.loads(raw)
        if msg.get("op") == "record":
            self.records.append(msg)


@pytest.fixture
async def cluster(tmp_path: Any):
    url = await new_db_url()
    prefix = channel_prefix(f"{tmp_path}/{time.time_ns()}")
    spy = Spy(prefix)
    await spy.broker.start()
    instances = []
    for _ in range(2):
        app = await App.open(str(tmp_path / "data"), url)
        app.broker = RedisBroker(REDIS, prefix)
        inst = Instance(app)  # binds the realtime hub
        app.realtime.presence.heartbeat = HEARTBEAT
        await app.broker.start()
        instances.append(inst)
    try:
        yield instances[0], instances[1], spy
    finally:
        for inst in instances:
            await inst.close()
            await inst.app.close()
        await spy.broker.close()
        await drop_db_url(url)


async def _note(inst: Instance, su: dict[str, str], text: str) -> dict[str, Any]:
    r = await inst.http.post("/api/collections/notes/records", headers=su, json={"text": text})
    assert r.status_code == 200, r.text
    return r.json()


@needs_redis
async def test_writes_are_published_only_while_another_instance_has_clients(cluster, su_headers_of):
    a, b, spy = cluster
    su = await su_headers_of(a)
    spec = {"name": "notes", "type": "base", "listRule": "", "viewRule": "", "createRule": "", "fields": [{"name": "text", "type": "text"}]}  # fmt: skip
    await make_collection(a.http, su, spec)
    await asyncio.sleep(3 * HEARTBEAT)  # past the time both publish everything (just connected)
    spy.records.clear()

    # nobody listens anywhere: the write stays off the broker
    await _note(a, su, "unheard")
    await asyncio.sleep(0.2)
    assert spy.records == []

    # a client on B: B tells it it is connected only once A acknowledged, so A's very next
    # write, right after the subscription, reaches it
    stream = await b.sse()
    r = await b.http.post("/api/realtime", json={"clientId": stream.client_id, "subscriptions": ["notes/*"]})
    assert r.status_code == 204
    heard = await _note(a, su, "heard")
    (event,) = await stream.expect(("notes/*", "create"))
    assert event["data"]["record"] == heard
    assert [m["record"]["id"] for m in spy.records] == [heard["id"]]

    # the client leaves: B says so, and A's writes stay off the broker again
    await stream.close()
    b.streams.remove(stream)
    await asyncio.sleep(0.2)
    await _note(a, su, "unheard again")
    await asyncio.sleep(0.2)
    assert len(spy.records) == 1


@needs_redis
async def test_an_instance_that_stops_without_a_word_is_forgotten(cluster, su_headers_of):
    a, b, spy = cluster
    su = await su_headers_of(a)
    spec = {"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "text", "type": "text"}]}
    await make_collection(a.http, su, spec)
    a.app.realtime.presence.expires = 4 * HEARTBEAT
    stream = await b.sse()
    await asyncio.sleep(3 * HEARTBEAT)
    spy.records.clear()
    await _note(a, su, "while B listens")
    await asyncio.sleep(0.2)
    assert len(spy.records) == 1

    # B goes silent with its client still connected (its heartbeats stop): A stops publishing
    # once B's last heartbeat is older than `expires`
    await b.app.realtime.presence.close()
    await asyncio.sleep(6 * HEARTBEAT)
    await _note(a, su, "after B went quiet")
    await asyncio.sleep(0.2)
    assert len(spy.records) == 1
    await stream.close()
    b.streams.remove(stream)


@pytest.fixture
def su_headers_of():
    from tests.conftest import SU_EMAIL, SU_PASSWORD, create_superuser

    async def login(inst: Instance) -> dict[str, str]:
        await create_superuser(inst.app)
        r = await inst.http.post(
            "/api/collections/_superusers/auth-with-password",
            json={"identity": SU_EMAIL, "password": SU_PASSWORD},
        )
        return {"Authorization": r.json()["token"]}

    return login
