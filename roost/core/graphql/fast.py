"""A faster completion of record objects: graphql-core executes every field of every record
through its general machinery (a resolver call, a path, a completion per field), which costs
several times the REST request for a page of records. Record types hold plain values the REST
API already exported, so their selection is compiled once per query into a plan that copies
the values straight out of the dict, coerced as the scalars coerce them. Anything unusual (a
null where the schema says non-null, a value of an unexpected type) falls back to graphql-core's
own path for that record, which reports it as the spec says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
)
from graphql.execution.executor_throwing_on_incremental import ExecutorThrowingOnIncremental

from roost.core.graphql.selection import RELATIONS


class _Fallback(Exception):
    pass


Complete = Callable[[Any], Any]
# (response key, the record's key, or a resolver, and the completion: None passes the value as is)
Plan = list[tuple[str, str | None, Callable[..., Any] | None, Complete | None]]
_TYPENAME = "__typename"


def _str(v: Any) -> Any:
    if v is None or type(v) is str:
        return v
    raise _Fallback


def _float(v: Any) -> Any:
    t = type(v)
    if t is float or v is None:
        return v
    if t is int:
        return float(v)
    raise _Fallback


def _bool(v: Any) -> Any:
    if v is None or type(v) is bool:
        return v
    raise _Fallback


def _int(v: Any) -> Any:
    if v is None or (type(v) is int and -(2**31) <= v < 2**31):
        return v
    raise _Fallback


_SCALARS: dict[str, Complete] = {
    GraphQLString.name: _str,
    GraphQLID.name: _str,
    GraphQLFloat.name: _float,
    GraphQLBoolean.name: _bool,
    GraphQLInt.name: _int,
}


class RecordExecutor(ExecutorThrowingOnIncremental):
    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: Any,
        path: Any,
        result: Any,
        position_context: Any,
    ) -> Any:
        if RELATIONS in return_type.extensions and isinstance(result, dict):
            try:
                return _run(self._plan(return_type, field_details_list), result)
            except _Fallback:
                pass
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _plan(self, rtype: GraphQLObjectType, field_details_list: Any) -> Plan:
        """The plan for this selection on `rtype`, memoized as graphql-core memoizes the
        collected fields (by the identity of the field list)."""
        cache: dict[tuple[str, int], tuple[Any, Plan]] = self.__dict__.setdefault("_plans", {})
        key = (rtype.name, id(field_details_list))
        found = cache.get(key)
        if found is not None:
            return found[1]
        plan: Plan = []
        grouped = self.collect_subfields(rtype, field_details_list).grouped_field_set
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if name == _TYPENAME:
                plan.append((response_key, _TYPENAME, None, _constant(rtype.name)))
                continue
            field = rtype.fields[name]
            if field.resolve is None:
                plan.append((response_key, name, None, self._completion(field.type, details)))
            else:
                plan.append((response_key, None, field.resolve, self._completion(field.type, details)))
        cache[key] = (field_details_list, plan)
        return plan

    def _completion(self, ftype: Any, details: Any) -> Complete:
        if isinstance(ftype, GraphQLNonNull):
            inner = self._completion(ftype.of_type, details)

            def non_null(v: Any) -> Any:
                if v is None:
                    raise _Fallback
                return inner(v)

            return non_null
        if isinstance(ftype, GraphQLList):
            item = self._completion(ftype.of_type, details)

            def as_list(v: Any) -> Any:
                if v is None:
                    return None
                if type(v) is not list:
                    raise _Fallback
                return [item(x) for x in v]

            return as_list
        if isinstance(ftype, GraphQLScalarType):
            fast = _SCALARS.get(ftype.name)
            if fast is not None:
                return fast
            scalar = ftype

            def leaf(v: Any) -> Any:
                if v is None:
                    return None
                coerced = scalar.coerce_output_value(v)
                if coerced is None:
                    raise _Fallback
                return coerced

            return leaf
        if isinstance(ftype, GraphQLObjectType) and RELATIONS in ftype.extensions:
            plan = self._plan(ftype, details)

            def record(v: Any) -> Any:
                if v is None:
                    return None
                if type(v) is not dict:
                    raise _Fallback
                return _run(plan, v)

            return record
        raise _Fallback


def _constant(value: str) -> Complete:
    return lambda _v: value


def _run(plan: Plan, record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, record_key, resolve, complete in plan:
        v = resolve(record, None) if resolve is not None else record.get(record_key)  # type: ignore[arg-type]
        out[key] = v if complete is None else complete(v)
    return out
