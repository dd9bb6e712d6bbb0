from __future__ import annotations

from typing import Any

from roost.core.fields.multi import MultiValueField
from roost.errors import field_error


class RelationField(MultiValueField):
    type = "relation"
    defaults = {"cascadeDelete": False, "collectionId": "", "maxSelect": 0, "minSelect": 0, "required": False}

    @property
    def collection_id(self) -> str:
        return str(self.options["collectionId"])

    def validate(self, value: Any, record: Any) -> dict[str, Any] | None:
        items = value if isinstance(value, list) else ([value] if value else [])
        limit = max(self.options["maxSelect"] or 1, 1)
        if len(items) > limit:
            return field_error("validation_too_many_values", f"Select no more than {limit}.", maxSelect=limit)
        lo = self.options["minSelect"] or 0
        if items and len(items) < lo:
            return field_error("validation_not_enough_values", f"Select at least {lo}.", minSelect=lo)
        return super().validate(value, record)

    def check_options(self, collection: Any, registry: Any) -> dict[str, Any] | None:
        target = registry.find(self.collection_id) if self.collection_id else None
        if target is None:
            return {
                "collectionId": field_error(
                    "validation_field_relation_missing_collection", "The relation collection doesn't exist."
                )
            }
        if target.type == "view" and collection.type != "view":
            return {
                "collectionId": field_error(
                    "validation_invalid_view_collection_relation",
                    "Non view collections are not allowed to have a view relation.",
                )
            }
        return None
