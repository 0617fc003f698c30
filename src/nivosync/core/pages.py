"""The pages nivosync owns in Confluence: their kinds and titles (one owner for both)."""

from __future__ import annotations

from typing import Literal, Protocol, get_args

ReleasePageKind = Literal["plan", "notes", "change-advisory", "uat"]
PageKind = Literal["plan", "notes", "change-advisory", "uat", "status", "portfolio"]
# The release's own pages, in publishing order (the plan page first: it is the others' parent).
RELEASE_PAGE_KINDS: tuple[ReleasePageKind, ...] = get_args(ReleasePageKind)
_TITLES: dict[ReleasePageKind | Literal["status"], str] = {
    "plan": "Release Plan",
    "notes": "Release Notes",
    "change-advisory": "Change Advisory",
    "uat": "UAT Form",
    "status": "Status Report",
}


class Titled(Protocol):
    @property
    def title(self) -> str: ...  # "Acme Health 2.4.0"


def page_title(kind: ReleasePageKind | Literal["status"], release: Titled) -> str:
    """A release page's title: unique per release, as Confluence needs within a space."""
    return f"{release.title} — {_TITLES[kind]}"


def portfolio_title(parent_page: str) -> str:
    """The portfolio page sits under the configured parent page and is named after it."""
    return f"{parent_page} — Portfolio"
