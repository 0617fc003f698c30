"""Data Center content properties: ``/content/{id}/property`` and ``/property/{key}``."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import properties
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.permissions import editable_page, visible_page
from nivosync.sandbox.confluence.properties import Property
from nivosync.sandbox.confluence.request_args import caller, json_object, now, paging, version_of
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import V1View, view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import empty_response, json_response

_LIVE = ("current", "draft")


def property_json(v: V1View, prop: Property) -> dict[str, Any]:
    return v.content_property(prop)


def list_properties(ctx: RequestContext, page_id: int) -> Response:
    start, limit = paging(ctx, 10)
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _LIVE)
        found = properties.list_properties(conn, page_id, None, 0, start, limit + 1)
        v = view(ctx, conn)
        results = [property_json(v, p) for p in found[:limit]]
        path = f"/content/{page_id}/property"
        return v.content_array(results, start, limit, path, len(found) > limit)


def _create(ctx: RequestContext, page_id: int, key: object, value: Any) -> Response:
    with ctx.store.write() as conn:
        editable_page(ctx, conn, page_id, _LIVE)
        author = caller(ctx, conn)
        prop = properties.create_property(conn, page_id, key, value, author.id, now(ctx))
        return json_response(property_json(view(ctx, conn), prop))


def create_property(ctx: RequestContext, page_id: int) -> Response:
    payload = json_object(ctx)
    return _create(ctx, page_id, payload.get("key"), payload.get("value"))


def create_property_with_key(ctx: RequestContext, page_id: int, key: str) -> Response:
    payload = json_object(ctx)
    return _create(ctx, page_id, key, payload.get("value"))


def _existing(
    ctx: RequestContext, conn: sqlite3.Connection, page_id: int, key: str, write: bool = False
) -> Property:
    """The page's property `key`; 404 when the page is invisible, 403 for a write without
    ``add_page``."""
    if write:
        editable_page(ctx, conn, page_id, _LIVE)
    else:
        visible_page(ctx, conn, page_id, _LIVE)
    prop = properties.property_by_key(conn, page_id, key)
    if prop is None:
        raise Problem(404, f"Cannot find content property with key: {key} on content {page_id}")
    return prop


def get_property(ctx: RequestContext, page_id: int, key: str) -> Response:
    with ctx.store.read() as conn:
        return json_response(property_json(view(ctx, conn), _existing(ctx, conn, page_id, key)))


def update_property(ctx: RequestContext, page_id: int, key: str) -> Response:
    """Update with version + 1; version 1 on a missing key creates it, as the real API does."""
    payload = json_object(ctx)
    number, message, _ = version_of(payload)
    with ctx.store.write() as conn:
        editable_page(ctx, conn, page_id, _LIVE)
        author = caller(ctx, conn)
        current = properties.property_by_key(conn, page_id, key)
        if current is None:
            if number != 1:
                raise Problem(404, f"Cannot find content property with key: {key}")
            prop = properties.create_property(
                conn, page_id, key, payload.get("value"), author.id, now(ctx)
            )
        else:
            prop = properties.update_property(
                conn,
                current,
                payload.get("value"),
                number,
                author.id,
                now(ctx),
                message,
            )
        return json_response(property_json(view(ctx, conn), prop))


def delete_property(ctx: RequestContext, page_id: int, key: str) -> Response:
    with ctx.store.write() as conn:
        properties.delete_property(conn, _existing(ctx, conn, page_id, key, write=True))
    return empty_response(204)


def register_dc_properties(routes: ConfluenceRoutes) -> None:
    base = "/content/<int:page_id>/property"
    routes.add(base, ["GET"], list_properties)
    routes.add(base, ["POST"], create_property)
    routes.add(base + "/<key>", ["GET"], get_property)
    routes.add(base + "/<key>", ["PUT"], update_property)
    routes.add(base + "/<key>", ["POST"], create_property_with_key)
    routes.add(base + "/<key>", ["DELETE"], delete_property)
