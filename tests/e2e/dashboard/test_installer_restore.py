"""First run from a backup: a backup made on one `roost serve` (a superuser and a record) is
restored on a fresh server through its installer link, by upload or by picking a backup already
in the data folder; the server restarts on it and its old superuser signs in and sees the record."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.dashboard.conftest import INSTALL_LINK, Dashboard
from tests.e2e.server import RoostServer

pytestmark = pytest.mark.e2e

OLD_EMAIL, OLD_PASSWORD = "old-admin@example.com", "Old-Passw0rd!"
NOTE = "kept by the backup"


def _run(coro: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="module")
def backup_zip(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """old.zip from a server with a superuser and a `notes` collection holding one record."""
    tmp = tmp_path_factory.mktemp("old")
    db_url = _run(new_db_url())
    try:
        with RoostServer(str(tmp / "data"), db_url) as server:
            assert server.cli("superuser", "upsert", OLD_EMAIL, OLD_PASSWORD).returncode == 0
            with httpx.Client(base_url=server.url, timeout=30) as c:
                r = c.post(
                    "/api/collections/_superusers/auth-with-password",
                    json={"identity": OLD_EMAIL, "password": OLD_PASSWORD},
                )
                c.headers["Authorization"] = r.json()["token"]
                r = c.post(
                    "/api/collections", json={"name": "notes", "fields": [{"name": "title", "type": "text"}]}
                )
                assert r.status_code == 200, r.text
                assert c.post("/api/collections/notes/records", json={"title": NOTE}).status_code == 200
                assert c.post("/api/backups", json={"name": "old.zip"}).status_code == 204
        yield tmp / "data" / "backups" / "old.zip"
    finally:
        _run(drop_db_url(db_url))


def _restored_and_signed_in(page: Any, url: str) -> None:
    # the page waits for the restarted server and leads to the login
    expect(page).to_have_url(re.compile(r"#/login$"), timeout=90_000)
    page.get_by_label("Email").fill(OLD_EMAIL)
    page.get_by_label("Password").fill(OLD_PASSWORD)
    page.get_by_role("button", name="Login", exact=True).click()
    expect(page.get_by_role("navigation", name="Collections")).to_be_visible()
    page.goto(f"{url}/_/#/collections?collection=notes")
    expect(page.get_by_text(NOTE)).to_be_visible()


def test_upload_a_backup_from_the_installer(page, dashboard: Dashboard, backup_zip: Path):
    page.goto(dashboard.install_link)
    expect(page.get_by_role("heading", name="Create your first superuser")).to_be_visible()
    page.get_by_label("Backup file to initialize from").set_input_files(str(backup_zip))
    dialog = page.get_by_role("dialog", name="Initialize from backup")
    expect(dialog).to_contain_text('Do you really want to upload and initialize "old.zip"?')
    dialog.get_by_role("button", name="Yes, initialize").click()
    _restored_and_signed_in(page, dashboard.url)
    assert "Backup restored: restarting." in Path(dashboard.server.log_path).read_text()
    # the installer account is not in the restored data: its token no longer works
    with dashboard.api(dashboard.install_token) as c:
        assert c.get("/api/backups").status_code == 401


def test_pick_a_backup_already_in_the_data_folder(page, backup_zip: Path, tmp_path: Path):
    db_url = _run(new_db_url())
    try:
        data = tmp_path / "data"
        (data / "backups").mkdir(parents=True)
        shutil.copy(backup_zip, data / "backups" / "old.zip")
        with RoostServer(str(data), db_url) as server:
            found = INSTALL_LINK.search(server.log())
            assert found, server.log()
            page.goto(found.group(1))
            page.get_by_role("button", name="Initialize from old.zip").click()
            page.get_by_role("dialog", name="Initialize from backup").get_by_role(
                "button", name="Yes, initialize"
            ).click()
            _restored_and_signed_in(page, server.url)
    finally:
        _run(drop_db_url(db_url))
