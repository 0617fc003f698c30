"""What the Jira gateway reads from a site, in the shapes the rest of nivosync uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class IssueTypeRef:
    id: str
    name: str


@dataclass(frozen=True)
class SiteFacts:
    """The project and the fields nivosync needs, discovered before any write."""

    project_id: str
    project_key: str
    project_name: str
    issue_types: tuple[IssueTypeRef, ...]
    start_field: str | None  # "Start date" (Cloud) / a start-date picker (DC), if the site has one
    epic_link_field: str | None  # DC "Epic Link"
    epic_name_field: str | None  # DC "Epic Name"

    def issue_type(self, name: str) -> IssueTypeRef | None:
        wanted = name.casefold()
        return next((t for t in self.issue_types if t.name.casefold() == wanted), None)


@dataclass(frozen=True)
class JiraUser:
    """A person as the site knows them: `ref` is the accountId (Cloud) or username (DC)."""

    ref: str
    display_name: str
    email: str | None = None


@dataclass(frozen=True)
class IssueSnapshot:
    """One issue as found by a search: the fields nivosync reconciles and reports on."""

    key: str
    id: str
    summary: str
    issue_type: str
    status: str
    status_category: str  # new | indeterminate | done
    assignee: JiraUser | None
    due: date | None
    start: date | None
    resolved: date | None
    labels: tuple[str, ...]
    epic_key: str | None
    blocked_by: frozenset[str]
    properties: dict[str, Any] = field(default_factory=dict)  # those the search asked for


@dataclass(frozen=True)
class BulkFailure:
    index: int  # position in the request's issueUpdates
    status: int
    messages: tuple[str, ...]


@dataclass(frozen=True)
class BulkResult:
    created: tuple[tuple[int, str, str], ...]  # (index, key, id)
    failures: tuple[BulkFailure, ...]
