"""JQL tokenizer/parser unit tests (tables of cases plus generated queries)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nivosync.sandbox.jira.jql import Clause, JqlError, Logical, Not, Query, SortKey, parse
from nivosync.sandbox.jira.jql.ast import Empty, Func

PARSED = [
    ("project = NIVO", Query(Clause("project", "=", ("NIVO",)), ())),
    ('project = "NIVO"', Query(Clause("project", "=", ("NIVO",)), ())),
    ("labels != x", Query(Clause("labels", "!=", ("x",)), ())),
    ("summary ~ 'kick off'", Query(Clause("summary", "~", ("kick off",)), ())),
    ("summary !~ kick", Query(Clause("summary", "!~", ("kick",)), ())),
    ("labels in (a, 'b c', \"d\")", Query(Clause("labels", "in", ("a", "b c", "d")), ())),
    ("labels NOT IN (a)", Query(Clause("labels", "not in", ("a",)), ())),
    ("assignee is EMPTY", Query(Clause("assignee", "is", (Empty(),)), ())),
    ("assignee IS NOT null", Query(Clause("assignee", "is not", (Empty(),)), ())),
    ("assignee = currentUser()", Query(Clause("assignee", "=", (Func("currentUser"),)), ())),
    ('"Epic Link" = NIVO-1', Query(Clause("Epic Link", "=", ("NIVO-1",)), ())),
    ("cf[10100] = NIVO-1", Query(Clause("cf[10100]", "=", ("NIVO-1",)), ())),
    ("duedate <= 2026-12-18", Query(Clause("duedate", "<=", ("2026-12-18",)), ())),
    ('duedate>="2026/12/18"', Query(Clause("duedate", ">=", ("2026/12/18",)), ())),
    (r'summary ~ "say \"hi\""', Query(Clause("summary", "~", ('say "hi"',)), ())),
    ("", Query(None, ())),
    ("ORDER BY key", Query(None, (SortKey("key", False),))),
    (
        "a = 1 AND b = 2 OR c = 3",
        Query(
            Logical(
                "or",
                (
                    Logical("and", (Clause("a", "=", ("1",)), Clause("b", "=", ("2",)))),
                    Clause("c", "=", ("3",)),
                ),
            ),
            (),
        ),
    ),
    (
        "a = 1 and (b = 2 or c = 3) order by duedate DESC, key asc",
        Query(
            Logical(
                "and",
                (
                    Clause("a", "=", ("1",)),
                    Logical("or", (Clause("b", "=", ("2",)), Clause("c", "=", ("3",)))),
                ),
            ),
            (SortKey("duedate", True), SortKey("key", False)),
        ),
    ),
    ("NOT a = 1", Query(Not(Clause("a", "=", ("1",))), ())),
]


@pytest.mark.parametrize("jql,expected", PARSED)
def test_parse(jql: str, expected: Query) -> None:
    assert parse(jql) == expected


INVALID = [
    "project",
    "project =",
    "project = NIVO AND",
    "project = NIVO garbage",
    "(project = NIVO",
    "labels in a",
    "labels in (a,",
    'summary ~ "unterminated',
    "= x",
    "project ! x",
    "ORDER key",
    "ORDER BY",
    "a = 1 OR",
]


@pytest.mark.parametrize("jql", INVALID)
def test_invalid_queries_raise_jql_errors(jql: str) -> None:
    with pytest.raises(JqlError) as info:
        parse(jql)
    assert info.value.message.startswith("Error in the JQL Query:")


_words = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,8}", fullmatch=True).filter(
    lambda w: (
        w.lower()
        not in {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}
    )
)
_clauses = st.builds(
    lambda f, op, v: Clause(f, op, (v,)),
    _words,
    st.sampled_from(["=", "!=", "~", "<", ">="]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
)


def _render(node: object) -> str:
    if isinstance(node, Clause):
        value = str(node.values[0]).replace("\\", "\\\\").replace('"', '\\"')
        return f'{node.field} {node.operator} "{value}"'
    if isinstance(node, Logical):
        return "(" + f" {node.op.upper()} ".join(_render(i) for i in node.items) + ")"
    assert isinstance(node, Not)
    return f"NOT {_render(node.item)}"


_trees = st.recursive(
    _clauses,
    lambda children: st.one_of(
        st.builds(
            lambda items: Logical("and", tuple(items)), st.lists(children, min_size=2, max_size=3)
        ),
        st.builds(
            lambda items: Logical("or", tuple(items)), st.lists(children, min_size=2, max_size=3)
        ),
        st.builds(Not, children),
    ),
    max_leaves=8,
)


@given(_trees)
def test_rendered_trees_parse_back(tree: object) -> None:
    assert parse(_render(tree)).where == tree
