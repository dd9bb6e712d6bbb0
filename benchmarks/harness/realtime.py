"""Realtime fan-out latency over Server-Sent Events.

Protocol (PocketBase's, which Roost implements too):
  1. GET /api/realtime opens an SSE stream; its first event is PB_CONNECT
     with data {"clientId": ...}.
  2. POST /api/realtime {"clientId": ..., "subscriptions": ["posts/*"]}.
  3. Every create in `posts` is then pushed to the stream as an event named
     "posts/*" whose data is {"action": "create", "record": {...}}.

The harness opens N subscriber streams on raw asyncio connections (a small
HTTP/1.1 + chunked + SSE parser: cheaper per event than a full HTTP client,
so the client adds less to the latency it measures), subscribes them all,
then creates posts one at a time. Each create carries an id chosen up front,
so an event can be matched to its write even if it arrives before the
write's own response. For each write:

  per-subscriber latency = arrival time at that subscriber - time the write's response arrived
  delivered-to-all       = last arrival - time the write's response arrived

both clamped at 0 (an event that beats the response counts as 0 ms: by the
time the writer learned the write was done, that subscriber had it; PocketBase
typically pushes events before it answers the write, so these are often 0).
The same two figures are also taken from the moment the write request was
sent ("from send"): always positive, they include the write itself and are
what the ratios use. The next write starts only when all subscribers have
the previous event, or after a timeout, which counts as missed deliveries.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import string
import time
from dataclasses import dataclass, field

import httpx

from .procs import RssSampler, tree_cpu_seconds, wait_idle

ID_ALPHABET = string.ascii_lowercase + string.digits


class RealtimeUnsupported(RuntimeError):
    """The server answered the realtime protocol with something unexpected."""


# --------------------------------------------------------------------------
# Minimal SSE client
# --------------------------------------------------------------------------


class _ChunkedDecoder:
    """Incremental decoder for HTTP/1.1 chunked transfer encoding."""

    def __init__(self) -> None:
        self.buf = b""
        self.state = "size"  # "size" -> "data" -> "crlf" -> "size" ... -> "end"
        self.remaining = 0

    def feed(self, data: bytes) -> bytes:
        self.buf += data
        out = []
        while True:
            if self.state == "size":
                idx = self.buf.find(b"\r\n")
                if idx < 0:
                    break
                size = int(self.buf[:idx].split(b";")[0].strip() or b"0", 16)
                self.buf = self.buf[idx + 2 :]
                if size == 0:
                    self.state = "end"
                    break
                self.state, self.remaining = "data", size
            elif self.state == "data":
                if not self.buf:
                    break
                take = self.buf[: self.remaining]
                out.append(take)
                self.buf = self.buf[len(take) :]
                self.remaining -= len(take)
                if self.remaining == 0:
                    self.state = "crlf"
            elif self.state == "crlf":
                if len(self.buf) < 2:
                    break
                self.buf = self.buf[2:]
                self.state = "size"
            else:  # "end"
                break
        return b"".join(out)


class _SSEClient(asyncio.Protocol):
    """One subscriber: sends GET /api/realtime and reports each SSE event."""

    def __init__(self, index: int, host: str, on_event) -> None:
        self.index = index
        self.host = host
        self.on_event = on_event  # (client, event_name, data_bytes, arrival_time)
        self.transport: asyncio.Transport | None = None
        self.client_id: asyncio.Future = asyncio.get_running_loop().create_future()
        self._head = b""
        self._headers_done = False
        self._chunked: _ChunkedDecoder | None = None
        self._sse = b""

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(
            f"GET /api/realtime HTTP/1.1\r\nHost: {self.host}\r\nAccept: text/event-stream\r\n"
            "Cache-Control: no-store\r\n\r\n".encode()
        )

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()  # before any parsing, so parse cost isn't latency
        if not self._headers_done:
            self._head += data
            end = self._head.find(b"\r\n\r\n")
            if end < 0:
                return
            head, data = self._head[:end].decode("latin-1"), self._head[end + 4 :]
            self._head = b""
            self._headers_done = True
            lines = head.split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
            if status != 200:
                self._fail(f"GET /api/realtime answered HTTP {status}")
                return
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._chunked = _ChunkedDecoder()
        if self._chunked is not None:
            data = self._chunked.feed(data)
        if not data:
            return
        self._sse += data.replace(b"\r\n", b"\n") if b"\r" in data else data
        while True:
            end = self._sse.find(b"\n\n")
            if end < 0:
                break
            block, self._sse = self._sse[:end], self._sse[end + 2 :]
            name, payload = b"message", []
            for line in block.split(b"\n"):
                field_name, _, value = line.partition(b":")
                if value.startswith(b" "):
                    value = value[1:]
                if field_name == b"event":
                    name = value
                elif field_name == b"data":
                    payload.append(value)
            data_bytes = b"\n".join(payload)
            if name == b"PB_CONNECT" and not self.client_id.done():
                self.client_id.set_result(json.loads(data_bytes)["clientId"])
            else:
                self.on_event(self, name, data_bytes, now)

    def _fail(self, message: str) -> None:
        if not self.client_id.done():
            self.client_id.set_exception(RealtimeUnsupported(message))
        if self.transport is not None:
            self.transport.close()

    def connection_lost(self, exc) -> None:
        self._fail(f"SSE connection closed before PB_CONNECT ({exc})")

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


# --------------------------------------------------------------------------
# The measurement
# --------------------------------------------------------------------------


@dataclass
class _Write:
    id: str
    n: int
    sent: float = 0.0
    responded: float = 0.0
    arrivals: dict[int, float] = field(default_factory=dict)
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


async def _measure(
    base_url: str,
    port: int,
    tokens: list[dict],
    subscribers: int,
    writes: int,
    server_pid: int,
    wait_timeout: float,
    quiet_pids: list[int],
) -> dict:
    loop = asyncio.get_running_loop()
    rng = random.SystemRandom()  # fresh ids every run: rounds must not collide
    pending: dict[str, _Write] = {}
    stray = 0

    def on_event(client: _SSEClient, name: bytes, data: bytes, arrival: float) -> None:
        nonlocal stray
        try:
            record_id = json.loads(data)["record"]["id"]
        except (ValueError, KeyError, TypeError):
            stray += 1
            return
        write = pending.get(record_id)
        if write is None:
            stray += 1
            return
        if client.index not in write.arrivals:
            write.arrivals[client.index] = arrival
            if len(write.arrivals) == write.n:
                write.done.set()

    clients: list[_SSEClient] = []
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30.0, limits=limits) as http:
            # 1. Open the streams and wait for every PB_CONNECT.
            host = f"127.0.0.1:{port}"
            for i in range(subscribers):
                _, proto = await loop.create_connection(
                    lambda i=i: _SSEClient(i, host, on_event), "127.0.0.1", port
                )
                clients.append(proto)
            client_ids = await asyncio.wait_for(asyncio.gather(*(c.client_id for c in clients)), 30)

            # 2. Subscribe each stream to posts/*, 16 requests in flight.
            sem = asyncio.Semaphore(16)

            async def subscribe(cid: str) -> None:
                async with sem:
                    resp = await http.post(
                        "/api/realtime", json={"clientId": cid, "subscriptions": ["posts/*"]}
                    )
                if resp.status_code >= 300:
                    raise RealtimeUnsupported(
                        f"POST /api/realtime answered HTTP {resp.status_code}: {resp.text[:200]}"
                    )

            await asyncio.gather(*(subscribe(cid) for cid in client_ids))
            await loop.run_in_executor(None, wait_idle, quiet_pids)

            # 3. Writes, one at a time.
            token = tokens[0]
            headers = {"Authorization": token["token"]}
            all_latencies, sub_latencies, write_rtts = [], [], []
            all_from_send, sub_from_send = [], []
            missed = 0
            cpu_before = tree_cpu_seconds(server_pid)
            with RssSampler(server_pid) as rss:
                for i in range(writes):
                    write = _Write(id="rt" + "".join(rng.choices(ID_ALPHABET, k=13)), n=subscribers)
                    pending[write.id] = write
                    body = {
                        "id": write.id,
                        "title": f"realtime post {i}",
                        "body": "realtime benchmark",
                        "views": i,
                        "published": True,
                        "author": token["id"],
                    }
                    write.sent = time.perf_counter()
                    resp = await http.post("/api/collections/posts/records", json=body, headers=headers)
                    write.responded = time.perf_counter()
                    if resp.status_code >= 300:
                        raise RealtimeUnsupported(
                            f"create post answered HTTP {resp.status_code}: {resp.text[:200]}"
                        )
                    try:
                        await asyncio.wait_for(write.done.wait(), wait_timeout)
                    except TimeoutError:
                        pass
                    missed += subscribers - len(write.arrivals)
                    write_rtts.append((write.responded - write.sent) * 1000)
                    arrivals = list(write.arrivals.values())
                    sub_latencies.extend(max(0.0, t - write.responded) * 1000 for t in arrivals)
                    sub_from_send.extend((t - write.sent) * 1000 for t in arrivals)
                    if len(arrivals) == subscribers:
                        all_latencies.append(max(0.0, max(arrivals) - write.responded) * 1000)
                        all_from_send.append((max(arrivals) - write.sent) * 1000)
                    del pending[write.id]
                    await asyncio.sleep(0.01)  # let stragglers and the server settle
            cpu = tree_cpu_seconds(server_pid) - cpu_before
    finally:
        for c in clients:
            c.close()

    if not sub_latencies:
        raise RealtimeUnsupported("no realtime event was delivered to any subscriber")
    return {
        "subscribers": subscribers,
        "writes": writes,
        "all_p50_ms": _percentile(all_latencies, 50),
        "all_p99_ms": _percentile(all_latencies, 99),
        "sub_p50_ms": _percentile(sub_latencies, 50),
        "sub_p99_ms": _percentile(sub_latencies, 99),
        "all_send_p50_ms": _percentile(all_from_send, 50),
        "all_send_p99_ms": _percentile(all_from_send, 99),
        "sub_send_p50_ms": _percentile(sub_from_send, 50),
        "sub_send_p99_ms": _percentile(sub_from_send, 99),
        "write_p50_ms": statistics.median(write_rtts),
        "missed": missed,
        "stray_events": stray,
        "cpu_us_per_write": cpu / writes * 1e6,
        "peak_rss": rss.peak,
    }


def run(
    base_url: str,
    port: int,
    tokens: list[dict],
    server_pid: int,
    subscribers: int = 200,
    writes: int = 200,
    wait_timeout: float = 5.0,
    quiet_pids: list[int] | None = None,
) -> dict:
    """Measure realtime fan-out on one server; raises RealtimeUnsupported.

    Waits for the servers in `quiet_pids` to be idle before the writes start.
    """
    runner = asyncio.run
    try:  # uvloop keeps the client's own per-event overhead lower, if available
        import uvloop

        runner = uvloop.run
    except ImportError:
        pass
    return runner(
        _measure(
            base_url, port, tokens, subscribers, writes, server_pid, wait_timeout, quiet_pids or [server_pid]
        )
    )
