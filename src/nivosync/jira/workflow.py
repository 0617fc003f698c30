"""Moving issues through their workflow, and the site's own date.

`IssueWorkflow` makes the calls through the site's JiraGateway (its session, retries and error
messages); it lives apart only to keep gateway.py readable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import Transition

TRANSITION = "Transition Issues"


class IssueWorkflow:
    """Transitions on the issues of one JiraGateway's project."""

    def __init__(self, jira: JiraGateway) -> None:
        self.jira = jira

    def transitions(self, key: str) -> list[Transition]:
        """The transitions the account may take on `key` now (none without Transition
        Issues), with the resolutions their screens offer."""
        jira = self.jira
        path = f"{jira.flavor.api}/issue/{key}/transitions"
        found = jira._json(  # the gateway's own request-and-explain, shared in its package
            "GET", path, params={"expand": "transitions.fields"}, what=f"transitions of {key}"
        )
        return [_transition(item) for item in found.get("transitions") or []]

    def transition(self, key: str, transition: Transition, resolution: str | None) -> None:
        """Take `transition`; `resolution` is sent only where its screen has that field (a
        field that is not on the screen is refused)."""
        jira = self.jira
        body: dict[str, Any] = {"transition": {"id": transition.id}}
        if resolution and resolution in transition.resolutions:
            body["fields"] = {"resolution": {"name": resolution}}
        path = f"{jira.flavor.api}/issue/{key}/transitions"
        jira._json("POST", path, body=body, what=f"issue {key} transition", permission=TRANSITION)

    def today(self, timezone: str) -> date:
        """The site's date in `timezone` (serverInfo): what Jira will stamp on a write now."""
        jira = self.jira
        found = jira._json("GET", f"{jira.flavor.api}/serverInfo", what="server info")
        stamp = str(found.get("serverTime") or "")
        try:
            moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")
        except ValueError:
            raise HttpError(
                f"Jira's serverInfo has no readable serverTime ({stamp!r})",
                200,
                "GET",
                "serverInfo",
            ) from None
        return moment.astimezone(ZoneInfo(timezone)).date()


def _transition(item: Mapping[str, Any]) -> Transition:
    category = ((item.get("to") or {}).get("statusCategory") or {}).get("key", "")
    field = (item.get("fields") or {}).get("resolution") or {}
    names = tuple(str(v.get("name")) for v in field.get("allowedValues") or [] if v.get("name"))
    return Transition(str(item["id"]), str(item.get("name", "")), str(category), names)
