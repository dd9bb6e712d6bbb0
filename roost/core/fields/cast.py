"""Loose conversions of submitted values, as PocketBase's fields make them.

PocketBase decodes a JSON body into Go values (every number a float64) and converts them with
spf13/cast; form bodies are strings whose value type is inferred first (`infer_form_value`).
These helpers give the same results for the values Python's JSON and form parsers produce,
so no Python representation (`True`, `[1, 2]`, `{'a': 1}`) ever reaches stored data.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

_DECIMAL_RE = re.compile(r"[+-]?([0-9][0-9_]*\.?[0-9_]*|\.[0-9][0-9_]*)([eE][+-]?[0-9][0-9_]*)?")
_HEX_RE = re.compile(r"[+-]?0[xX]([0-9a-fA-F_]*\.?[0-9a-fA-F_]*)[pP][+-]?[0-9]+")
_SPECIAL = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"}
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def as_float64(value: int | float) -> float:
    """A JSON number as Go's float64 holds it (huge integers round; beyond the range, infinite)."""
    if isinstance(value, float):
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def format_float(value: float) -> str:
    """Go's strconv.FormatFloat(v, 'f', -1, 64): the shortest digits, never an exponent."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def parse_float(text: str) -> float | None:
    """Go's strconv.ParseFloat: None for malformed or out-of-range text; `inf`/`nan` are accepted."""
    if text.lower() in _SPECIAL:
        return float(text)
    if _HEX_RE.fullmatch(text):
        try:
            value = float.fromhex(text.replace("_", ""))
        except (ValueError, OverflowError):
            return None
    elif _DECIMAL_RE.fullmatch(text) and "__" not in text and "_." not in text and "._" not in text:
        try:
            value = float(text)
        except ValueError:
            return None
    else:
        return None
    return None if math.isinf(value) else value


def json_value(value: Any) -> Any:
    """A decoded JSON value with integers beyond float64's exact range rounded as Go decodes them."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**53) <= value <= 2**53 else as_float64(value)
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def to_string(value: Any) -> str:
    """cast.ToString: strings as they are, bools and numbers as text, anything else empty."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_float(as_float64(value))
    return ""


def to_float(value: Any) -> float:
    """cast.ToFloat64: bools 0/1, numbers as float64, numeric text parsed, anything else 0."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return as_float64(value)
    if isinstance(value, str):
        parsed = parse_float(value)
        return 0.0 if parsed is None else parsed
    return 0.0


def to_bool(value: Any) -> bool:
    """cast.ToBool: numbers are true unless zero; text only in strconv.ParseBool's spellings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        return value in _TRUE
    return False


def to_string_list(value: Any) -> list[str]:
    """A value or list of values as unique non-empty strings, first occurrence first."""
    items = value if isinstance(value, list) else [value]
    out: dict[str, None] = {}
    for item in items:
        text = to_string(item)
        if text:
            out.setdefault(text, None)
    return list(out)


def infer_form_value(value: Any) -> Any:
    """A form value typed as PocketBase's router infers it: "true"/"false" become bools and text
    that is exactly a number's shortest form becomes that number; lists are inferred per item."""
    if isinstance(value, list):
        return [infer_form_value(v) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    if value[0] == "-" or "0" <= value[0] <= "9":
        parsed = parse_float(value)
        if parsed is not None and format_float(parsed) == value:
            keep_float = not parsed.is_integer() or (parsed == 0 and math.copysign(1, parsed) < 0)  # -0
            return parsed if keep_float else int(parsed)
    return value
