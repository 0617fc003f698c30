"""Splitting JQL into tokens."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nivosync.sandbox.jira.jql.errors import JqlError

Kind = Literal["word", "string", "op", "lparen", "rparen", "comma", "end"]

_OPERATORS = ("!=", "!~", "<=", ">=", "=", "~", "<", ">")
_RESERVED_CHARS = set("\"'(),=!<>~ \t\r\n")


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    position: int

    def is_word(self, *words: str) -> bool:
        return self.kind == "word" and self.text.lower() in words


def tokenize(jql: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(jql):
        ch = jql[i]
        if ch.isspace():
            i += 1
        elif ch in "\"'":
            text, i = _quoted(jql, i)
            tokens.append(Token("string", text, i))
        elif ch in "(),":
            kind: Kind = {"(": "lparen", ")": "rparen", ",": "comma"}[ch]  # type: ignore[assignment]
            tokens.append(Token(kind, ch, i))
            i += 1
        elif op := next((o for o in _OPERATORS if jql.startswith(o, i)), None):
            tokens.append(Token("op", op, i))
            i += len(op)
        elif ch == "!":
            raise JqlError(f"Error in the JQL Query: The character '!' at position {i} is invalid.")
        else:
            start = i
            while i < len(jql) and jql[i] not in _RESERVED_CHARS:
                i += 1
            tokens.append(Token("word", jql[start:i], start))
    tokens.append(Token("end", "", len(jql)))
    return tokens


def _quoted(jql: str, start: int) -> tuple[str, int]:
    quote, i, out = jql[start], start + 1, []
    while i < len(jql):
        ch = jql[i]
        if ch == "\\" and i + 1 < len(jql):
            out.append(jql[i + 1])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise JqlError(
        f"Error in the JQL Query: The quoted string starting at position {start} is not terminated."
    )
