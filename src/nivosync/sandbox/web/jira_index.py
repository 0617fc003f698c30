"""Reading Jira's tables for the browsing view (read-only; bounded, indexed queries)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from nivosync.sandbox.jira.catalog import ISSUE_TYPES_BY_ID, STATUSES_BY_ID

EPIC_TYPE = "10000"
MAX_EPICS = 100
MAX_CHILDREN = 200
MAX_LOOSE = 100


@dataclass(frozen=True)
class IssueLine:
    key: str
    summary: str
    type_name: str
    status: str
    colour: str
    assignee: str
    start: str
    due: str
    resolved: str


@dataclass(frozen=True)
class ProjectIndex:
    key: str
    name: str
    epics: list[tuple[IssueLine, list[IssueLine]]]
    loose: list[IssueLine]
    issue_count: int


_SELECT = (
    "SELECT i.*, u.display_name AS assignee_name FROM jira_issues i"
    " LEFT JOIN users u ON u.id = i.assignee_id"
)


def _line(row: sqlite3.Row) -> IssueLine:
    status = STATUSES_BY_ID.get(row["status_id"])
    issue_type = ISSUE_TYPES_BY_ID.get(row["issue_type_id"])
    return IssueLine(
        key=row["key"],
        summary=row["summary"],
        type_name=issue_type.name if issue_type else row["issue_type_id"],
        status=status.name if status else row["status_id"],
        colour=status.category.color if status else "grey",
        assignee=row["assignee_name"] or "Unassigned",
        start=row["start_date"] or "",
        due=row["duedate"] or "",
        resolved=(row["resolutiondate"] or "")[:10],
    )


def has_jira(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jira_issues'"
    ).fetchone()
    return found is not None


def project_indexes(conn: sqlite3.Connection) -> list[ProjectIndex]:
    if not has_jira(conn):
        return []
    projects = conn.execute("SELECT id, key, name FROM jira_projects ORDER BY key").fetchall()
    return [_project(conn, p["id"], p["key"], p["name"]) for p in projects]


def _project(conn: sqlite3.Connection, project_id: int, key: str, name: str) -> ProjectIndex:
    count = conn.execute(
        "SELECT COUNT(*) FROM jira_issues WHERE project_id = ?", (project_id,)
    ).fetchone()[0]
    epics = conn.execute(
        _SELECT + " WHERE i.project_id = ? AND i.issue_type_id = ? ORDER BY i.num LIMIT ?",
        (project_id, EPIC_TYPE, MAX_EPICS),
    ).fetchall()
    grouped = []
    for epic in epics:
        children = conn.execute(
            _SELECT + " WHERE i.epic_id = ? OR i.parent_id = ?"
            " ORDER BY COALESCE(i.duedate, '9999'), i.num LIMIT ?",
            (epic["id"], epic["id"], MAX_CHILDREN),
        ).fetchall()
        grouped.append((_line(epic), [_line(c) for c in children]))
    loose = conn.execute(
        _SELECT + " WHERE i.project_id = ? AND i.issue_type_id != ? AND i.epic_id IS NULL"
        " AND i.parent_id IS NULL ORDER BY i.num LIMIT ?",
        (project_id, EPIC_TYPE, MAX_LOOSE),
    ).fetchall()
    return ProjectIndex(key, name, grouped, [_line(r) for r in loose], count)


def issue_by_key(conn: sqlite3.Connection, key: str) -> tuple[IssueLine, dict[str, Any]] | None:
    """An issue's line plus the extra facts of its page (description, parent, epic, labels)."""
    if not has_jira(conn):
        return None
    row = conn.execute(_SELECT + " WHERE i.key = ?", (key.upper(),)).fetchone()
    if row is None:
        return None
    extra: dict[str, Any] = {"description": description_text(row["description"])}
    for name in ("parent_id", "epic_id"):
        if row[name] is not None:
            other = conn.execute("SELECT key, summary FROM jira_issues WHERE id = ?", (row[name],))
            extra[name] = other.fetchone()
    extra["labels"] = [
        r[0]
        for r in conn.execute(
            "SELECT label FROM jira_labels WHERE issue_id = ? ORDER BY label", (row["id"],)
        )
    ]
    return _line(row), extra


def description_text(raw: str | None) -> str:
    """Plain text of a description: ADF (Cloud v3) is reduced to its text, wiki markup kept."""
    if not raw:
        return ""
    try:
        document = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(document, str):  # wiki markup / plain text, stored as a JSON string
        return document
    if not isinstance(document, dict) or document.get("type") != "doc":
        return raw
    return "\n\n".join(_adf_text(block) for block in document.get("content") or []).strip()


def _adf_text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    joiner = "\n" if node.get("type") in ("bulletList", "orderedList", "listItem") else ""
    return joiner.join(_adf_text(child) for child in node.get("content") or [])
