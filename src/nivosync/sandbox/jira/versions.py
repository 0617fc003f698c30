"""Project versions (releases): create, list per project, get by id."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
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


def create_version(ctx: RequestContext, api: str) -> Response:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise JiraError(400, ["Invalid request payload."])
    name = str(body.get("name") or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "You must specify a valid version name"
    elif len(name) > 255:
        errors["name"] = "The version name must not exceed 255 characters."
    project_ref = body.get("projectId", body.get("project"))
    release_date = _date_field(body, "releaseDate")
    start_date = _date_field(body, "startDate")
    view = JiraView.of(ctx, api)
    with ctx.store.write() as conn:
        project = project_by_key(conn, str(project_ref)) if project_ref is not None else None
        if project is None:
            errors["project"] = "Project must be specified to create a version."
        if errors:
            raise JiraError(400, errors=errors)
        assert project is not None
        clash = conn.execute(
            "SELECT 1 FROM jira_versions WHERE project_id = ? AND name = ? COLLATE NOCASE",
            (project.id, name),
        ).fetchone()
        if clash:
            raise JiraError(
                400, errors={"name": "A version with this name already exists in this project."}
            )
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


def get_version(ctx: RequestContext, api: str, version_id: int) -> Response:
    with ctx.store.read() as conn:
        row = conn.execute("SELECT * FROM jira_versions WHERE id = ?", (version_id,)).fetchone()
    if row is None:
        raise JiraError(404, [f"Could not find version for id '{version_id}'"])
    return json_response(version_json(JiraView.of(ctx, api), row))


def project_versions(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        return json_response(list_project_versions(conn, view, require_project(conn, key)))


def project_versions_page(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    start = int(ctx.request.args.get("startAt", 0))
    limit = int(ctx.request.args.get("maxResults", 50))
    with ctx.store.read() as conn:
        values = list_project_versions(conn, view, require_project(conn, key))
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
