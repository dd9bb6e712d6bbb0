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
        # decoded as PocketBase's {lon, lat} float pair: anything else in it leaves the point at 0, 0
        if isinstance(value, str):
            try:
                value = orjson.loads(value)
            except orjson.JSONDecodeError:
                value = None
        if not isinstance(value, dict):
            return {"lon": 0, "lat": 0}
        point = {"lon": value.get("lon", 0), "lat": value.get("lat", 0)}
        for v in point.values():
            if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
                return {"lon": 0, "lat": 0}
        return {k: v or 0 for k, v in point.items()}

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        lon, lat = value.get("lon"), value.get("lat")
        if not isinstance(lat, (int, float)) or not (-90 <= lat <= 90):
            return field_error("validation_invalid_latitude", "Latitude must be between -90 and 90 degrees.")
        if not isinstance(lon, (int, float)) or not (-180 <= lon <= 180):
            return field_error(
                "validation_invalid_longitude", "Longitude must be between -180 and 180 degrees."
            )
        if self.required and lon == 0 and lat == 0:
            return field_error("validation_required", "Cannot be blank.")
        return None
