from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from roost.core.fields.base import Field
from roost.core.fields.cast import to_string
from roost.errors import field_error

_BARE_HOST = re.compile(r"^(?:(?:[^\s.]+\.)+[^\W\d_]{2,}|[0-9]{1,3}(?:\.[0-9]{1,3}){3})$")


class URLField(Field):
    type = "url"
    defaults = {"exceptDomains": [], "onlyDomains": [], "required": False}

    def prepare(self, value: Any) -> Any:
        return to_string(value).strip()

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if value == "":
            return super().validate(value, record)
        try:
            parts = urlsplit(value if "://" in value else "http://" + value)
        except ValueError:
            parts = None
        if parts is None or parts.scheme not in ("http", "https", "ftp", "ws", "wss") or not parts.hostname:
            return field_error("validation_invalid_url", "Must be a valid url.")
        if "://" not in value and not _BARE_HOST.match(parts.hostname):
            # without a scheme only a dotted host name or an IPv4 address reads as a url
            return field_error("validation_invalid_url", "Must be a valid url.")
        only, exc = self.options["onlyDomains"] or [], self.options["exceptDomains"] or []
        if (only and parts.hostname not in only) or (exc and parts.hostname in exc):
            return field_error("validation_url_domain_not_allowed", "Url domain is not allowed.")
        return None
