"""What the Confluence gateway reads, in the shapes the publisher uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nivosync.http import HttpError


@dataclass(frozen=True)
class Space:
    id: str
    key: str
    name: str


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    version: int
    author: str  # accountId (Cloud) or username (DC) of the latest version's author
    author_name: str
    body: str  # storage format
    parent_id: str | None
    url: str
    version_message: str = ""  # what the latest version's author said about it


@dataclass(frozen=True)
class ListedPage:
    """A page as a CQL search lists it: enough to tell whether it changed since nivosync's
    last write (its version and the `nivosync` property) without reading it."""

    id: str
    title: str
    version: int | None
    labels: frozenset[str]
    property: Any = None  # the value of the page property asked for, when the page has it
    url: str = ""


@dataclass(frozen=True)
class PageProperty:
    id: str
    key: str
    value: Any
    version: int


@dataclass(frozen=True)
class ConfluenceUser:
    """A person as Confluence knows them: Cloud by `account_id`, Data Center by `user_key`
    (what a mention names) and `username`."""

    display_name: str
    account_id: str | None = None
    user_key: str | None = None
    username: str | None = None


@dataclass(frozen=True)
class Attachment:
    id: str
    title: str
    comment: str


class StaleVersion(HttpError):
    """Confluence refused a write with HTTP 409: the version nivosync held is no longer the
    latest (someone, or nivosync's own replayed request, changed it since it was read)."""

    def __init__(self, what: str, method: str, path: str, body: Any = None) -> None:
        self.what = what
        super().__init__(
            f"the {what} changed in Confluence since nivosync read it ({method} {path} was "
            "answered HTTP 409): run the command again so it re-reads the latest version",
            409,
            method,
            path,
            body,
        )
