"""Validation of `rateLimits`, `superuserIPs` and `trustedProxy`, with PocketBase's codes:
each rule's fields first; only when every rule is valid, the first label that repeats or
conflicts with an earlier one (PocketBase compares `label@@audience` keys by prefix)."""

from __future__ import annotations

import re
from typing import Any

from roost.core.request_policy import AUDIENCES, parse_ip_or_subnet
from roost.errors import BadRequest, field_error

# PocketBase's rateLimitRuleLabelRegex (Go's \w is ASCII-only)
LABEL_RE = re.compile(r"^(\w+\ \/[\w\/-]*|\/[\w\/-]*|^\w+\:\w+|\*\:\w+|\w+)$", re.ASCII)

_REQUIRED = field_error("validation_required", "Cannot be blank.")
_BAD_IP = field_error("validation_invlaid_ip_or_subnet", "Invalid IP or CIDR subnet.")


def _min_one() -> dict[str, Any]:
    return field_error("validation_min_greater_equal_than_required", "Must be no less than 1.", threshold=1)


def _type_error(where: str, expected: str) -> BadRequest:
    return BadRequest(f"Invalid settings value for '{where}': expected {expected}.")


def _whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise _type_error(where, "a whole number")
    return int(value)


def normalize(settings: dict[str, Any]) -> None:
    """Bring the submitted lists to their stored shape (null is an empty list, a rule has its
    four keys), refusing values of the wrong JSON type."""
    limits = settings["rateLimits"]
    for key in ("rules", "excludedIPs"):
        if limits.get(key) is None:
            limits[key] = []
    if settings.get("superuserIPs") is None:
        settings["superuserIPs"] = []
    proxy = settings["trustedProxy"]
    if proxy.get("headers") is None:
        proxy["headers"] = []
    rules = []
    for i, rule in enumerate(limits["rules"]):
        where = f"rateLimits.rules.{i}"
        if not isinstance(rule, dict):
            raise _type_error(where, "an object")
        label, audience = rule.get("label", ""), rule.get("audience", "")
        if not isinstance(label, str):
            raise _type_error(where + ".label", "a string")
        if audience is None:
            audience = ""
        if not isinstance(audience, str):
            raise _type_error(where + ".audience", "a string")
        rules.append(
            {
                "label": label,
                "audience": audience,
                "duration": _whole(rule.get("duration", 0), where + ".duration"),
                "maxRequests": _whole(rule.get("maxRequests", 0), where + ".maxRequests"),
            }
        )
    limits["rules"] = rules
    for where, values in (
        ("rateLimits.excludedIPs", limits["excludedIPs"]),
        ("superuserIPs", settings["superuserIPs"]),
        ("trustedProxy.headers", proxy["headers"]),
    ):
        if not all(isinstance(v, str) for v in values):
            raise _type_error(where, "a list of strings")


def _ip_errors(values: list[str]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for i, value in enumerate(values):
        if not value:
            errors[str(i)] = _REQUIRED
        elif parse_ip_or_subnet(value) is None:
            errors[str(i)] = _BAD_IP
    return errors


def _rule_errors(rule: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    if not rule["label"]:
        errors["label"] = _REQUIRED
    elif not LABEL_RE.match(rule["label"]):
        errors["label"] = field_error("validation_match_invalid", "Must be in a valid format.")
    for key in ("maxRequests", "duration"):
        if rule[key] == 0:
            errors[key] = _REQUIRED
        elif rule[key] < 1:
            errors[key] = _min_one()
    if rule["audience"] not in AUDIENCES:
        errors["audience"] = field_error("validation_in_invalid", "Must be a valid value.")
    return errors


def _rules_errors(limits: dict[str, Any]) -> Any:
    rules = limits["rules"]
    if limits.get("enabled") and not rules:
        return _REQUIRED
    per_rule = {str(i): e for i, rule in enumerate(rules) if (e := _rule_errors(rule))}
    if per_rule:
        return per_rule
    seen: list[str] = []
    for i, rule in enumerate(rules):
        key = rule["label"] + "@@" + rule["audience"]
        if any(key.startswith(k) or k.startswith(key) for k in seen):
            message = (
                f"Rate limit rule configuration with label {rule['label']} already exists "
                "or conflicts with another rule."
            )
            return {
                str(i): {
                    "label": field_error(
                        "validation_conflicting_rate_limit_rule", message, label=rule["label"]
                    )
                }
            }
        seen.append(key)
    return None


def limit_errors(settings: dict[str, Any]) -> dict[str, Any]:
    """{setting: errors} for rateLimits and superuserIPs (trustedProxy takes any header)."""
    errors: dict[str, Any] = {}
    if su := _ip_errors(settings["superuserIPs"]):
        errors["superuserIPs"] = su
    limits = settings["rateLimits"]
    limit_errs: dict[str, Any] = {}
    if excluded := _ip_errors(limits["excludedIPs"]):
        limit_errs["excludedIPs"] = excluded
    if (rules := _rules_errors(limits)) is not None:
        limit_errs["rules"] = rules
    if limit_errs:
        errors["rateLimits"] = limit_errs
    return errors
