"""What the Confluence gateway reads, in the shapes the publisher uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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


@dataclass(frozen=True)
class PageProperty:
    id: str
    key: str
    value: Any
    version: int


@dataclass(frozen=True)
class Attachment:
    id: str
    title: str
    comment: str


class StaleVersion(Exception):
    """The page changed since it was read (HTTP 409)."""
