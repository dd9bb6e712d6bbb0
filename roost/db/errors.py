"""Driver exceptions are translated here; nothing above `db/` sees sqlite or asyncpg errors.

A translated error never carries the driver's text in its message (that would reach clients):
the text is kept in `detail`, for the log."""

from __future__ import annotations

from roost.errors import RoostError


class DatabaseError(RoostError):
    """Anything the engine refused that is not the client's fault; answered as a generic 500."""

    status = 500

    def __init__(self, message: str | None = None, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


class UniqueViolation(DatabaseError):
    """A UNIQUE constraint or index failed; `columns` names the columns when the engine says."""

    status = 400

    def __init__(
        self, table: str = "", columns: tuple[str, ...] = (), detail: str = "", index: str = ""
    ) -> None:
        super().__init__("Value must be unique.", detail)
        self.table = table
        self.columns = columns
        self.index = index


class InvalidSchema(DatabaseError):
    """SQL the engine refused, e.g. a malformed index definition."""

    status = 400


class UnstorableValue(DatabaseError):
    """A value the engine cannot hold, e.g. a NUL character in PostgreSQL text."""

    status = 400
    default_message = "The submitted data contains characters that cannot be stored."


class InvalidViewQuery(DatabaseError):
    """A view query the engine cannot run. The message is meant for the superuser who wrote it
    (PocketBase shows the engine's own error text there too)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class ViewDependency(DatabaseError):
    """A schema change refused because a view reads the table or column (`message` says which)."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def __str__(self) -> str:
        return self.message
