"""The domain: collections, records, rules and auth, on top of the leaf packages (db, filter, realtime, storage, security, web)."""
