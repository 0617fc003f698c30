"""Issue search: Cloud ``search/jql`` (token paging), DC ``search`` (offset paging + total).

Cloud's retired ``/rest/api/{2,3}/search`` answers 410 like the real Cloud does today. The
issues of a project the caller may not browse are simply not found (reconciled ones neither).
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from dataclasses import dataclass, replace
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import caller
from nivosync.sandbox.jira.jql import JqlError, parse
from nivosync.sandbox.jira.jql.sql import JqlCompiler
from nivosync.sandbox.jira.permissions import holds
from nivosync.sandbox.jira.records import load_issues
from nivosync.sandbox.jira.render import FieldSelection, IssueRenderer, parse_list_param
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import json_response

CLOUD_MAX_WITH_FIELDS = 100
CLOUD_MAX_IDS_ONLY = 5000
DC_MAX_RESULTS = 1000
RECONCILE_MAX = 50
REMOVED_SEARCH_MESSAGE = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. "
    "A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)


@dataclass(frozen=True)
class SearchRequest:
    jql: str
    fields: list[str] | None
    properties: list[str]
    expand: list[str]
    max_results: int | None
    start_at: int
    next_page_token: str | None
    reconcile: tuple[int, ...] = ()  # Cloud's reconcileIssues: seen at once, whatever the lag

    @classmethod
    def from_request(cls, ctx: RequestContext) -> SearchRequest:
        if ctx.request.method == "POST":
            body = ctx.json_body()
            if not isinstance(body, dict):
                raise JiraError(400, ["The search request must be a JSON object."])
            return cls._from_values(body.get, lambda name: _as_list(body.get(name)))
        args = ctx.request.args
        return cls._from_values(args.get, lambda name: parse_list_param(args.getlist(name)) or None)

    @classmethod
    def _from_values(cls, get: Any, get_list: Any) -> SearchRequest:
        try:
            max_results = int(get("maxResults")) if get("maxResults") is not None else None
            start_at = int(get("startAt") or 0)
        except (TypeError, ValueError) as exc:
            raise JiraError(400, [f"Invalid paging parameter: {exc}"]) from exc
        return cls(
            jql=str(get("jql") or ""),
            fields=get_list("fields"),
            properties=get_list("properties") or [],
            expand=get_list("expand") or [],
            max_results=max_results,
            start_at=max(start_at, 0),
            next_page_token=get("nextPageToken"),
            reconcile=_issue_ids(get_list("reconcileIssues")),
        )


def _issue_ids(values: list[str] | None) -> tuple[int, ...]:
    try:
        ids = tuple(int(v) for v in values or ())
    except ValueError as exc:
        raise JiraError(400, [f"reconcileIssues must hold issue ids: {exc}"]) from exc
    if len(ids) > RECONCILE_MAX:
        raise JiraError(400, [f"reconcileIssues accepts at most {RECONCILE_MAX} issue ids."])
    return ids


def _as_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return parse_list_param([value])
    return [str(v) for v in value]


def _matching_ids(
    conn: sqlite3.Connection,
    ctx: RequestContext,
    search: SearchRequest,
    offset: int,
    limit: int,
    lag: float,
) -> tuple[list[int], bool, Any]:
    try:
        query = parse(search.jql)
        compiler = JqlCompiler(conn, ctx.flavor, caller(conn, ctx).id)
        where, params = compiler.where(query)
        order = compiler.order_by(query.order_by)
    except JqlError as exc:
        raise JiraError(400, [exc.message]) from exc
    where = where if holds(ctx, "BROWSE_PROJECTS") else f"({where}) AND 0"
    where, params = _indexed(where, params, lag, search.reconcile)
    rows = conn.execute(
        f"SELECT i.id FROM jira_issues i WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
        [*params, limit + 1, offset],
    ).fetchall()
    ids = [r[0] for r in rows[:limit]]
    return ids, len(rows) > limit, (query, where, params)


def _indexed(
    where: str, params: list[Any], lag: float, reconcile: tuple[int, ...]
) -> tuple[str, list[Any]]:
    """Only issues the search index has caught up with: written more than `lag` seconds ago
    (real time), or named in reconcileIssues."""
    if lag <= 0:
        return where, params
    known = f" OR i.id IN ({', '.join('?' * len(reconcile))})" if reconcile else ""
    clause = f"({where}) AND (i.written_at IS NULL OR i.written_at <= ?{known})"
    return clause, [*params, time.time() - lag, *reconcile]


def _render(
    conn: sqlite3.Connection,
    ctx: RequestContext,
    view: JiraView,
    search: SearchRequest,
    ids: list[int],
    default_fields: str,
) -> list[dict[str, Any]]:
    history = "changelog" in search.expand
    loaded = load_issues(conn, ids, search.properties or None, with_changelog=history)
    selection = FieldSelection.parse(search.fields, default=default_fields)
    renderer = IssueRenderer(view, loaded, selection, search=True)
    return [
        renderer.issue(rec, search.expand, with_properties=bool(search.properties))
        for rec in loaded.issues
    ]


def _encode_token(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _decode_token(token: str) -> int:
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (ValueError, KeyError, TypeError) as exc:
        raise JiraError(400, ["The provided next page token is invalid or expired."]) from exc
    if not isinstance(offset, int) or offset < 0:
        raise JiraError(400, ["The provided next page token is invalid or expired."])
    return offset


def _cloud_limit(search: SearchRequest) -> int:
    wanted = search.max_results if search.max_results is not None else 50
    ids_only = set(search.fields or ["id"]) <= {"id", "key"} and not search.properties
    cap = CLOUD_MAX_IDS_ONLY if ids_only else CLOUD_MAX_WITH_FIELDS
    return max(1, min(wanted, cap))


def _unbounded(jql: str) -> bool:
    try:
        return parse(jql).where is None
    except JqlError:
        return False  # reported with its own message by the search itself


def search_jql(ctx: RequestContext, api: str) -> Response:
    """Cloud's enhanced search: bounded JQL, ``nextPageToken``/``isLast``, no ``total``."""
    search = SearchRequest.from_request(ctx)
    view = JiraView.of(ctx, api)
    offset = _decode_token(search.next_page_token) if search.next_page_token else 0
    limit = _cloud_limit(search)
    if _unbounded(search.jql):
        raise JiraError(
            400,
            [
                "Unbounded JQL queries are not allowed here. Please add a search restriction "
                "to your query."
            ],
        )
    with ctx.store.read() as conn:
        lag = ctx.index_lag_seconds
        ids, more, _ = _matching_ids(conn, ctx, search, offset, limit, lag)
        issues = _render(conn, ctx, view, search, ids, default_fields="id")
    body: dict[str, Any] = {"issues": issues, "isLast": not more}
    if more:
        body["nextPageToken"] = _encode_token(offset + limit)
    return json_response(body)


def search_dc(ctx: RequestContext, api: str) -> Response:
    """Data Center's search: ``startAt``/``maxResults``/``total``."""
    search = SearchRequest.from_request(ctx)
    view = JiraView.of(ctx, api)
    limit = min(search.max_results if search.max_results is not None else 50, DC_MAX_RESULTS)
    limit = max(limit, 0)
    with ctx.store.read() as conn:
        lag = ctx.index_lag_seconds  # DC has no reconcileIssues: its index lags as well
        found = _matching_ids(conn, ctx, replace(search, reconcile=()), search.start_at, limit, lag)
        ids, _, (_, where, params) = found
        total = conn.execute(
            f"SELECT COUNT(*) FROM jira_issues i WHERE {where}", params
        ).fetchone()[0]
        issues = _render(conn, ctx, view, search, ids, default_fields="*navigable")
    return json_response(
        {
            "expand": "schema,names",
            "startAt": search.start_at,
            "maxResults": limit,
            "total": total,
            "issues": issues,
        }
    )


def removed_search(ctx: RequestContext, api: str) -> Response:
    raise JiraError(410, [REMOVED_SEARCH_MESSAGE])


def register_search(routes: JiraRoutes) -> None:
    if routes.flavor == "cloud":
        routes.add("search/jql", ["GET", "POST"], search_jql)
        routes.add("search", ["GET", "POST"], removed_search)
    else:
        routes.add("search", ["GET", "POST"], search_dc)
