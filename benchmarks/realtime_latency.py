#!/usr/bin/env python3
"""Realtime event latency: how long after a write an SSE subscriber has the event.

Starts `roost serve` (SQLite by default) on a free port, opens N SSE connections that all
subscribe to `bench/*` (empty list rule), then creates records one at a time and timestamps
each event as every connection reads it. Reported per delivery, in milliseconds:

- request -> delivery: from sending the create request
- response -> delivery: from receiving its response (negative when the event arrives first:
  the server queues events before it answers the write)

It also reports the server's CPU time per event (Linux), which, unlike latency, does not
depend on what else the machine is doing.

Usage: python benchmarks/realtime_latency.py [--subscribers 200] [--events 200] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

SU = ("bench@example.com", "Passw0rd123!")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Subscriber:
    """A raw SSE connection: cheap enough that 200 of them do not skew the timings."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.client_id = ""
        self.seen: dict[str, float] = {}
        self.task: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(b"GET /api/realtime HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
        buf = b""
        while b'"clientId":"' not in buf:
            buf += await self.reader.read(4096)
        start = buf.index(b'"clientId":"') + 12
        self.client_id = buf[start : start + 40].decode()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        marker = b'"record":{'
        tail = b""
        while True:
            chunk = await self.reader.read(65536)
            if not chunk:
                return
            now = time.perf_counter()
            data = tail + chunk
            pos = 0
            while (i := data.find(marker, pos)) != -1:
                j = data.find(b'"id":"', i)
                if j == -1 or j + 21 > len(data):
                    break
                self.seen.setdefault(data[j + 6 : j + 21].decode(), now)
                pos = j + 21
            tail = data[pos:][-200:]

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        self.writer.close()


def cpu_seconds(pid: int) -> float:
    """User+system CPU of a process and its children (the server's workers), from /proc."""
    total = 0.0
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            kids = [int(x) for x in fh.read().split()]
        for p in [pid, *kids]:
            with open(f"/proc/{p}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return float("nan")
    return total


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def run(base: str, port: int, n_subs: int, n_events: int, server_pid: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        r = await http.post(
            "/api/collections/_superusers/auth-with-password", json={"identity": SU[0], "password": SU[1]}
        )
        su = {"Authorization": r.json()["token"]}
        await http.post(
            "/api/collections",
            headers=su,
            json={
                "name": "bench",
                "type": "base",
                "listRule": "",
                "viewRule": "",
                "createRule": "",
                "fields": [{"name": "n", "type": "number"}],
            },
        )
        subs = [Subscriber(port) for _ in range(n_subs)]
        await asyncio.gather(*(s.open() for s in subs))
        for s in subs:
            r = await http.post("/api/realtime", json={"clientId": s.client_id, "subscriptions": ["bench/*"]})
            assert r.status_code == 204, r.text
        for i in range(10):  # warm-up
            await http.post("/api/collections/bench/records", json={"n": -i})
        await asyncio.sleep(0.5)
        sent: dict[str, tuple[float, float]] = {}
        cpu0 = cpu_seconds(server_pid)
        for i in range(n_events):
            t0 = time.perf_counter()
            r = await http.post("/api/collections/bench/records", json={"n": i})
            t1 = time.perf_counter()
            sent[r.json()["id"]] = (t0, t1)
            await asyncio.sleep(0.01)
        await asyncio.sleep(1.0)
        cpu_ms = (cpu_seconds(server_pid) - cpu0) * 1000 / n_events
        from_req, from_resp, missing = [], [], 0
        for rec_id, (t0, t1) in sent.items():
            for s in subs:
                t = s.seen.get(rec_id)
                if t is None:
                    missing += 1
                    continue
                from_req.append((t - t0) * 1000)
                from_resp.append((t - t1) * 1000)
        for s in subs:
            await s.close()
    return {
        "deliveries": len(from_req),
        "missing": missing,
        "server_cpu_ms_per_event": cpu_ms,
        "req_p50": statistics.median(from_req),
        "req_p99": pct(from_req, 99),
        "req_max": max(from_req),
        "resp_p50": statistics.median(from_resp),
        "resp_p99": pct(from_resp, 99),
        "resp_max": max(from_resp),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subscribers", type=int, default=200)
    ap.add_argument("--events", type=int, default=200)
    ap.add_argument("--db", default=None, help="PostgreSQL URL (default: SQLite in a temporary folder)")
    args = ap.parse_args()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        storage = ["--dir", os.path.join(tmp, "data")] + (["--db", args.db] if args.db else [])
        roost = [sys.executable, "-m", "roost"]
        subprocess.run(roost + ["superuser", "upsert", *SU, *storage], check=True, capture_output=True)
        server = subprocess.Popen(
            roost + ["serve", "--http", f"127.0.0.1:{port}", *storage],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 30
            while True:
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.time() > deadline:
                    sys.exit("roost serve did not start")
                time.sleep(0.1)
            res = asyncio.run(run(base, port, args.subscribers, args.events, server.pid))
        finally:
            server.terminate()
            server.wait(20)
    print(
        json.dumps(
            {
                "subscribers": args.subscribers,
                "events": args.events,
                "engine": "postgresql" if args.db else "sqlite",
                **{k: round(v, 3) for k, v in res.items()},
            },
            indent=2,
        )
    )
    print(
        f"request -> delivery   p50 {res['req_p50']:.2f} ms   p99 {res['req_p99']:.2f} ms   max {res['req_max']:.2f} ms"
    )
    print(
        f"response -> delivery  p50 {res['resp_p50']:.2f} ms   p99 {res['resp_p99']:.2f} ms   max {res['resp_max']:.2f} ms"
    )
    print(
        f"server CPU per event (write + fan-out to {args.subscribers}): {res['server_cpu_ms_per_event']:.2f} ms"
    )


if __name__ == "__main__":
    main()
