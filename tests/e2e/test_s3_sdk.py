"""The JS SDK against `roost serve` with S3 file storage (tests/sdk/s3/s3.test.mjs) on a real
S3-compatible server (moto). A server of its own: switching storage would disturb the shared
SDK suite run."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer

pytestmark = pytest.mark.e2e

SDK = Path(__file__).resolve().parent.parent / "sdk"


def test_sdk_file_round_trip_on_s3(tmp_path, s3_server):
    node = shutil.which("node")
    assert node is not None and (SDK / "node_modules" / "pocketbase").is_dir(), "run scripts/install"
    url = asyncio.run(new_db_url())
    try:
        server = RoostServer(str(tmp_path / "data"), url)
        assert server.cli("superuser", "upsert", "s3@example.com", "Passw0rd123!").returncode == 0
        with server:
            env = {
                **os.environ,
                "PB_URL": server.url,
                "PB_SU_EMAIL": "s3@example.com",
                "PB_SU_PASSWORD": "Passw0rd123!",
                "PB_S3": json.dumps(s3_server.settings(s3_server.new_bucket())),
            }
            run = subprocess.run(
                [node, "--test", "--test-timeout=120000", "s3/s3.test.mjs"],
                cwd=SDK,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:] + server.log()
            assert "# pass 2" in run.stdout and "# fail 0" in run.stdout
    finally:
        asyncio.run(drop_db_url(url))
