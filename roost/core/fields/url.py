from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from roost.core.fields.base import Field
from roost.errors import field_error


class URLField(Field):
    type = "url"
    defaults = {"exceptDomains": [], "onlyDomains": [], "required": False}

    def prepare(self, value: Any) -> Any:
        return "" if value is None else str(value).strip()

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if value == "":
            return super().validate(value, record)
        try:
            parts = urlsplit(value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https", "ftp", "ws", "wss") or not parts.hostname:
            return field_error("validation_invalid_url", "Must be a valid url.")
        only, exc = self.options["onlyDomains"] or [], self.options["exceptDomains"] or []
        if (only and parts.hostname not in only) or (exc and parts.hostname in exc):
            return field_error("validation_url_domain_not_allowed", "Url domain is not allowed.")
        return None
