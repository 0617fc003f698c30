"""Data Center pages: ``/confluence/rest/api/content`` (list, create, get, update, delete),
``/content/{id}/child/page`` and ``/content/{id}/history``."""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.pages import PageWrite
from nivosync.sandbox.confluence.permissions import (
    editable_page,
    hidden_space_ids,
    require_add_page,
    visible_page,
    visible_space,
)
from nivosync.sandbox.confluence.request_args import (
    caller,
    int_arg,
    json_object,
    now,
    paging,
    query_items,
    version_of,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import Expand, view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import empty_response, json_response

# What DC expands when the client does not say (single GET), and after a write.
_GET_DEFAULT = "space,history,version"
_WRITE_DEFAULT = "space,history,version,ancestors,body.storage,container"


def _expand(ctx: RequestContext, default: str = "") -> Expand:
    raw = ctx.request.args.get("expand")
    return Expand.parse(raw if raw is not None else default)


def list_content(ctx: RequestContext) -> Response:
    start, limit = paging(ctx, 25)
    expand = _expand(ctx)
    kind = ctx.request.args.get("type", "page")
    space_key = ctx.request.args.get("spaceKey")
    status = ctx.request.args.get("status", "current")
    statuses = ["current", "trashed", "draft"] if status == "any" else [status]
    with ctx.store.read() as conn:
        found: list[store.Page] = []
        space = store.space_by_key(conn, space_key) if space_key else None
        if kind == "page" and (space is not None or not space_key):
            found = store.find_pages(
                conn,
                space_ids=[space.id] if space else [],
                excluded_space_ids=hidden_space_ids(ctx, conn),
                title=ctx.request.args.get("title"),
                statuses=statuses,
                offset=start,
                limit=limit + 1,
            )
        v = view(ctx, conn)
        results = [v.page(p, expand) for p in found[:limit]]
        return v.content_array(
            results, start, limit, "/content", len(found) > limit, query_items(ctx)
        )


def _storage(payload: dict[str, Any]) -> str:
    body = payload.get("body") or {}
    storage = body.get("storage") if isinstance(body, dict) else None
    if storage is None:
        if body:
            raise Problem(400, "The sandbox accepts page bodies in storage representation only")
        return ""
    if not isinstance(storage, dict) or not isinstance(storage.get("value", ""), str):
        raise Problem(400, "body.storage must be an object with a string value")
    if storage.get("representation", "storage") != "storage":
        raise Problem(400, "body.storage.representation must be 'storage'")
    return str(storage.get("value", ""))


def _parent(payload: dict[str, Any]) -> int | None:
    ancestors = payload.get("ancestors")
    if not ancestors:
        return None
    if not isinstance(ancestors, list) or not isinstance(ancestors[-1], dict):
        raise Problem(400, "ancestors must be a list of content objects with an id")
    try:
        return int(str(ancestors[-1].get("id")))
    except ValueError as exc:
        raise Problem(400, "Invalid ancestor id") from exc


def _type_and_title(payload: dict[str, Any]) -> str:
    if payload.get("type") != "page":
        raise Problem(400, "The sandbox supports content of type 'page' only")
    title = payload.get("title")
    if not isinstance(title, str) or not title.strip():
        raise Problem(400, "A page must have a title")
    return title


def create_content(ctx: RequestContext) -> Response:
    payload = json_object(ctx)
    title = _type_and_title(payload)
    space_ref = payload.get("space")
    key = space_ref.get("key") if isinstance(space_ref, dict) else None
    if not key:
        raise Problem(400, "Content must have a space (space.key)")
    status = payload.get("status") or ctx.request.args.get("status") or "current"
    if status not in ("current", "draft"):
        raise Problem(400, f"Invalid status: {status}")
    value = _storage(payload)
    with ctx.store.write() as conn:
        missing = Problem(404, f"No space with key : {key}")
        space = visible_space(ctx, store.space_by_key(conn, key), missing)
        require_add_page(ctx, space, "create")
        author = caller(ctx, conn)
        write = PageWrite(title, value, author.id, now(ctx), status, _parent(payload))
        page = store.create_page(conn, space, write)
        return json_response(view(ctx, conn).page(page, _expand(ctx, _WRITE_DEFAULT)))


def get_content(ctx: RequestContext, page_id: int) -> Response:
    status = ctx.request.args.get("status", "current")
    statuses = ("current", "draft", "trashed") if status == "any" else (status, "draft")
    with ctx.store.read() as conn:
        page = visible_page(ctx, conn, page_id, statuses)
        version = None
        if ctx.request.args.get("version"):
            number = int_arg(ctx, "version", page.version)
            version = store.get_version(conn, page.id, number)
            if version is None:
                raise Problem(404, f"No version {number} of content {page_id}")
        return json_response(view(ctx, conn).page(page, _expand(ctx, _GET_DEFAULT), version))


def update_content(ctx: RequestContext, page_id: int) -> Response:
    payload = json_object(ctx)
    title = _type_and_title(payload)
    number, message, minor_edit = version_of(payload)
    if "id" in payload and str(payload["id"]) != str(page_id):
        raise Problem(400, "The id in the body does not match the id in the path")
    status = payload.get("status") or "current"
    with ctx.store.write() as conn:
        page = editable_page(ctx, conn, page_id, ("current", "draft"))
        space_ref = payload.get("space")
        if isinstance(space_ref, dict) and space_ref.get("key") not in (None, page.space.key):
            raise Problem(400, "Moving a page to another space is not supported by the sandbox")
        body = _storage(payload) if payload.get("body") else store.current_version(conn, page).body
        write = PageWrite(
            title=title,
            body=body,
            author_id=caller(ctx, conn).id,
            now=now(ctx),
            status=status,
            parent_id=_parent(payload),
            message=message,
            minor_edit=minor_edit,
        )
        page = store.update_page(conn, page, number, write)
        return json_response(view(ctx, conn).page(page, _expand(ctx, _WRITE_DEFAULT)))


def delete_content(ctx: RequestContext, page_id: int) -> Response:
    purge = ctx.request.args.get("status") == "trashed"
    with ctx.store.write() as conn:
        statuses = ("trashed",) if purge else ("current", "draft")
        page = editable_page(ctx, conn, page_id, statuses, "delete")
        if purge:
            store.purge_page(conn, page)
        else:
            store.trash_page(conn, page)
    return empty_response(204)


def child_pages(ctx: RequestContext, page_id: int) -> Response:
    start, limit = paging(ctx, 25)
    expand = _expand(ctx)
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, ("current",))
        found = store.children(conn, page_id, None, start, limit + 1)
        v = view(ctx, conn)
        results = [v.page(p, expand) for p in found[:limit]]
        path = f"/content/{page_id}/child/page"
        return v.content_array(results, start, limit, path, len(found) > limit, query_items(ctx))


def history(ctx: RequestContext, page_id: int) -> Response:
    with ctx.store.read() as conn:
        page = visible_page(ctx, conn, page_id, ("current", "draft", "trashed"))
        return json_response(view(ctx, conn).history(page))


def register_dc_content(routes: ConfluenceRoutes) -> None:
    routes.add("/content", ["GET"], list_content)
    routes.add("/content", ["POST"], create_content)
    routes.add("/content/<int:page_id>", ["GET"], get_content)
    routes.add("/content/<int:page_id>", ["PUT"], update_content)
    routes.add("/content/<int:page_id>", ["DELETE"], delete_content)
    routes.add("/content/<int:page_id>/child/page", ["GET"], child_pages)
    routes.add("/content/<int:page_id>/history", ["GET"], history)
