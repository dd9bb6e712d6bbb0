"""Request and app logs kept in a store apart from the data (PocketBase's `_logs`), written in
batches by a background thread; see store.py."""

from roost.logs.store import APP, COLUMNS, REQUEST, TABLE, LogStore, level_of, new_log_id

__all__ = ["APP", "COLUMNS", "REQUEST", "TABLE", "LogStore", "level_of", "new_log_id"]
