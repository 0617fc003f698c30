"""Issue history (the changelog): recorded when an issue moves or its fields change, and served
as Jira serves it.

- ``expand=changelog`` on GET issue and on search: ``{"startAt", "maxResults", "total",
  "histories"}``. Cloud's search/jql sends at most the 40 newest histories, newest first (and
  its GET issue the latest 100, oldest first); Data Center sends them all, oldest first.
- Cloud's ``GET issue/{key}/changelog``: every history, oldest first, paged (100 at most).

Each history names its author (who made the change) and the time on the sandbox clock; its
items say what changed from what to what, as ids (``from``/``to``) and as text.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.view import JiraView, jira_timestamp
from nivosync.sandbox.responses import json_response

CLOUD_SEARCH_HISTORIES = 40  # what Cloud's search/jql sends of an issue's changelog
CLOUD_ISSUE_HISTORIES = 100  # what Cloud's GET issue sends; its changelog route pages by 100
PAGE_MAX = 100


@dataclass(frozen=True)
class ChangeItem:
    """One changed field of a history: `fieldId` as Jira names the field."""

    field_id: str
    field: str  # its name in the history ("status", "resolution", "assignee" …)
    from_id: str | None
    from_text: str | None
    to_id: str | None
    to_text: str | None

    def to_json(self) -> dict[str, Any]:
        """Jira's change item; a side with no value (a resolution newly set, an assignee
        cleared) is left out, as both specs type these values as non-null strings."""
        values = {
            "from": self.from_id,
            "fromString": self.from_text,
            "to": self.to_id,
            "toString": self.to_text,
        }
        known = {k: v for k, v in values.items() if v is not None}
        return {"field": self.field, "fieldtype": "jira", "fieldId": self.field_id, **known}


def record_change(
    conn: sqlite3.Connection,
    issue_id: int,
    author_id: int | None,
    now: datetime,
    items: Sequence[ChangeItem],
) -> None:
    """One history of `items` by `author_id` at `now` (nothing when nothing changed)."""
    if not items:
        return
    conn.execute(
        "INSERT INTO jira_changelog (issue_id, author_id, created, items) VALUES (?, ?, ?, ?)",
        (issue_id, author_id, jira_timestamp(now), json.dumps([i.to_json() for i in items])),
    )


# Issue columns whose edits the changelog records: column → (field id, field name).
_RECORDED = {
    "summary": ("summary", "summary"),
    "assignee_id": ("assignee", "assignee"),
    "duedate": ("duedate", "duedate"),
}


def field_changes(
    conn: sqlite3.Connection, flavor: str, before: sqlite3.Row, columns: Mapping[str, Any]
) -> list[ChangeItem]:
    """The changelog items of an edit that set `columns` on the issue `before` was."""
    items = []
    for column, (field_id, name) in _RECORDED.items():
        if column not in columns or columns[column] == before[column]:
            continue
        was, now = before[column], columns[column]
        if column == "assignee_id":
            old, new = _user_ref(conn, flavor, was), _user_ref(conn, flavor, now)
            items.append(ChangeItem(field_id, name, old[0], old[1], new[0], new[1]))
        else:
            items.append(ChangeItem(field_id, name, None, _text(was), None, _text(now)))
    return items


def _user_ref(conn: sqlite3.Connection, flavor: str, user_id: int | None) -> tuple[Any, Any]:
    """A user in a change item: (accountId on Cloud / user key on DC, display name)."""
    user = user_by(conn, "id", str(user_id)) if user_id is not None else None
    if user is None:
        return None, None
    return (user.account_id if flavor == "cloud" else user.key), user.display_name


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def histories_of(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, list[sqlite3.Row]]:
    """Each issue's histories, oldest first."""
    found: dict[int, list[sqlite3.Row]] = {i: [] for i in ids}
    if not ids:
        return found
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        f"SELECT * FROM jira_changelog WHERE issue_id IN ({marks}) ORDER BY id", list(ids)
    )
    for row in rows:
        found[row["issue_id"]].append(row)
    return found


def author_ids(histories: Iterable[Sequence[sqlite3.Row]]) -> set[int]:
    return {r["author_id"] for rows in histories for r in rows if r["author_id"] is not None}


def history_json(view: JiraView, row: sqlite3.Row, users: Mapping[int, User]) -> dict[str, Any]:
    items = json.loads(row["items"])
    if not view.cloud:  # Data Center's change items have no fieldId
        items = [{k: v for k, v in item.items() if k != "fieldId"} for item in items]
    body: dict[str, Any] = {"id": str(row["id"])}
    author = view.user(users.get(row["author_id"])) if row["author_id"] is not None else None
    if author is not None:
        body["author"] = author
    return {**body, "created": row["created"], "items": items}


def changelog_json(
    view: JiraView, rows: Sequence[sqlite3.Row], users: Mapping[int, User], search: bool
) -> dict[str, Any]:
    """An issue's ``changelog`` expansion, as the flavour sends it on a search or a GET."""
    chosen = list(rows)
    if view.cloud and search:
        chosen = list(reversed(chosen))[:CLOUD_SEARCH_HISTORIES]
    elif view.cloud:
        chosen = chosen[-CLOUD_ISSUE_HISTORIES:]
    return {
        "startAt": 0,
        "maxResults": len(chosen),
        "total": len(rows),
        "histories": [history_json(view, r, users) for r in chosen],
    }


def get_changelog(ctx: RequestContext, api: str, key: str) -> Response:
    """Cloud's paged changelog of one issue, oldest first."""
    from nivosync.sandbox.jira.issue_routes import require_issue
    from nivosync.sandbox.jira.records import load_issues

    view = JiraView.of(ctx, api)
    try:
        start = max(int(ctx.request.args.get("startAt", 0)), 0)
        limit = min(max(int(ctx.request.args.get("maxResults", PAGE_MAX)), 0), PAGE_MAX)
    except ValueError as exc:
        raise JiraError(400, [f"startAt and maxResults must be numbers: {exc}"]) from exc
    with ctx.store.read() as conn:
        issue = require_issue(conn, ctx, key)
        loaded = load_issues(conn, [issue["id"]], with_changelog=True)
    record = loaded.issues[0]
    shown = record.histories[start : start + limit]
    body: dict[str, Any] = {
        "self": view.url(f"issue/{record.key}/changelog?startAt={start}&maxResults={limit}"),
        "maxResults": limit,
        "startAt": start,
        "total": len(record.histories),
        "isLast": start + len(shown) >= len(record.histories),
        "values": [history_json(view, r, loaded.users) for r in shown],
    }
    if not body["isLast"]:
        following = start + len(shown)
        body["nextPage"] = view.url(
            f"issue/{record.key}/changelog?startAt={following}&maxResults={limit}"
        )
    return json_response(body)


def register_changelog(routes: JiraRoutes) -> None:
    if routes.flavor == "cloud":
        routes.get("issue/<key>/changelog", get_changelog)
