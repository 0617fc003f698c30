"""Create metadata: ``GET issue/createmeta/{project}/issuetypes[/{issueTypeId}]``.

The paged routes that replaced the old ``GET issue/createmeta`` (deprecated on Cloud, removed
from Data Center 9), which stays unserved. Cloud pages as ``{"issueTypes" | "fields": [...],
"startAt", "maxResults", "total"}``; Data Center as ``{"values": [...], "startAt",
"maxResults", "total", "isLast"}``. The fields are the issue type's screen (see `screens.py`)
as the caller sees it; a caller without Create Issues is offered no issue type.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.permissions import holds, no_project
from nivosync.sandbox.jira.projects import Project, project_by_key
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.screens import ScreenField, Screens
from nivosync.sandbox.jira.versions import list_project_versions
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response

CLOUD_MAX_RESULTS = 200
DEFAULT_MAX_RESULTS = 50

_OPERATIONS = {
    "issuetype": [],
    "labels": ["add", "set", "remove"],
    "fixVersions": ["set", "add", "remove"],
    "issuelinks": ["add"],
}


def _page_args(ctx: RequestContext) -> tuple[int, int]:
    args = ctx.request.args
    try:
        start = int(args.get("startAt", 0))
        limit = int(args.get("maxResults", DEFAULT_MAX_RESULTS))
    except ValueError as exc:
        raise JiraError(400, [f"startAt and maxResults must be numbers: {exc}"]) from exc
    if ctx.flavor == "cloud" and limit > CLOUD_MAX_RESULTS:
        raise JiraError(
            400, [f"Parameter 'maxResults' must not exceed the limit '{CLOUD_MAX_RESULTS}'"]
        )
    return max(start, 0), max(limit, 0)


def _page(ctx: RequestContext, key: str, items: list[Any], start: int, limit: int) -> Response:
    shown = items[start : start + limit]
    body: dict[str, Any] = {"maxResults": limit, "startAt": start, "total": len(items)}
    if ctx.flavor == "cloud":
        body[key] = shown
    else:
        body["values"] = shown
        body["isLast"] = start + len(shown) >= len(items)
    return json_response(body)


def _project(conn: sqlite3.Connection, ctx: RequestContext, key: str) -> Project:
    # Both specs answer 400 for a project that does not exist or cannot be seen.
    project = project_by_key(conn, key)
    if project is None or not holds(ctx, "BROWSE_PROJECTS"):
        raise JiraError(400, [no_project(key)])
    return project


def _cannot_create(ctx: RequestContext, project: Project, issue_type_id: str) -> JiraError:
    """Without Create Issues no issue type can be created (Cloud 404, Data Center 400)."""
    return JiraError(
        404 if ctx.flavor == "cloud" else 400,
        [
            f"You cannot create issues of the issue type with id '{issue_type_id}' in "
            f"project '{project.key}'."
        ],
    )


def issue_types_meta(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    start, limit = _page_args(ctx)
    with ctx.store.read() as conn:
        project = _project(conn, ctx, key)
    creatable = Screens.of(ctx).issue_types(project) if holds(ctx, "CREATE_ISSUES") else ()
    types = [view.issue_type(t, project.id) for t in creatable]
    return _page(ctx, "issueTypes", types, start, limit)


def fields_meta(ctx: RequestContext, api: str, key: str, issue_type_id: str) -> Response:
    view = JiraView.of(ctx, api)
    start, limit = _page_args(ctx)
    screens = Screens.of(ctx)
    with ctx.store.read() as conn:
        project = _project(conn, ctx, key)
        issue_type = next((t for t in screens.issue_types(project) if t.id == issue_type_id), None)
        if issue_type is not None and not holds(ctx, "CREATE_ISSUES"):
            raise _cannot_create(ctx, project, issue_type_id)
        if issue_type is None:
            raise JiraError(
                400,
                [
                    f"The issue type with id '{issue_type_id}' does not exist or is not in "
                    f"project '{project.key}'."
                ],
            )
        screen = screens.screen(project, issue_type)
        fields = [_field_meta(conn, view, project, issue_type, f) for f in screen.fields]
    return _page(ctx, "fields", fields, start, limit)


def _field_meta(
    conn: sqlite3.Connection,
    view: JiraView,
    project: Project,
    issue_type: catalog.IssueType,
    screen_field: ScreenField,
) -> dict[str, Any]:
    definition = screen_field.field
    body: dict[str, Any] = {
        "required": screen_field.required,
        "schema": definition.schema or {"type": "any"},
        "name": definition.name,
        "fieldId": definition.id,
        "hasDefaultValue": screen_field.has_default,
        "operations": _OPERATIONS.get(definition.id, ["set"]),
    }
    if view.cloud:
        body["key"] = definition.id
    allowed = _allowed_values(conn, view, project, issue_type, definition.id)
    if allowed is not None:
        body["allowedValues"] = allowed
    if definition.id == "priority":
        body["defaultValue"] = view.priority(catalog.DEFAULT_PRIORITY)
    if definition.id in ("assignee", "reporter"):
        search = "user/search?query=" if view.cloud else "user/picker?query="
        body["autoCompleteUrl"] = view.url(search)
    if definition.id == "labels":
        body["autoCompleteUrl"] = f"{view.base}/rest/api/1.0/labels/suggest?query="
    return body


def _allowed_values(
    conn: sqlite3.Connection,
    view: JiraView,
    project: Project,
    issue_type: catalog.IssueType,
    field_id: str,
) -> list[Any] | None:
    if field_id == "issuetype":
        return [view.issue_type(issue_type, project.id)]
    if field_id == "project":
        return [view.project_ref(project.id, project.key, project.name, issue_type.scoped)]
    if field_id == "priority":
        return [view.priority(p) for p in catalog.PRIORITIES]
    if field_id == "fixVersions":
        return list_project_versions(conn, view, project)
    return None


def register_createmeta(routes: JiraRoutes) -> None:
    routes.get("issue/createmeta/<key>/issuetypes", issue_types_meta)
    routes.get("issue/createmeta/<key>/issuetypes/<issue_type_id>", fields_meta)
