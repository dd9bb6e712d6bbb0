"""JSON Schema of one field's value, as read from the API and as written to it.

Read schemas say what a response holds, whatever the options allowed when the value was written
(a number with `min: 5` may still read 0); write schemas carry the constraints the server checks
(lengths, bounds, enums, counts), so a value they accept passes the field's own validation.
Multipart bodies send files as binary parts; everywhere else a file is its stored name."""

from __future__ import annotations

from typing import Any

from roost.core.fields import Field

DATETIME_PATTERN = r"^(|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z)$"
BINARY: dict[str, Any] = {
    "type": "string",
    "format": "binary",
    "contentMediaType": "application/octet-stream",
}
# text fields refuse more than this many characters when their max is 0 (PocketBase's default)
TEXT_MAX = 5000


def read_schema(f: Field, relation_target: str = "") -> dict[str, Any]:
    t = f.type
    o = f.options
    if t == "number":
        out: dict[str, Any] = {"type": "integer" if o.get("onlyInt") else "number"}
    elif t == "bool":
        out = {"type": "boolean"}
    elif t in ("date", "autodate"):
        out = {"type": "string", "pattern": DATETIME_PATTERN}
        if t == "autodate":
            out["readOnly"] = True
    elif t == "json":
        out = {}
    elif t == "geoPoint":
        out = _geo_point(write=False)
    elif t == "select":
        values = list(dict.fromkeys(str(v) for v in o.get("values") or []))
        out = _multi(f, {"type": "string", "enum": values} if values else {"type": "string"}, read=True)
    elif t in ("relation", "file"):
        out = _multi(f, {"type": "string"}, read=True)
    elif t == "password":
        out = {"type": "string", "const": ""}
    else:  # text, email, url, editor
        out = {"type": "string"}
        if t == "email":
            out["description"] = "An email address, or empty."
        elif t == "url":
            out["description"] = "A URL, or empty."
    return _describe(f, out, relation_target)


def write_schema(f: Field, form: bool = False, relation_target: str = "") -> dict[str, Any] | None:
    """The schema of a submitted value, or None for fields a client cannot set (autodate)."""
    t = f.type
    o = f.options
    required = f.required
    if t == "autodate":
        return None
    if t == "number":
        out: dict[str, Any] = {"type": "integer" if o.get("onlyInt") else "number"}
        if o.get("min") is not None:
            out["minimum"] = o["min"]
        if o.get("max") is not None:
            out["maximum"] = o["max"]
        if required:
            out["not"] = {"const": 0}
    elif t == "bool":
        out = {"type": "boolean"}
        if required:
            out["const"] = True
    elif t == "date":
        out = {"type": "string", "description": "A date and time, e.g. `2024-01-02 15:04:05.000Z`."}
        if required:
            out["minLength"] = 1
    elif t == "json":
        out = {}
    elif t == "geoPoint":
        out = _geo_point(write=True)
    elif t == "select":
        values = list(dict.fromkeys(str(v) for v in o.get("values") or []))
        item: dict[str, Any] = {"type": "string", "enum": values} if values else {"type": "string"}
        out = _multi(f, item, read=False)
    elif t == "relation":
        out = _multi(f, {"type": "string", "minLength": 1}, read=False)
    elif t == "file":
        out = _multi(f, dict(BINARY) if form else {"type": "string", "minLength": 1}, read=False)
    elif t == "password":
        out = {"type": "string", "writeOnly": True, "maxLength": int(o.get("max") or 71)}
        if o.get("min"):
            out["minLength"] = int(o["min"])
        if required:
            out["minLength"] = max(out.get("minLength", 0), 1)
    else:  # text, email, url, editor
        out = {"type": "string"}
        if t == "text":
            if o.get("primaryKey"):
                out["pattern"] = o.get("pattern") or "^[a-z0-9]+$"
            lo, hi = int(o.get("min") or 0), int(o.get("max") or 0)
            if o.get("primaryKey"):
                hi = hi or 15
            out["maxLength"] = hi or TEXT_MAX
            if lo:
                out["minLength"] = lo
            if required and not lo:
                out["minLength"] = 1
        else:
            if t == "email":
                out["format"] = "email"
            elif t == "url":
                out["format"] = "uri"
            if required:
                out["minLength"] = 1
    return _describe(f, out, relation_target)


def _multi(f: Field, item: dict[str, Any], read: bool) -> dict[str, Any]:
    """One value, or an array of them when the field holds several (maxSelect > 1)."""
    if not f.is_multi:
        if read:
            if "enum" in item and not f.required:
                return {**item, "enum": [*item["enum"], ""]}
            return item
        if not f.required:
            if "enum" in item:
                return {**item, "enum": [*item["enum"], ""]}
            item = {k: v for k, v in item.items() if k != "minLength"}
        return item
    out: dict[str, Any] = {"type": "array", "items": item}
    if not read:
        if item.get("format") != "binary":  # uploads may repeat
            out["uniqueItems"] = True
        limit = int(f.options.get("maxSelect") or 0)
        if limit:
            out["maxItems"] = limit
        low = int(f.options.get("minSelect") or 0)
        if f.required:
            low = max(low, 1)
        if low:
            out["minItems"] = low
    return out


def _geo_point(write: bool) -> dict[str, Any]:
    lon: dict[str, Any] = {"type": "number"}
    lat: dict[str, Any] = {"type": "number"}
    if write:
        lon.update(minimum=-180, maximum=180)
        lat.update(minimum=-90, maximum=90)
    return {
        "type": "object",
        "properties": {"lon": lon, "lat": lat},
        "required": ["lon", "lat"],
    }


def _describe(f: Field, schema: dict[str, Any], relation_target: str) -> dict[str, Any]:
    notes = [schema.pop("description")] if "description" in schema else []
    if f.help:
        notes.insert(0, f.help)
    if f.type == "relation" and relation_target:
        notes.append(f"Record id(s) of `{relation_target}`.")
        schema["x-roost-relation"] = relation_target
    if f.type == "file":
        notes.append("Stored file name(s); download at /api/files/{collection}/{recordId}/{name}.")
    if notes:
        schema["description"] = " ".join(notes)
    schema["x-roost-field"] = f.type
    return schema
