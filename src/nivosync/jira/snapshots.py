"""Issues as nivosync reads them: the fields a snapshot holds, and a snapshot of one issue
from the JSON a search or a read returned (Cloud and Data Center alike, through the flavour)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from nivosync.jira.flavor import JiraFlavor
from nivosync.jira.models import CustomFields, IssueSnapshot

LINK_TYPE = "Blocks"  # the issue link nivosync writes and reads dependencies as
SNAPSHOT_FIELDS = (
    "summary",
    "issuetype",
    "status",
    "assignee",
    "duedate",
    "resolution",
    "resolutiondate",
    "labels",
    "issuelinks",
    "parent",
)


def snapshot_fields(custom: CustomFields | None) -> list[str]:
    """The fields to ask for: those every snapshot holds, and the site's `custom` ones."""
    ids = (custom.start_field, custom.epic_link_field) if custom else ()
    return list(dict.fromkeys([*SNAPSHOT_FIELDS, *filter(None, ids)]))


def issue_snapshot(
    raw: Mapping[str, Any], flavor: JiraFlavor, custom: CustomFields | None
) -> IssueSnapshot:
    """An issue as a search or a read returned it (`custom`: the custom fields asked for)."""
    fields = raw.get("fields", {})
    status = fields.get("status") or {}
    blocked_by = frozenset(
        link["inwardIssue"]["key"]
        for link in fields.get("issuelinks") or []
        if link.get("type", {}).get("name") == LINK_TYPE and "inwardIssue" in link
    )
    start_field = custom.start_field if custom else None
    epic_field = custom.epic_link_field if custom else None
    return IssueSnapshot(
        key=str(raw["key"]),
        id=str(raw["id"]),
        summary=str(fields.get("summary", "")),
        issue_type=str((fields.get("issuetype") or {}).get("name", "")),
        status=str(status.get("name", "")),
        status_category=str((status.get("statusCategory") or {}).get("key", "")),
        assignee=flavor.user_from_json(fields.get("assignee")),
        due=_date(fields.get("duedate")),
        start=_date(fields.get(start_field)) if start_field else None,
        resolved=_date(fields.get("resolutiondate")),
        labels=tuple(fields.get("labels") or ()),
        epic_key=flavor.epic_of(fields, epic_field),
        blocked_by=blocked_by,
        properties=dict(raw.get("properties") or {}),
        resolution=(fields.get("resolution") or {}).get("name"),
    )


def _date(value: Any) -> date | None:
    if not value:
        return None
    text = str(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        try:
            return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").date()
        except ValueError:
            return None
