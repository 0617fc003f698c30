"""Reading a Confluence request: the caller, query arguments, cursors, multipart uploads."""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
import sqlite3
from typing import Any

from nivosync.sandbox.confluence.attachments import Upload
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.pages import timestamp
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.responses import HttpError, text_response


def caller(ctx: RequestContext, conn: sqlite3.Connection) -> User:
    """The authenticated user (version authors are whoever made the request)."""
    assert ctx.admin is not None
    user = user_by(conn, "email", ctx.admin.email)
    if user is None:
        raise Problem(403, "The calling user is not in the site's directory")
    return user


def now(ctx: RequestContext) -> str:
    return timestamp(ctx.clock.now())


def site_root(ctx: RequestContext) -> str:
    """Confluence's base URL: ``<host>/wiki`` (Cloud) or ``<host>/confluence`` (DC)."""
    return ctx.base_url + context_path(ctx)


def context_path(ctx: RequestContext) -> str:
    return "/wiki" if ctx.flavor == "cloud" else "/confluence"


def int_arg(ctx: RequestContext, name: str, default: int, low: int = 0, high: int = 10**9) -> int:
    raw = ctx.request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise Problem(400, f"Invalid value for '{name}': {raw}") from exc
    return min(max(value, low), high)


def bool_arg(ctx: RequestContext, name: str, default: bool = False) -> bool:
    raw = ctx.request.args.get(name)
    if raw is None:
        return default
    return raw.strip().lower() == "true"


def list_arg(ctx: RequestContext, name: str) -> list[str]:
    """A repeated or comma-separated query argument (``?a=1&a=2`` or ``?a=1,2``)."""
    values: list[str] = []
    for raw in ctx.request.args.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return values


def int_list_arg(ctx: RequestContext, name: str) -> list[int]:
    try:
        return [int(v) for v in list_arg(ctx, name)]
    except ValueError as exc:
        raise Problem(400, f"Invalid value for '{name}'") from exc


def encode_cursor(position: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def decode_cursor(ctx: RequestContext) -> dict[str, Any]:
    raw = ctx.request.args.get("cursor")
    if not raw:
        return {}
    try:
        padded = raw + "=" * (-len(raw) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Problem(400, "Invalid cursor") from exc
    if not isinstance(value, dict):
        raise Problem(400, "Invalid cursor")
    return value


def json_object(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.json_body()
    if not isinstance(body, dict):
        raise Problem(400, "The request body must be a JSON object")
    return body


def upload(ctx: RequestContext, author: User) -> Upload:
    """The ``file`` part of a multipart attachment upload (XSRF header required, as for real)."""
    # DC accepts only "no-check"; Cloud's own examples send "nocheck" and it accepts both.
    accepted = ("no-check", "nocheck") if ctx.flavor == "cloud" else ("no-check",)
    if ctx.request.headers.get("X-Atlassian-Token", "").lower() not in accepted:
        # Refused by the XSRF filter before the REST layer: plain text, not the REST error shape.
        raise HttpError(text_response("XSRF check failed", 403))
    file = ctx.request.files.get("file")
    if file is None or not file.filename:
        raise Problem(400, "At least one attachment file must be included")
    media_type = file.mimetype if file.mimetype not in ("", "application/octet-stream") else None
    guessed = mimetypes.guess_type(file.filename)[0]
    form = ctx.request.form
    return Upload(
        filename=file.filename,
        data=file.read(),
        media_type=media_type or guessed or "application/octet-stream",
        comment=form.get("comment", ""),
        minor_edit=form.get("minorEdit", "false").lower() == "true",
        author_id=author.id,
        now=now(ctx),
    )


def paging(ctx: RequestContext, default_limit: int, max_limit: int = 200) -> tuple[int, int]:
    """v1 offset paging: (start, limit)."""
    return int_arg(ctx, "start", 0), int_arg(ctx, "limit", default_limit, 0, max_limit)


def query_items(ctx: RequestContext) -> list[tuple[str, str]]:
    return list(ctx.request.args.items(multi=True))


def version_of(payload: dict[str, Any]) -> tuple[int, str, bool]:
    """``version.number`` (required), ``message`` and ``minorEdit`` of an update body."""
    version = payload.get("version")
    if not isinstance(version, dict) or not isinstance(version.get("number"), int):
        raise Problem(400, "Must supply a version number (version.number) to update")
    minor = version.get("minorEdit")
    if minor is None:
        minor = False
    elif isinstance(minor, str) and minor.lower() in ("true", "false"):
        minor = minor.lower() == "true"  # Jackson reads a quoted boolean too
    if not isinstance(minor, bool):
        raise Problem(400, f"Invalid value for version.minorEdit: {minor!r}")
    return version["number"], str(version.get("message") or ""), minor
