"""Realtime fan-out to thousands of SSE subscribers, with the memory each idle one costs.

The subscribers are spread over several client processes (one asyncio loop with 10,000
streams is itself a bottleneck on a small machine: it would timestamp late, and the latency
measured would be the client's). Each process opens its share of raw SSE connections (the
same minimal parser as harness/realtime.py), subscribes them to `posts/*`, and says so; the
parent then measures the server's RSS with every subscriber idle, and creates posts one at a
time. A client process reports each write once all of its own subscribers have it, and at
the end every arrival time, so the parent has per-subscriber and delivered-to-all latencies.
Arrival times are `time.perf_counter()` (CLOCK_MONOTONIC on Linux): one clock for all
processes.

  RSS per idle subscriber = (RSS with N idle subscribers - RSS with none) / N

taken over the server's whole process tree (for a cluster: its instances, Redis and
HAProxy, whose per-connection buffers are part of the cost).
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import random
import resource
import time
from dataclasses import dataclass, field

import httpx

from .procs import tree_cpu_seconds, tree_rss_bytes, wait_idle
from .realtime import ID_ALPHABET, RealtimeUnsupported, _percentile, _SSEClient

CONNECT_CONCURRENCY = 64  # connections being opened at once, per client process
SUBSCRIBE_CONCURRENCY = 8  # POST /api/realtime in flight, per client process


def raise_nofile(want: int) -> int:
    """Raise this process's open-file limit (children inherit it); returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= want:
        return soft
    try:  # root may raise the hard limit too
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(want, hard), max(want, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# --------------------------------------------------------------------------
# One client process
# --------------------------------------------------------------------------


async def _client_main(conn, port: int, count: int, topic: str) -> None:
    loop = asyncio.get_running_loop()
    arrivals: dict[str, list[float]] = {}
    stray = 0

    def on_event(client: _SSEClient, name: bytes, data: bytes, arrival: float) -> None:
        # the record id is the first "id" after "record": cheaper than parsing the JSON
        nonlocal stray
        i = data.find(b'"id":"', data.find(b'"record"'))
        if i < 0:
            stray += 1
            return
        rid = data[i + 6 : data.index(b'"', i + 6)].decode()
        got = arrivals.setdefault(rid, [])
        got.append(arrival)
        if len(got) == count:
            conn.send(("all", rid, max(got)))

    host = f"127.0.0.1:{port}"
    clients: list[_SSEClient] = []
    sem = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(i: int) -> _SSEClient:
        async with sem:
            _, proto = await loop.create_connection(lambda: _SSEClient(i, host, on_event), "127.0.0.1", port)
            await asyncio.wait_for(proto.client_id, 60)
            return proto

    try:
        clients = list(await asyncio.gather(*(open_one(i) for i in range(count))))
        limits = httpx.Limits(max_connections=SUBSCRIBE_CONCURRENCY)
        async with httpx.AsyncClient(base_url=f"http://{host}", timeout=60.0, limits=limits) as http:
            sub_sem = asyncio.Semaphore(SUBSCRIBE_CONCURRENCY)

            async def subscribe(c: _SSEClient) -> None:
                async with sub_sem:
                    cid = c.client_id.result()
                    resp = await http.post("/api/realtime", json={"clientId": cid, "subscriptions": [topic]})
                if resp.status_code >= 300:
                    raise RealtimeUnsupported(f"POST /api/realtime answered HTTP {resp.status_code}")

            await asyncio.gather(*(subscribe(c) for c in clients))
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_ready = usage.ru_utime + usage.ru_stime
        conn.send(("ready", len(clients)))
    except Exception as exc:  # reported to the parent, which stops the run
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    # wait for "stop" without blocking the loop
    stop = loop.create_future()
    loop.add_reader(conn.fileno(), lambda: stop.done() or stop.set_result(conn.recv()))
    await stop
    loop.remove_reader(conn.fileno())
    os.set_blocking(conn.fileno(), True)  # add_reader made it non-blocking; the report is large
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU spent receiving the writes' events only (not opening and subscribing)
    conn.send(("arrivals", arrivals, stray, usage.ru_utime + usage.ru_stime - cpu_ready))
    for c in clients:
        c.close()


def _client_process(conn, port: int, count: int, topic: str) -> None:
    try:
        import uvloop

        uvloop.run(_client_main(conn, port, count, topic))
    except ImportError:
        asyncio.run(_client_main(conn, port, count, topic))


# --------------------------------------------------------------------------
# The parent: idle memory, then writes
# --------------------------------------------------------------------------


@dataclass
class _Write:
    id: str
    sent: float = 0.0
    responded: float = 0.0
    complete: int = 0  # client processes whose subscribers all have it
    last: float = 0.0
    done: asyncio.Event = field(default_factory=asyncio.Event)


def _stable_rss(pid: int, samples: int = 5) -> int:
    """Median of a few RSS readings a little apart (a single one may catch a GC in progress)."""
    values = []
    for _ in range(samples):
        values.append(tree_rss_bytes(pid))
        time.sleep(0.2)
    return sorted(values)[len(values) // 2]


def run(
    base_url: str,
    port: int,
    token: dict,
    server_pid: int,
    subscribers: int,
    writes: int,
    processes: int = 4,
    wait_timeout: float = 10.0,
    stream_ports: list[int] | None = None,
) -> dict:
    """Measure one server; raises RealtimeUnsupported. Client process i holds its streams
    (and subscribes them) on `stream_ports[i % len]` (default: `port`, where writes go)."""
    stream_ports = stream_ports or [port]
    raise_nofile(subscribers + 1024)
    ctx = mp.get_context("fork")
    wait_idle([server_pid])
    rss_before = _stable_rss(server_pid)
    shares = [subscribers // processes + (1 if i < subscribers % processes else 0) for i in range(processes)]
    pipes, procs = [], []
    t_open = time.perf_counter()
    for i, share in enumerate(shares):
        parent_end, child_end = ctx.Pipe()
        target = stream_ports[i % len(stream_ports)]
        p = ctx.Process(target=_client_process, args=(child_end, target, share, "posts/*"), daemon=True)
        p.start()
        pipes.append(parent_end)
        procs.append(p)
    try:
        for conn in pipes:
            if not conn.poll(600):
                raise RealtimeUnsupported("client process did not get ready in 600 s")
            msg = conn.recv()
            if msg[0] != "ready":
                raise RealtimeUnsupported(f"client process failed: {msg[1]}")
        open_seconds = time.perf_counter() - t_open
        wait_idle([server_pid], max_wait=60)
        time.sleep(2.0)  # let the server's allocator and GC settle
        rss_idle = _stable_rss(server_pid)
        out = _run_writes(base_url, token, server_pid, pipes, writes, wait_timeout)
        for conn in pipes:
            conn.send("stop")
        arrivals: dict[str, list[float]] = {}
        stray, client_cpu = 0, 0.0
        for conn in pipes:
            if not conn.poll(120):
                raise RealtimeUnsupported("client process did not report its arrivals")
            _, got, s, cpu = conn.recv()
            stray += s
            client_cpu += cpu
            for rid, times in got.items():
                arrivals.setdefault(rid, []).extend(times)
    finally:
        for p in procs:
            p.join(timeout=10)
            if p.is_alive():
                p.kill()
    return _summarise(
        out, arrivals, subscribers, writes, rss_before, rss_idle, open_seconds, stray, client_cpu, processes
    )


def _run_writes(base_url: str, token: dict, server_pid: int, pipes, writes: int, wait_timeout: float) -> dict:
    async def main() -> dict:
        loop = asyncio.get_running_loop()
        pending: dict[str, _Write] = {}
        done_writes: list[_Write] = []

        def on_pipe(conn) -> None:
            while conn.poll():
                msg = conn.recv()
                w = pending.get(msg[1]) if msg[0] == "all" else None
                if w is not None:
                    w.complete += 1
                    w.last = max(w.last, msg[2])
                    if w.complete == len(pipes):
                        w.done.set()

        for conn in pipes:
            loop.add_reader(conn.fileno(), on_pipe, conn)
        rng = random.SystemRandom()
        headers = {"Authorization": token["token"]}
        cpu_before = tree_cpu_seconds(server_pid)
        async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as http:
            for i in range(writes):
                w = _Write(id="rt" + "".join(rng.choices(ID_ALPHABET, k=13)))
                pending[w.id] = w
                body = {"id": w.id, "title": f"realtime post {i}", "body": "realtime scale", "views": i}
                w.sent = time.perf_counter()
                resp = await http.post("/api/collections/posts/records", json=body, headers=headers)
                w.responded = time.perf_counter()
                if resp.status_code >= 300:
                    raise RealtimeUnsupported(
                        f"create post answered HTTP {resp.status_code}: {resp.text[:200]}"
                    )
                try:
                    await asyncio.wait_for(w.done.wait(), wait_timeout)
                except TimeoutError:
                    pass
                done_writes.append(w)
                await asyncio.sleep(0.05)  # stragglers, and the client processes' reports
        cpu = tree_cpu_seconds(server_pid) - cpu_before
        for conn in pipes:
            loop.remove_reader(conn.fileno())
            os.set_blocking(conn.fileno(), True)  # add_reader made it non-blocking
        return {"writes": done_writes, "server_cpu": cpu}

    try:
        import uvloop

        return uvloop.run(main())
    except ImportError:
        return asyncio.run(main())


def _summarise(
    out: dict,
    arrivals: dict[str, list[float]],
    subscribers: int,
    writes: int,
    rss_before: int,
    rss_idle: int,
    open_seconds: float,
    stray: int,
    client_cpu: float,
    processes: int,
) -> dict:
    sub_send, sub_resp, all_send, all_resp = [], [], [], []
    missed = 0
    for w in out["writes"]:
        times = arrivals.get(w.id, [])
        missed += subscribers - len(times)
        sub_send.extend((t - w.sent) * 1000 for t in times)
        sub_resp.extend(max(0.0, t - w.responded) * 1000 for t in times)
        if len(times) == subscribers:
            last = max(times)
            all_send.append((last - w.sent) * 1000)
            all_resp.append(max(0.0, last - w.responded) * 1000)
    if not sub_send:
        raise RealtimeUnsupported("no realtime event was delivered to any subscriber")
    res: dict = {
        "subscribers": subscribers,
        "writes": writes,
        "client_processes": processes,
        "missed": missed,
        "stray_events": stray,
        "open_and_subscribe_s": open_seconds,
        "rss_before": rss_before,
        "rss_idle": rss_idle,
        "rss_per_idle_subscriber": (rss_idle - rss_before) / subscribers,
        "server_cpu_ms_per_write": out["server_cpu"] / writes * 1000,
        "client_cpu_ms_per_write": client_cpu / writes * 1000,
        "write_p50_ms": _percentile([(w.responded - w.sent) * 1000 for w in out["writes"]], 50),
    }
    for name, values in (
        ("sub_send", sub_send),
        ("sub", sub_resp),
        ("all_send", all_send),
        ("all", all_resp),
    ):
        for p in (50, 95, 99):
            res[f"{name}_p{p}_ms"] = _percentile(values, p)
    return res
