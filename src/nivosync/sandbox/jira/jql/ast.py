"""The JQL syntax tree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Operator = Literal["=", "!=", "~", "!~", "<", "<=", ">", ">=", "in", "not in", "is", "is not"]


@dataclass(frozen=True)
class Func:
    """A function operand such as ``currentUser()``."""

    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Empty:
    """``EMPTY`` / ``NULL``."""


Value = str | Func | Empty


@dataclass(frozen=True)
class Clause:
    field: str
    operator: Operator
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Logical:
    op: Literal["and", "or"]
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Clause | Logical | Not


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool


@dataclass(frozen=True)
class Query:
    where: Node | None
    order_by: tuple[SortKey, ...]
