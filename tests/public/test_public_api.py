"""The public surface: exactly what roost/__init__ exports, typed for users' hook files."""

from __future__ import annotations

import os
import subprocess
import sys

import roost
from roost.core.hooks import HookCatalogue, HookSet

HERE = os.path.dirname(__file__)
ROOT = os.path.dirname(os.path.dirname(HERE))

PUBLIC = {
    "App",
    "BackupEvent",
    "BadRequestError",
    "ApiKeyRequestEvent",
    "BatchRequestEvent",
    "BootstrapEvent",
    "Collection",
    "CollectionErrorEvent",
    "CollectionEvent",
    "CollectionRequestEvent",
    "CollectionsImportRequestEvent",
    "Cron",
    "CronError",
    "Event",
    "FileDownloadRequestEvent",
    "ForbiddenError",
    "Hook",
    "MailAddress",
    "MailMessage",
    "MailerEvent",
    "MailerRecordEvent",
    "NotFoundError",
    "RealtimeConnectRequestEvent",
    "RealtimeMessageEvent",
    "RealtimeSubscribeRequestEvent",
    "Record",
    "RecordAuthFlowRequestEvent",
    "RecordAuthRefreshRequestEvent",
    "RecordAuthRequestEvent",
    "RecordAuthWithOAuth2RequestEvent",
    "RecordAuthWithPasswordRequestEvent",
    "RecordEnrichEvent",
    "RecordErrorEvent",
    "RecordEvent",
    "RecordRequestEvent",
    "RecordsListRequestEvent",
    "RequestEvent",
    "Response",
    "RoostError",
    "ServeEvent",
    "SettingsListRequestEvent",
    "SettingsReloadEvent",
    "SettingsUpdateRequestEvent",
    "TaggedHook",
    "TerminateEvent",
    "TooManyRequestsError",
    "UnauthorizedError",
    "ValidationError",
    "__version__",
    "require_auth",
    "require_guest_only",
    "require_superuser",
}


def test_all_is_sorted_and_exactly_the_public_api():
    assert roost.__all__ == sorted(roost.__all__)
    assert set(roost.__all__) == PUBLIC
    for name in roost.__all__:
        assert hasattr(roost, name), name
    exported = {
        n for n in vars(roost) if not n.startswith("_") and not isinstance(getattr(roost, n), type(roost))
    }
    assert exported <= set(roost.__all__), exported - set(roost.__all__)


def test_the_error_tree_maps_to_statuses():
    assert issubclass(roost.BadRequestError, roost.RoostError)
    assert issubclass(roost.ValidationError, roost.BadRequestError)
    statuses = [roost.BadRequestError, roost.UnauthorizedError, roost.ForbiddenError, roost.NotFoundError]
    assert [e.status for e in statuses] == [400, 401, 403, 404]


def test_every_catalogue_hook_has_a_method_with_a_docstring():
    for name in HookSet.names():
        method = getattr(HookCatalogue, f"on_{name}")
        doc = method.__doc__ or ""
        assert "next()" in doc and "transaction" in doc, name


def test_py_typed_ships_with_the_package():
    assert os.path.exists(os.path.join(os.path.dirname(roost.__file__), "py.typed"))


def test_mypy_accepts_a_users_hook_file(tmp_path):
    """Strict mypy on a hook file, with roost read as an installed package is (its own
    modules are not the user's to check), and a deliberate type error caught."""
    config = tmp_path / "mypy.ini"
    config.write_text(
        f"[mypy]\nstrict = True\nmypy_path = {ROOT}\n\n[mypy-roost.*]\nfollow_imports = silent\n"
    )
    with open(os.path.join(HERE, "example_hooks.py")) as fh:
        source = fh.read()
    good, bad = tmp_path / "good_hooks.py", tmp_path / "bad_hooks.py"
    good.write_text(source)
    bad.write_text(source.replace("e.json(201, data)", 'e.json("201", data)'))
    assert "type: ignore" not in source

    def mypy(path: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mypy", "--no-incremental", "--config-file", str(config), str(path)],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=300,
        )

    out = mypy(good)
    assert out.returncode == 0, out.stdout + out.stderr
    out = mypy(bad)
    assert out.returncode == 1 and "incompatible type" in out.stdout
