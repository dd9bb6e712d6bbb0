"""PocketBase's filter language: lexer -> parser -> AST -> SQL, through a FieldResolver.

The package knows nothing about collections or records: `core.record_resolver` tells it what
an identifier means (a column, a relation path, a request value) via the resolver protocol.
"""

from roost.filter.ast import Call, Expr, Group, Identifier, Literal, Node
from roost.filter.compiler import Compiled, Operand, Resolver, compile_filter, compile_sort, compile_together
from roost.filter.errors import FilterError
from roost.filter.parser import MAX_EXPRESSIONS, MAX_FILTER_LENGTH, parse, parse_sort

__all__ = [
    "MAX_EXPRESSIONS",
    "MAX_FILTER_LENGTH",
    "Call",
    "Compiled",
    "Expr",
    "FilterError",
    "Group",
    "Identifier",
    "Literal",
    "Node",
    "Operand",
    "Resolver",
    "compile_filter",
    "compile_sort",
    "compile_together",
    "parse",
    "parse_sort",
]
