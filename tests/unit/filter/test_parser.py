"""Table-driven parser tests: no database needed."""

from __future__ import annotations

import pytest

from roost.filter import FilterError, parse, parse_sort
from roost.filter.ast import Call, Expr, Group, Identifier, Literal


def ident(path: str, modifier: str = "") -> Identifier:
    parsed = parse(f"{path}{':' + modifier if modifier else ''} = 1")
    assert isinstance(parsed, Expr)
    return parsed.left  # type: ignore[return-value]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a = 1", Expr(Identifier(("a",), "", "a", 0), "=", Literal(1))),
        ("a != 'x'", Expr(Identifier(("a",), "", "a", 0), "!=", Literal("x"))),
        ('a ?~ "x\\"y"', Expr(Identifier(("a",), "", "a", 0), "?~", Literal('x"y'))),
        ("a >= -10.5", Expr(Identifier(("a",), "", "a", 0), ">=", Literal(-10.5))),
        ("a = true", Expr(Identifier(("a",), "", "a", 0), "=", Literal(True))),
        ("a = null", Expr(Identifier(("a",), "", "a", 0), "=", Literal(None))),
    ],
)
def test_single_expressions(text, expected):
    assert parse(text) == expected


def test_and_binds_tighter_than_or():
    node = parse("a=1 || b=2 && c=3")
    assert isinstance(node, Group) and node.join == "||"
    assert isinstance(node.items[1], Group) and node.items[1].join == "&&"


def test_parentheses_group():
    node = parse("(a=1 || b=2) && c=3")
    assert isinstance(node, Group) and node.join == "&&"
    assert isinstance(node.items[0], Group) and node.items[0].join == "||"


@pytest.mark.parametrize(
    "op", ["=", "!=", ">", ">=", "<", "<=", "~", "!~", "?=", "?!=", "?>", "?>=", "?<", "?<=", "?~", "?!~"]
)
def test_all_operators(op):
    node = parse(f"a {op} 1")
    assert isinstance(node, Expr) and node.op == op


def test_identifiers_and_modifiers():
    assert ident("author.name").path == ("author", "name")
    assert ident("title", "lower").modifier == "lower"
    i = ident("@collection.users:u.name")
    assert i.path == ("@collection", "users:u", "name")
    assert ident("@request.body.tags", "length").modifier == "length"


def test_functions_and_comments():
    node = parse("strftime('%Y', created) = '2024' // year only\n")
    assert isinstance(node, Expr) and isinstance(node.left, Call)
    assert node.left.name == "strftime" and node.left.args[0] == Literal("%Y")


@pytest.mark.parametrize(
    "text, where",
    [
        ("a =", "end of expression"),
        ("(a = 1", "end of expression"),
        ("a = 1)", "position 5"),
        ("a == 1", "position 3"),
        ("'abc", "unterminated"),
        ("a = 1 &&", "end of expression"),
        ("a $ 1", "position 2"),
        ("()", "empty group"),
        ("", "empty"),
        ("a. = 1", "invalid identifier"),
    ],
)
def test_errors_name_the_position(text, where):
    with pytest.raises(FilterError) as exc:
        parse(text)
    assert where in exc.value.message


def test_limits():
    with pytest.raises(FilterError, match="3500"):
        parse("a=1 && " * 600 + "a=1")
    with pytest.raises(FilterError, match="200"):
        parse(" && ".join(["a=1"] * 201))


def test_sort():
    assert [(i.path, d) for i, d in parse_sort("-created,title,+id")] == [
        (("created",), True),
        (("title",), False),
        (("id",), False),
    ]
    with pytest.raises(FilterError):
        parse_sort(",".join(["a"] * 9))
    with pytest.raises(FilterError):
        parse_sort("a b")


def _shape(node: object) -> object:
    """A parse tree as nested tuples of joins and `left op right` texts (positions left out)."""
    if isinstance(node, Group):
        return (node.join, *(_shape(i) for i in node.items))
    assert isinstance(node, Expr)
    side = [s.raw if isinstance(s, Identifier) else s.value for s in (node.left, node.right)]  # type: ignore[union-attr]
    return f"{side[0]} {node.op} {side[1]}"


@pytest.mark.parametrize(
    "text, shape",
    [
        # fexpr drops an expression a group interrupts, and joins a group written without && or ||
        # with the last join of its level
        ("title = (views > 10)", "views > 10"),
        ("title (views > 10)", "views > 10"),
        ("a = 1 (b = 2)", ("&&", "a = 1", "b = 2")),
        ("a = 1 || b = 2 (c = 3)", ("||", "a = 1", "b = 2", "c = 3")),
        ("a = 1 && (b = 2 || c = 3) (d = 4)", ("&&", "a = 1", ("||", "b = 2", "c = 3"), "d = 4")),
    ],
)
def test_groups_as_fexpr_reads_them(text, shape):
    assert _shape(parse(text)) == shape


@pytest.mark.parametrize(
    "text", ["views > 10\r\n", "\rviews > 1", "meta.ключ = 1", "é = 1", "(title) = 'x'", "a\u00a0= 1"]
)
def test_what_fexpr_rejects(text):
    with pytest.raises(FilterError):
        parse(text)
