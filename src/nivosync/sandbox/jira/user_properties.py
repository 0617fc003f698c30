"""User properties (`/user/properties/{key}`): app data kept on a user, read consistently.

Who may write: Cloud lets any user set properties on their own record (an admin on anyone's);
Data Center requires the right to administer the user, i.e. a site admin (both as the specs say).
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import caller
from nivosync.sandbox.jira.payload import MAX_PROPERTY_BYTES
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.responses import empty_response, json_response


def _target(ctx: RequestContext, writing: bool) -> User:
    args = ctx.request.args
    with ctx.store.read() as conn:
        me = caller(conn, ctx)
        if ctx.flavor == "cloud":
            account = args.get("accountId")
            user = user_by(conn, "account_id", account) if account else None
        else:
            name = args.get("username")
            user = user_by(conn, "username", name) if name else None
            key = args.get("userKey")
            if user is None and key and key.startswith("JIRAUSER") and key[8:].isdigit():
                user = user_by(conn, "id", key[8:])
    if user is None:
        raise JiraError(404, ["The user does not exist."])
    own = user.id == me.id and ctx.flavor == "cloud"
    if (writing or user.id != me.id) and not own and not ctx.caller_is_admin:
        raise JiraError(403, ["You do not have permission to administer this user."])
    return user


def get_user_property(ctx: RequestContext, api: str, prop: str) -> Response:
    user = _target(ctx, writing=False)
    with ctx.store.read() as conn:
        row = conn.execute(
            "SELECT value FROM jira_user_properties WHERE user_id = ? AND key = ?",
            (user.id, prop),
        ).fetchone()
    if row is None:
        raise JiraError(404, [f"The property with key '{prop}' does not exist."])
    return json_response({"key": prop, "value": json.loads(row["value"])})


def put_user_property(ctx: RequestContext, api: str, prop: str) -> Response:
    encoded = json.dumps(ctx.json_body())
    if len(prop) > 255:
        raise JiraError(400, ["The property key can not be longer than 255 characters."])
    if len(encoded.encode()) > MAX_PROPERTY_BYTES:
        raise JiraError(400, ["The property value exceeds the maximum size of 32768 bytes."])
    user = _target(ctx, writing=True)
    with ctx.store.write() as conn:
        existed = conn.execute(
            "SELECT 1 FROM jira_user_properties WHERE user_id = ? AND key = ?", (user.id, prop)
        ).fetchone()
        conn.execute(
            "INSERT INTO jira_user_properties (user_id, key, value) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id, key) DO UPDATE SET value = excluded.value",
            (user.id, prop, encoded),
        )
    return empty_response(200 if existed else 201)


def delete_user_property(ctx: RequestContext, api: str, prop: str) -> Response:
    user = _target(ctx, writing=True)
    with ctx.store.write() as conn:
        gone = conn.execute(
            "DELETE FROM jira_user_properties WHERE user_id = ? AND key = ?", (user.id, prop)
        ).rowcount
    if not gone:
        raise JiraError(404, [f"The property with key '{prop}' does not exist."])
    return empty_response()


def register_user_properties(routes: JiraRoutes) -> None:
    routes.get("user/properties/<prop>", get_user_property)
    routes.put("user/properties/<prop>", put_user_property)
    routes.delete("user/properties/<prop>", delete_user_property)
