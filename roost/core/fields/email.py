from __future__ import annotations

import re
from typing import Any

from roost.core.fields.base import Field
from roost.core.fields.cast import to_string
from roost.errors import field_error

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def domain_error(domain: str, options: dict[str, Any]) -> dict[str, Any] | None:
    only, exc = options.get("onlyDomains") or [], options.get("exceptDomains") or []
    if only and domain not in only:
        return field_error("validation_email_domain_not_allowed", "Email domain is not allowed.")
    if exc and domain in exc:
        return field_error("validation_email_domain_not_allowed", "Email domain is not allowed.")
    return None


class EmailField(Field):
    type = "email"
    defaults = {"exceptDomains": [], "onlyDomains": [], "required": False}

    def prepare(self, value: Any) -> Any:
        return to_string(value).strip()

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        if value == "":
            return super().validate(value, record)
        if len(value) > 255 or not EMAIL_RE.match(value):
            return field_error("validation_is_email", "Must be a valid email address.")
        return domain_error(value.rsplit("@", 1)[1], self.options)
