"""Jira user lookups: Cloud by ``query``/``accountId``, Data Center by ``username``."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, search_users, user_by
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.projects import project_by_key
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response


def _page_args(ctx: RequestContext) -> tuple[int, int]:
    try:
        start = int(ctx.request.args.get("startAt", 0))
        limit = int(ctx.request.args.get("maxResults", 50))
    except ValueError as exc:
        raise JiraError(400, [f"Invalid paging parameter: {exc}"]) from exc
    return max(start, 0), min(max(limit, 0), 1000)


def _matching_users(ctx: RequestContext) -> list[User]:
    args = ctx.request.args
    start, limit = _page_args(ctx)
    with ctx.store.read() as conn:
        if ctx.flavor == "cloud":
            if args.get("accountId"):
                found = user_by(conn, "account_id", args["accountId"])
                users = [found] if found else []
            elif "query" in args or "username" in args:
                text = args.get("query", args.get("username", ""))
                users = search_users(conn, text, start + limit) if text else []
            else:
                raise JiraError(400, ["The query parameter 'query' is required."])
        else:
            username = args.get("username")
            if username is None:
                raise JiraError(400, ["The username query parameter was not provided"])
            users = search_users(conn, username, start + limit) if username not in ("", ".") else []
            if username in (".", "%"):
                users = search_users(conn, "", start + limit)
    return users[start:]


def user_search(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    return json_response([view.user(u) for u in _matching_users(ctx)])


def assignable_user_search(ctx: RequestContext, api: str) -> Response:
    project_key = ctx.request.args.get("project")
    if not project_key and not ctx.request.args.get("issueKey"):
        raise JiraError(400, ["The project or issue key is required to find assignable users."])
    if project_key:
        with ctx.store.read() as conn:
            if project_by_key(conn, project_key) is None:
                raise JiraError(404, [f"No project could be found with key '{project_key}'."])
    view = JiraView.of(ctx, api)
    return json_response([view.user(u) for u in _matching_users(ctx)])


def get_user(ctx: RequestContext, api: str) -> Response:
    args = ctx.request.args
    with ctx.store.read() as conn:
        if ctx.flavor == "cloud":
            ident = args.get("accountId")
            user = user_by(conn, "account_id", ident) if ident else None
        else:
            ident = args.get("username") or args.get("key")
            user = user_by(conn, "username", ident) if ident else None
    if user is None:
        if ctx.flavor == "cloud":
            raise JiraError(
                404, ["Specified user does not exist or you do not have required permissions"]
            )
        raise JiraError(404, [f"The user named '{ident}' does not exist"])
    return json_response(JiraView.of(ctx, api).user(user))


def register_users(routes: JiraRoutes) -> None:
    routes.get("user/search", user_search)
    routes.get("user/assignable/search", assignable_user_search)
    routes.get("user", get_user)
