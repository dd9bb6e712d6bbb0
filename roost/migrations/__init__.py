"""Migrations: Python files that change the schema (or data) in order, recorded in
`_migrations`, and automigrate, which writes one for every collection change made while serving.

Sits above `core` (it drives an App) and below the CLI; `core` never imports it."""

from roost.migrations.files import MigrationError, default_dir, list_files
from roost.migrations.runner import applied, down, history_sync, pending, up

__all__ = ["MigrationError", "applied", "default_dir", "down", "history_sync", "list_files", "pending", "up"]
