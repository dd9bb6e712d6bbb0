"""A faster completion of record objects: graphql-core executes every field of every record
through its general machinery (a resolver call, a path, a completion per field), which costs
several times the REST request for a page of records. Record types hold plain values the REST
API already exported, so their selection is compiled into a Python function that copies the
values straight out of the dict, checked as the scalars coerce them, with relations read from
`expand` in place. The function is kept on the schema for the operation and its variables, so a
query sent again runs without planning. Anything unusual (a null where the schema says non-null,
a value of an unexpected type) falls back to graphql-core's own path for that record, which
reports it as the spec says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
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

from roost.core.graphql.resolvers import RelationResolver
from roost.core.graphql.selection import RELATIONS


class _Fallback(Exception):
    pass


Complete = Callable[[Any], Any]
Run = Callable[[dict[str, Any]], dict[str, Any]]
_TYPENAME = "__typename"
_PLANS = "roost_plans"  # schema extension: compiled plans shared by the requests of one document
_MAX_SHARED = 1024


def _float(v: Any) -> Any:
    t = type(v)
    if t is float or v is None:
        return v
    if t is int:
        return float(v)
    raise _Fallback


def _str(v: Any) -> Any:
    if v is None or type(v) is str:
        return v
    raise _Fallback


def _bool(v: Any) -> Any:
    if v is None or type(v) is bool:
        return v
    raise _Fallback


def _int(v: Any) -> Any:
    if v is None or (type(v) is int and -(2**31) <= v < 2**31):
        return v
    raise _Fallback


def _fallback(_v: Any = None) -> Any:
    raise _Fallback


# inline checks of the built-in scalars (`v` the value), for a nullable and a non-null field
_CHECKS: dict[str, tuple[str, str]] = {
    GraphQLString.name: (
        "if v.__class__ is not str and v is not None: _fallback()",
        "if v.__class__ is not str: _fallback()",
    ),
    GraphQLID.name: (
        "if v.__class__ is not str and v is not None: _fallback()",
        "if v.__class__ is not str: _fallback()",
    ),
    GraphQLBoolean.name: (
        "if v.__class__ is not bool and v is not None: _fallback()",
        "if v.__class__ is not bool: _fallback()",
    ),
    GraphQLFloat.name: (
        "if v.__class__ is not float: v = _float(v)",
        "if v.__class__ is not float: v = _float(_fallback() if v is None else v)",
    ),
    GraphQLInt.name: ("v = _int(v)", "v = _int(_fallback() if v is None else v)"),
}
_BASE_NAMES = {"_fallback": _fallback, "_float": _float, "_int": _int}
# the same checks as functions, for the items of lists
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
                return self._root_plan(return_type, field_details_list, path)(result)
            except _Fallback:
                pass
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _root_plan(self, rtype: GraphQLObjectType, field_details_list: Any, path: Any) -> Run:
        """The compiled plan at `path`: shared by every request that runs the same operation with
        the same variables on this schema (the selection there is the same), else built."""
        mine: dict[tuple[str, int], tuple[Any, Run]] = self.__dict__.setdefault("_plans", {})
        found = mine.get((rtype.name, id(field_details_list)))
        if found is not None:
            return found[1]
        key = self._shared_key(rtype, path)
        shared: dict[Any, tuple[Any, Run]] = self.schema.extensions.setdefault(_PLANS, {})
        hit = shared.get(key) if key is not None else None
        if hit is not None and hit[0] is self.operation:
            run = hit[1]
        else:
            run = self._plan(rtype, field_details_list)
            if key is not None:
                if len(shared) >= _MAX_SHARED:
                    shared.clear()
                shared[key] = (self.operation, run)  # the node kept alive, so its id stays its own
        mine[(rtype.name, id(field_details_list))] = (field_details_list, run)
        return run

    def _shared_key(self, rtype: GraphQLObjectType, path: Any) -> Any:
        values = self.variable_values.coerced
        if values:
            try:
                vkey: Any = orjson.dumps(values, option=orjson.OPT_SORT_KEYS)
            except TypeError:
                return None
        else:
            vkey = b""
        keys: list[Any] = []
        while path is not None:
            if type(path.key) is str:
                keys.append(path.key)
            path = path.prev
        return (id(self.operation), vkey, rtype.name, tuple(keys))

    def _plan(self, rtype: GraphQLObjectType, field_details_list: Any) -> Run:
        """This selection on `rtype` compiled into one function that copies the values straight
        out of the record dict, checking them as the scalars would coerce them."""
        names: dict[str, Any] = dict(_BASE_NAMES)
        lines = ["def run(r):", "    g = r.get"]
        out: list[str] = []
        grouped = self.collect_subfields(rtype, field_details_list).grouped_field_set
        for i, (response_key, details) in enumerate(grouped.items()):
            name = details[0].node.name.value
            out.append(f"{response_key!r}: v{i}")
            if name == _TYPENAME:
                lines.append(f"    v{i} = {rtype.name!r}")
                continue
            field = rtype.fields[name]
            inlined = self._relation(field, details, i, names)
            if inlined is not None:
                lines += inlined
                lines.append(f"    v{i} = v")
                continue
            if field.resolve is None:
                lines.append(f"    v = g({name!r})")
            else:
                names[f"r{i}"] = field.resolve
                lines.append(f"    v = r{i}(r, None)")
            ftype = field.type
            non_null = isinstance(ftype, GraphQLNonNull)
            inner = ftype.of_type if non_null else ftype
            check = _CHECKS.get(inner.name) if isinstance(inner, GraphQLScalarType) else None
            if check is not None:
                lines.append("    " + check[non_null])
            else:
                names[f"c{i}"] = self._completion(ftype, details)
                lines.append(f"    v = c{i}(v)")
            lines.append(f"    v{i} = v")
        lines.append("    return {" + ", ".join(out) + "}")
        exec("\n".join(lines), names)  # noqa: S102 - the source is made of names and reprs only
        run: Run = names["run"]
        return run

    def _relation(self, field: Any, details: Any, i: int, names: dict[str, Any]) -> list[str] | None:
        """The lines that complete a relation field in place, as RelationResolver and the
        record completion would, or None for the general path."""
        resolve, ftype = field.resolve, field.type
        if not isinstance(resolve, RelationResolver):
            return None
        if resolve.multi:
            target = ftype
            for wrapper in (GraphQLNonNull, GraphQLList, GraphQLNonNull):
                if not isinstance(target, wrapper):
                    return None
                target = target.of_type
        else:
            target = ftype
        if not isinstance(target, GraphQLObjectType) or RELATIONS not in target.extensions:
            return None
        names[f"p{i}"] = self._plan(target, details)
        lines = [
            "    v = g('expand')",
            f"    v = v.get({resolve.expand!r}) if v.__class__ is dict else (_fallback() if v else None)",
        ]
        if resolve.multi:
            lines += [
                "    if v is None: v = []",
                "    elif v.__class__ is dict: v = [v]",
                "    elif v.__class__ is not list: _fallback()",
                f"    v = [p{i}(x) if x.__class__ is dict else _fallback() for x in v]",
            ]
        else:
            lines += [
                "    if v.__class__ is list: v = v[0] if v else _fallback()",
                f"    if v is not None: v = p{i}(v) if v.__class__ is dict else _fallback()",
            ]
        return lines

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
            run = self._plan(ftype, details)

            def record(v: Any) -> Any:
                if v is None:
                    return None
                if type(v) is not dict:
                    raise _Fallback
                return run(v)

            return record
        raise _Fallback
