"""Loading issues with everything they render (batched side tables, no query per issue)."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nivosync.sandbox.directory import User
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.changelog import author_ids, histories_of


@dataclass
class IssueRecord:
    row: sqlite3.Row
    project_key: str
    project_name: str
    labels: list[str] = field(default_factory=list)
    fix_versions: list[sqlite3.Row] = field(default_factory=list)
    links: list[sqlite3.Row] = field(default_factory=list)
    subtasks: list[sqlite3.Row] = field(default_factory=list)
    watcher_ids: list[int] = field(default_factory=list)
    properties: dict[str, Any] = field(default_factory=dict)
    custom_values: dict[str, Any] = field(default_factory=dict)  # the seed's custom fields
    histories: list[sqlite3.Row] = field(default_factory=list)  # its changelog, oldest first

    @property
    def id(self) -> int:
        return int(self.row["id"])

    @property
    def key(self) -> str:
        return str(self.row["key"])


@dataclass
class Loaded:
    """Issues plus the users and related issues (parents, epics, links) they mention."""

    issues: list[IssueRecord]
    users: dict[int, User]
    related: dict[int, sqlite3.Row]


def _in(ids: Sequence[object]) -> str:
    return ",".join("?" * len(ids))


def find_issue_id(conn: sqlite3.Connection, id_or_key: str) -> int | None:
    if id_or_key.isdigit():
        row = conn.execute("SELECT id FROM jira_issues WHERE id = ?", (int(id_or_key),)).fetchone()
    else:
        row = conn.execute(
            "SELECT id FROM jira_issues WHERE key = ?", (id_or_key.upper(),)
        ).fetchone()
    return int(row[0]) if row else None


def load_issues(
    conn: sqlite3.Connection,
    ids: Sequence[int],
    property_keys: Sequence[str] | None = None,
    with_changelog: bool = False,
) -> Loaded:
    """Load `ids` in that order; `property_keys` None = no properties, ["*all"] = all;
    `with_changelog`: their histories too (and the users who made them)."""
    if not ids:
        return Loaded([], {}, {})
    ids = list(ids)
    rows = conn.execute(
        "SELECT i.*, p.key AS project_key, p.name AS project_name FROM jira_issues i"
        f" JOIN jira_projects p ON p.id = i.project_id WHERE i.id IN ({_in(ids)})",
        ids,
    ).fetchall()
    by_id = {r["id"]: IssueRecord(r, r["project_key"], r["project_name"]) for r in rows}
    present = list(by_id)
    _attach_side_tables(conn, by_id, present)
    if property_keys:
        _attach_properties(conn, by_id, present, property_keys)
    if with_changelog:
        for issue_id, rows in histories_of(conn, present).items():
            by_id[issue_id].histories = rows
    records = [by_id[i] for i in ids if i in by_id]
    return Loaded(records, _users_of(conn, records), _related_of(conn, records))


def _attach_side_tables(
    conn: sqlite3.Connection, by_id: dict[int, IssueRecord], ids: list[int]
) -> None:
    marks = _in(ids)
    for r in conn.execute(
        f"SELECT issue_id, label FROM jira_labels WHERE issue_id IN ({marks}) ORDER BY label", ids
    ):
        by_id[r[0]].labels.append(r[1])
    for r in conn.execute(
        "SELECT f.issue_id, v.* FROM jira_fix_versions f JOIN jira_versions v"
        f" ON v.id = f.version_id WHERE f.issue_id IN ({marks}) ORDER BY v.id",
        ids,
    ):
        by_id[r["issue_id"]].fix_versions.append(r)
    for r in conn.execute(
        f"SELECT * FROM jira_links WHERE source_id IN ({marks}) OR dest_id IN ({marks})"
        " ORDER BY id",
        ids + ids,
    ):
        for end in (r["source_id"], r["dest_id"]):
            if end in by_id:
                by_id[end].links.append(r)
    for r in conn.execute(
        f"SELECT * FROM jira_issues WHERE parent_id IN ({marks}) ORDER BY id", ids
    ):
        issue_type = catalog.ISSUE_TYPES_BY_ID.get(r["issue_type_id"])
        if issue_type is not None and issue_type.subtask:
            by_id[r["parent_id"]].subtasks.append(r)
    for r in conn.execute(
        f"SELECT issue_id, field_id, value FROM jira_field_values WHERE issue_id IN ({marks})",
        ids,
    ):
        by_id[r[0]].custom_values[r[1]] = json.loads(r[2])
    for r in conn.execute(
        f"SELECT issue_id, user_id FROM jira_watchers WHERE issue_id IN ({marks})", ids
    ):
        by_id[r[0]].watcher_ids.append(r[1])


def _attach_properties(
    conn: sqlite3.Connection,
    by_id: dict[int, IssueRecord],
    ids: list[int],
    keys: Sequence[str],
) -> None:
    sql = f"SELECT issue_id, key, value FROM jira_issue_properties WHERE issue_id IN ({_in(ids)})"
    params: list[Any] = list(ids)
    if "*all" not in keys:
        sql += f" AND key IN ({_in(keys)})"
        params += list(keys)
    for r in conn.execute(sql + " ORDER BY key", params):
        by_id[r[0]].properties[r[1]] = json.loads(r[2])


def _users_of(conn: sqlite3.Connection, records: list[IssueRecord]) -> dict[int, User]:
    wanted: set[int] = author_ids(rec.histories for rec in records)
    for rec in records:
        wanted.update(
            uid
            for uid in (rec.row["assignee_id"], rec.row["reporter_id"], rec.row["creator_id"])
            if uid is not None
        )
    if not wanted:
        return {}
    ids = sorted(wanted)
    rows = conn.execute(f"SELECT * FROM users WHERE id IN ({_in(ids)})", ids).fetchall()
    return {r["id"]: User.from_row(r) for r in rows}


def _related_of(conn: sqlite3.Connection, records: list[IssueRecord]) -> dict[int, sqlite3.Row]:
    wanted: set[int] = set()
    for rec in records:
        wanted.update(i for i in (rec.row["parent_id"], rec.row["epic_id"]) if i is not None)
        for link in rec.links:
            wanted.update((link["source_id"], link["dest_id"]))
    if not wanted:
        return {}
    ids = sorted(wanted)
    rows = conn.execute(f"SELECT * FROM jira_issues WHERE id IN ({_in(ids)})", ids).fetchall()
    return {r["id"]: r for r in rows}


def issue_properties(conn: sqlite3.Connection, issue_id: int) -> dict[str, Any]:
    rows = conn.execute(
        "SELECT key, value FROM jira_issue_properties WHERE issue_id = ? ORDER BY key",
        (issue_id,),
    )
    return defaultdict(dict, {r[0]: json.loads(r[1]) for r in rows})
