"""Driver exceptions are translated here; nothing above `db/` sees sqlite or asyncpg errors."""

from __future__ import annotations

from roost.errors import RoostError


class DatabaseError(RoostError):
    status = 500


class UniqueViolation(DatabaseError):
    """A UNIQUE constraint or index failed; `columns` names the columns when the engine says."""

    status = 400

    def __init__(
        self, table: str = "", columns: tuple[str, ...] = (), detail: str = "", index: str = ""
    ) -> None:
        super().__init__("Value must be unique.")
        self.table = table
        self.columns = columns
        self.detail = detail
        self.index = index


class InvalidSchema(DatabaseError):
    """DDL the engine refused, e.g. a malformed index definition."""

    status = 400
