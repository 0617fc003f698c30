"""Per-issue watchers and entity properties.

Watching needs the issue to be visible (Browse Projects); adding or removing someone else
needs Manage Watchers; writing properties needs Edit Issues."""

from __future__ import annotations

import json
import sqlite3

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import caller, require_issue
from nivosync.sandbox.jira.payload import MAX_PROPERTY_BYTES
from nivosync.sandbox.jira.permissions import (
    PROPERTY_DELETE_REFUSED,
    PROPERTY_EDIT_REFUSED,
    WATCHERS_REFUSED,
    require,
)
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.jira.writes import touch
from nivosync.sandbox.responses import empty_response, json_response


def get_watchers(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        rows = conn.execute(
            "SELECT u.* FROM jira_watchers w JOIN users u ON u.id = w.user_id"
            " WHERE w.issue_id = ? ORDER BY u.display_name",
            (issue["id"],),
        ).fetchall()
    watchers = [view.user(User.from_row(r)) for r in rows]
    return json_response(
        {
            "self": view.url(f"issue/{issue['key']}/watchers"),
            "isWatching": False,
            "watchCount": len(watchers),
            "watchers": watchers,
        }
    )


def _watcher_user(ctx: RequestContext, ident: str | None) -> User:
    column = "account_id" if ctx.flavor == "cloud" else "username"
    with ctx.store.read() as conn:
        user = user_by(conn, column, ident) if ident else None
    if user is None:
        raise JiraError(400, [f'The user "{ident}" does not exist.'])
    return user


def _may_watch_for(conn: sqlite3.Connection, ctx: RequestContext, user: User) -> None:
    """Anyone who sees the issue may add or remove themselves; anyone else needs Manage
    Watchers (Cloud 403, Data Center 401, as the specs say)."""
    if user.id != caller(conn, ctx).id:
        require(ctx, "MANAGE_WATCHERS", WATCHERS_REFUSED)


def post_watcher(ctx: RequestContext, api: str, key: str) -> Response:
    ident = ctx.json_body()
    user = _watcher_user(ctx, ident if isinstance(ident, str) else None)
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        _may_watch_for(conn, ctx, user)
        conn.execute(
            "INSERT OR IGNORE INTO jira_watchers (issue_id, user_id) VALUES (?, ?)",
            (issue["id"], user.id),
        )
    return empty_response()


def delete_watcher(ctx: RequestContext, api: str, key: str) -> Response:
    args = ctx.request.args
    ident = args.get("accountId") if ctx.flavor == "cloud" else args.get("username")
    user = _watcher_user(ctx, ident)
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        _may_watch_for(conn, ctx, user)
        conn.execute(
            "DELETE FROM jira_watchers WHERE issue_id = ? AND user_id = ?", (issue["id"], user.id)
        )
    return empty_response()


def list_properties(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        rows = conn.execute(
            "SELECT key FROM jira_issue_properties WHERE issue_id = ? ORDER BY key",
            (issue["id"],),
        ).fetchall()
    return json_response(
        {
            "keys": [
                {"self": view.url(f"issue/{issue['key']}/properties/{r['key']}"), "key": r["key"]}
                for r in rows
            ]
        }
    )


def get_property(ctx: RequestContext, api: str, key: str, prop: str) -> Response:
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        row = conn.execute(
            "SELECT value FROM jira_issue_properties WHERE issue_id = ? AND key = ?",
            (issue["id"], prop),
        ).fetchone()
    if row is None:
        raise JiraError(404, [f"The property with key '{prop}' does not exist."])
    return json_response({"key": prop, "value": json.loads(row["value"])})


def put_property(ctx: RequestContext, api: str, key: str, prop: str) -> Response:
    value = ctx.json_body()
    encoded = json.dumps(value)
    if len(prop) > 255:
        raise JiraError(400, ["The property key can not be longer than 255 characters."])
    if len(encoded.encode()) > MAX_PROPERTY_BYTES:
        raise JiraError(400, ["The property value exceeds the maximum size of 32768 bytes."])
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        require(ctx, "EDIT_ISSUES", PROPERTY_EDIT_REFUSED)
        existed = conn.execute(
            "SELECT 1 FROM jira_issue_properties WHERE issue_id = ? AND key = ?",
            (issue["id"], prop),
        ).fetchone()
        conn.execute(
            "INSERT INTO jira_issue_properties (issue_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (issue_id, key) DO UPDATE SET value = excluded.value",
            (issue["id"], prop, encoded),
        )
        touch(conn, issue["id"], ctx.clock.now())
    return empty_response(200 if existed else 201)


def delete_property(ctx: RequestContext, api: str, key: str, prop: str) -> Response:
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        require(ctx, "EDIT_ISSUES", PROPERTY_DELETE_REFUSED)
        gone = conn.execute(
            "DELETE FROM jira_issue_properties WHERE issue_id = ? AND key = ?",
            (issue["id"], prop),
        ).rowcount
    if not gone:
        raise JiraError(404, [f"The property with key '{prop}' does not exist."])
    return empty_response()


def delete_issue(ctx: RequestContext, api: str, key: str) -> Response:
    """`DELETE /issue/{key}`: Jira's default scheme lets project administrators delete; the
    issue's children stay, no longer linked to it (as Jira does for an epic's issues)."""
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        if "ADMINISTER_PROJECTS" not in ctx.project_permissions:
            raise JiraError(403, ["You do not have permission to delete issues in this project."])
        conn.execute("UPDATE jira_issues SET parent_id = NULL WHERE parent_id = ?", (issue["id"],))
        conn.execute("UPDATE jira_issues SET epic_id = NULL WHERE epic_id = ?", (issue["id"],))
        conn.execute("DELETE FROM jira_issues WHERE id = ?", (issue["id"],))
    return empty_response()


def register_issue_extras(routes: JiraRoutes) -> None:
    routes.delete("issue/<key>", delete_issue)
    routes.get("issue/<key>/watchers", get_watchers)
    routes.post("issue/<key>/watchers", post_watcher)
    routes.delete("issue/<key>/watchers", delete_watcher)
    routes.get("issue/<key>/properties", list_properties)
    routes.get("issue/<key>/properties/<prop>", get_property)
    routes.put("issue/<key>/properties/<prop>", put_property)
    routes.delete("issue/<key>/properties/<prop>", delete_property)
