from __future__ import annotations

from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.date import now


class AutodateField(Field):
    """Set by the server on create and/or update; values sent by clients are ignored."""

    type = "autodate"
    has_help = False
    defaults = {"onCreate": False, "onUpdate": False}

    def stamp(self, creating: bool, timestamp: str | None = None) -> str | None:
        """The new value for this write, or None to keep the stored one; one timestamp per write."""
        if (creating and self.options["onCreate"]) or (not creating and self.options["onUpdate"]):
            return timestamp or now()
        return None

    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        if not self.options["onCreate"] and not self.options["onUpdate"]:
            err = {"code": "validation_required", "message": "Either onCreate or onUpdate must be enabled."}
            return {"onCreate": err, "onUpdate": err}
        return None
