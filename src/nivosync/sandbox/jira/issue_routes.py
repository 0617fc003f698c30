"""Issue endpoints: create, bulk create, get, edit, assignee."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.jira.changelog import field_changes, record_change
from nivosync.sandbox.jira.errors import FieldErrors, JiraError
from nivosync.sandbox.jira.payload import PayloadParser
from nivosync.sandbox.jira.permissions import (
    ASSIGN_REFUSED,
    EDIT_REFUSED,
    NO_ISSUE,
    QUIET_EDIT_REFUSED,
    Refusal,
    require,
    require_browse_issue,
)
from nivosync.sandbox.jira.records import find_issue_id, load_issues
from nivosync.sandbox.jira.render import FieldSelection, IssueRenderer, parse_list_param
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.screens import Screens
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.jira.writes import create_issue, update_issue
from nivosync.sandbox.responses import empty_response, json_response

BULK_LIMIT = 50


def caller(conn: sqlite3.Connection, ctx: RequestContext) -> User:
    assert ctx.admin is not None
    user = user_by(conn, "email", ctx.admin.email)
    assert user is not None, "admins are seeded as users"
    return user


def require_issue(conn: sqlite3.Connection, ctx: RequestContext, id_or_key: str) -> sqlite3.Row:
    """The issue, if it exists and the caller may browse its project (else 404, one message)."""
    require_browse_issue(ctx)
    issue_id = find_issue_id(conn, id_or_key)
    if issue_id is None:
        raise JiraError(404, [NO_ISSUE])
    return conn.execute("SELECT * FROM jira_issues WHERE id = ?", (issue_id,)).fetchone()


def _created_json(view: JiraView, issue_id: int, key: str) -> dict[str, Any]:
    return {"id": str(issue_id), "key": key, "self": view.url(f"issue/{issue_id}")}


def _create_one(
    conn: sqlite3.Connection, ctx: RequestContext, view: JiraView, body: Any
) -> dict[str, Any]:
    changes = PayloadParser(conn, view, Screens.of(ctx)).parse(body)
    issue_id, key = create_issue(conn, changes, caller(conn, ctx).id, ctx.clock.now())
    return _created_json(view, issue_id, key)


def post_issue(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    body = ctx.json_body()
    try:
        with ctx.store.write() as conn:
            return json_response(_create_one(conn, ctx, view, body), 201)
    except FieldErrors as exc:
        raise JiraError(400, exc.messages, exc.errors) from exc


def post_bulk(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    body = ctx.json_body()
    updates = body.get("issueUpdates") if isinstance(body, dict) else None
    if not isinstance(updates, list):
        raise JiraError(400, ["Issue updates must be provided (issueUpdates)."])
    if len(updates) > BULK_LIMIT:
        raise JiraError(
            400, [f"Bulk create is limited to {BULK_LIMIT} issues per request; got {len(updates)}."]
        )
    created: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    for number, update in enumerate(updates):
        try:
            # One transaction per element: like Jira, successes stay when others fail.
            with ctx.store.write() as conn:
                created.append(_create_one(conn, ctx, view, update))
        except FieldErrors as exc:
            failures.append(
                {
                    "status": 400,
                    "elementErrors": {"errorMessages": exc.messages, "errors": exc.errors},
                    "failedElementNumber": number,
                }
            )
    status = 201 if created or not updates else 400
    return json_response({"issues": created, "errors": failures}, status)


def get_issue(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    args = ctx.request.args
    selection = FieldSelection.parse(args.getlist("fields") or None)
    properties = parse_list_param(args.getlist("properties"))
    expand = parse_list_param(args.getlist("expand"))
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        history = "changelog" in expand
        loaded = load_issues(conn, [issue["id"]], properties or None, with_changelog=history)
    body = IssueRenderer(view, loaded, selection).issue(
        loaded.issues[0], expand, with_properties=bool(properties)
    )
    if {"transitions", "transitions.fields"} & set(expand):
        from nivosync.sandbox.jira.transitions import transitions_json

        with_fields = "transitions.fields" in expand
        body["transitions"] = transitions_json(ctx, view, loaded.issues[0].row, with_fields)
    return json_response(body)


def _edit(
    ctx: RequestContext,
    api: str,
    key: str,
    body: Any,
    *,
    screened: bool = True,
    needs: tuple[str, Refusal] = ("EDIT_ISSUES", EDIT_REFUSED),
) -> Response:
    """Apply `body` to the issue, which the caller may browse and holds `needs` on."""
    view = JiraView.of(ctx, api)
    try:
        with ctx.store.write() as conn:
            issue = require_issue(conn, ctx, key)
            require(ctx, *needs)
            parser = PayloadParser(conn, view, Screens.of(ctx), issue, screened=screened)
            changes = parser.parse(body)
            update_issue(conn, issue["id"], changes, ctx.clock.now())
            items = field_changes(conn, ctx.flavor, issue, changes.columns)
            record_change(conn, issue["id"], caller(conn, ctx).id, ctx.clock.now(), items)
    except FieldErrors as exc:
        raise JiraError(400, exc.messages, exc.errors) from exc
    return empty_response()


def put_issue(ctx: RequestContext, api: str, key: str) -> Response:
    # Both specs: notifyUsers=false needs a site admin or Administer Projects, else 403 (and
    # nothing is changed); site admins hold every project permission.
    quiet = ctx.request.args.get("notifyUsers", "true").strip().lower() == "false"
    if quiet:
        require(ctx, "ADMINISTER_PROJECTS", QUIET_EDIT_REFUSED)
    return _edit(ctx, api, key, ctx.json_body())


def put_assignee(ctx: RequestContext, api: str, key: str) -> Response:
    # Assigning needs the Assign Issues permission, not the Assignee field on the edit screen.
    body = {"fields": {"assignee": ctx.json_body()}}
    return _edit(ctx, api, key, body, screened=False, needs=("ASSIGN_ISSUES", ASSIGN_REFUSED))


def register_issues(routes: JiraRoutes) -> None:
    routes.post("issue", post_issue)
    routes.post("issue/bulk", post_bulk)
    routes.get("issue/<key>", get_issue)
    routes.put("issue/<key>", put_issue)
    routes.put("issue/<key>/assignee", put_assignee)
