"""Finding releases nivosync created, in Jira alone (labels, and the epic's properties)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from nivosync.app.ledger import recorded_issues
from nivosync.core.baseline import (
    Baseline,
    BaselineError,
    StoredRelease,
    parse_baseline,
    read_stored_release,
)
from nivosync.core.identity import (
    PROPERTY_KEY,
    ReleaseIdentity,
    epics_jql,
    is_epic,
    oldest_first,
    release_jql,
    release_label,
    slug_from_labels,
    tasks_jql,
)
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot

PAGES_PROPERTY = "nivosync.pages"  # on the epic: Confluence page ids by page kind
HISTORY_PROPERTY = "nivosync.history"  # on the epic: one entry per nightly sync
EPIC_PROPERTIES = [PROPERTY_KEY, PAGES_PROPERTY, HISTORY_PROPERTY]
LABELS_PER_SEARCH = 50  # releases per batched task search: keeps the JQL short


@dataclass(frozen=True)
class ReleaseRecord:
    """A release's epic with what nivosync stored on it, read through the typed readers.

    `stored` / `baseline` are None when the epic's property is damaged; `problem` says why.
    """

    epic: IssueSnapshot
    stored: StoredRelease | None
    baseline: Baseline | None
    problem: str | None = None
    pages: dict[str, str] = field(default_factory=dict)
    history: list[Any] = field(default_factory=list)

    @property
    def slug(self) -> str:
        if self.stored is not None:
            return self.stored.slug
        return slug_from_labels(self.epic.labels) or self.epic.key.lower()

    @property
    def label(self) -> str:
        return release_label(self.slug)

    @property
    def customer(self) -> str:
        return self.stored.customer if self.stored else ""

    @property
    def release(self) -> str:
        return self.stored.release if self.stored else ""

    @property
    def title(self) -> str:
        return f"{self.customer} {self.release}" if self.stored else f"release {self.epic.key}"


def find_release(
    jira: JiraGateway, identity: ReleaseIdentity
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """The release's epic record (None if nivosync never created it) and its other issues,
    including those just created that the search index does not show yet."""
    known = recorded_issues(jira, identity.slug)
    return split_release(jira, release_issues(jira, identity, known))


def split_release(
    jira: JiraGateway, found: Sequence[IssueSnapshot]
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """A release search's epic record and its other issues."""
    epics = oldest_first(i for i in found if is_epic(i))
    others = [i for i in found if not is_epic(i)]
    if not epics:
        return None, others
    return read_record(jira, epics[0]), others


def epics(jira: JiraGateway) -> Iterator[ReleaseRecord]:
    """Every release epic nivosync created in the project (one paginated search)."""
    for epic in jira.search(epics_jql(jira.project_key), properties=EPIC_PROPERTIES):
        yield read_record(jira, epic)


def tasks_by_release(
    jira: JiraGateway, records: Sequence[ReleaseRecord]
) -> dict[str, list[IssueSnapshot]]:
    """The task issues of many releases, in a few batched searches (never one per issue)."""
    by_label = {r.label: r.slug for r in records}
    tasks: dict[str, list[IssueSnapshot]] = {r.slug: [] for r in records}
    labels = list(by_label)
    for start in range(0, len(labels), LABELS_PER_SEARCH):
        jql = tasks_jql(jira.project_key, labels[start : start + LABELS_PER_SEARCH])
        for issue in jira.search(jql, properties=[PROPERTY_KEY]):
            for label in issue.labels:
                if label in by_label:
                    tasks[by_label[label]].append(issue)
    return tasks


def read_record(jira: JiraGateway, epic: IssueSnapshot) -> ReleaseRecord:
    """The epic's stored properties, parsed once; a damaged one is recorded, never raised."""
    values = {name: epic.properties.get(name) for name in EPIC_PROPERTIES}
    if not jira.flavor.cloud:  # Data Center's search cannot return issue properties
        values = {name: jira.issue_property(epic.key, name) for name in EPIC_PROPERTIES}
    stored_value, pages, history = (values[name] for name in EPIC_PROPERTIES)
    stored: StoredRelease | None = None
    baseline: Baseline | None = None
    problem = None
    try:
        stored = read_stored_release(stored_value)
        baseline = parse_baseline(stored_value)
    except BaselineError as exc:
        problem = f"its baseline on {epic.key} is unreadable: {exc}"
    return ReleaseRecord(
        epic=epic,
        stored=stored,
        baseline=baseline,
        problem=problem,
        pages={str(k): str(v) for k, v in pages.items()} if isinstance(pages, dict) else {},
        history=history if isinstance(history, list) else [],
    )


def release_issues(
    jira: JiraGateway, identity: ReleaseIdentity, known: dict[str, tuple[str, str]]
) -> list[IssueSnapshot]:
    """The release's issues, including those the search index does not show yet.

    `known` (name → (key, id)) are issues a run recorded creating: Cloud reconciles up to 50
    of them into the search; any still missing (Data Center, or beyond 50) are read directly,
    which is consistent. A known issue that is gone (deleted) is simply not returned."""
    ids = [issue_id for _key, issue_id in known.values()]
    jql = release_jql(jira.project_key, identity.label)
    found = list(jira.search(jql, properties=EPIC_PROPERTIES, reconcile=ids))
    seen = {i.key for i in found}
    for key, _id in known.values():
        if key not in seen:
            issue = jira.issue(key, properties=EPIC_PROPERTIES)
            if issue is not None and identity.label in issue.labels:
                found.append(issue)
    return found
