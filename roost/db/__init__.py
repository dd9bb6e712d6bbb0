"""Storage: one async facade over SQLite (apsw) and PostgreSQL (asyncpg).

All SQL above this package is written with `?` placeholders and identifiers quoted by
`Dialect.quote`; values are always bound parameters. The dialect renders placeholders
for its driver and is the only place that knows which engine is underneath.
"""

from roost.db.database import Database, Executor, open_database
from roost.db.errors import DatabaseError, UniqueViolation

__all__ = ["Database", "DatabaseError", "Executor", "UniqueViolation", "open_database"]
