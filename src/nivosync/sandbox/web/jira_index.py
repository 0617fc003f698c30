"""Reading Jira's tables for the browsing view (read-only; bounded, indexed queries)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from nivosync.sandbox.jira.catalog import ISSUE_TYPES_BY_ID, LINK_TYPES, STATUSES_BY_ID

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


def issue_line(conn: sqlite3.Connection, key: str) -> IssueLine | None:
    """One issue's line (a Jira macro on a page shows it)."""
    if not has_jira(conn):
        return None
    row = conn.execute(_SELECT + " WHERE i.key = ?", (key.upper(),)).fetchone()
    return _line(row) if row is not None else None


@dataclass(frozen=True)
class IssuePage:
    """What an issue's page shows besides its line."""

    id: int
    description: str | None  # as stored: ADF JSON (Cloud), a JSON string (wiki markup)
    labels: list[str]
    parent: IssueLine | None
    epic: IssueLine | None
    links: list[tuple[str, IssueLine]]  # ("blocks" / "is blocked by" …, the other issue)
    watchers: list[str]  # display names
    subtasks: list[IssueLine]
    children: list[IssueLine]  # an epic's issues (sub-tasks excluded)


def issue_by_key(conn: sqlite3.Connection, key: str) -> tuple[IssueLine, IssuePage] | None:
    """An issue's line plus the extra facts of its page."""
    if not has_jira(conn):
        return None
    row = conn.execute(_SELECT + " WHERE i.key = ?", (key.upper(),)).fetchone()
    if row is None:
        return None
    related = {
        name: conn.execute(_SELECT + " WHERE i.id = ?", (row[name],)).fetchone()
        for name in ("parent_id", "epic_id")
        if row[name] is not None
    }
    rows = conn.execute(
        _SELECT + " WHERE i.parent_id = ? OR i.epic_id = ? ORDER BY i.num LIMIT ?",
        (row["id"], row["id"], MAX_CHILDREN),
    )
    children = [_line(c) for c in rows]
    subtasks = {t.name for t in ISSUE_TYPES_BY_ID.values() if t.subtask}
    labels = conn.execute(
        "SELECT label FROM jira_labels WHERE issue_id = ? ORDER BY label", (row["id"],)
    )
    return _line(row), IssuePage(
        id=row["id"],
        description=row["description"],
        labels=[r[0] for r in labels],
        parent=_line(related["parent_id"]) if "parent_id" in related else None,
        epic=_line(related["epic_id"]) if "epic_id" in related else None,
        links=issue_links(conn, row["id"]),
        watchers=watcher_names(conn, row["id"]),
        subtasks=[c for c in children if c.type_name in subtasks],
        children=[c for c in children if c.type_name not in subtasks],
    )


def issue_links(conn: sqlite3.Connection, issue_id: int) -> list[tuple[str, IssueLine]]:
    """Each link as this issue reads it: "blocks X" from its source, "is blocked by Y" at its
    destination (the source of a link is its inward issue, the one that blocks)."""
    types = {t.id: t for t in LINK_TYPES}
    found = []
    rows = conn.execute(
        "SELECT * FROM jira_links WHERE source_id = ? OR dest_id = ? ORDER BY id LIMIT ?",
        (issue_id, issue_id, MAX_CHILDREN),
    ).fetchall()
    for link in rows:
        link_type = types.get(link["type_id"])
        outward = link["source_id"] == issue_id
        other = conn.execute(
            _SELECT + " WHERE i.id = ?", (link["dest_id"] if outward else link["source_id"],)
        ).fetchone()
        if link_type is not None and other is not None:
            found.append((link_type.outward if outward else link_type.inward, _line(other)))
    return found


def watcher_names(conn: sqlite3.Connection, issue_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT u.display_name FROM jira_watchers w JOIN users u ON u.id = w.user_id"
        " WHERE w.issue_id = ? ORDER BY u.display_name COLLATE NOCASE",
        (issue_id,),
    )
    return [r[0] for r in rows]
