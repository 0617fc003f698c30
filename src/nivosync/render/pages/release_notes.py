"""The release notes page: Jira issues and a notes file, combined into sections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import page_title
from nivosync.inputs.notes import (
    DEFAULT_TYPE_SECTIONS,
    SECTIONS,
    NoteItem,
    ReleaseNotesFile,
    Section,
    section_for_issue_type,
)
from nivosync.render.pages.common import Attachment, GoLiveDates, RenderedPage
from nivosync.render.storage import (
    Content,
    Element,
    code,
    date_text,
    em,
    heading,
    image,
    key_value_table,
    link,
    p,
    panel,
    paragraphs,
    render,
    strong,
    toc,
    ul,
)


@dataclass(frozen=True)
class JiraItem:
    key: str
    summary: str
    issue_type: str
    url: str | None = None


@dataclass(frozen=True)
class JiraResults:
    """What the release-notes JQL found (an empty `items` is stated on the page)."""

    jql: str
    items: tuple[JiraItem, ...] = ()


@dataclass(frozen=True)
class ChangeItem:
    """One entry of the release notes, from either source."""

    section: Section
    title: str
    source: Literal["jira", "notes"]
    key: str | None = None
    url: str | None = None
    description: str = ""
    screenshots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ReleaseChanges:
    """Both sources and the items they give, in page order; also the Change Advisory's input."""

    jira: JiraResults
    notes: ReleaseNotesFile | None
    items: tuple[ChangeItem, ...]

    def section(self, section: Section) -> list[ChangeItem]:
        return [i for i in self.items if i.section == section]

    @property
    def described_in_notes(self) -> list[str]:
        """Keys Jira found that the notes file describes (shown once, as the notes item)."""
        noted = {i.key for i in self.items if i.source == "notes"}
        return [i.key for i in self.jira.items if i.key in noted]


def collect_changes(
    jira: JiraResults,
    notes: ReleaseNotesFile | None,
    type_sections: Mapping[str, Section] = DEFAULT_TYPE_SECTIONS,
) -> ReleaseChanges:
    """Notes items first (written for readers), then Jira issues the notes do not describe."""
    urls = {i.key: i.url for i in jira.items}
    noted = [_from_notes(n, urls) for n in (notes.items if notes else ())]
    keys = {i.key for i in noted}
    from_jira = [
        ChangeItem(
            section_for_issue_type(i.issue_type, type_sections), i.summary, "jira", i.key, i.url
        )
        for i in jira.items
        if i.key not in keys
    ]
    ordered = [i for s in SECTIONS for i in [*noted, *from_jira] if i.section == s]
    return ReleaseChanges(jira, notes, tuple(ordered))


def _from_notes(item: NoteItem, urls: Mapping[str, str | None]) -> ChangeItem:
    url = urls.get(item.jira_key) if item.jira_key else None
    return ChangeItem(
        item.section, item.title, "notes", item.jira_key, url, item.description, item.screenshots
    )


def render_release_notes(
    release: ReleaseIdentity,
    changes: ReleaseChanges,
    *,
    go_live: date | None = None,
    forecast: GoLiveDates | None = None,
) -> RenderedPage:
    """What readers want first (the summary and the release date), then the changes by
    section, then where they came from. `go_live`: the planned release date; `forecast`, for
    a running release, its projected or actual one."""
    summary = paragraphs(changes.notes.summary) if changes.notes else []
    body = render(
        summary,
        key_value_table(_facts(release, go_live, forecast)),
        toc(),
        _sections(changes),
        heading(2, "Sources"),
        ul(source_statements(changes)),
    )
    return RenderedPage(
        "notes", page_title("notes", release), body, attachments=_attachments(changes)
    )


def _facts(
    release: ReleaseIdentity, go_live: date | None, forecast: GoLiveDates | None
) -> list[tuple[str, Content]]:
    facts: list[tuple[str, Content]] = [
        ("Customer", release.customer),
        ("Release", release.release),
    ]
    if go_live is not None:
        facts.append(("Release date", _release_date(go_live, forecast)))
    return facts


def _release_date(planned: date, forecast: GoLiveDates | None) -> str:
    """The date readers can expect first: actual once released, else forecast, else planned."""
    if forecast is not None and forecast.actual is not None:
        return f"{date_text(forecast.actual)} (released; planned {date_text(planned)})"
    if forecast is not None and forecast.projected != planned:
        return f"{date_text(forecast.projected)} (forecast; planned {date_text(planned)})"
    return f"{date_text(planned)} (planned)"


def source_statements(changes: ReleaseChanges) -> list[Content]:
    """Where the items came from; an empty source is said, not hidden."""
    jira = changes.jira
    count = len(jira.items)
    if count:
        found: Content = [
            f"Jira: {count} issue{'s' if count != 1 else ''} matched ",
            code(jira.jql),
        ]
    else:
        found = ["No Jira issues matched ", code(jira.jql)]
    statements: list[Content] = [found]
    notes = changes.notes
    if notes is None:
        statements.append("No notes file given")
    elif not notes.items:
        statements.append(["The notes file ", code(notes.name), " lists no items"])
    else:
        statements.append([f"Notes file: {len(notes.items)} items from ", code(notes.name)])
    if changes.described_in_notes:
        shared = ", ".join(changes.described_in_notes)
        statements.append(f"Described by the notes file instead of Jira's summary: {shared}")
    return statements


def _sections(changes: ReleaseChanges) -> list[Content]:
    if not changes.items:
        return [
            panel(
                "warning",
                p("Neither source lists a change for this release yet."),
                title="No changes listed",
            )
        ]
    blocks: list[Content] = []
    for section, title in SECTIONS.items():
        items = changes.section(section)
        if items or section != "other":  # "other" only when Jira has such items
            blocks += [heading(2, title), ul(_item(i) for i in items) if items else _none()]
    return blocks


def _none() -> Element:
    return p(em("None listed."))


def _item(item: ChangeItem) -> list[Content]:
    head: list[Content] = [strong(item.title)]
    if item.key:
        head = [link(item.url, item.key), " ", *head]
    if not item.description and not item.screenshots:
        return head
    return [
        p(head),
        paragraphs(item.description),
        [p(image(s.name, alt=item.title)) for s in item.screenshots],
    ]


def _attachments(changes: ReleaseChanges) -> tuple[Attachment, ...]:
    files = {s.name: s for item in changes.items for s in item.screenshots}
    return tuple(Attachment(name, path) for name, path in files.items())
