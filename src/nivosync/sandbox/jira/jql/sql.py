"""Compiling a JQL AST to a parameterized SQL condition on ``jira_issues AS i``.

Names in values (projects, users, versions, statuses...) are resolved to ids here, so an
unknown value is reported the way Jira reports it instead of matching nothing. Like Jira,
``!=`` and ``NOT IN`` never match an issue whose field is empty.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.jql.ast import Clause, Empty, Func, Logical, Node, Not, Query, SortKey
from nivosync.sandbox.jira.jql.errors import JqlError
from nivosync.sandbox.seed import Flavor

Sql = tuple[str, list[object]]

_EQUALITY = ("=", "!=", "in", "not in", "is", "is not")
_DATE_OPS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in", "is", "is not")


def _marks(values: list[object]) -> str:
    return ",".join("?" * len(values))


@dataclass(frozen=True)
class FieldRule:
    """How one JQL field compiles: its operators and a function building the SQL."""

    name: str
    operators: tuple[str, ...]
    compile: Callable[[Clause], Sql]


class JqlCompiler:
    def __init__(self, conn: sqlite3.Connection, flavor: Flavor, caller_id: int) -> None:
        self.conn = conn
        self.flavor = flavor
        self.caller_id = caller_id
        self.rules = self._rules()

    def where(self, query: Query) -> Sql:
        if query.where is None:
            return "1", []
        return self.node(query.where)

    def node(self, node: Node) -> Sql:
        if isinstance(node, Logical):
            parts = [self.node(item) for item in node.items]
            joiner = " AND " if node.op == "and" else " OR "
            return "(" + joiner.join(p[0] for p in parts) + ")", [v for p in parts for v in p[1]]
        if isinstance(node, Not):
            sql, params = self.node(node.item)
            return f"(NOT {sql})", params
        return self.clause(node)

    def clause(self, clause: Clause) -> Sql:
        rule = self.rule_for(clause.field)
        if clause.operator not in rule.operators:
            raise JqlError(
                f"The operator '{clause.operator}' is not supported by the '{clause.field}' field."
            )
        return rule.compile(clause)

    def rule_for(self, field: str) -> FieldRule:
        rule = self.rules.get(field.lower())
        if rule is None:
            raise JqlError(
                f"Field '{field}' does not exist or you do not have permission to view it."
            )
        return rule

    # field rules --------------------------------------------------------------------------

    def _rules(self) -> dict[str, FieldRule]:
        epic_column = "parent_id" if self.flavor == "cloud" else "epic_id"
        rules = [
            (("project",), _EQUALITY, lambda c: self._column(c, "i.project_id", self._project)),
            (
                ("key", "issuekey", "id"),
                (*_EQUALITY[:4],),
                lambda c: self._column(c, "i.id", self._issue),
            ),
            (
                ("issuetype", "type"),
                _EQUALITY,
                lambda c: self._column(c, "i.issue_type_id", self._type),
            ),
            (("status",), _EQUALITY, lambda c: self._column(c, "i.status_id", self._status)),
            (
                ("statuscategory", "category"),
                _EQUALITY,
                lambda c: self._column(c, "i.status_id", self._category),
            ),
            (("assignee",), _EQUALITY, lambda c: self._column(c, "i.assignee_id", self._user)),
            (("reporter",), _EQUALITY, lambda c: self._column(c, "i.reporter_id", self._user)),
            (("parent",), _EQUALITY, lambda c: self._column(c, "i.parent_id", self._issue)),
            (
                ("epic link", "cf[10100]") if self.flavor == "datacenter" else ("epic link",),
                _EQUALITY,
                lambda c: self._column(c, f"i.{epic_column}", self._issue),
            ),
            (
                ("labels", "label"),
                _EQUALITY,
                lambda c: self._multi(c, "jira_labels", "label", lambda v: [v]),
            ),
            (
                ("fixversion",),
                _EQUALITY,
                lambda c: self._multi(c, "jira_fix_versions", "version_id", self._version),
            ),
            (("duedate", "due"), _DATE_OPS, lambda c: self._date(c, "i.duedate")),
            # Timestamps compared by their day (the sandbox's users all work in UTC).
            (("updated",), _DATE_OPS, lambda c: self._date(c, "substr(i.updated, 1, 10)")),
            (("created",), _DATE_OPS, lambda c: self._date(c, "substr(i.created, 1, 10)")),
            (
                ("resolved", "resolutiondate"),
                _DATE_OPS,
                lambda c: self._date(c, "substr(i.resolutiondate, 1, 10)"),
            ),
            (("summary",), ("~", "!~", "is", "is not"), self._summary),
        ]
        table: dict[str, FieldRule] = {}
        for names, operators, compile_ in rules:
            for name in names:
                table[name] = FieldRule(name, operators, compile_)
        return table

    def _values(self, clause: Clause, resolve: Callable[[str], list[object]]) -> list[object]:
        out: list[object] = []
        for value in clause.values:
            if isinstance(value, Func):
                out += self._function(clause, value)
            elif isinstance(value, Empty):
                raise JqlError(
                    f"The operator '{clause.operator}' does not support the value EMPTY for "
                    f"field '{clause.field}'. Use 'is EMPTY' instead."
                )
            else:
                out += resolve(value)
        return out

    def _function(self, clause: Clause, func: Func) -> list[object]:
        if func.name.lower() == "currentuser" and clause.field.lower() in ("assignee", "reporter"):
            return [self.caller_id]
        raise JqlError(f"Unable to find JQL function '{func.name}({', '.join(func.args)})'.")

    def _is_empty(self, clause: Clause, empty_sql: str, present_sql: str) -> Sql:
        if len(clause.values) != 1 or not isinstance(clause.values[0], Empty):
            raise JqlError(
                f"The operator '{clause.operator}' only supports the value EMPTY for field "
                f"'{clause.field}'."
            )
        return (empty_sql if clause.operator == "is" else present_sql), []

    def _column(self, clause: Clause, column: str, resolve: Callable[[str], list[object]]) -> Sql:
        if clause.operator in ("is", "is not"):
            return self._is_empty(clause, f"{column} IS NULL", f"{column} IS NOT NULL")
        values = self._values(clause, resolve)
        if clause.operator in ("=", "in"):
            return f"{column} IN ({_marks(values)})", values
        return f"({column} IS NOT NULL AND {column} NOT IN ({_marks(values)}))", values

    def _multi(
        self, clause: Clause, table: str, column: str, resolve: Callable[[str], list[object]]
    ) -> Sql:
        anything = f"i.id IN (SELECT issue_id FROM {table})"
        if clause.operator in ("is", "is not"):
            return self._is_empty(clause, f"NOT {anything}", anything)
        values = self._values(clause, resolve)
        matching = f"i.id IN (SELECT issue_id FROM {table} WHERE {column} IN ({_marks(values)}))"
        if clause.operator in ("=", "in"):
            return matching, values
        return f"({anything} AND NOT {matching})", values

    def _date(self, clause: Clause, column: str) -> Sql:
        if clause.operator in ("is", "is not"):
            return self._is_empty(clause, f"{column} IS NULL", f"{column} IS NOT NULL")
        values = self._values(clause, lambda v: [_parse_date(clause.field, v)])
        if clause.operator in ("in", "not in", "=", "!="):
            negate = clause.operator in ("not in", "!=")
            sql = f"{column} {'NOT ' if negate else ''}IN ({_marks(values)})"
            return (f"({column} IS NOT NULL AND {sql})" if negate else sql), values
        return f"{column} {clause.operator} ?", values

    def _summary(self, clause: Clause) -> Sql:
        if clause.operator in ("is", "is not"):
            return self._is_empty(clause, "0", "1")
        (value,) = self._values(clause, lambda v: [v])
        terms = [t for t in re.split(r"\s+", str(value).strip("*").strip()) if t]
        if not terms:
            raise JqlError(
                f"The field '{clause.field}' does not support searching for an empty string."
            )
        parts = ["i.summary LIKE ? ESCAPE '\\'" for _ in terms]
        params: list[object] = ["%" + _escape_like(t) + "%" for t in terms]
        sql = "(" + " AND ".join(parts) + ")"
        return (sql if clause.operator == "~" else f"NOT {sql}"), params

    # value resolution ---------------------------------------------------------------------

    def _unknown(self, field: str, value: str) -> JqlError:
        return JqlError(f"The value '{value}' does not exist for the field '{field}'.")

    def _project(self, value: str) -> list[object]:
        row = self.conn.execute(
            "SELECT id FROM jira_projects WHERE key = ? COLLATE NOCASE OR name = ? COLLATE NOCASE"
            " OR CAST(id AS TEXT) = ?",
            (value, value, value),
        ).fetchone()
        if row is None:
            raise self._unknown("project", value)
        return [row[0]]

    def _issue(self, value: str) -> list[object]:
        if value.isdigit():
            row = self.conn.execute("SELECT id FROM jira_issues WHERE id = ?", (int(value),))
        else:
            row = self.conn.execute("SELECT id FROM jira_issues WHERE key = ?", (value.upper(),))
        found = row.fetchone()
        if found is None:
            raise JqlError(f"An issue with key '{value}' does not exist for field 'key'.")
        return [found[0]]

    def _type(self, value: str) -> list[object]:
        # By name, every type so called: a team-managed project's "Epic" is one too.
        by_id = catalog.ISSUE_TYPES_BY_ID.get(value)
        found = (by_id,) if by_id else catalog.issue_types_named(value)
        if not found:
            raise self._unknown("issuetype", value)
        return [t.id for t in found]

    def _status(self, value: str) -> list[object]:
        found = catalog.STATUSES_BY_ID.get(value) or catalog.STATUSES_BY_NAME.get(value.lower())
        if found is None:
            raise self._unknown("status", value)
        return [found.id]

    def _category(self, value: str) -> list[object]:
        wanted = value.lower()
        category = next(
            (c for c in catalog.STATUS_CATEGORIES if wanted in (c.key, c.name.lower(), str(c.id))),
            None,
        )
        if category is None:
            raise self._unknown("statusCategory", value)
        return [s.id for s in catalog.STATUSES if s.category is category]

    def _user(self, value: str) -> list[object]:
        row = self.conn.execute(
            "SELECT id FROM users WHERE account_id = ? OR email = ? OR username = ?",
            (value, value, value),
        ).fetchone()
        if row is None:
            raise self._unknown("assignee", value)
        return [row[0]]

    def _version(self, value: str) -> list[object]:
        rows = self.conn.execute(
            "SELECT id FROM jira_versions WHERE name = ? OR CAST(id AS TEXT) = ?", (value, value)
        ).fetchall()
        if not rows:
            raise self._unknown("fixVersion", value)
        return [r[0] for r in rows]

    # ordering -----------------------------------------------------------------------------

    def order_by(self, keys: tuple[SortKey, ...]) -> str:
        if not keys:
            return "i.id DESC"
        parts = [self._sort(k) for k in keys]
        return ", ".join([*parts, "i.id DESC" if keys[-1].descending else "i.id ASC"])

    def _sort(self, key: SortKey) -> str:
        direction = "DESC" if key.descending else "ASC"
        nulls = "NULLS FIRST" if key.descending else "NULLS LAST"
        columns = _SORT_COLUMNS.get(key.field.lower())
        if columns is None:
            self.rule_for(key.field)  # an unknown field gets the unknown-field message
            raise JqlError(f"Field '{key.field}' does not support sorting.")
        return ", ".join(f"{c} {direction} {nulls}" for c in columns)


_SORT_COLUMNS = {
    "key": ("i.project_id", "i.num"),
    "issuekey": ("i.project_id", "i.num"),
    "id": ("i.id",),
    "created": ("i.created",),
    "updated": ("i.updated",),
    "duedate": ("i.duedate",),
    "due": ("i.duedate",),
    "summary": ("i.summary",),
    "status": ("CASE i.status_id WHEN '10000' THEN 1 WHEN '3' THEN 2 ELSE 3 END",),
    "priority": ("i.priority_id",),
    "issuetype": ("i.issue_type_id",),
    "resolved": ("i.resolutiondate",),
    "resolutiondate": ("i.resolutiondate",),
    "project": ("i.project_id",),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _parse_date(field: str, value: str) -> str:
    text = value.strip().replace("/", "-")
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise JqlError(
            f"Date value '{value}' for field '{field}' is invalid. Valid formats include: "
            "'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd'."
        ) from None
