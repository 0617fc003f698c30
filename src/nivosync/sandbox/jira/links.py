"""Issue links (``POST /issueLink``: the inward issue is the one that "blocks").

Linking and unlinking need Link Issues (Cloud 404, Data Center 401, as the specs say)."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import require_issue
from nivosync.sandbox.jira.payload import _ref
from nivosync.sandbox.jira.permissions import LINK_REFUSED, holds, require
from nivosync.sandbox.jira.records import load_issues
from nivosync.sandbox.jira.render import FieldSelection, IssueRenderer
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.jira.writes import add_link, touch
from nivosync.sandbox.responses import empty_response, json_response


def _link_type(ref: str | None) -> catalog.LinkType:
    found = next((t for t in catalog.LINK_TYPES if ref in (t.id, t.name)), None)
    if found is None:
        raise JiraError(404, [f"No issue link type with name '{ref}' found."])
    return found


def post_link(ctx: RequestContext, api: str) -> Response:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise JiraError(400, ["Can not deserialize the link payload."])
    link_type = _link_type(_ref(body.get("type")))
    with ctx.store.write() as conn:
        inward = require_issue(conn, ctx, _ref(body.get("inwardIssue")) or "")
        outward = require_issue(conn, ctx, _ref(body.get("outwardIssue")) or "")
        # Jira checks Link Issues on the issue linked from (the inward one).
        require(ctx, "LINK_ISSUES", LINK_REFUSED, key=inward["key"])
        add_link(conn, link_type.id, inward["id"], outward["id"])
        now = ctx.clock.now()
        touch(conn, inward["id"], now)
        touch(conn, outward["id"], now)
    return empty_response(201)


def _require_link(conn: sqlite3.Connection, ctx: RequestContext, link_id: int) -> sqlite3.Row:
    """The link, if it exists between issues the caller may browse."""
    link = conn.execute("SELECT * FROM jira_links WHERE id = ?", (link_id,)).fetchone()
    if link is None or not holds(ctx, "BROWSE_PROJECTS"):
        raise JiraError(404, [f"No issue link with id '{link_id}' exists."])
    return link


def get_link(ctx: RequestContext, api: str, link_id: int) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        link = _require_link(conn, ctx, link_id)
        loaded = load_issues(conn, [link["source_id"]])
    renderer = IssueRenderer(view, loaded, FieldSelection.parse(["issuelinks"]))
    source = loaded.issues[0]
    rendered: dict[str, Any] = next(
        li for li in renderer.issue(source)["fields"]["issuelinks"] if li["id"] == str(link_id)
    )
    inward = renderer._issue_ref(loaded.related[link["source_id"]])
    return json_response(
        {
            "id": rendered["id"],
            "self": rendered["self"],
            "type": rendered["type"],
            "inwardIssue": inward,
            "outwardIssue": rendered["outwardIssue"],
        }
    )


def delete_link(ctx: RequestContext, api: str, link_id: int) -> Response:
    with ctx.store.write() as conn:
        link = _require_link(conn, ctx, link_id)
        source = conn.execute(
            "SELECT key FROM jira_issues WHERE id = ?", (link["source_id"],)
        ).fetchone()
        require(ctx, "LINK_ISSUES", LINK_REFUSED, key=source["key"])
        conn.execute("DELETE FROM jira_links WHERE id = ?", (link_id,))
    return empty_response(204)


def get_link_type(ctx: RequestContext, api: str, type_id: str) -> Response:
    link_type = next((t for t in catalog.LINK_TYPES if t.id == type_id), None)
    if link_type is None:
        raise JiraError(404, [f"No issue link type with id '{type_id}' exists."])
    return json_response(JiraView.of(ctx, api).link_type(link_type))


def register_links(routes: JiraRoutes) -> None:
    routes.post("issueLink", post_link)
    routes.get("issueLink/<int:link_id>", get_link)
    routes.delete("issueLink/<int:link_id>", delete_link)
    routes.get("issueLinkType/<type_id>", get_link_type)
