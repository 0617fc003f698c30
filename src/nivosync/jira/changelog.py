"""Reading issues' changelogs: who last moved each issue's status, and when.

One search with ``expand=changelog`` reads the histories of every issue it finds (paged like any
search), on both flavours: Cloud's search/jql sends at most the 40 newest histories of an issue
(newest first), which always hold its latest status change; Data Center sends them all (oldest
first). The order is not relied on: the latest status change is picked by its time.
`IssueChangelog` makes the calls through the site's JiraGateway (its session, retries and error
messages); it lives apart only to keep gateway.py readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import StatusMove

CHANGELOG = "changelog"
JIRA_TIME = "%Y-%m-%dT%H:%M:%S.%f%z"  # 2026-12-15T16:00:00.000+0000


class IssueChangelog:
    """Status changes of the issues of one JiraGateway's project."""

    def __init__(self, jira: JiraGateway) -> None:
        self.jira = jira

    def status_moves(self, jql: str) -> dict[str, StatusMove]:
        """Issue key → its latest status change, for every issue matching `jql` that has one
        (an issue never moved since it was created has none)."""
        jira = self.jira

        def send(body: dict[str, Any]) -> Mapping[str, Any]:
            page: Mapping[str, Any] = jira._json(  # the gateway's own request-and-explain
                "POST", jira.flavor.search_path, body=body, idempotent=True, what="changelogs"
            )
            return page

        found: dict[str, StatusMove] = {}
        pages = jira.flavor.search(send, jql, ["status"], [], expand=(CHANGELOG,))
        for raw in pages:
            histories = (raw.get(CHANGELOG) or {}).get("histories") or []
            move = self.latest_status_move(str(raw["key"]), histories)
            if move is not None:
                found[move.key] = move
        return found

    def latest_status_move(
        self, key: str, histories: Iterable[Mapping[str, Any]]
    ) -> StatusMove | None:
        """The newest history of `key` that changed its status (None: there is none)."""
        moves = []
        for history in histories:
            at = _time(history.get("created"))
            item = next((i for i in history.get("items") or [] if _is_status(i)), None)
            if at is not None and item is not None:
                by = self.jira.flavor.user_from_json(history.get("author"))
                moves.append(StatusMove(key, by, at, str(item.get("toString") or "")))
        return max(moves, key=lambda m: m.at) if moves else None


def _is_status(item: Mapping[str, Any]) -> bool:
    return (item.get("fieldId") or item.get("field")) == "status"


def _time(value: Any) -> datetime | None:
    try:
        return datetime.strptime(str(value), JIRA_TIME)
    except ValueError:
        return None
