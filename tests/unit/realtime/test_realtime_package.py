"""The realtime leaf package on its own: subscription strings, client queues, SSE bytes, brokers."""

from __future__ import annotations

import asyncio
import json
import socket
from urllib.parse import quote

import pytest

from roost.errors import BadRequest, ValidationError
from roost.realtime import ClientRegistry, MemoryBroker, parse_subscription
from roost.realtime.clients import MAX_PENDING
from roost.realtime.messages import sse, ws_event
from roost.realtime.redis import RedisBroker, channel_prefix
from roost.realtime.subscriptions import parse_subscribe

pytestmark = pytest.mark.anyio


def test_subscription_options():
    opts = {"query": {"filter": "a > 1", "perPage": 5, "flag": True}, "headers": {"X-Token": "t"}}
    key = "posts/*?options=" + quote(json.dumps(opts))
    sub = parse_subscription(key)
    assert (sub.key, sub.topic) == (key, "posts/*")
    assert sub.query == {"filter": "a > 1", "perPage": "5", "flag": "true"}
    assert sub.headers == {"x_token": "t"}  # as @request.headers reads them
    for broken in ("posts/*?options=%7Bnope", "posts/*?options=%5B1%5D", "posts/*?other=1"):
        sub = parse_subscription(broken)
        assert (sub.topic, sub.query, sub.headers) == ("posts/*", {}, {})


def test_subscribe_body_checks():
    assert parse_subscribe({"clientId": "c", "subscriptions": None}) == ("c", [])
    with pytest.raises(ValidationError) as err:
        parse_subscribe({"subscriptions": []})
    assert err.value.fields == {"clientId": {"code": "validation_required", "message": "Cannot be blank."}}
    for body in ("x", {"clientId": ["c"]}, {"clientId": "c", "subscriptions": {"a": 1}}):
        with pytest.raises(BadRequest):
            parse_subscribe(body)


def test_wire_formats():
    assert sse("CID", "posts/*", b'{"a":1}') == b'id:CID\nevent:posts/*\ndata:{"a":1}\n\n'
    assert json.loads(ws_event('we"ird', b'{"a":1}')) == {"event": 'we"ird', "data": {"a": 1}}


async def test_client_batches_idles_and_drops_laggards():
    reg = ClientRegistry("INSTANCE")
    c = reg.new_client()
    assert c.id.startswith("INSTANCE") and len(c.id) == 40 and c.id.isalnum()
    reg.set_subscriptions(c, ["a/*", "b/1", "a/*"])
    assert [s.key for _, s in reg.subscribers(["a/*", "b/1", "c"])] == ["a/*", "b/1"]
    c.send("a/*", b"1")
    c.send("a/*", b"2")
    assert await c.next_batch(1) == [("a/*", b"1"), ("a/*", b"2")]
    assert await c.next_batch(0.05) == []  # idle
    for _ in range(MAX_PENDING + 1):
        c.send("a/*", b"x")
    assert c.closed and await c.next_batch(1) is None
    reg.remove(c)
    assert reg.clients == {} and reg.topics == {}


async def test_a_stopping_registry_ends_every_client_and_each_that_connects_after():
    reg = ClientRegistry("INSTANCE")
    waiting = reg.new_client()
    reg.set_subscriptions(waiting, ["a/*"])
    pending = asyncio.ensure_future(waiting.next_batch(60))
    await asyncio.sleep(0)
    reg.close_all()
    assert await asyncio.wait_for(pending, 1) is None  # its stream ends now, not after 60 s
    assert reg.clients == {} and reg.topics == {}
    late = reg.new_client()  # a connection the server accepted just before it stopped listening
    assert await asyncio.wait_for(late.next_batch(60), 1) is None


async def test_memory_broker_keeps_order_and_survives_a_broken_handler():
    broker = MemoryBroker()
    got: list[bytes] = []

    async def broken(message: bytes) -> None:
        raise RuntimeError("boom")

    async def record(message: bytes) -> None:
        got.append(message)

    broker.subscribe("ch", broken)
    broker.subscribe("ch", record)
    for i in range(3):
        await broker.publish("ch", b"%d" % i)
    await broker.publish("other", b"x")
    assert got == [b"0", b"1", b"2"]


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="needs a Redis server on 127.0.0.1:6379")
async def test_redis_brokers_exchange_messages_within_their_deployment():
    url = "redis://127.0.0.1:6379/0"
    mine, theirs = channel_prefix("/data/one"), channel_prefix("/data/two")
    a, b, other = RedisBroker(url, mine), RedisBroker(url, mine), RedisBroker(url, theirs)
    got: dict[str, asyncio.Queue[bytes]] = {"b": asyncio.Queue(), "other": asyncio.Queue()}

    async def to_b(m: bytes) -> None:
        got["b"].put_nowait(m)

    async def to_other(m: bytes) -> None:
        got["other"].put_nowait(m)

    b.subscribe("events", to_b)
    other.subscribe("events", to_other)
    for broker in (a, b, other):
        await broker.start()
    try:
        for i in range(3):
            await a.publish("events", b"m%d" % i)
        assert [await asyncio.wait_for(got["b"].get(), 3) for _ in range(3)] == [b"m0", b"m1", b"m2"]
        await asyncio.sleep(0.1)
        assert got["other"].empty()  # another deployment on the same Redis hears nothing
    finally:
        for broker in (a, b, other):
            await broker.close()


async def test_redis_broker_without_a_server_drops_messages_quietly():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    broker = RedisBroker(f"redis://127.0.0.1:{port}/0")
    broker.subscribe("events", lambda m: asyncio.sleep(0))
    await broker.start(wait=0.2)  # nobody listens there: start gives up waiting, keeps retrying
    assert not broker.connected.is_set()
    await broker.publish("events", b"lost")
    await asyncio.sleep(0.1)
    await broker.close()


@pytest.mark.skipif(not _redis_up(), reason="needs a Redis server on 127.0.0.1:6379")
async def test_a_burst_published_through_redis_arrives_whole_and_in_order():
    """A burst of writes publishes faster than one round trip per message; what queues up goes
    out together, and the other process gets every message in the order it was published."""
    url = "redis://127.0.0.1:6379/0"
    prefix = channel_prefix("/data/burst")
    sender, receiver = RedisBroker(url, prefix), RedisBroker(url, prefix)
    got: list[bytes] = []
    all_in = asyncio.Event()

    async def collect(m: bytes) -> None:
        got.append(m)
        if len(got) == 3000:
            all_in.set()

    receiver.subscribe("events", collect)
    await receiver.start()
    await sender.start()
    try:
        for i in range(3000):
            await sender.publish("events", b"m%d" % i)
        await asyncio.wait_for(all_in.wait(), 20)
        assert got == [b"m%d" % i for i in range(3000)]
    finally:
        await sender.close()
        await receiver.close()


@pytest.mark.skipif(not _redis_up(), reason="needs a Redis server on 127.0.0.1:6379")
async def test_a_redis_broker_closes_promptly_while_it_is_still_publishing():
    """A stopping server closes its broker while events are still going out (a backlog after a
    burst of writes). A cancellation landing inside a redis-py command could be lost there, and
    close() then waited for the publisher for good: the server never finished stopping."""
    for _ in range(5):
        broker = RedisBroker("redis://127.0.0.1:6379/0", channel_prefix("/data/closing"))
        await broker.start()
        for i in range(5000):
            await broker.publish("events", b"m%d" % i)
        await asyncio.sleep(0.02)  # the publisher is mid-backlog
        started = asyncio.get_running_loop().time()
        await asyncio.wait_for(broker.close(), 8)
        assert asyncio.get_running_loop().time() - started < 2
