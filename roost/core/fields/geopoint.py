from __future__ import annotations

from typing import Any

import orjson

from roost.core.fields.base import Field
from roost.db.dialects.base import JSON
from roost.errors import field_error


class GeoPointField(Field):
    type = "geoPoint"
    defaults = {"required": False}

    @property
    def kind(self) -> str:
        return JSON

    def zero(self) -> Any:
        return {"lon": 0, "lat": 0}

    def from_db(self, raw: Any) -> Any:
        if isinstance(raw, str):
            try:
                raw = orjson.loads(raw)
            except orjson.JSONDecodeError:
                raw = None
        return raw if isinstance(raw, dict) else {"lon": 0, "lat": 0}

    def prepare(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                value = None
        if not isinstance(value, dict):
            return {"lon": 0, "lat": 0}
        return {"lon": value.get("lon", 0) or 0, "lat": value.get("lat", 0) or 0}

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        lon, lat = value.get("lon"), value.get("lat")
        if (
            not isinstance(lon, (int, float))
            or not isinstance(lat, (int, float))
            or not (-180 <= lon <= 180)
            or not (-90 <= lat <= 90)
        ):
            return field_error("validation_invalid_geo_point", "Invalid geoPoint coordinates.")
        if self.required and lon == 0 and lat == 0:
            return field_error("validation_required", "Cannot be blank.")
        return None
