"""Projects: lookup helpers and the project endpoints."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import user_by
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response


@dataclass(frozen=True)
class Project:
    id: int
    key: str
    name: str
    lead_id: int | None


def project_by_key(conn: sqlite3.Connection, key_or_id: str) -> Project | None:
    if key_or_id.isdigit():
        row = conn.execute("SELECT * FROM jira_projects WHERE id = ?", (int(key_or_id),)).fetchone()
    else:
        row = conn.execute(
            "SELECT * FROM jira_projects WHERE key = ? COLLATE NOCASE", (key_or_id,)
        ).fetchone()
    return Project(row["id"], row["key"], row["name"], row["lead_id"]) if row else None


def require_project(conn: sqlite3.Connection, key_or_id: str) -> Project:
    project = project_by_key(conn, key_or_id)
    if project is None:
        raise JiraError(404, [f"No project could be found with key '{key_or_id}'."])
    return project


def project_json(
    conn: sqlite3.Connection, view: JiraView, project: Project, full: bool
) -> dict[str, Any]:
    body = view.project_ref(project.id, project.key, project.name)
    if not full:
        return body
    lead = user_by(conn, "id", str(project.lead_id)) if project.lead_id else None
    from nivosync.sandbox.jira.versions import list_project_versions

    body.update(
        {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "description": "",
            "lead": view.user(lead),
            "components": [],
            "issueTypes": [view.issue_type(t) for t in catalog.ISSUE_TYPES],
            "assigneeType": "UNASSIGNED",
            "versions": list_project_versions(conn, view, project),
            "roles": {},
        }
    )
    if view.cloud:
        body["style"] = "classic"
        body["isPrivate"] = False
        body["properties"] = {}
    else:
        body["archived"] = False
    return body


def get_project(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        project = require_project(conn, key)
        return json_response(project_json(conn, view, project, full=True))


def list_projects(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        rows = conn.execute("SELECT key FROM jira_projects ORDER BY key").fetchall()
        projects = [require_project(conn, r["key"]) for r in rows]
        return json_response([project_json(conn, view, p, full=False) for p in projects])
