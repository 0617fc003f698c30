"""Workflow transitions: To Do → In Progress → Done (all global), resolution on Done.

Only holders of Transition Issues see or take any (both specs: 400 for the others). Done sets
the resolution Done itself; where the seed gives Done a screen with the Resolution field
(`resolution_screen`), whoever closes the issue picks one of the site's resolutions (its
metadata is listed with ``expand=transitions.fields``). A field that is not on the transition's
screen is refused, as the specs say. Each move is recorded in the issue's changelog: the status,
and the resolution when it changes, by the caller at the sandbox clock's time."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.changelog import ChangeItem, record_change
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import caller, require_issue
from nivosync.sandbox.jira.permissions import TRANSITION_REFUSED, holds, require
from nivosync.sandbox.jira.render import parse_list_param
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.screens import OFF_SCREEN
from nivosync.sandbox.jira.view import JiraView, jira_timestamp
from nivosync.sandbox.responses import empty_response, json_response
from nivosync.sandbox.seed import Flavor


def _has_screen(ctx: RequestContext, status: catalog.Status) -> bool:
    return ctx.seed.resolution_screen and status.category is catalog.CATEGORY_DONE


def _resolution_meta(view: JiraView) -> dict[str, Any]:
    """The Resolution field of a transition screen, as ``expand=transitions.fields`` lists it."""
    values = [view.resolution(r.id) for r in catalog.resolutions_for(view.flavor)]
    meta: dict[str, Any] = {
        "required": True,
        "schema": {"type": "resolution", "system": "resolution"},
        "name": "Resolution",
        "hasDefaultValue": False,
        "operations": ["set"],
        "allowedValues": values,
    }
    return {**meta, "key": "resolution"} if view.cloud else {**meta, "fieldId": "resolution"}


def _transition_json(
    ctx: RequestContext, view: JiraView, status: catalog.Status, with_fields: bool
) -> dict[str, Any]:
    screen = _has_screen(ctx, status)
    body: dict[str, Any] = {
        "id": status.transition_id,
        "name": status.name,
        "to": view.status(status),
        "hasScreen": screen,
        "isGlobal": True,
        "isInitial": False,
        "isAvailable": True,
        "isConditional": False,
        "isLooped": False,
    }
    if with_fields:
        body["fields"] = {"resolution": _resolution_meta(view)} if screen else {}
    return body


def transitions_json(
    ctx: RequestContext, view: JiraView, issue: sqlite3.Row, with_fields: bool = False
) -> list[dict[str, Any]]:
    """The transitions the caller may take (none without Transition Issues)."""
    if not holds(ctx, "TRANSITION_ISSUES"):
        return []
    return [
        _transition_json(ctx, view, s, with_fields)
        for s in catalog.STATUSES
        if s.id != issue["status_id"]
    ]


def get_transitions(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
    wanted = ctx.request.args.get("transitionId")
    expand = parse_list_param(ctx.request.args.getlist("expand"))
    transitions = transitions_json(ctx, view, issue, "transitions.fields" in expand)
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
        resolution = _resolution(ctx, target, body)
        author = caller(conn, ctx).id
        _move(conn, ctx.flavor, issue, target, resolution, ctx.clock.now(), author)
    return empty_response()


def _resolution(ctx: RequestContext, target: catalog.Status, body: Any) -> str | None:
    """The resolution the move sets (None: the issue is not done); a field off the
    transition's screen, or an unknown resolution, is refused (400)."""
    fields = body.get("fields") if isinstance(body, dict) else None
    given = dict(fields) if isinstance(fields, dict) else {}
    update = body.get("update") if isinstance(body, dict) else None
    updates = dict(update) if isinstance(update, dict) else {}
    off = [name for name in (*given, *updates) if name != "resolution"]
    if not _has_screen(ctx, target):
        off += ["resolution"] if "resolution" in given else []
    if off:
        raise JiraError(400, [], {name: OFF_SCREEN.format(name) for name in off})
    if target.category is not catalog.CATEGORY_DONE:
        return None
    if "resolution" not in given:
        return catalog.RESOLUTION_DONE["id"]
    value = given["resolution"]
    named = value if isinstance(value, dict) else {}
    ref = next((str(named[k]) for k in ("id", "name") if named.get(k)), "")
    found = catalog.resolution_by(ctx.flavor, ref) if ref else None
    if found is None:
        raise JiraError(400, [], {"resolution": f"Resolution '{ref}' is not valid."})
    return found.id


def _move(
    conn: sqlite3.Connection,
    flavor: Flavor,
    issue: sqlite3.Row,
    target: catalog.Status,
    resolution: str | None,
    now: Any,
    author_id: int,
) -> None:
    stamp = jira_timestamp(now)
    done = target.category is catalog.CATEGORY_DONE
    before = catalog.STATUSES_BY_ID[issue["status_id"]]
    category_changed = before.category is not target.category
    conn.execute(
        "UPDATE jira_issues SET status_id = ?, resolution_id = ?, resolutiondate = ?,"
        " updated = ?, status_changed = ? WHERE id = ?",
        (
            target.id,
            resolution,
            stamp if done else None,
            stamp,
            stamp if category_changed else issue["status_changed"],
            issue["id"],
        ),
    )
    items = [ChangeItem("status", "status", before.id, before.name, target.id, target.name)]
    if resolution != issue["resolution_id"]:
        items.insert(0, _resolution_item(flavor, issue["resolution_id"], resolution))
    record_change(conn, issue["id"], author_id, now, items)


def _resolution_item(flavor: Flavor, was: str | None, now: str | None) -> ChangeItem:
    def name(ref: str | None) -> str | None:
        found = catalog.resolution_by(flavor, ref) if ref else None
        return found.name if found else None

    return ChangeItem("resolution", "resolution", was, name(was), now, name(now))


def register_transitions(routes: JiraRoutes) -> None:
    routes.get("issue/<key>/transitions", get_transitions)
    routes.post("issue/<key>/transitions", post_transition)
