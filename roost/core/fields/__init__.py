"""One module per field type, as PocketBase's core/field_*.go; `make_field` builds one from JSON."""

from __future__ import annotations

from typing import Any

from roost.core.fields.autodate import AutodateField
from roost.core.fields.base import Field
from roost.core.fields.boolean import BoolField
from roost.core.fields.date import DateField
from roost.core.fields.editor import EditorField
from roost.core.fields.email import EmailField
from roost.core.fields.file import FileField
from roost.core.fields.geopoint import GeoPointField
from roost.core.fields.json import JSONField
from roost.core.fields.number import NumberField
from roost.core.fields.password import PasswordField, PlainPassword
from roost.core.fields.relation import RelationField
from roost.core.fields.select import SelectField
from roost.core.fields.text import TextField
from roost.core.fields.url import URLField

FIELD_TYPES: dict[str, type[Field]] = {
    cls.type: cls
    for cls in (
        TextField,
        NumberField,
        BoolField,
        EmailField,
        URLField,
        EditorField,
        DateField,
        AutodateField,
        SelectField,
        JSONField,
        RelationField,
        FileField,
        PasswordField,
        GeoPointField,
    )
}


def make_field(spec: dict[str, Any]) -> Field:
    cls = FIELD_TYPES.get(str(spec.get("type", "")))
    if cls is None:
        raise KeyError(spec.get("type"))
    return cls(spec)


__all__ = [
    "FIELD_TYPES",
    "AutodateField",
    "BoolField",
    "DateField",
    "EditorField",
    "EmailField",
    "Field",
    "FileField",
    "GeoPointField",
    "JSONField",
    "NumberField",
    "PasswordField",
    "PlainPassword",
    "RelationField",
    "SelectField",
    "TextField",
    "URLField",
    "make_field",
]
