"""File storage behind one interface; local disk now, object stores later."""

from roost.storage.base import FileInfo, Storage
from roost.storage.local import LocalStorage

__all__ = ["FileInfo", "LocalStorage", "Storage"]
