"""Jira user lookups: Cloud by ``query``/``accountId``, Data Center by ``username``.

On Cloud a person who hides their email is not found by it (by name and accountId still);
assignable-user searches list only holders of Assignable User in the project.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, search_users, user_by
from nivosync.sandbox.jira import permissions
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.projects import project_by_key
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response

NO_LIMIT = -1  # SQLite's LIMIT -1: every match (filtered and paged here)


def _page_args(ctx: RequestContext) -> tuple[int, int]:
    try:
        start = int(ctx.request.args.get("startAt", 0))
        limit = int(ctx.request.args.get("maxResults", 50))
    except ValueError as exc:
        raise JiraError(400, [f"Invalid paging parameter: {exc}"]) from exc
    return max(start, 0), min(max(limit, 0), 1000)


def _found_by(user: User, text: str, hidden: frozenset[str]) -> bool:
    """Whether `user` matches `text` other than by a hidden email (`search_users`' rules:
    email, username, or display name or one of its words, by prefix)."""
    text = text.casefold()
    by_name = f" {user.display_name.casefold()}".find(f" {text}") >= 0
    by_email = user.email.casefold().startswith(text) and user.email.lower() not in hidden
    return by_name or by_email or user.username.casefold().startswith(text)


def _search(ctx: RequestContext, conn: sqlite3.Connection, text: str) -> list[User]:
    found = search_users(conn, text, NO_LIMIT)
    hidden = permissions.hidden_emails(ctx)  # Cloud: not found by an email they hide
    return [u for u in found if _found_by(u, text, hidden)] if hidden else found


def _matching_users(ctx: RequestContext, keep: Callable[[User], bool] = bool) -> list[User]:
    """The page of users the request's query finds, of those `keep` accepts."""
    args = ctx.request.args
    start, limit = _page_args(ctx)
    with ctx.store.read() as conn:
        if ctx.flavor == "cloud":
            if args.get("accountId"):
                found = user_by(conn, "account_id", args["accountId"])
                users = [found] if found else []
            elif "query" in args or "username" in args:
                text = args.get("query", args.get("username", ""))
                users = _search(ctx, conn, text) if text else []
            else:
                raise JiraError(400, ["The query parameter 'query' is required."])
        else:
            username = args.get("username")
            if username is None:
                raise JiraError(400, ["The username query parameter was not provided"])
            users = _search(ctx, conn, username) if username not in ("", ".") else []
            if username in (".", "%"):
                users = _search(ctx, conn, "")
    return [u for u in users if keep(u)][start : start + limit]


def user_search(ctx: RequestContext, api: str) -> Response:
    view = JiraView.of(ctx, api)
    return json_response([view.user(u) for u in _matching_users(ctx)])


def assignable_user_search(ctx: RequestContext, api: str) -> Response:
    """Only people who hold Assignable User in the project (site admins do)."""
    project_key = ctx.request.args.get("project")
    if not project_key and not ctx.request.args.get("issueKey"):
        raise JiraError(400, ["The project or issue key is required to find assignable users."])
    if project_key:
        with ctx.store.read() as conn:
            if project_by_key(conn, project_key) is None or not permissions.holds(
                ctx, "BROWSE_PROJECTS"
            ):
                raise JiraError(404, [permissions.no_project(project_key)])
    view = JiraView.of(ctx, api)
    users = _matching_users(ctx, lambda u: permissions.assignable(ctx.seed, u.email))
    return json_response([view.user(u) for u in users])


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
