"""The Settings screens, each journey checked through the API or the service it drives: an
application setting, SMTP with a test email to a real SMTP server, a backup created, downloaded
and uploaded again, a cron job of a hook file run now, collections exported and an edited copy
imported after reviewing the diff, the SQL console, and an API key created and revoked."""

from __future__ import annotations

import json
import re
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import drop_db_url, new_db_url
from tests.e2e.dashboard.conftest import INSTALL_LINK, Dashboard, _run, api_get
from tests.e2e.server import RoostServer
from tests.smtp_sink import SmtpSink

pytestmark = pytest.mark.e2e

# a hook file with a cron job whose run leaves a log (what "Run" in Settings > Crons shows off)
CRON_HOOK = """
import roost


def setup(app: roost.App) -> None:
    app.cron.add("journeyReport", "0 3 * * *", lambda: app.logger.info("journey report sent"))
"""


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dashboard]:
    """The conftest's server, with a hooks folder (roost_hooks/ beside the data folder)."""
    root = tmp_path_factory.mktemp("dashboard")
    (root / "roost_hooks").mkdir()
    (root / "roost_hooks" / "journey_cron.py").write_text(CRON_HOOK)
    db_url = _run(new_db_url())
    server = RoostServer(str(root / "data"), db_url)
    try:
        with server:
            found = INSTALL_LINK.search(server.log())
            assert found, server.log()
            yield Dashboard(server, server.url, found.group(1), found.group(2))
    finally:
        _run(drop_db_url(db_url))


def open_section(page, dashboard: Dashboard, label: str):  # type: ignore[no-untyped-def]
    # the collections screen opens its first collection once loaded: leave only after that
    if "#/collections" in page.url:
        page.wait_for_url(re.compile(r"#/collections\?collection="))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("navigation", name="Settings").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True, level=1)).to_be_visible()


def test_change_application_settings(signed_in, dashboard: Dashboard):
    page = signed_in
    open_section(page, dashboard, "Application")
    page.get_by_label("Application name").fill("Journey App")
    page.get_by_label("Enable batch API").check()
    page.get_by_label("Max allowed batch requests").fill("7")
    page.get_by_label("Trusted proxy headers").fill("X-Forwarded-For, X-Real-IP")
    page.get_by_role("button", name="Add rate limit rule").click()
    page.get_by_label("Label").last.fill("/api/journey")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Successfully saved application settings.")).to_be_visible()

    s = api_get(dashboard, "/api/settings")
    assert s["meta"]["appName"] == "Journey App"
    assert (s["batch"]["enabled"], s["batch"]["maxRequests"]) == (True, 7)
    assert s["trustedProxy"]["headers"] == ["X-Forwarded-For", "X-Real-IP"]
    assert s["rateLimits"]["rules"][-1]["label"] == "/api/journey"

    # a refused value is shown on its field, and nothing is saved
    page.get_by_label("Application URL").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_label("Application URL")).to_have_attribute("aria-invalid", "true")
    assert api_get(dashboard, "/api/settings")["meta"]["appURL"] != ""


def test_smtp_settings_and_a_test_email(signed_in, dashboard: Dashboard, smtp: SmtpSink):
    page = signed_in
    open_section(page, dashboard, "Mail settings")
    page.get_by_label("Sender address").fill("robot@journey.test")
    page.get_by_label("Use SMTP mail server (recommended)").check()
    page.get_by_label("SMTP server host").fill("127.0.0.1")
    page.get_by_label("Port").fill(str(smtp.port))
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Successfully saved mail settings.")).to_be_visible()
    assert api_get(dashboard, "/api/settings")["smtp"]["port"] == smtp.port

    page.get_by_role("button", name="Send test email").click()
    dialog = page.get_by_role("dialog", name="Send test email")
    dialog.get_by_label("Password reset").check()
    dialog.get_by_label("To email address").fill("someone@journey.test")
    dialog.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_text("Successfully sent test email.")).to_be_visible()
    mails = _run(smtp.wait(1))
    assert mails[-1].rcpt == ["someone@journey.test"]
    assert mails[-1].sender == "robot@journey.test"
    assert "reset" in mails[-1].subject.lower()


def test_create_download_and_upload_a_backup(signed_in, dashboard: Dashboard, tmp_path: Path):
    page = signed_in
    open_section(page, dashboard, "Backups")
    expect(page.get_by_text("No backups yet.")).to_be_visible()
    page.get_by_role("button", name="Initialize new backup").click()
    dialog = page.get_by_role("dialog", name="Initialize new backup")
    dialog.get_by_label("Backup name").fill("journey_backup")
    dialog.get_by_role("button", name="Start backup").click()
    table = page.get_by_role("table", name="Backups")
    expect(table).to_contain_text("journey_backup.zip")
    assert [b["key"] for b in api_get(dashboard, "/api/backups")] == ["journey_backup.zip"]  # type: ignore[union-attr]

    with page.expect_download() as info:
        table.get_by_role("button", name="Download journey_backup.zip").click()
    download = info.value
    assert download.suggested_filename == "journey_backup.zip"
    saved = tmp_path / "uploaded_copy.zip"
    download.save_as(saved)
    assert zipfile.is_zipfile(saved) and zipfile.ZipFile(saved).namelist()

    page.get_by_label("Backup file to upload").set_input_files(str(saved))
    expect(table).to_contain_text("uploaded_copy.zip")

    table.get_by_role("button", name="Delete uploaded_copy.zip").click()
    page.get_by_role("dialog", name="Delete backup").get_by_role("button", name="Delete").click()
    expect(table).not_to_contain_text("uploaded_copy.zip")
    assert [b["key"] for b in api_get(dashboard, "/api/backups")] == ["journey_backup.zip"]  # type: ignore[union-attr]

    # the schedule: auto backups every day, keeping 2
    page.get_by_label("Enable auto backups").check()
    page.get_by_label("Max @auto backups to keep").fill("2")
    page.get_by_role("form", name="Backups options").get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Successfully saved backup settings.")).to_be_visible()
    backups = api_get(dashboard, "/api/settings")["backups"]
    assert (backups["cron"], backups["cronMaxKeep"]) == ("0 0 * * *", 2)


def test_run_a_cron_job(signed_in, dashboard: Dashboard):
    page = signed_in
    open_section(page, dashboard, "Crons")
    table = page.get_by_role("table", name="Crons")
    expect(table.get_by_role("row", name="journeyReport")).to_contain_text("0 3 * * *")
    table.get_by_role("button", name="Run journeyReport").click()
    expect(page.get_by_text("Successfully triggered journeyReport.")).to_be_visible()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = api_get(dashboard, '/api/logs?filter=message="journey report sent"')["items"]
        if found:
            break
        time.sleep(0.2)
    assert found, "the job did not run"


def test_export_then_import_an_edited_copy_after_the_diff_review(signed_in, dashboard: Dashboard):
    with dashboard.api(dashboard.superuser_token()) as c:
        r = c.post(
            "/api/collections",
            json={"name": "notes", "type": "base", "fields": [{"name": "title", "type": "text"}]},
        )
        assert r.status_code == 200, r.text
    page = signed_in
    open_section(page, dashboard, "Export collections")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download as JSON").click()
    exported = json.loads(Path(info.value.path()).read_text())
    assert "notes" in [c["name"] for c in exported]
    assert json.loads(page.get_by_label("Collections JSON").input_value()) == exported

    notes = next(c for c in exported if c["name"] == "notes")
    notes["fields"].append({"name": "summary", "type": "text"})
    notes["listRule"] = ""
    open_section(page, dashboard, "Import collections")
    page.get_by_label("Collections", exact=True).fill(json.dumps(exported))
    page.get_by_role("button", name="Review").click()
    review = page.get_by_role("region", name="Detected changes")
    expect(review).to_contain_text("Changed notes")
    expect(review).to_contain_text('field "summary" (text) added')
    expect(review).to_contain_text('listRule: null → ""')
    expect(review).not_to_contain_text("Deleted")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Successfully imported collections configuration.")).to_be_visible()

    schema = api_get(dashboard, "/api/collections/notes")
    assert "summary" in [f["name"] for f in schema["fields"]]
    assert schema["listRule"] == ""

    # the same JSON again: nothing left to change
    page.get_by_label("Collections", exact=True).fill(json.dumps(exported))
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_text("Your collections configuration is already up-to-date!")).to_be_visible()
    # broken JSON is refused before anything is sent
    page.get_by_label("Collections", exact=True).fill("[{")
    page.get_by_role("button", name="Review").click()
    expect(page.get_by_role("alert")).to_contain_text("Invalid collections configuration")


def test_sql_console(signed_in, dashboard: Dashboard):
    page = signed_in
    open_section(page, dashboard, "SQL console")
    page.get_by_label("SQL query").fill("SELECT email FROM _superusers")
    page.get_by_role("button", name="Run query").click()
    results = page.get_by_role("table", name="Results")
    expect(results.get_by_role("columnheader", name="email")).to_be_visible()
    expect(results).to_contain_text("admin@example.com")
    expect(page.get_by_role("status").filter(has_text="rows")).to_contain_text("1 rows")

    page.get_by_label("SQL query").fill("SELEC nothing")
    page.get_by_role("button", name="Run query").click()
    expect(page.get_by_role("alert")).to_contain_text("Failed to execute query")
    expect(results).to_be_hidden()


def test_create_and_revoke_an_api_key(signed_in, dashboard: Dashboard):
    page = signed_in
    open_section(page, dashboard, "API keys")
    page.get_by_role("button", name="New API key").click()
    dialog = page.get_by_role("dialog", name="New API key")
    dialog.get_by_label("Name").fill("deploy bot")
    dialog.get_by_role("button", name="Create").click()
    secret = page.get_by_role("dialog", name="API key created").get_by_label("API key").input_value()
    assert secret.startswith("rk_")
    with dashboard.api(secret) as c:
        assert c.get("/api/settings").status_code == 200  # a superuser's key
    page.get_by_role("button", name="Done").click()

    table = page.get_by_role("table", name="API keys")
    expect(table).to_contain_text("deploy bot")
    table.get_by_role("button", name="Revoke deploy bot").click()
    page.get_by_role("dialog", name="Revoke API key").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("No API keys yet.")).to_be_visible()
    with dashboard.api(secret) as c:
        assert c.get("/api/settings").status_code == 401
