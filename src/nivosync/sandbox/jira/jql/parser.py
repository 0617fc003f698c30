"""A recursive-descent JQL parser.

query   := [or] [ORDER BY sort ("," sort)*]
or      := and (OR and)*
and     := unary (AND unary)*
unary   := NOT unary | "(" or ")" | clause
clause  := field operator operand
operand := value | "(" value ("," value)* ")" | EMPTY | NULL | name "(" args ")"
"""

from __future__ import annotations

from nivosync.sandbox.jira.jql.ast import (
    Clause,
    Empty,
    Func,
    Logical,
    Node,
    Not,
    Operator,
    Query,
    SortKey,
    Value,
)
from nivosync.sandbox.jira.jql.errors import JqlError
from nivosync.sandbox.jira.jql.tokens import Kind, Token, tokenize

_KEYWORDS = {"and", "or", "not", "in", "is", "empty", "null", "order", "by", "asc", "desc"}


def parse(jql: str) -> Query:
    return _Parser(jql).query()


class _Parser:
    def __init__(self, jql: str) -> None:
        self.tokens = tokenize(jql)
        self.i = 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def _peek_kind(self) -> Kind:
        # Re-read on every call: mypy would otherwise keep `self.tok.kind` narrowed across an
        # `advance()` that moves on to another token.
        return self.tokens[self.i].kind

    def advance(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, expecting: str) -> JqlError:
        got = self.tok.text or "<EOF>"
        return JqlError(
            f"Error in the JQL Query: Expecting {expecting} but got '{got}'. "
            f"(line 1, character {self.tok.position + 1})"
        )

    def query(self) -> Query:
        where = None
        if self._peek_kind() != "end" and not self.tok.is_word("order"):
            where = self.or_()
        order_by: tuple[SortKey, ...] = ()
        if self.tok.is_word("order"):
            self.advance()
            if not self.tok.is_word("by"):
                raise self.fail("'by'")
            self.advance()
            order_by = self.sort_keys()
        if self._peek_kind() != "end":
            raise self.fail("either 'OR' or 'AND'" if where else "a field name")
        return Query(where, order_by)

    def sort_keys(self) -> tuple[SortKey, ...]:
        keys = [self.sort_key()]
        while self._peek_kind() == "comma":
            self.advance()
            keys.append(self.sort_key())
        return tuple(keys)

    def sort_key(self) -> SortKey:
        field = self.field()
        descending = False
        if self.tok.is_word("asc", "desc"):
            descending = self.advance().text.lower() == "desc"
        return SortKey(field, descending)

    def or_(self) -> Node:
        items = [self.and_()]
        while self.tok.is_word("or"):
            self.advance()
            items.append(self.and_())
        return items[0] if len(items) == 1 else Logical("or", tuple(items))

    def and_(self) -> Node:
        items = [self.unary()]
        while self.tok.is_word("and"):
            self.advance()
            items.append(self.unary())
        return items[0] if len(items) == 1 else Logical("and", tuple(items))

    def unary(self) -> Node:
        if self.tok.is_word("not"):
            self.advance()
            return Not(self.unary())
        if self._peek_kind() == "lparen":
            self.advance()
            node = self.or_()
            if self._peek_kind() != "rparen":
                raise self.fail("')'")
            self.advance()
            return node
        return self.clause()

    def field(self) -> str:
        token = self.tok
        if token.kind == "string" or (token.kind == "word" and token.text.lower() not in _KEYWORDS):
            self.advance()
            return token.text
        raise self.fail("a field name")

    def clause(self) -> Clause:
        field = self.field()
        operator = self.operator()
        if operator in ("in", "not in"):
            return Clause(field, operator, self.value_list())
        return Clause(field, operator, (self.value(),))

    def operator(self) -> Operator:
        token = self.tok
        if token.kind == "op":
            self.advance()
            return token.text  # type: ignore[return-value]
        if token.is_word("in"):
            self.advance()
            return "in"
        if token.is_word("is"):
            self.advance()
            if self.tok.is_word("not"):
                self.advance()
                return "is not"
            return "is"
        if token.is_word("not"):
            self.advance()
            if self.tok.is_word("in"):
                self.advance()
                return "not in"
        raise self.fail("operator")

    def value_list(self) -> tuple[Value, ...]:
        if self._peek_kind() != "lparen":
            raise self.fail("'('")
        self.advance()
        values = [self.value()]
        while self._peek_kind() == "comma":
            self.advance()
            values.append(self.value())
        if self._peek_kind() != "rparen":
            raise self.fail("')'")
        self.advance()
        return tuple(values)

    def value(self) -> Value:
        token = self.tok
        if token.kind == "string":
            self.advance()
            return token.text
        if token.kind != "word" or token.text.lower() in _KEYWORDS - {"empty", "null"}:
            raise self.fail("either a value, list or function")
        self.advance()
        if token.text.lower() in ("empty", "null"):
            return Empty()
        if self._peek_kind() == "lparen":
            return self.function_args(token.text)
        return token.text

    def function_args(self, name: str) -> Func:
        self.advance()
        args: list[str] = []
        while self._peek_kind() != "rparen":
            if self._peek_kind() not in ("word", "string"):
                raise self.fail("')'")
            args.append(self.advance().text)
            if self._peek_kind() == "comma":
                self.advance()
        self.advance()
        return Func(name, tuple(args))
