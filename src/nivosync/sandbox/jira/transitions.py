"""Workflow transitions: To Do → In Progress → Done (all global), resolution on Done.

Only holders of Transition Issues see or take any (both specs: 400 for the others)."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import require_issue
from nivosync.sandbox.jira.permissions import TRANSITION_REFUSED, holds, require
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView, jira_timestamp
from nivosync.sandbox.responses import empty_response, json_response


def _transition_json(view: JiraView, status: catalog.Status) -> dict[str, Any]:
    return {
        "id": status.transition_id,
        "name": status.name,
        "to": view.status(status),
        "hasScreen": False,
        "isGlobal": True,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }


def transitions_json(
    ctx: RequestContext, view: JiraView, issue: sqlite3.Row
) -> list[dict[str, Any]]:
    """The transitions the caller may take (none without Transition Issues)."""
    if not holds(ctx, "TRANSITION_ISSUES"):
        return []
    return [_transition_json(view, s) for s in catalog.STATUSES if s.id != issue["status_id"]]


def get_transitions(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
    wanted = ctx.request.args.get("transitionId")
    transitions = transitions_json(ctx, view, issue)
    if wanted:
        transitions = [t for t in transitions if t["id"] == wanted]
    return json_response({"expand": "transitions", "transitions": transitions})


def post_transition(ctx: RequestContext, api: str, key: str) -> Response:
    body = ctx.json_body()
    transition = body.get("transition") if isinstance(body, dict) else None
    wanted = str(transition.get("id", "")) if isinstance(transition, dict) else ""
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        require(ctx, "TRANSITION_ISSUES", TRANSITION_REFUSED)
        target = next(
            (
                s
                for s in catalog.STATUSES
                if s.transition_id == wanted and s.id != issue["status_id"]
            ),
            None,
        )
        if target is None:
            raise JiraError(400, [f"Transition id '{wanted}' is not valid for this issue."])
        _move(conn, issue, target, ctx.clock.now())
    return empty_response()


def _move(conn: sqlite3.Connection, issue: sqlite3.Row, target: catalog.Status, now: Any) -> None:
    stamp = jira_timestamp(now)
    done = target.category is catalog.CATEGORY_DONE
    category_changed = catalog.STATUSES_BY_ID[issue["status_id"]].category is not target.category
    conn.execute(
        "UPDATE jira_issues SET status_id = ?, resolution_id = ?, resolutiondate = ?,"
        " updated = ?, status_changed = ? WHERE id = ?",
        (
            target.id,
            catalog.RESOLUTION_DONE["id"] if done else None,
            stamp if done else None,
            stamp,
            stamp if category_changed else issue["status_changed"],
            issue["id"],
        ),
    )


def register_transitions(routes: JiraRoutes) -> None:
    routes.get("issue/<key>/transitions", get_transitions)
    routes.post("issue/<key>/transitions", post_transition)
