"""Cloud v2 spaces and pages: ``/wiki/api/v2/spaces`` and ``/wiki/api/v2/pages``."""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.cloud_view import listing, page_json, space_json
from nivosync.sandbox.confluence.errors import Problem, not_found
from nivosync.sandbox.confluence.pages import Page, PageWrite
from nivosync.sandbox.confluence.people import users_by_ids
from nivosync.sandbox.confluence.permissions import (
    editable_page,
    hidden_space_ids,
    require_add_page,
    visible_page,
    visible_space,
)
from nivosync.sandbox.confluence.request_args import (
    bool_arg,
    caller,
    decode_cursor,
    encode_cursor,
    int_arg,
    int_list_arg,
    json_object,
    list_arg,
    now,
    site_root,
    version_of,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import empty_response, json_response


def _limit(ctx: RequestContext) -> int:
    return int_arg(ctx, "limit", 25, 1, 250)


def _body_format(ctx: RequestContext) -> str | None:
    fmt = ctx.request.args.get("body-format")
    if fmt not in (None, "storage"):
        raise Problem(400, f"The sandbox serves page bodies in storage format only, not {fmt!r}")
    return fmt


def list_spaces(ctx: RequestContext) -> Response:
    limit = _limit(ctx)
    after = int(decode_cursor(ctx).get("id", 0))
    with ctx.store.read() as conn:
        keys, ids = list_arg(ctx, "keys"), int_list_arg(ctx, "ids")
        hidden = hidden_space_ids(ctx, conn)
        found = store.list_spaces(conn, keys, ids, after, limit + 1, hidden)
        users = users_by_ids(conn, (s.creator_id for s in found))
    more = len(found) > limit
    found = found[:limit]
    cursor = encode_cursor({"id": found[-1].id}) if more else None
    args = list(ctx.request.args.items(multi=True))
    results = [space_json(s, users) for s in found]
    return listing(results, site_root(ctx), "/spaces", args, cursor)


def _no_space(space_id: int) -> Problem:
    return Problem(404, f"No space found with id: {space_id}")


def get_space(ctx: RequestContext, space_id: int) -> Response:
    with ctx.store.read() as conn:
        space = visible_space(ctx, store.space_by_id(conn, space_id), _no_space(space_id))
        users = users_by_ids(conn, [space.creator_id])
    return json_response({**space_json(space, users), "_links": _single_links(ctx, space)})


def _single_links(ctx: RequestContext, space: store.Space) -> dict[str, str]:
    return {"webui": f"/spaces/{space.key}", "base": site_root(ctx)}


def _render(
    conn: sqlite3.Connection,
    page: Page,
    body_format: str | None,
    version: store.Version | None = None,
    include_version: bool = True,
) -> dict[str, Any]:
    version = version or store.current_version(conn, page)
    users = users_by_ids(conn, [page.creator_id, version.author_id])
    return page_json(page, version, users, body_format=body_format, include_version=include_version)


def list_pages(ctx: RequestContext) -> Response:
    limit = _limit(ctx)
    body_format = _body_format(ctx)
    statuses = list_arg(ctx, "status") or ["current", "archived"]
    after = int(decode_cursor(ctx).get("id", 0))
    with ctx.store.read() as conn:
        found = store.find_pages(
            conn,
            space_ids=int_list_arg(ctx, "space-id"),
            excluded_space_ids=hidden_space_ids(ctx, conn),
            title=ctx.request.args.get("title"),
            statuses=statuses,
            after_id=after,
            limit=limit + 1,
        )
        more = len(found) > limit
        results = [_render(conn, p, body_format) for p in found[:limit]]
    cursor = encode_cursor({"id": found[limit - 1].id}) if more else None
    args = list(ctx.request.args.items(multi=True))
    return listing(results, site_root(ctx), "/pages", args, cursor)


def _storage_value(body: object) -> str:
    """The storage XHTML of a v2 body: ``{representation, value}`` or ``{storage: {...}}``."""
    if isinstance(body, dict) and isinstance(body.get("storage"), dict):
        body = body["storage"]
    if not isinstance(body, dict):
        raise Problem(400, "The page body must be an object with representation and value")
    if body.get("representation", "storage") != "storage":
        raise Problem(400, "The sandbox accepts page bodies in storage representation only")
    value = body.get("value", "")
    if not isinstance(value, str):
        raise Problem(400, "body.value must be a string")
    return value


def _optional_id(payload: dict[str, Any], name: str) -> int | None:
    raw = payload.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(str(raw))
    except ValueError as exc:
        raise Problem(400, f"Invalid {name}: {raw}") from exc


def create_page(ctx: RequestContext) -> Response:
    payload = json_object(ctx)
    space_id = _optional_id(payload, "spaceId")
    if space_id is None:
        raise Problem(400, "spaceId is required")
    status = payload.get("status") or "current"
    if status not in ("current", "draft"):
        raise Problem(400, f"Invalid status: {status}")
    title = payload.get("title")
    if not isinstance(title, str) or (status == "current" and not title.strip()):
        raise Problem(400, "Title is required for a page with status current")
    value = _storage_value(payload.get("body", {"representation": "storage", "value": ""}))
    with ctx.store.write() as conn:
        space = visible_space(ctx, store.space_by_id(conn, space_id), _no_space(space_id))
        require_add_page(ctx, space, "create")
        parent_id = _optional_id(payload, "parentId")
        if bool_arg(ctx, "root-level"):
            parent_id = None
        elif parent_id is None:
            parent_id = space.homepage_id
        author = caller(ctx, conn)
        write = PageWrite(title, value, author.id, now(ctx), status, parent_id)
        page = store.create_page(conn, space, write)
        body = _render(conn, page, "storage")
    body["_links"]["base"] = site_root(ctx)
    return json_response(body)


def get_page(ctx: RequestContext, page_id: int) -> Response:
    body_format = _body_format(ctx)
    statuses = list_arg(ctx, "status") or ["current", "archived"]
    if bool_arg(ctx, "get-draft"):
        statuses.append("draft")
    with ctx.store.read() as conn:
        page = visible_page(ctx, conn, page_id, statuses)
        version = None
        number = ctx.request.args.get("version")
        if number:
            version = store.get_version(conn, page.id, int_arg(ctx, "version", 0))
            if version is None:
                raise Problem(404, f"No version {number} of page {page_id}")
        body = _render(
            conn, page, body_format, version, include_version=bool_arg(ctx, "include-version", True)
        )
    body["_links"]["base"] = site_root(ctx)
    return json_response(body)


def _v2_version(payload: dict[str, Any]) -> tuple[int, str]:
    """``version.number`` and ``message``. The v2 ``PageUpdateRequest`` has no ``minorEdit``
    (v1 / Data Center have): refused with a 400, so a client sending it is caught, not ignored."""
    version = payload.get("version")
    if "minorEdit" in payload or (isinstance(version, dict) and "minorEdit" in version):
        raise Problem(
            400,
            'Unrecognized field "minorEdit": a v2 page update\'s version takes only number and '
            "message",
        )
    number, message, _ = version_of(payload)
    return number, message


def update_page(ctx: RequestContext, page_id: int) -> Response:
    payload = json_object(ctx)
    for required in ("id", "status", "title", "body", "version"):
        if required not in payload:
            raise Problem(400, f"{required} is required")
    if str(payload["id"]) != str(page_id):
        raise Problem(400, "The id in the body does not match the id in the path")
    status = payload["status"]
    if status not in ("current", "draft"):
        raise Problem(400, f"Invalid status: {status}")
    number, message = _v2_version(payload)
    value = _storage_value(payload["body"])
    with ctx.store.write() as conn:
        page = editable_page(ctx, conn, page_id, ("current", "draft"))
        space_id = _optional_id(payload, "spaceId")
        if space_id is not None and space_id != page.space.id:
            raise Problem(400, "Moving a page to another space is not supported by the sandbox")
        write = PageWrite(
            title=str(payload["title"]),
            body=value,
            author_id=caller(ctx, conn).id,
            now=now(ctx),
            status=status,
            parent_id=_optional_id(payload, "parentId"),
            message=message,
        )
        page = store.update_page(conn, page, number, write)
        body = _render(conn, page, "storage")
    body["_links"]["base"] = site_root(ctx)
    return json_response(body)


def delete_page(ctx: RequestContext, page_id: int) -> Response:
    with ctx.store.write() as conn:
        page = editable_page(ctx, conn, page_id, ("current", "draft", "trashed"), "delete")
        if bool_arg(ctx, "purge"):
            if page.status != "trashed":
                raise Problem(400, "Only a trashed page can be purged")
            store.purge_page(conn, page)
        elif page.status == "trashed":
            raise not_found(page_id)
        else:
            store.trash_page(conn, page)
    return empty_response(204)


def _children(ctx: RequestContext, page_id: int, path: str, typed: bool) -> Response:
    limit = _limit(ctx)
    cursor = decode_cursor(ctx)
    after = (int(cursor["position"]), int(cursor["id"])) if cursor else None
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, ("current", "archived"))
        found = store.children(conn, page_id, after, 0, limit + 1)
    results = []
    for child in found[:limit]:
        item: dict[str, Any] = {"id": str(child.id), "status": child.status, "title": child.title}
        if typed:
            item["type"] = "page"
        item.update({"spaceId": str(child.space.id), "childPosition": child.position})
        results.append(item)
    last = found[limit - 1] if len(found) > limit else None
    next_cursor = encode_cursor({"position": last.position, "id": last.id}) if last else None
    args = list(ctx.request.args.items(multi=True))
    return listing(results, site_root(ctx), path.format(page_id), args, next_cursor)


def children(ctx: RequestContext, page_id: int) -> Response:
    return _children(ctx, page_id, "/pages/{}/children", typed=False)


def direct_children(ctx: RequestContext, page_id: int) -> Response:
    return _children(ctx, page_id, "/pages/{}/direct-children", typed=True)


def register_cloud_pages(routes: ConfluenceRoutes) -> None:
    routes.add("/spaces", ["GET"], list_spaces)
    routes.add("/spaces/<int:space_id>", ["GET"], get_space)
    routes.add("/pages", ["GET"], list_pages)
    routes.add("/pages", ["POST"], create_page)
    routes.add("/pages/<int:page_id>", ["GET"], get_page)
    routes.add("/pages/<int:page_id>", ["PUT"], update_page)
    routes.add("/pages/<int:page_id>", ["DELETE"], delete_page)
    routes.add("/pages/<int:page_id>/children", ["GET"], children)
    routes.add("/pages/<int:page_id>/direct-children", ["GET"], direct_children)
