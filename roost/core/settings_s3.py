"""`POST /api/settings/test/s3`: store and remove a small file with the saved S3 settings.

As PocketBase's forms.TestS3Filesystem: `filesystem` is `storage` (settings.s3) or `backups`
(settings.backups.s3); the test uploads `pb_settings_test_XXXXX/test.txt` and deletes that
prefix, which proves the credentials, the bucket, listing and deleting. Failures answer 400
with the store's own error text, as PocketBase does (superusers only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from roost.errors import BadRequest, ValidationError, field_error
from roost.security.ids import ALNUM, random_string
from roost.storage import StorageError, open_s3

if TYPE_CHECKING:
    from roost.core.app import App

FILESYSTEMS = ("storage", "backups")


def _raw(error: str) -> BadRequest:
    # PocketBase's ApiError message: trimmed, first letter upper-cased, a closing full stop
    message = f"Failed to test the S3 filesystem. Raw error: \n{error}".strip()
    if message[-1] not in ".!?":
        message += "."
    return BadRequest(message)


async def test_s3(app: App, data: Any) -> None:
    if not isinstance(data, dict) or not isinstance(data.get("filesystem", ""), str):
        raise BadRequest("An error occurred while loading the submitted data.")
    name = data.get("filesystem", "")
    if name not in FILESYSTEMS:
        error = (
            field_error("validation_in_invalid", "Must be a valid value.")
            if name
            else field_error("validation_required", "Cannot be blank.")
        )
        raise ValidationError({"filesystem": error}, "Failed to test the S3 filesystem.")
    config = app.settings["backups"]["s3"] if name == "backups" else app.settings["s3"]
    if not config.get("enabled"):
        raise _raw("S3 storage filesystem is not enabled")
    store = open_s3(config)
    prefix = "pb_settings_test_" + random_string(5, ALNUM)
    try:
        try:
            await store.awrite(f"{prefix}/test.txt", b"test", "text/plain; charset=utf-8")
        except StorageError as exc:
            raise _raw(f"failed to upload a test file: {exc}") from None
        try:
            await store.adelete_prefix(prefix)
        except StorageError as exc:
            raise _raw(f"failed to delete a test file: {exc}") from None
    finally:
        store.close()
