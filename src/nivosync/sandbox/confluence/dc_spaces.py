"""Data Center spaces: ``/confluence/rest/api/space/{key}`` and ``/space?spaceKey=``."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.permissions import hidden_space_ids, visible_space
from nivosync.sandbox.confluence.request_args import list_arg, paging, query_items
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import Expand, view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import json_response


def get_space(ctx: RequestContext, key: str) -> Response:
    expand = Expand.parse(ctx.request.args.get("expand"))
    with ctx.store.read() as conn:
        missing = Problem(404, f"No space with key : {key}")
        space = visible_space(ctx, store.space_by_key(conn, key), missing)
        v = view(ctx, conn)
        body = v.space(space)
        if expand.has("homepage") and space.homepage_id is not None:
            home = store.get_page(conn, space.homepage_id)
            if home is not None:
                body["homepage"] = v.page_stub(home)
                body["_expandable"].pop("homepage", None)
        return json_response(body)


def list_spaces(ctx: RequestContext) -> Response:
    start, limit = paging(ctx, 25, 500)
    keys = list_arg(ctx, "spaceKey")
    with ctx.store.read() as conn:
        hidden = hidden_space_ids(ctx, conn)
        found = store.list_spaces(conn, keys, [], 0, 10_000, hidden)[start : start + limit + 1]
        v = view(ctx, conn)
        results = [v.space(s) for s in found[:limit]]
        more = len(found) > limit
        return v.content_array(results, start, limit, "/space", more, query_items(ctx))


def register_dc_spaces(routes: ConfluenceRoutes) -> None:
    routes.add("/space", ["GET"], list_spaces)
    routes.add("/space/<key>", ["GET"], get_space)
