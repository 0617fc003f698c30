"""Attachments over the v1 API (Cloud ``/wiki/rest/api``, DC ``/confluence/rest/api``) and
the download links they point to (``<context>/download/attachments/{pageId}/{filename}``).

Cloud keeps the uploads and the download redirect; its listing (GET ``child/attachment``)
answers 410 (``cloud_removed.py``); Cloud lists them at ``/wiki/api/v2/pages/{id}/attachments``.
"""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import attachments
from nivosync.sandbox.confluence.attachments import Attachment
from nivosync.sandbox.confluence.cloud_view import download_path
from nivosync.sandbox.confluence.errors import Problem, not_found
from nivosync.sandbox.confluence.pages import Page
from nivosync.sandbox.confluence.permissions import require_add_attachment, visible_page
from nivosync.sandbox.confluence.request_args import (
    caller,
    int_arg,
    paging,
    query_items,
    site_root,
    upload,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import json_response
from nivosync.sandbox.routing import Router

# Served inline (images shown by browsers); anything else downloads as a file.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_LIVE = ("current", "draft")


def _attachment_id(raw: str) -> int:
    digits = raw[3:] if raw.startswith("att") else raw
    if not digits.isdigit():
        raise not_found(raw)
    return int(digits)


def _owned(conn: sqlite3.Connection, page_id: int, raw_id: str) -> Attachment:
    att = attachments.attachment_by_id(conn, _attachment_id(raw_id))
    if att is None or att.page_id != page_id:
        raise not_found(raw_id)
    return att


def list_attachments(ctx: RequestContext, page_id: int) -> Response:
    start, limit = paging(ctx, 50)
    with ctx.store.read() as conn:
        page = visible_page(ctx, conn, page_id, _LIVE)
        found = attachments.list_attachments(
            conn,
            page_id,
            filename=ctx.request.args.get("filename"),
            media_type=ctx.request.args.get("mediaType"),
            offset=start,
            limit=limit + 1,
        )
        v = view(ctx, conn)
        results = [v.attachment(a, page) for a in found[:limit]]
        path = f"/content/{page_id}/child/attachment"
        return v.content_array(results, start, limit, path, len(found) > limit, query_items(ctx))


def _uploadable(ctx: RequestContext, conn: sqlite3.Connection, page_id: int) -> Page:
    """A page the caller sees (else 404) and may attach files to (else 403)."""
    page = visible_page(ctx, conn, page_id, _LIVE)
    require_add_attachment(ctx, page.space)
    return page


def _store_upload(ctx: RequestContext, page_id: int, replace: bool) -> Response:
    with ctx.store.write() as conn:
        page = _uploadable(ctx, conn, page_id)
        data = upload(ctx, caller(ctx, conn))
        existing = attachments.attachment_by_name(conn, page_id, data.filename)
        if replace and existing is not None:
            att = attachments.add_version(conn, existing, data)
        else:
            att = attachments.create_attachment(conn, page_id, data)
        v = view(ctx, conn)
        path = f"/content/{page_id}/child/attachment"
        return v.content_array([v.attachment(att, page)], 0, 50, path)


def create_attachment(ctx: RequestContext, page_id: int) -> Response:
    return _store_upload(ctx, page_id, replace=False)


def create_or_update_attachment(ctx: RequestContext, page_id: int) -> Response:
    return _store_upload(ctx, page_id, replace=True)


def update_data(ctx: RequestContext, page_id: int, attachment_id: str) -> Response:
    with ctx.store.write() as conn:
        page = _uploadable(ctx, conn, page_id)
        current = _owned(conn, page_id, attachment_id)
        data = upload(ctx, caller(ctx, conn))
        if data.filename != current.title:
            clash = attachments.attachment_by_name(conn, page_id, data.filename)
            if clash is not None:
                raise Problem(400, f"An attachment named {data.filename} already exists")
        att = attachments.add_version(conn, current, data)
        return json_response(view(ctx, conn).attachment(att, page))


def download_redirect(ctx: RequestContext, page_id: int, attachment_id: str) -> Response:
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _LIVE)
        att = _owned(conn, page_id, attachment_id)
    response = Response(status=302)
    response.headers["Location"] = site_root(ctx) + download_path(att)
    return response


def download(ctx: RequestContext, page_id: int, filename: str) -> Response:
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _LIVE)
        att = attachments.attachment_by_name(conn, page_id, filename)
        if att is None:
            raise Problem(404, f"No attachment {filename} on content {page_id}")
        found = attachments.attachment_data(conn, att.id, int_arg(ctx, "version", att.version))
    if found is None:
        raise Problem(404, f"No such version of attachment {filename}")
    return file_response(att.title, *found)


def file_response(filename: str, data: bytes, media_type: str) -> Response:
    """The bytes, served so that a browser never runs them (no sniffing, sandboxed)."""
    inline = media_type in INLINE_TYPES
    response = Response(data, mimetype=media_type if inline else "application/octet-stream")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def register_v1_attachments(routes: ConfluenceRoutes, router: Router, context: str) -> None:
    base = "/content/<int:page_id>/child/attachment"
    routes.add(base, ["POST"], create_attachment)
    routes.add(base + "/<attachment_id>/data", ["POST"], update_data)
    if context == "/wiki":
        routes.add(base, ["PUT"], create_or_update_attachment)
        routes.add(base + "/<attachment_id>/download", ["GET"], download_redirect)
    else:
        routes.add(base, ["GET"], list_attachments)
    downloads = ConfluenceRoutes(router, context, v2=False)
    downloads.add("/download/attachments/<int:page_id>/<path:filename>", ["GET"], download)
