"""The JS SDK against `roost serve` with S3 file storage (tests/sdk/s3/s3.test.mjs) and backups
kept in S3 (tests/sdk/s3/backups_s3.test.mjs) on a real S3-compatible server (moto). Servers of
their own: switching storage, or restoring a backup, would disturb the shared SDK suite run."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.server import RoostServer

pytestmark = pytest.mark.e2e

SDK = Path(__file__).resolve().parent.parent / "sdk"


def run_sdk_file(tmp_path: Path, s3_server: Any, bucket: str, test_file: str) -> tuple[str, str]:
    """Run one SDK test file against a server of its own; its stdout and the server's data folder."""
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
                "PB_S3": json.dumps(s3_server.settings(bucket)),
            }
            run = subprocess.run(
                [node, "--test", "--test-timeout=120000", test_file],
                cwd=SDK,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:] + server.log()
            return run.stdout, server.data_dir
    finally:
        asyncio.run(drop_db_url(url))


def test_sdk_file_round_trip_on_s3(tmp_path, s3_server):
    out, _ = run_sdk_file(tmp_path, s3_server, s3_server.new_bucket(), "s3/s3.test.mjs")
    assert "# pass 2" in out and "# fail 0" in out


def test_sdk_backups_kept_in_s3(tmp_path, s3_server):
    bucket = s3_server.new_bucket()
    out, data_dir = run_sdk_file(tmp_path, s3_server, bucket, "s3/backups_s3.test.mjs")
    assert "# pass 2" in out and "# fail 0" in out
    # the backup lives in the bucket (the uploaded copy was deleted there), none in the data folder
    keys = s3_server.keys(bucket)
    assert len(keys) == 1 and keys[0].startswith("s3_b") and keys[0].endswith(".zip")
    backups = os.path.join(data_dir, "backups")
    assert not os.path.isdir(backups) or os.listdir(backups) == []
