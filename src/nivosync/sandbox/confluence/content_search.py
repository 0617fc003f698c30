"""CQL content search: ``GET <v1 root>/content/search?cql=...`` on both flavours.

Cloud serves it at ``/wiki/rest/api/content/search`` (still in the current Cloud v1 spec: it is
not one of the removed routes of ``cloud_removed.py``) and pages by an opaque ``cursor``:
``_links.next`` / ``_links.prev`` hold the URL of the next / previous page when there is one.
Data Center serves it at ``/confluence/rest/api/content/search`` and pages by ``start`` /
``limit`` (``_links.next`` when more). Both answer the v1 content array (``v1_view.py``, so
``expand`` works as on the other v1 listings) of the *current* pages that match, in id order,
leaving out the spaces the caller may not view (``permissions.py``). The CQL subset is that of
``cql.py``; a CQL that does not parse, or uses a field the sandbox does not know, is a 400
``Could not parse cql : <cql>`` (Cloud words it with the exception's class, as it does).

Limits, as documented: Cloud caps ``limit`` at 250, and at 25 with ``body.export_view`` /
``body.styled_view``; Data Center at 1000 without expansions, 50 when expanding ``body`` and
200 otherwise. A limit below 1 is a 400. ``cqlcontext`` is accepted and ignored.

The search index lags writes, as Confluence Cloud's does (``ctx.index_lag_seconds``, the knob
Jira search uses, see ``faults.py``): a page created less than the lag ago (real time) is not
found at all, and a label added less than the lag ago does not match ``label = ...`` yet (so it
still matches ``label != ...``). Simplification: removing a label, trashing a page and editing
a title take effect at once (the real index would lag those too).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.cql import CqlError, compile_where, parse
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.permissions import hidden_space_ids
from nivosync.sandbox.confluence.request_args import (
    decode_cursor,
    encode_cursor,
    int_arg,
    query_items,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.v1_view import Expand, V1View, view
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import json_response

DEFAULT_LIMIT = 25
CLOUD_MAX_LIMIT = 250
CLOUD_RENDERED_MAX_LIMIT = 25  # expand=body.export_view / body.styled_view (Cloud's spec)
DC_MAX_LIMIT = 200  # with expansions other than body (Atlassian KB: "always limits to 50")
DC_BODY_MAX_LIMIT = 50
DC_BARE_MAX_LIMIT = 1000
MISSING_CQL = "CQL query parameter is required but was empty"
CLOUD_BAD_REQUEST = "com.atlassian.confluence.api.service.exceptions.BadRequestException: "
_PATH = "/content/search"


def could_not_parse(cql: str) -> str:
    return f"Could not parse cql : {cql}"


@dataclass(frozen=True)
class Search:
    """The compiled CQL plus what the caller cannot see and what the index has not caught up
    with (pages created after `created_before`, real seconds)."""

    where: str
    params: list[object]
    created_before: float | None
    hidden_space_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Position:
    """Where a Cloud cursor points: the page starting at `start` (its index, for the answer's
    ``start``), made of the ids after `after` or, going back, of those just before `before`."""

    start: int = 0
    after: int = 0
    before: int | None = None

    def cursor(self) -> str:
        if self.before is not None:
            return encode_cursor({"start": self.start, "before": self.before})
        return encode_cursor({"start": self.start, "after": self.after})


def _bad_request(ctx: RequestContext, message: str) -> Problem:
    return Problem(400, CLOUD_BAD_REQUEST + message if ctx.flavor == "cloud" else message)


def _search(ctx: RequestContext) -> Search:
    cql = ctx.request.args.get("cql", "")
    if not cql.strip():
        raise _bad_request(ctx, MISSING_CQL)
    try:
        node = parse(cql)
    except CqlError as exc:
        raise _bad_request(ctx, could_not_parse(cql)) from exc
    lag = ctx.index_lag_seconds
    indexed_before = time.time() - lag if lag > 0 else None
    where, params = compile_where(node, indexed_before)
    return Search(where, params, indexed_before)


def _expand(ctx: RequestContext) -> Expand:
    return Expand.parse(",".join(ctx.request.args.getlist("expand")))


def _limit(ctx: RequestContext, expand: Expand) -> int:
    limit = int_arg(ctx, "limit", DEFAULT_LIMIT, -(2**31), 2**31)
    if limit < 1:
        raise Problem(400, f"Invalid value for 'limit': {ctx.request.args.get('limit')}")
    if ctx.flavor == "cloud":
        rendered = expand.has("body.export_view") or expand.has("body.styled_view")
        cap = CLOUD_RENDERED_MAX_LIMIT if rendered else CLOUD_MAX_LIMIT
    elif expand.has("body"):
        cap = DC_BODY_MAX_LIMIT
    else:
        cap = DC_MAX_LIMIT if expand.paths else DC_BARE_MAX_LIMIT
    return min(limit, cap)


def _ids(
    conn: sqlite3.Connection,
    search: Search,
    *,
    limit: int,
    after: int = 0,
    before: int | None = None,
    offset: int = 0,
) -> list[int]:
    """Matching current page ids: ascending after `after`, or descending below `before`."""
    sql = (
        "SELECT p.id FROM conf_pages p JOIN conf_spaces s ON s.id = p.space_id"
        f" WHERE p.status = 'current' AND ({search.where})"
    )
    args = list(search.params)
    if search.created_before is not None:
        sql += " AND (p.created_at IS NULL OR p.created_at <= ?)"
        args.append(search.created_before)
    if search.hidden_space_ids:
        sql += f" AND p.space_id NOT IN ({', '.join('?' * len(search.hidden_space_ids))})"
        args += search.hidden_space_ids
    if before is None:
        sql += " AND p.id > ? ORDER BY p.id"
        args.append(after)
    else:
        sql += " AND p.id < ? ORDER BY p.id DESC"
        args.append(before)
    rows = conn.execute(sql + " LIMIT ? OFFSET ?", [*args, limit, offset]).fetchall()
    return [int(row[0]) for row in rows]


def _render(
    conn: sqlite3.Connection, v: V1View, ids: list[int], expand: Expand
) -> list[dict[str, Any]]:
    found = store.pages_by_ids(conn, ids)
    return [v.page(found[i], expand) for i in ids if i in found]


def _position(ctx: RequestContext) -> Position:
    raw = decode_cursor(ctx)
    start, after, before = raw.get("start", 0), raw.get("after", 0), raw.get("before")
    numbers = [start, after] if before is None else [start, after, before]
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in numbers):
        raise Problem(400, "Invalid cursor")
    return Position(start, after, before)


def _cloud_page(
    conn: sqlite3.Connection, search: Search, at: Position, limit: int
) -> tuple[list[int], Position | None, Position | None]:
    """The ids of the page `at` points to, and the positions of the previous and next page."""
    if at.before is None:
        found = _ids(conn, search, limit=limit + 1, after=at.after)
        ids = found[:limit]
        more_after = len(found) > limit
        # The first page (no `after`) has nothing before it.
        more_before = (
            at.after > 0 and bool(ids) and bool(_ids(conn, search, limit=1, before=ids[0]))
        )
    else:
        found = _ids(conn, search, limit=limit + 1, before=at.before)
        ids = found[:limit][::-1]
        more_before = len(found) > limit
        more_after = bool(ids) and bool(_ids(conn, search, limit=1, after=ids[-1]))
    following = Position(at.start + len(ids), after=ids[-1]) if more_after else None
    previous = Position(max(at.start - limit, 0), before=ids[0]) if more_before else None
    return ids, previous, following


def _self_link(ctx: RequestContext, v: V1View) -> str:
    return v.api(_PATH) + "?" + urlencode(query_items(ctx))


def cloud_search(ctx: RequestContext) -> Response:
    """Cloud: cursor paging; ``_links.next`` / ``prev`` relative to ``_links.base``."""
    search = _search(ctx)
    expand = _expand(ctx)
    limit = _limit(ctx, expand)
    at = _position(ctx)
    with ctx.store.read() as conn:
        search = replace(search, hidden_space_ids=tuple(hidden_space_ids(ctx, conn)))
        ids, previous, following = _cloud_page(conn, search, at, limit)
        v = view(ctx, conn)
        results = _render(conn, v, ids, expand)
    links = {"base": v.root, "context": v.context, "self": _self_link(ctx, v)}
    kept = [(k, value) for k, value in query_items(ctx) if k not in ("cursor", "limit", "start")]
    for name, position in (("next", following), ("prev", previous)):
        if position is not None:
            paging = [("limit", str(limit)), ("cursor", position.cursor())]
            links[name] = f"/rest/api{_PATH}?" + urlencode([*kept, *paging])
    body = {"results": results, "start": at.start, "limit": limit, "size": len(results)}
    return json_response({**body, "_links": links})


def dc_search(ctx: RequestContext) -> Response:
    """Data Center: ``start`` / ``limit`` paging; ``_links.next`` when there is more."""
    search = _search(ctx)
    expand = _expand(ctx)
    limit = _limit(ctx, expand)
    start = int_arg(ctx, "start", 0)
    with ctx.store.read() as conn:
        search = replace(search, hidden_space_ids=tuple(hidden_space_ids(ctx, conn)))
        found = _ids(conn, search, limit=limit + 1, offset=start)
        v = view(ctx, conn)
        results = _render(conn, v, found[:limit], expand)
    more = len(found) > limit
    body = v.content_array_body(results, start, limit, _PATH, more, query_items(ctx))
    body["_links"]["self"] = _self_link(ctx, v)
    return json_response(body)


def register_content_search(routes: ConfluenceRoutes, *, cloud: bool) -> None:
    routes.add(_PATH, ["GET"], cloud_search if cloud else dc_search)
