"""Issue comments: ``GET`` and ``POST /issue/{key}/comment``.

Reading needs the issue to be visible (Browse Projects), adding needs Add Comments too. Bodies
are kept as Cloud keeps them: Atlassian Document Format. Cloud's v3 takes and returns ADF (a
plain string is refused, as there), its v2 and Data Center take and return text; a v3 mention
node reads on v2 as ``[~accountid:ID]``, the way Cloud's v2 writes one. Data Center keeps the
wiki markup it is sent (``[~username]`` is its mention). Commenting updates the issue's
``updated``, as in Jira.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User
from nivosync.sandbox.jira.adf import adf_to_text, is_adf_document, text_to_adf
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.issue_routes import caller, require_issue
from nivosync.sandbox.jira.permissions import COMMENT_REFUSED, require
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView, jira_timestamp
from nivosync.sandbox.jira.writes import touch
from nivosync.sandbox.responses import json_response

MAX_BODY = 32767  # characters Jira allows in a comment
NOT_ADF = "Comment body is not a valid Atlassian Document (see the Atlassian Document Format)."
EMPTY = "Comment body can not be empty!"
ORDERS = {"created": "ASC", "+created": "ASC", "-created": "DESC"}


def _stored_body(view: JiraView, body: Any) -> str:
    """The body as JSON to store, or a 400 in Jira's words."""
    if view.adf:
        if not is_adf_document(body):
            raise JiraError(400, [NOT_ADF])
        if not adf_to_text(_mentions_as_text(body)).strip():
            raise JiraError(400, errors={"comment": EMPTY})
        return json.dumps(body)
    if not isinstance(body, str):
        raise JiraError(400, errors={"comment": "Operation value must be a string"})
    if not body.strip():
        raise JiraError(400, errors={"comment": EMPTY})
    if len(body) > MAX_BODY:
        raise JiraError(400, errors={"comment": f"The entered text is too long ({MAX_BODY})."})
    return json.dumps(text_to_adf(body) if view.cloud else body)


def _mentions_as_text(node: Any) -> Any:
    """An ADF tree whose mention nodes are text as Cloud's v2 shows them."""
    if not isinstance(node, dict):
        return node
    if node.get("type") == "mention":
        ident = (node.get("attrs") or {}).get("id", "")
        return {"type": "text", "text": f"[~accountid:{ident}]"}
    children = node.get("content")
    if isinstance(children, list):
        return {**node, "content": [_mentions_as_text(c) for c in children]}
    return node


def _shown_body(view: JiraView, stored: str) -> Any:
    value = json.loads(stored)
    if view.adf or not isinstance(value, dict):
        return value
    return adf_to_text(_mentions_as_text(value))


def _author(conn: sqlite3.Connection, user_id: int) -> User:
    row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return User.from_row(row)


def _comment_json(
    conn: sqlite3.Connection, view: JiraView, issue_id: int, row: sqlite3.Row
) -> dict[str, Any]:
    author = view.user(_author(conn, row["author_id"]))
    body: dict[str, Any] = {
        "self": view.url(f"issue/{issue_id}/comment/{row['id']}"),
        "id": str(row["id"]),
        "author": author,
        "body": _shown_body(view, row["body"]),
        "updateAuthor": author,
        "created": row["created"],
        "updated": row["updated"],
    }
    if view.cloud:
        body["jsdPublic"] = True
    return body


def post_comment(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    payload = ctx.json_body()
    if not isinstance(payload, dict) or "body" not in payload:
        raise JiraError(400, errors={"comment": EMPTY})
    with ctx.store.write() as conn:
        issue = require_issue(conn, ctx, key)
        require(ctx, "ADD_COMMENTS", COMMENT_REFUSED)
        stored = _stored_body(view, payload["body"])
        now = ctx.clock.now()
        stamp = jira_timestamp(now)
        comment_id = conn.execute(
            "INSERT INTO jira_comments (id, issue_id, author_id, body, created, updated)"
            " VALUES ((SELECT COALESCE(MAX(id), 9999) + 1 FROM jira_comments), ?, ?, ?, ?, ?)"
            " RETURNING id",
            (issue["id"], caller(conn, ctx).id, stored, stamp, stamp),
        ).fetchone()[0]
        touch(conn, issue["id"], now)
        row = conn.execute("SELECT * FROM jira_comments WHERE id = ?", (comment_id,)).fetchone()
        return json_response(_comment_json(conn, view, issue["id"], row), 201)


def _page_args(ctx: RequestContext) -> tuple[int, int, str]:
    args = ctx.request.args
    try:
        start = max(0, int(args.get("startAt", "0")))
        limit = int(args.get("maxResults", "100" if ctx.flavor == "cloud" else "50"))
    except ValueError:
        raise JiraError(400, ["startAt and maxResults must be numbers."]) from None
    order = args.get("orderBy", "created")
    if order not in ORDERS:
        if ctx.flavor == "cloud":  # Cloud's spec: 400 for any other value
            raise JiraError(400, [f"Invalid orderBy value: {order}."])
        order = "created"  # Data Center ignores what it cannot order by
    return start, max(0, min(limit, 5000)), ORDERS[order]


def get_comments(ctx: RequestContext, api: str, key: str) -> Response:
    view = JiraView.of(ctx, api)
    start, limit, direction = _page_args(ctx)
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        total = conn.execute(
            "SELECT COUNT(*) FROM jira_comments WHERE issue_id = ?", (issue["id"],)
        ).fetchone()[0]
        rows = conn.execute(
            f"SELECT * FROM jira_comments WHERE issue_id = ? ORDER BY id {direction}"
            " LIMIT ? OFFSET ?",
            (issue["id"], limit, start),
        ).fetchall()
        comments = [_comment_json(conn, view, issue["id"], r) for r in rows]
    return json_response(
        {"startAt": start, "maxResults": limit, "total": total, "comments": comments}
    )


def register_comments(routes: JiraRoutes) -> None:
    routes.get("issue/<key>/comment", get_comments)
    routes.post("issue/<key>/comment", post_comment)
