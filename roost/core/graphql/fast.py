"""A faster completion of record objects: graphql-core executes every field of every record
through its general machinery (a resolver call, a path, a completion per field), which costs
several times the REST request for a page of records. Record types hold plain values the REST
API already exported, so their selection can be copied straight out of the dict: the same
values, coerced by the same scalars. Anything unusual (a null where the schema says non-null, a
value a scalar refuses) falls back to graphql-core's own path, which reports it as the spec says."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.execution.executor_throwing_on_incremental import ExecutorThrowingOnIncremental

from roost.core.graphql.selection import RELATIONS


class _Fallback(Exception):
    pass


class RecordExecutor(ExecutorThrowingOnIncremental):
    def collect_and_execute_subfields(  # type: ignore[override]
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if RELATIONS in return_type.extensions and isinstance(result, dict):
            try:
                return self._project(return_type, field_details_list, result)
            except _Fallback:
                pass
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _project(self, rtype: GraphQLObjectType, field_details_list: Any, record: dict[str, Any]) -> dict[str, Any]:
        grouped = self.collect_subfields(rtype, field_details_list).grouped_field_set
        out: dict[str, Any] = {}
        fields = rtype.fields
        for key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                out[key] = rtype.name
                continue
            field = fields[name]
            value = field.resolve(record, None) if field.resolve is not None else record.get(name)
            out[key] = self._complete(field.type, details, value)
        return out

    def _complete(self, ftype: Any, details: Any, value: Any) -> Any:
        if isinstance(ftype, GraphQLNonNull):
            if value is None:
                raise _Fallback
            ftype = ftype.of_type
        if value is None:
            return None
        if isinstance(ftype, GraphQLScalarType):
            try:
                coerced = ftype.coerce_output_value(value)
            except Exception:
                raise _Fallback from None
            if coerced is None:
                raise _Fallback
            return coerced
        if isinstance(ftype, GraphQLList):
            if not isinstance(value, list):
                raise _Fallback
            item = ftype.of_type
            return [self._complete(item, details, v) for v in value]
        if isinstance(ftype, GraphQLObjectType) and RELATIONS in ftype.extensions and isinstance(value, dict):
            return self._project(ftype, details, value)
        raise _Fallback
