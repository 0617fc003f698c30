"""What every page renderer shares: the result type, Jira references, small cells."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeAlias

from nivosync.core.pages import ReleasePageKind
from nivosync.core.plan import Plan
from nivosync.render.storage import (
    Colour,
    Content,
    Element,
    Node,
    UserId,
    date_text,
    element,
    lines,
    link,
    panel,
    status,
    user_mention,
)

NONE = "—"
# Jira's status categories (statusCategory.key) and the lozenge colours Jira itself uses.
CATEGORY_COLOURS: dict[str, Colour] = {"new": "Grey", "indeterminate": "Blue", "done": "Green"}


@dataclass(frozen=True)
class Attachment:
    """A local file the publisher uploads to the page, under `filename`."""

    filename: str
    path: Path


@dataclass(frozen=True)
class RenderedPage:
    kind: ReleasePageKind
    title: str
    body: str  # storage format
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class GoLiveDates:
    """The go-live as tonight's forecast sees it: projected while open, actual once done."""

    planned: date
    projected: date
    actual: date | None = None


def go_live_cell(planned: date, forecast: GoLiveDates | None, task_name: str = "") -> str:
    """'2027-01-07 (Production Deployment)', plus the forecast or the actual date once known."""
    named = f"{day(planned)} ({task_name})" if task_name else day(planned)
    if forecast is None:
        return named
    if forecast.actual is not None:
        return f"{named}; actual {day(forecast.actual)}"
    if forecast.projected != planned:
        return f"{named}; forecast {day(forecast.projected)}"
    return f"{named}; forecast on plan"


@dataclass(frozen=True)
class IssueRef:
    """A Jira issue as a page shows it; status fields are None when not read."""

    key: str
    url: str | None = None
    status: str | None = None
    category: str | None = None  # new | indeterminate | done
    resolved: date | None = None

    @property
    def done(self) -> bool:
        return self.category == "done"


def issue_key(ref: IssueRef | None) -> Content:
    """The key, linked to the issue when its URL is known; a dash when there is no issue."""
    if ref is None:
        return NONE
    return link(ref.url, ref.key)


def issue_status(ref: IssueRef | None) -> Content:
    """A lozenge with Jira's own status name, coloured by its category; a dash if unknown."""
    if ref is None or not ref.status:
        return NONE
    return status(ref.status, CATEGORY_COLOURS.get(ref.category or "", "Grey"))


def people(plan: Plan) -> dict[str, str | None]:
    return {r.role: r.person for r in plan.roles}


def role_person(role: str, persons: dict[str, str | None]) -> str:
    person = persons.get(role)
    return f"{role} ({person or 'unassigned'})"


def role_lines(roles: Sequence[str], persons: dict[str, str | None]) -> list[Node]:
    return lines("\n".join(role_person(r, persons) for r in roles))


def day(value: date | None) -> str:
    return value.isoformat() if value else NONE


def to_be_completed(role: str, persons: dict[str, str | None], *what: Content) -> Element:
    """The page's statement that a person still has to write something (never invented)."""
    return panel("warning", *what, title=f"To be completed by {role_person(role, persons)}")


# --- people as mentions, dates that do not wrap ------------------------------------------------

# A person as the config or Jira writes them (email, account ID, name) → their Confluence user.
People: TypeAlias = Mapping[str, UserId]


def person(text: str | None, known: People | None = None, *, nobody: str = "unassigned") -> Content:
    """A mention of the person when their Confluence user is known, else their text."""
    if not text:
        return nobody
    user = (known or {}).get(text)
    return user_mention(user) if user is not None else text


def role_person_mention(
    role: str, persons: dict[str, str | None], known: People | None = None
) -> list[Content]:
    """'Role (@Person)': `role_person` with the person as a mention when known."""
    return [f"{role} (", person(persons.get(role), known), ")"]


def role_mention_lines(
    roles: Sequence[str], persons: dict[str, str | None], known: People | None = None
) -> list[Content]:
    """`role_lines` with mentions: one 'Role (@Person)' per line."""
    out: list[Content] = []
    for index, role in enumerate(roles):
        out += [element("br")] if index else []
        out += role_person_mention(role, persons, known)
    return out


def day_cell(value: date | None) -> str:
    """`day` for a table cell: the date does not wrap (non-breaking hyphens)."""
    return date_text(value) if value else NONE
