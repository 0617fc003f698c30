"""Cloud v2 page parts: properties, versions, labels and attachments of a page."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import attachments, labels, properties
from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.cloud_view import (
    attachment_json,
    label_json,
    listing,
    property_json,
    version_json,
)
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.people import users_by_ids
from nivosync.sandbox.confluence.permissions import editable_page, visible_page
from nivosync.sandbox.confluence.request_args import (
    caller,
    decode_cursor,
    encode_cursor,
    int_arg,
    json_object,
    list_arg,
    now,
    site_root,
    version_of,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import empty_response, json_response

_VISIBLE = ("current", "archived", "draft")


def _args(ctx: RequestContext) -> list[tuple[str, str]]:
    return list(ctx.request.args.items(multi=True))


def list_properties(ctx: RequestContext, page_id: int) -> Response:
    limit = int_arg(ctx, "limit", 10, 1, 250)
    after = int(decode_cursor(ctx).get("id", 0))
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _VISIBLE)
        found = properties.list_properties(
            conn, page_id, ctx.request.args.get("key"), after, 0, limit + 1
        )
        users = users_by_ids(conn, (p.author_id for p in found))
    cursor = encode_cursor({"id": found[limit - 1].id}) if len(found) > limit else None
    results = [property_json(p, users) for p in found[:limit]]
    return listing(results, site_root(ctx), f"/pages/{page_id}/properties", _args(ctx), cursor)


def create_property(ctx: RequestContext, page_id: int) -> Response:
    payload = json_object(ctx)
    with ctx.store.write() as conn:
        editable_page(ctx, conn, page_id, _VISIBLE)
        author = caller(ctx, conn)
        prop = properties.create_property(
            conn, page_id, payload.get("key"), payload.get("value"), author.id, now(ctx)
        )
        users = users_by_ids(conn, [author.id])
    return json_response(property_json(prop, users))


def _property(
    ctx: RequestContext, conn: Any, page_id: int, property_id: int, write: bool = False
) -> properties.Property:
    """The page's property; 404 when the page is invisible, 403 for a write without
    ``add_page``."""
    if write:
        editable_page(ctx, conn, page_id, _VISIBLE)
    else:
        visible_page(ctx, conn, page_id, _VISIBLE)
    prop = properties.property_by_id(conn, page_id, property_id)
    if prop is None:
        raise Problem(404, f"No property found with id: {property_id}")
    return prop


def get_property(ctx: RequestContext, page_id: int, property_id: int) -> Response:
    with ctx.store.read() as conn:
        prop = _property(ctx, conn, page_id, property_id)
        users = users_by_ids(conn, [prop.author_id])
    return json_response(property_json(prop, users))


def update_property(ctx: RequestContext, page_id: int, property_id: int) -> Response:
    payload = json_object(ctx)
    number, message, _ = version_of(payload)
    with ctx.store.write() as conn:
        current = _property(ctx, conn, page_id, property_id, write=True)
        author = caller(ctx, conn)
        prop = properties.update_property(
            conn,
            current,
            payload.get("value"),
            number,
            author.id,
            now(ctx),
            message,
            key=payload.get("key"),
        )
        users = users_by_ids(conn, [author.id])
    return json_response(property_json(prop, users))


def delete_property(ctx: RequestContext, page_id: int, property_id: int) -> Response:
    with ctx.store.write() as conn:
        properties.delete_property(conn, _property(ctx, conn, page_id, property_id, write=True))
    return empty_response(204)


def list_versions(ctx: RequestContext, page_id: int) -> Response:
    limit = int_arg(ctx, "limit", 25, 1, 250)
    below = int(decode_cursor(ctx).get("number", 10**9))
    with ctx.store.read() as conn:
        page = visible_page(ctx, conn, page_id, _VISIBLE)
        found = [v for v in store.versions(conn, page_id) if v.number < below][: limit + 1]
        users = users_by_ids(conn, (v.author_id for v in found))
    results = []
    for version in found[:limit]:
        item = version_json(version, users)
        item["page"] = {"id": str(page.id), "title": version.title}
        results.append(item)
    cursor = encode_cursor({"number": found[limit - 1].number}) if len(found) > limit else None
    return listing(results, site_root(ctx), f"/pages/{page_id}/versions", _args(ctx), cursor)


def list_labels(ctx: RequestContext, page_id: int) -> Response:
    limit = int_arg(ctx, "limit", 25, 1, 250)
    offset = int(decode_cursor(ctx).get("offset", 0))
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _VISIBLE)
        found = labels.page_labels(conn, page_id, offset, limit + 1)
    cursor = encode_cursor({"offset": offset + limit}) if len(found) > limit else None
    results = [label_json(label) for label in found[:limit]]
    return listing(results, site_root(ctx), f"/pages/{page_id}/labels", _args(ctx), cursor)


_ATTACHMENT_STATUSES = ("current", "archived", "trashed")


def _attachment_query(ctx: RequestContext) -> tuple[list[str], str | None]:
    """The ``status`` filter (default current + archived) and ``sort`` of a listing."""
    statuses = list_arg(ctx, "status") or ["current", "archived"]
    for status in statuses:
        if status not in _ATTACHMENT_STATUSES:
            raise Problem(400, f"Invalid value for 'status': {status}")
    sort = ctx.request.args.get("sort") or None
    if sort is not None and sort.lstrip("-") not in attachments.SORTS:
        raise Problem(400, f"Invalid value for 'sort': {sort}")
    return statuses, sort


def list_attachments(ctx: RequestContext, page_id: int) -> Response:
    """``GET /pages/{id}/attachments``: ``filename``, ``mediaType`` and ``status`` filters,
    ``sort``, and cursor paging (``_links.next`` and a ``Link`` header) as the v2 spec says."""
    limit = int_arg(ctx, "limit", 50, 1, 250)
    statuses, sort = _attachment_query(ctx)
    position = decode_cursor(ctx)
    offset = int(position.get("offset", 0))
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _VISIBLE)
        found = attachments.list_attachments(
            conn,
            page_id,
            filename=ctx.request.args.get("filename"),
            media_type=ctx.request.args.get("mediaType"),
            statuses=statuses,
            sort=sort,
            after_id=int(position.get("id", 0)),
            offset=offset,
            limit=limit + 1,
        )
        users = users_by_ids(conn, (a.author_id for a in found))
    cursor = None
    if len(found) > limit:
        # Id order pages by keyset; a sorted listing by offset (the cursor is opaque either way).
        after = {"offset": offset + limit} if sort else {"id": found[limit - 1].id}
        cursor = encode_cursor(after)
    results = [attachment_json(a, users) for a in found[:limit]]
    return listing(results, site_root(ctx), f"/pages/{page_id}/attachments", _args(ctx), cursor)


def register_cloud_page_parts(routes: ConfluenceRoutes) -> None:
    prop = "/pages/<int:page_id>/properties/<int:property_id>"
    routes.add("/pages/<int:page_id>/properties", ["GET"], list_properties)
    routes.add("/pages/<int:page_id>/properties", ["POST"], create_property)
    routes.add(prop, ["GET"], get_property)
    routes.add(prop, ["PUT"], update_property)
    routes.add(prop, ["DELETE"], delete_property)
    routes.add("/pages/<int:page_id>/versions", ["GET"], list_versions)
    routes.add("/pages/<int:page_id>/labels", ["GET"], list_labels)
    routes.add("/pages/<int:page_id>/attachments", ["GET"], list_attachments)
