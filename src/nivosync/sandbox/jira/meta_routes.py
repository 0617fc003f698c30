"""Site-level Jira endpoints: serverInfo, myself, fields, issue types, link types, statuses."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import user_by
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.projects import project_by_key
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.screens import Screens
from nivosync.sandbox.jira.view import JiraView, jira_timestamp
from nivosync.sandbox.responses import json_response


def server_info(ctx: RequestContext, api: str) -> Response:
    now = jira_timestamp(ctx.clock.now())
    if ctx.flavor == "cloud":
        version, numbers, deployment, build = "1001.0.0-SNAPSHOT", [1001, 0, 0], "Cloud", 100285
    else:
        version, numbers, deployment, build = "10.3.6", [10, 3, 6], "Server", 10030006
    body = {
        "baseUrl": ctx.base_url,
        "version": version,
        "versionNumbers": numbers,
        "deploymentType": deployment,
        "buildNumber": build,
        "buildDate": "2025-01-01T00:00:00.000+0000",
        "serverTime": now,
        "scmInfo": "0000000000000000000000000000000000000000",
        "serverTitle": "Jira",
        "serverTimeZone": "Etc/UTC",
    }
    if ctx.flavor == "datacenter":
        body["defaultLocale"] = {"locale": "en_US"}
    return json_response(body)


def myself(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    assert ctx.admin is not None
    with ctx.store.read() as conn:
        user = user_by(conn, "email", ctx.admin.email)
    if user is None:
        raise JiraError(404, ["The user is not found."])
    body = view.user(user) or {}
    body["locale"] = "en_US"
    body["groups"] = {"size": 1, "items": []}
    body["applicationRoles"] = {"size": 1, "items": []}
    body["expand"] = "groups,applicationRoles"
    return json_response(body)


def field_json(
    view: JiraView, field: catalog.FieldDef, team_project_id: int | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": field.id,
        "name": field.name,
        "custom": field.custom,
        "orderable": field.orderable,
        "navigable": field.navigable,
        "searchable": field.searchable,
        "clauseNames": list(field.clause_names),
    }
    if view.cloud:
        body["key"] = field.id
    if field.schema is not None:
        body["schema"] = field.schema
    if view.cloud and field.scoped and team_project_id is not None:
        body["scope"] = view.project_scope(team_project_id)
    return body


def team_project_id(ctx: RequestContext) -> int | None:
    """The id of the seed's project when it is team-managed (what scoped things belong to)."""
    if not ctx.seed.team_managed:
        return None
    with ctx.store.read() as conn:
        project = project_by_key(conn, ctx.seed.project_key)
    return project.id if project else None


def list_fields(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    team = team_project_id(ctx)
    return json_response([field_json(view, f, team) for f in Screens(ctx.seed).site_fields()])


def list_issue_types(ctx: RequestContext, api: str) -> Response:
    """Every issue type of the site; Cloud lists a team-managed project's own ones too."""
    view = JiraView.of(ctx, api)
    team = team_project_id(ctx)
    types = [view.issue_type(t) for t in catalog.ISSUE_TYPES]
    if team is not None:
        types += [view.issue_type(t, team) for t in catalog.TEAM_ISSUE_TYPES]
    return json_response(types)


def list_link_types(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    return json_response({"issueLinkTypes": [view.link_type(t) for t in catalog.LINK_TYPES]})


def list_statuses(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    return json_response([view.status(s) for s in catalog.STATUSES])


def list_priorities(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    return json_response([view.priority(p) for p in catalog.PRIORITIES])


def register_meta(routes: JiraRoutes) -> None:
    routes.get("serverInfo", server_info)
    routes.get("myself", myself)
    routes.get("field", list_fields)
    routes.get("issuetype", list_issue_types)
    routes.get("issueLinkType", list_link_types)
    routes.get("status", list_statuses)
    routes.get("priority", list_priorities)
