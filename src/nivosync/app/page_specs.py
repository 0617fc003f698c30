"""What a publisher is given and hands back: the page to write (its body, labels and files),
whose page it is, and what became of it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol


class _Release(Protocol):
    @property
    def slug(self) -> str: ...
    @property
    def customer(self) -> str: ...
    @property
    def release(self) -> str: ...


Action = Literal[
    "created",
    "updated",
    "unchanged",
    "existing",
    "skipped-edited",
    "conflict",
    "would create",
    "would update",
]


@dataclass(frozen=True)
class FileToAttach:
    """A page's attachment. `digest` is what the page's property records for it: by default
    the sha256 of its bytes; a chart gives the hash of what it shows, so that it is compared
    without drawing it, and `data` may then be how to draw it (called only to upload it)."""

    name: str
    data: bytes | Callable[[], bytes]
    content_type: str
    digest: str | None = None

    @property
    def sha256(self) -> str:
        return self.digest or hashlib.sha256(self.content()).hexdigest()

    def content(self) -> bytes:
        return self.data() if callable(self.data) else self.data


@dataclass(frozen=True)
class PageSpec:
    """One page as nivosync wants it."""

    kind: str  # plan | notes | change-advisory | uat | status | portfolio
    title: str
    body: str  # storage format, already rendered and escaped
    labels: tuple[str, ...] = ()
    attachments: tuple[FileToAttach, ...] = ()
    message: str = ""  # the version message of an update (what changed); default below


@dataclass(frozen=True)
class PageIdentity:
    """Whose page it is: a release (slug) or the portfolio (slug 'portfolio')."""

    slug: str
    customer: str | None = None
    release: str | None = None

    @classmethod
    def of_release(cls, release: _Release) -> PageIdentity:
        """A release's pages (its plan, epic record or identity names it)."""
        return cls(release.slug, release.customer, release.release)

    def anchor(self, kind: str) -> str:
        return f"nivosync-{self.slug}-{kind}"

    @property
    def slug_label(self) -> str:
        """The label every page of the release carries. Confluence labels may not contain
        dots (Jira's may): versions use '_' here."""
        return f"nivosync-{self.slug.replace('.', '_')}"

    def labels(self, kind: str) -> tuple[str, ...]:
        return ("nivosync", self.slug_label, f"nivosync-page-{kind}")


@dataclass
class PageResult:
    kind: str
    title: str
    action: Action
    page_id: str | None = None
    url: str | None = None
    message: str = ""
