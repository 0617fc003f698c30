"""Projects: lookup helpers and the project endpoints."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import user_by
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.permissions import holds, no_project
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response
from nivosync.sandbox.seed import SiteSeed


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


def require_project(conn: sqlite3.Connection, ctx: RequestContext, key_or_id: str) -> Project:
    """The project, if it exists and the caller may browse it (else 404, one message)."""
    project = project_by_key(conn, key_or_id)
    if project is None or not holds(ctx, "BROWSE_PROJECTS"):
        raise JiraError(404, [no_project(key_or_id)])
    return project


def project_json(
    conn: sqlite3.Connection, view: JiraView, project: Project, full: bool, seed: SiteSeed
) -> dict[str, Any]:
    # Imported here: both modules build on `Project` from this one.
    from nivosync.sandbox.jira.screens import Screens
    from nivosync.sandbox.jira.versions import list_project_versions

    screens = Screens(seed)
    team = screens.team_managed(project)
    body = view.project_ref(project.id, project.key, project.name, team)
    if not full:
        return body
    lead = user_by(conn, "id", str(project.lead_id)) if project.lead_id else None

    body.update(
        {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "description": "",
            "lead": view.user(lead),
            "components": [],
            "issueTypes": [view.issue_type(t, project.id) for t in screens.issue_types(project)],
            "assigneeType": "UNASSIGNED",
            "versions": list_project_versions(conn, view, project),
            "roles": {},
        }
    )
    if view.cloud:
        body["style"] = "next-gen" if team else "classic"
        body["isPrivate"] = False
        body["properties"] = {}
    else:
        body["archived"] = False
    return body


def get_project(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        project = require_project(conn, ctx, key)
        return json_response(project_json(conn, view, project, True, ctx.seed))


def list_projects(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        rows = conn.execute("SELECT key FROM jira_projects ORDER BY key").fetchall()
        # Only the projects the caller may browse are listed.
        keys = [r["key"] for r in rows] if holds(ctx, "BROWSE_PROJECTS") else []
        projects = [require_project(conn, ctx, key) for key in keys]
        return json_response([project_json(conn, view, p, False, ctx.seed) for p in projects])
