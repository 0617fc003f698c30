"""The subset of Confluence's query language (CQL) the sandbox's content search understands.

Pure: `parse` turns a CQL string into a small tree (or raises `CqlError`), `compile_where`
turns the tree into an SQL condition with its parameters, over ``conf_pages p`` joined with
``conf_spaces s``. No HTTP here (``content_search.py`` serves it).

Fields (names case-insensitive): ``space`` (alias ``space.key``: the space key), ``type``
(only pages are stored, so ``page`` matches and every other type matches nothing), ``label``
(compared lower-cased, as Confluence lower-cases label names), ``title``, ``id`` (alias
``content``), ``parent`` (the direct parent's id) and ``ancestor`` (any page above).

Operators: ``=``, ``!=``, ``in (...)``, ``not in (...)`` on every field, and on ``title`` also
``~`` / ``!~`` (contains / does not contain, case-insensitive; ``*`` at either end of the word
is the wildcard Confluence allows there and is ignored). Clauses combine with ``AND``, ``OR``,
``NOT`` and parentheses; ``AND`` binds tighter than ``OR``, ``NOT`` tighter than both.
Values are double- or single-quoted strings (a backslash escapes the next character) or bare
words and numbers. Keywords are case-insensitive and reserved: quote them to use them as values.

What real CQL has beyond this (``text``, dates, ``creator``, functions such as
``currentUser()``, ``ORDER BY``) is refused like a CQL that does not parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MAX_DEPTH = 50  # nested parentheses / NOTs (a guard against runaway recursion)


class CqlError(Exception):
    """The CQL does not parse or uses what the sandbox does not know (the detail says what)."""


@dataclass(frozen=True)
class Clause:
    field: str  # canonical name: space, type, label, title, id, parent, ancestor
    operator: str  # "=", "!=", "~", "!~", "in", "not in"
    values: tuple[str, ...]


@dataclass(frozen=True)
class Junction:
    kind: Literal["and", "or"]
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    part: Node


Node = Clause | Junction | Not

_ALIASES = {"space.key": "space", "content": "id"}
_EQUALITY = frozenset({"=", "!=", "in", "not in"})
_FIELDS = {
    "space": _EQUALITY,
    "type": _EQUALITY,
    "label": _EQUALITY,
    "title": _EQUALITY | {"~", "!~"},
    "id": _EQUALITY,
    "parent": _EQUALITY,
    "ancestor": _EQUALITY,
}
_NUMERIC = frozenset({"id", "parent", "ancestor"})
_KEYWORDS = frozenset({"and", "or", "not", "in"})

# --- tokens ----------------------------------------------------------------------------------

Kind = Literal["word", "string", "op", "(", ")", ",", "end"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    at: int

    def keyword(self, word: str) -> bool:
        return self.kind == "word" and self.text.lower() == word


_OPERATOR = re.compile(r"!=|!~|<=|>=|=|~|<|>")
_WORD = re.compile(r"""[^\s()=!~,<>"']+""")
_PUNCTUATION: dict[str, Kind] = {"(": "(", ")": ")", ",": ","}


def tokenize(cql: str) -> list[Token]:
    tokens: list[Token] = []
    at = 0
    while at < len(cql):
        char = cql[at]
        if char.isspace():
            at += 1
        elif char in "(),":
            tokens.append(Token(_PUNCTUATION[char], char, at))
            at += 1
        elif char in "\"'":
            text, end = _quoted(cql, at)
            tokens.append(Token("string", text, at))
            at = end
        elif match := _OPERATOR.match(cql, at):
            tokens.append(Token("op", match.group(), at))
            at = match.end()
        elif match := _WORD.match(cql, at):
            tokens.append(Token("word", match.group(), at))
            at = match.end()
        else:
            raise CqlError(f"unexpected character {char!r} at {at}")
    tokens.append(Token("end", "", len(cql)))
    return tokens


def _quoted(cql: str, start: int) -> tuple[str, int]:
    """The string opening at `start` (its quote character ends it) and the index after it."""
    quote, out, at = cql[start], [], start + 1
    while at < len(cql):
        char = cql[at]
        if char == "\\" and at + 1 < len(cql):
            out.append(cql[at + 1])
            at += 2
        elif char == quote:
            return "".join(out), at + 1
        else:
            out.append(char)
            at += 1
    raise CqlError(f"unterminated string starting at {start}")


# --- parsing ---------------------------------------------------------------------------------


def parse(cql: str) -> Node:
    """The tree of `cql`; `CqlError` when it does not parse or names what is unknown."""
    parser = _Parser(tokenize(cql))
    node = parser.disjunction(0)
    parser.expect("end")
    return node


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.at = 0

    @property
    def next(self) -> Token:
        return self.tokens[self.at]

    def take(self) -> Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def expect(self, kind: Kind) -> Token:
        token = self.take()
        if token.kind != kind:
            found = token.text or "the end"
            raise CqlError(f"expected {kind!r} at {token.at}, found {found!r}")
        return token

    def disjunction(self, depth: int) -> Node:
        parts = [self.conjunction(depth)]
        while self.next.keyword("or"):
            self.take()
            parts.append(self.conjunction(depth))
        return parts[0] if len(parts) == 1 else Junction("or", tuple(parts))

    def conjunction(self, depth: int) -> Node:
        parts = [self.negation(depth)]
        while self.next.keyword("and"):
            self.take()
            parts.append(self.negation(depth))
        return parts[0] if len(parts) == 1 else Junction("and", tuple(parts))

    def negation(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise CqlError("the query is nested too deeply")
        if self.next.keyword("not"):
            self.take()
            return Not(self.negation(depth + 1))
        if self.next.kind == "(":
            self.take()
            node = self.disjunction(depth + 1)
            self.expect(")")
            return node
        return self.clause()

    def clause(self) -> Clause:
        token = self.expect("word")
        name = _ALIASES.get(token.text.lower(), token.text.lower())
        if name not in _FIELDS or token.text.lower() in _KEYWORDS:
            raise CqlError(f"unknown field {token.text!r} at {token.at}")
        operator, values = self.condition()
        if operator not in _FIELDS[name]:
            raise CqlError(f"operator {operator!r} is not supported for field {token.text!r}")
        if name in _NUMERIC and not all(v.isascii() and v.isdigit() for v in values):
            raise CqlError(f"field {token.text!r} takes content ids")
        return Clause(name, operator, values)

    def condition(self) -> tuple[str, tuple[str, ...]]:
        if self.next.keyword("not") or self.next.keyword("in"):
            negated = self.take().keyword("not")
            if negated and not self.take().keyword("in"):
                raise CqlError(f"expected 'in' after 'not' at {self.tokens[self.at - 1].at}")
            return ("not in" if negated else "in"), self.value_list()
        operator = self.expect("op").text
        return operator, (self.value(),)

    def value_list(self) -> tuple[str, ...]:
        self.expect("(")
        values = [self.value()]
        while self.next.kind == ",":
            self.take()
            values.append(self.value())
        self.expect(")")
        return tuple(values)

    def value(self) -> str:
        token = self.take()
        if token.kind == "string" or (token.kind == "word" and token.text.lower() not in _KEYWORDS):
            return token.text
        raise CqlError(f"expected a value at {token.at}, found {token.text or 'the end'!r}")


# --- SQL -------------------------------------------------------------------------------------


def compile_where(node: Node, labels_before: float | None = None) -> tuple[str, list[object]]:
    """An SQL condition over ``conf_pages p JOIN conf_spaces s`` and its parameters.

    `labels_before` (real seconds) makes ``label`` see only the labels added by then (NULL
    ``added_at``: long indexed): the search index lag. Each condition is true or false, never
    NULL, so ``NOT`` is exact."""
    if isinstance(node, Not):
        inner, params = compile_where(node.part, labels_before)
        return f"NOT ({inner})", params
    if isinstance(node, Junction):
        compiled = [compile_where(part, labels_before) for part in node.parts]
        joined = f" {node.kind.upper()} ".join(f"({sql})" for sql, _ in compiled)
        return joined, [param for _, params in compiled for param in params]
    sql, params = _matches(node, labels_before)
    if node.operator in ("!=", "not in", "!~"):
        return f"NOT ({sql})", params
    return sql, params


def _marks(values: tuple[object, ...]) -> str:
    return ", ".join("?" * len(values))


def _matches(clause: Clause, labels_before: float | None) -> tuple[str, list[object]]:
    """The positive form of `clause` (``=``/``in``/``~``); the caller negates the others."""
    values: tuple[object, ...] = clause.values
    if clause.field in _NUMERIC:
        values = tuple(int(str(v)) for v in values)
    marks = _marks(values)
    if clause.field == "title" and clause.operator in ("~", "!~"):
        return "instr(lower(p.title), lower(?)) > 0", [clause.values[0].strip("*")]
    if clause.field == "type":
        return ("1" if any(v.lower() == "page" for v in clause.values) else "0"), []
    if clause.field == "label":
        return _label_sql(tuple(v.strip().lower() for v in clause.values), labels_before)
    if clause.field == "parent":
        return f"(p.parent_id IS NOT NULL AND p.parent_id IN ({marks}))", list(values)
    if clause.field == "ancestor":
        below = (
            f"WITH RECURSIVE below (id) AS (SELECT id FROM conf_pages WHERE parent_id IN ({marks})"
            " UNION SELECT c.id FROM conf_pages c JOIN below ON c.parent_id = below.id)"
            " SELECT id FROM below"
        )
        return f"p.id IN ({below})", list(values)
    column = {"space": "s.key", "title": "p.title", "id": "p.id"}[clause.field]
    return f"{column} IN ({marks})", list(values)  # p.title compares case-insensitively (NOCASE)


def _label_sql(names: tuple[str, ...], labels_before: float | None) -> tuple[str, list[object]]:
    sql = (
        "EXISTS (SELECT 1 FROM conf_page_labels pl JOIN conf_labels l ON l.id = pl.label_id"
        f" WHERE pl.page_id = p.id AND l.name IN ({_marks(names)})"
    )
    params: list[object] = list(names)
    if labels_before is not None:
        sql += " AND (pl.added_at IS NULL OR pl.added_at <= ?)"
        params.append(labels_before)
    return sql + ")", params
