"""Project versions (releases): create, edit, list per project, get by id.

Seeing them needs Browse Projects; creating and editing them, Administer Projects."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.permissions import (
    VERSION_CREATE_REFUSED,
    VERSION_EDIT_REFUSED,
    holds,
    require,
)
from nivosync.sandbox.jira.projects import Project, project_by_key, require_project
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response


def version_json(view: JiraView, row: sqlite3.Row) -> dict[str, Any]:
    body: dict[str, Any] = {
        "self": view.url(f"version/{row['id']}"),
        "id": str(row["id"]),
        "name": row["name"],
        "archived": bool(row["archived"]),
        "released": bool(row["released"]),
        "projectId": row["project_id"],
    }
    if row["description"]:
        body["description"] = row["description"]
    if row["start_date"]:
        body["startDate"] = row["start_date"]
    if row["release_date"]:
        body["releaseDate"] = row["release_date"]
        body["userReleaseDate"] = date.fromisoformat(row["release_date"]).strftime("%d/%b/%y")
        if not row["released"]:
            body["overdue"] = False
    return body


def list_project_versions(
    conn: sqlite3.Connection, view: JiraView, project: Project
) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT * FROM jira_versions WHERE project_id = ? ORDER BY id", (project.id,)
    ).fetchall()
    return [version_json(view, r) for r in rows]


def _date_field(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise JiraError(
            400,
            errors={name: 'Invalid date format. Please enter the date in the format "yyyy-MM-dd".'},
        ) from exc


def _name_error(name: str) -> str | None:
    if not name:
        return "You must specify a valid version name"
    if len(name) > 255:
        return "The version name must not exceed 255 characters."
    return None


def _clashes(conn: sqlite3.Connection, project_id: int, name: str, own_id: int = 0) -> bool:
    return bool(
        conn.execute(
            "SELECT 1 FROM jira_versions WHERE project_id = ? AND name = ? COLLATE NOCASE"
            " AND id != ?",
            (project_id, name, own_id),
        ).fetchone()
    )


_CLASH = {"name": "A version with this name already exists in this project."}


def create_version(ctx: RequestContext, api: str) -> Response:
    """Needs Administer Projects (refused: Cloud 404, Data Center 403, as the specs say)."""
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise JiraError(400, ["Invalid request payload."])
    name = str(body.get("name") or "").strip()
    errors: dict[str, str] = {}
    if (problem := _name_error(name)) is not None:
        errors["name"] = problem
    project_ref = body.get("projectId", body.get("project"))
    release_date = _date_field(body, "releaseDate")
    start_date = _date_field(body, "startDate")
    view = JiraView.of(ctx, api)
    with ctx.store.write() as conn:
        project = project_by_key(conn, str(project_ref)) if project_ref is not None else None
        if project is None or not holds(ctx, "BROWSE_PROJECTS"):
            errors["project"] = "Project must be specified to create a version."
        else:
            require(ctx, "ADMINISTER_PROJECTS", VERSION_CREATE_REFUSED)
        if errors:
            raise JiraError(400, errors=errors)
        assert project is not None
        if _clashes(conn, project.id, name):
            raise JiraError(400, errors=_CLASH)
        next_id = conn.execute("SELECT COALESCE(MAX(id), 9999) + 1 FROM jira_versions").fetchone()
        conn.execute(
            "INSERT INTO jira_versions (id, project_id, name, description, start_date,"
            " release_date, released, archived) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                next_id[0],
                project.id,
                name,
                body.get("description"),
                start_date,
                release_date,
                int(bool(body.get("released"))),
                int(bool(body.get("archived"))),
            ),
        )
        row = conn.execute("SELECT * FROM jira_versions WHERE id = ?", (next_id[0],)).fetchone()
    return json_response(version_json(view, row), 201)


def _version_changes(body: dict[str, Any]) -> dict[str, Any]:
    """The columns a version update sets (only the fields it names)."""
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = str(body.get("name") or "").strip()
        if (problem := _name_error(changes["name"])) is not None:
            raise JiraError(400, errors={"name": problem})
    if "description" in body:
        changes["description"] = body.get("description")
    for name, column in (("releaseDate", "release_date"), ("startDate", "start_date")):
        if name in body:
            changes[column] = _date_field(body, name)
    for flag in ("released", "archived"):
        if flag in body:
            changes[flag] = int(bool(body.get(flag)))
    return changes


def _require_version(conn: sqlite3.Connection, ctx: RequestContext, version_id: int) -> sqlite3.Row:
    """The version, if it exists in a project the caller may browse."""
    row = conn.execute("SELECT * FROM jira_versions WHERE id = ?", (version_id,)).fetchone()
    if row is None or not holds(ctx, "BROWSE_PROJECTS"):
        raise JiraError(404, [f"Could not find version for id '{version_id}'"])
    return row


def update_version(ctx: RequestContext, api: str, version_id: int) -> Response:
    """Needs Administer Projects (refused: Cloud 400, Data Center 403, as the specs say)."""
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise JiraError(400, ["Invalid request payload."])
    with ctx.store.write() as conn:
        row = _require_version(conn, ctx, version_id)
        require(ctx, "ADMINISTER_PROJECTS", VERSION_EDIT_REFUSED)
        changes = _version_changes(body)
        if "name" in changes and _clashes(conn, row["project_id"], changes["name"], version_id):
            raise JiraError(400, errors=_CLASH)
        if changes:
            assignments = ", ".join(f"{column} = ?" for column in changes)
            conn.execute(
                f"UPDATE jira_versions SET {assignments} WHERE id = ?",
                [*changes.values(), version_id],
            )
        row = _require_version(conn, ctx, version_id)
    return json_response(version_json(JiraView.of(ctx, api), row))


def get_version(ctx: RequestContext, api: str, version_id: int) -> Response:
    with ctx.store.read() as conn:
        row = _require_version(conn, ctx, version_id)
    return json_response(version_json(JiraView.of(ctx, api), row))


def project_versions(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        return json_response(list_project_versions(conn, view, require_project(conn, ctx, key)))


def project_versions_page(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    start = int(ctx.request.args.get("startAt", 0))
    limit = int(ctx.request.args.get("maxResults", 50))
    with ctx.store.read() as conn:
        values = list_project_versions(conn, view, require_project(conn, ctx, key))
    page = values[start : start + limit]
    return json_response(
        {
            "self": view.url(f"project/{key}/version?maxResults={limit}&startAt={start}"),
            "maxResults": limit,
            "startAt": start,
            "total": len(values),
            "isLast": start + limit >= len(values),
            "values": page,
        }
    )
