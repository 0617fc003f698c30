"""User lookups, so a client can name who edited a page: Cloud v2 ``POST /users-bulk``,
v1 ``GET /user?accountId=`` (Cloud) or ``?username=``/``?key=`` (DC), and ``/user/current``."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.people import user_by_key, v1_user
from nivosync.sandbox.confluence.request_args import caller, json_object, site_root
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.responses import json_response


def users_bulk(ctx: RequestContext) -> Response:
    ids = json_object(ctx).get("accountIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise Problem(400, "accountIds must be a list of account ids")
    with ctx.store.read() as conn:
        found = [u for u in (user_by(conn, "account_id", i) for i in ids) if u is not None]
    results = [
        {
            "accountId": u.account_id,
            "accountType": "atlassian",
            "accountStatus": "active" if u.active else "inactive",
            "displayName": u.display_name,
            "publicName": u.display_name,
            "email": u.email,
            "isExternalCollaborator": False,
            "profilePicture": {"path": "/wiki/aa-avatar/default.png", "isDefault": True},
        }
        for u in found
    ]
    return json_response({"results": results, "_links": {"base": site_root(ctx)}})


def _lookup(ctx: RequestContext) -> User | None:
    args = ctx.request.args
    with ctx.store.read() as conn:
        if ctx.flavor == "cloud":
            if not args.get("accountId"):
                raise Problem(400, "accountId is required")
            return user_by(conn, "account_id", args["accountId"])
        if args.get("username"):
            return user_by(conn, "username", args["username"])
        if args.get("key"):
            return user_by_key(conn, args["key"])
    raise Problem(400, "username or key is required")


def get_user(ctx: RequestContext) -> Response:
    user = _lookup(ctx)
    if user is None:
        raise Problem(404, "No user found")
    return json_response(v1_user(user, ctx.flavor, site_root(ctx)))


def current_user(ctx: RequestContext) -> Response:
    with ctx.store.read() as conn:
        user = caller(ctx, conn)
    return json_response(v1_user(user, ctx.flavor, site_root(ctx)))


def register_user_routes(v1: ConfluenceRoutes, v2: ConfluenceRoutes | None) -> None:
    v1.add("/user", ["GET"], get_user)
    v1.add("/user/current", ["GET"], current_user)
    if v2 is not None:
        v2.add("/users-bulk", ["POST"], users_bulk)
