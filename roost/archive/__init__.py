"""Backup archives: one zip holding a database snapshot, the stored files and a manifest of
sha256 checksums (`bundle.py`), and the folder that keeps them (`folder.py`).

A leaf package (standard library only): it knows nothing of collections or databases; the core
decides what goes in an archive and what a restore does with it."""

from roost.archive.bundle import MANIFEST, ArchiveError, ArchiveWriter, extract, read_manifest
from roost.archive.folder import BackupFolder, BackupInfo, BackupLock

__all__ = [
    "MANIFEST",
    "ArchiveError",
    "ArchiveWriter",
    "BackupFolder",
    "BackupInfo",
    "BackupLock",
    "extract",
    "read_manifest",
]
