"""What the Jira gateway reads from a site, in the shapes the rest of nivosync uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

EPIC_LEVEL = 1  # Cloud's hierarchyLevel of epics (0: standard types, -1: sub-tasks)
SUBTASK_LEVEL = -1


@dataclass(frozen=True)
class IssueTypeRef:
    id: str
    name: str
    hierarchy_level: int | None = None  # Cloud only
    subtask: bool = False  # a sub-task type ("Subtask" on Cloud, "Sub-task" on DC by default)


@dataclass(frozen=True)
class CustomFields:
    """The custom fields an issue snapshot holds: the start date, Data Center's Epic Link."""

    start_field: str | None = None
    epic_link_field: str | None = None


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
    team_managed: bool = False  # a Cloud team-managed project (own issue types and fields)

    def issue_type(self, name: str) -> IssueTypeRef | None:
        wanted = name.casefold()
        return next((t for t in self.issue_types if t.name.casefold() == wanted), None)

    def epic_type(self) -> IssueTypeRef | None:
        """The project's epic type: Cloud says so by hierarchy level, whatever its name (a
        renamed or translated epic); Data Center, which has no levels, by the name Epic."""
        epics = [t for t in self.issue_types if t.hierarchy_level == EPIC_LEVEL]
        named = [t for t in epics if t.name.casefold() == "epic"]
        chosen = named or epics
        return chosen[0] if chosen else self.issue_type("Epic")

    def subtask_type(self) -> IssueTypeRef | None:
        """The project's sub-task type, whatever the site calls it: Cloud says so by hierarchy
        level -1 ("Subtask" by default), Data Center by its `subtask` flag ("Sub-task"); the
        default names are preferred where a project has several."""
        found = [t for t in self.issue_types if t.subtask or t.hierarchy_level == SUBTASK_LEVEL]
        named = [t for t in found if t.name.casefold() in ("subtask", "sub-task")]
        chosen = named or found
        return chosen[0] if chosen else None


@dataclass(frozen=True)
class ScreenField:
    """A field on a create screen, as createmeta describes it."""

    id: str
    name: str
    required: bool
    has_default: bool  # Jira fills it when a create leaves it out
    custom: str | None = None  # a custom field's type (its schema's "custom")


@dataclass(frozen=True)
class CreateScreen:
    """The fields an issue type's create screen has in the project (what a create may set)."""

    issue_type: IssueTypeRef
    fields: tuple[ScreenField, ...]

    def has(self, field_id: str) -> bool:
        return any(f.id == field_id for f in self.fields)

    def must_fill(self) -> tuple[ScreenField, ...]:
        """Required fields that Jira does not fill itself."""
        return tuple(f for f in self.fields if f.required and not f.has_default)


@dataclass(frozen=True)
class JiraUser:
    """A person as the site knows them: `ref` is the accountId (Cloud) or username (DC)."""

    ref: str
    display_name: str
    email: str | None = None

    @property
    def named(self) -> str:
        """How records that say who did something name this person: email, else name, else ref."""
        return self.email or self.display_name or self.ref


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
    resolution: str | None = None  # its name ("Done", "Won't Do" …), None while unresolved


@dataclass(frozen=True)
class StatusMove:
    """The latest change of an issue's status, from its changelog: by whom, when, to what."""

    key: str
    by: JiraUser | None
    at: datetime
    to_status: str


@dataclass(frozen=True)
class Transition:
    """A workflow transition the account may take on an issue now."""

    id: str
    name: str
    to_category: str  # new | indeterminate | done
    resolutions: tuple[str, ...] = ()  # names, when its screen has a Resolution field


@dataclass(frozen=True)
class BulkFailure:
    index: int  # position in the request's issueUpdates
    status: int
    messages: tuple[str, ...]


@dataclass(frozen=True)
class BulkResult:
    created: tuple[tuple[int, str, str], ...]  # (index, key, id)
    failures: tuple[BulkFailure, ...]
