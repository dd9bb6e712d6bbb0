"""`roost serve` holds more realtime streams than granian's default limit (1,024 connections
per worker, past which new connections wait) and still answers, and delivers to the last one."""

from __future__ import annotations

import asyncio
import json
import resource

import httpx
import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer

pytestmark = pytest.mark.e2e

STREAMS = 1100
SU = ("su@example.com", "Passw0rd123!")


@pytest.fixture
def db_url():
    url = asyncio.run(new_db_url())
    yield url
    asyncio.run(drop_db_url(url))


async def open_stream(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /api/realtime HTTP/1.1\r\nHost: roost\r\nAccept: text/event-stream\r\n\r\n")
    buf = b""
    while b"\n\n" not in buf.partition(b'"clientId":"')[2]:
        chunk = await reader.read(4096)
        assert chunk, "stream closed before PB_CONNECT"
        buf += chunk
    start = buf.index(b'"clientId":"') + 12
    return reader, writer, buf[start : buf.index(b'"', start)].decode()


def test_more_streams_than_granians_default_limit(tmp_path, db_url):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < STREAMS + 200:
        pytest.skip(f"open-file hard limit {hard} is below {STREAMS + 200}")
    server = RoostServer(str(tmp_path / "data"), db_url)
    assert server.cli("superuser", "upsert", *SU).returncode == 0

    async def scenario() -> None:
        sem = asyncio.Semaphore(50)

        async def one() -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
            async with sem:
                return await asyncio.wait_for(open_stream(server.port), 20)

        streams = await asyncio.gather(*(one() for _ in range(STREAMS)))
        try:
            async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
                assert (await http.get("/api/health")).status_code == 200
                r = await http.post(
                    "/api/collections/_superusers/auth-with-password",
                    json={"identity": SU[0], "password": SU[1]},
                )
                su = {"Authorization": r.json()["token"]}
                coll = {
                    "name": "items",
                    "type": "base",
                    "listRule": "",
                    "fields": [{"name": "t", "type": "text"}],
                }
                assert (await http.post("/api/collections", json=coll, headers=su)).status_code == 200
                reader, _, last_id = streams[-1]
                body = {"clientId": last_id, "subscriptions": ["items/*"]}
                assert (await http.post("/api/realtime", json=body)).status_code == 204
                made = (
                    await http.post("/api/collections/items/records", json={"t": "hi"}, headers=su)
                ).json()
            buf = b""
            while b"\n\n" not in buf.partition(b"event:items/*")[2]:
                buf += await asyncio.wait_for(reader.read(4096), 10)
            data = buf.partition(b"event:items/*")[2].partition(b"data:")[2].partition(b"\n")[0]
            assert json.loads(data) == {"action": "create", "record": made}
        finally:
            for _, writer, _ in streams:
                writer.close()
            await asyncio.gather(*(w.wait_closed() for _, w, _ in streams), return_exceptions=True)

    with server:
        # the server started with the limit this process had; only the client needs more
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, STREAMS + 500)), hard))
        try:
            asyncio.run(scenario())
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
