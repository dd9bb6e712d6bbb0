"""File storage behind one interface: the local data folder, or any S3-compatible store."""

from __future__ import annotations

from typing import Any

from roost.storage.base import FileInfo, Storage, StorageError
from roost.storage.layered import LayeredStorage
from roost.storage.local import LocalStorage

__all__ = ["FileInfo", "LayeredStorage", "LocalStorage", "Storage", "StorageError", "open_s3"]


def open_s3(settings: dict[str, Any]) -> Storage:
    """A store for PocketBase's S3Config (`settings.s3`, `settings.backups.s3`). boto3 is
    imported here, on first use, so servers on local storage never pay for loading it."""
    from roost.storage.s3 import S3Config, S3Storage

    return S3Storage(S3Config.from_settings(settings))
