"""Writing validated issue changes to the store."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.payload import IssueChanges
from nivosync.sandbox.jira.view import jira_timestamp


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT COALESCE(MAX(id), 9999) + 1 FROM {table}").fetchone()[0])


def create_issue(
    conn: sqlite3.Connection, changes: IssueChanges, caller_id: int, now: datetime
) -> tuple[int, str]:
    """Insert a new issue (reporter and creator = caller, who also watches it)."""
    assert changes.project is not None and changes.issue_type is not None
    num = conn.execute(
        "UPDATE jira_projects SET next_num = next_num + 1 WHERE id = ? RETURNING next_num - 1",
        (changes.project.id,),
    ).fetchone()[0]
    issue_id = _next_id(conn, "jira_issues")
    key = f"{changes.project.key}-{num}"
    stamp = jira_timestamp(now)
    columns = {
        "id": issue_id,
        "project_id": changes.project.id,
        "num": num,
        "key": key,
        "issue_type_id": changes.issue_type.id,
        "status_id": catalog.INITIAL_STATUS.id,
        "priority_id": catalog.DEFAULT_PRIORITY.id,
        "reporter_id": caller_id,
        "creator_id": caller_id,
        "created": stamp,
        "updated": stamp,
        "status_changed": stamp,
        **changes.columns,
    }
    names = ", ".join(columns)
    conn.execute(
        f"INSERT INTO jira_issues ({names}) VALUES ({', '.join('?' * len(columns))})",
        list(columns.values()),
    )
    conn.execute(
        "INSERT INTO jira_watchers (issue_id, user_id) VALUES (?, ?)", (issue_id, caller_id)
    )
    _apply_related(conn, issue_id, changes)
    return issue_id, key


def update_issue(
    conn: sqlite3.Connection, issue_id: int, changes: IssueChanges, now: datetime
) -> None:
    columns = {**changes.columns, "updated": jira_timestamp(now)}
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(
        f"UPDATE jira_issues SET {assignments} WHERE id = ?", [*columns.values(), issue_id]
    )
    _apply_related(conn, issue_id, changes)


def touch(conn: sqlite3.Connection, issue_id: int, now: datetime) -> None:
    conn.execute("UPDATE jira_issues SET updated = ? WHERE id = ?", (jira_timestamp(now), issue_id))


def _apply_related(conn: sqlite3.Connection, issue_id: int, changes: IssueChanges) -> None:
    if changes.labels_set is not None:
        conn.execute("DELETE FROM jira_labels WHERE issue_id = ?", (issue_id,))
    labels = [*(changes.labels_set or []), *changes.labels_add]
    conn.executemany(
        "INSERT OR IGNORE INTO jira_labels (issue_id, label) VALUES (?, ?)",
        [(issue_id, label) for label in labels],
    )
    conn.executemany(
        "DELETE FROM jira_labels WHERE issue_id = ? AND label = ?",
        [(issue_id, label) for label in changes.labels_remove],
    )
    if changes.fix_version_ids is not None:
        conn.execute("DELETE FROM jira_fix_versions WHERE issue_id = ?", (issue_id,))
        conn.executemany(
            "INSERT OR IGNORE INTO jira_fix_versions (issue_id, version_id) VALUES (?, ?)",
            [(issue_id, v) for v in changes.fix_version_ids],
        )
    for link in changes.links:
        source, dest = (
            (issue_id, link.other_id) if link.this_is_source else (link.other_id, issue_id)
        )
        add_link(conn, link.type_id, source, dest)
    conn.executemany(
        "INSERT INTO jira_issue_properties (issue_id, key, value) VALUES (?, ?, ?)"
        " ON CONFLICT (issue_id, key) DO UPDATE SET value = excluded.value",
        [(issue_id, key, value) for key, value in changes.properties.items()],
    )
    for field_id, value in changes.custom.items():
        if value is None:
            conn.execute(
                "DELETE FROM jira_field_values WHERE issue_id = ? AND field_id = ?",
                (issue_id, field_id),
            )
        else:
            conn.execute(
                "INSERT INTO jira_field_values (issue_id, field_id, value) VALUES (?, ?, ?)"
                " ON CONFLICT (issue_id, field_id) DO UPDATE SET value = excluded.value",
                (issue_id, field_id, value),
            )


def add_link(conn: sqlite3.Connection, type_id: str, source_id: int, dest_id: int) -> None:
    """Link `source_id` (outward side, e.g. "blocks") to `dest_id`; an existing link is kept."""
    exists = conn.execute(
        "SELECT 1 FROM jira_links WHERE type_id = ? AND source_id = ? AND dest_id = ?",
        (type_id, source_id, dest_id),
    ).fetchone()
    if not exists:
        conn.execute(
            "INSERT INTO jira_links (id, type_id, source_id, dest_id) VALUES (?, ?, ?, ?)",
            (_next_id(conn, "jira_links"), type_id, source_id, dest_id),
        )
