"""Labels over the v1 API: ``/content/{id}/label`` (GET, POST, DELETE ?name= and /{label}).

Cloud keeps only the writes (its GET answers 410, see ``cloud_removed.py``)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import labels
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.permissions import editable_page, visible_page
from nivosync.sandbox.confluence.request_args import paging
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import empty_response, json_response

_LIVE = ("current", "draft")


def list_labels(ctx: RequestContext, page_id: int) -> Response:
    start, limit = paging(ctx, 200)
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _LIVE)
        found = labels.page_labels(conn, page_id, start, limit)
        prefix = ctx.request.args.get("prefix")
        if prefix:
            found = [lb for lb in found if lb.prefix == prefix]
        return json_response(view(ctx, conn).label_array_body(found, start, limit, page_id))


def add_labels(ctx: RequestContext, page_id: int) -> Response:
    payload = ctx.json_body()
    items = payload if isinstance(payload, list) else [payload]
    if not items or not all(isinstance(item, dict) for item in items):
        raise Problem(400, "Expected a label object or a list of label objects")
    with ctx.store.write() as conn:
        editable_page(ctx, conn, page_id, _LIVE)
        for item in items:
            labels.add_label(conn, page_id, item.get("prefix"), item.get("name"))
        found = labels.page_labels(conn, page_id)
        return json_response(view(ctx, conn).label_array_body(found, 0, 200, page_id))


def remove_label_by_query(ctx: RequestContext, page_id: int) -> Response:
    name = ctx.request.args.get("name")
    if not name:
        raise Problem(400, "The name query parameter is required")
    return remove_label(ctx, page_id, name)


def remove_label(ctx: RequestContext, page_id: int, label: str) -> Response:
    with ctx.store.write() as conn:
        editable_page(ctx, conn, page_id, _LIVE)
        labels.remove_label(conn, page_id, label)
    return empty_response(204)


def register_v1_labels(routes: ConfluenceRoutes, *, cloud: bool) -> None:
    if not cloud:
        routes.add("/content/<int:page_id>/label", ["GET"], list_labels)
    routes.add("/content/<int:page_id>/label", ["POST"], add_labels)
    routes.add("/content/<int:page_id>/label", ["DELETE"], remove_label_by_query)
    routes.add("/content/<int:page_id>/label/<path:label>", ["DELETE"], remove_label)
