"""Finding releases nivosync created, in Jira alone (labels, and the epic's properties)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from nivosync.baseline import PROPERTY_KEY
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.plan import LABEL_PREFIX, ReleaseIdentity
from nivosync.reconcile import EPIC_LABEL

PAGES_PROPERTY = "nivosync.pages"  # on the epic: Confluence page ids by page kind
HISTORY_PROPERTY = "nivosync.history"  # on the epic: one entry per nightly sync
EPIC_PROPERTIES = [PROPERTY_KEY, PAGES_PROPERTY, HISTORY_PROPERTY]
LABELS_PER_SEARCH = 50  # releases per batched task search: keeps the JQL short


@dataclass(frozen=True)
class ReleaseRecord:
    """A release's epic with what nivosync stored on it."""

    epic: IssueSnapshot
    baseline: dict[str, Any]
    pages: dict[str, str] = field(default_factory=dict)
    history: list[Any] = field(default_factory=list)

    @property
    def slug(self) -> str:
        return str(self.baseline.get("slug", ""))

    @property
    def label(self) -> str:
        return f"{LABEL_PREFIX}-{self.slug}"

    @property
    def customer(self) -> str:
        return str(self.baseline.get("customer", ""))

    @property
    def release(self) -> str:
        return str(self.baseline.get("release", ""))


def release_jql(project_key: str, label: str) -> str:
    return f'project = "{project_key}" AND labels = "{label}" ORDER BY key ASC'


def find_release(
    jira: JiraGateway, identity: ReleaseIdentity
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """The release's epic record (None if nivosync never created it) and its other issues."""
    found = jira.search(release_jql(jira.project_key, identity.label), properties=EPIC_PROPERTIES)
    return split_release(jira, list(found))


def split_release(
    jira: JiraGateway, found: Sequence[IssueSnapshot]
) -> tuple[ReleaseRecord | None, list[IssueSnapshot]]:
    """A release search's epic record and its other issues."""
    epics = sorted((i for i in found if EPIC_LABEL in i.labels), key=_key_order)
    others = [i for i in found if EPIC_LABEL not in i.labels]
    if not epics:
        return None, others
    return _record(jira, epics[0]), others


def epics(jira: JiraGateway) -> Iterator[ReleaseRecord]:
    """Every release epic nivosync created in the project (one paginated search)."""
    jql = f'project = "{jira.project_key}" AND labels = "{EPIC_LABEL}" ORDER BY key ASC'
    for epic in jira.search(jql, properties=EPIC_PROPERTIES):
        yield _record(jira, epic)


def tasks_by_release(
    jira: JiraGateway, records: Sequence[ReleaseRecord]
) -> dict[str, list[IssueSnapshot]]:
    """The task issues of many releases, in a few batched searches (never one per issue)."""
    by_label = {r.label: r.slug for r in records}
    tasks: dict[str, list[IssueSnapshot]] = {r.slug: [] for r in records}
    labels = list(by_label)
    for start in range(0, len(labels), LABELS_PER_SEARCH):
        batch = ", ".join(f'"{label}"' for label in labels[start : start + LABELS_PER_SEARCH])
        jql = (
            f'project = "{jira.project_key}" AND labels in ({batch}) '
            f'AND labels != "{EPIC_LABEL}" ORDER BY key ASC'
        )
        for issue in jira.search(jql, properties=[PROPERTY_KEY]):
            for label in issue.labels:
                if label in by_label:
                    tasks[by_label[label]].append(issue)
    return tasks


def _record(jira: JiraGateway, epic: IssueSnapshot) -> ReleaseRecord:
    values = {name: epic.properties.get(name) for name in EPIC_PROPERTIES}
    if not jira.flavor.cloud:  # Data Center's search cannot return issue properties
        values = {name: jira.issue_property(epic.key, name) for name in EPIC_PROPERTIES}
    baseline, pages, history = (values[name] for name in EPIC_PROPERTIES)
    return ReleaseRecord(
        epic=epic,
        baseline=baseline if isinstance(baseline, dict) else {},
        pages={str(k): str(v) for k, v in pages.items()} if isinstance(pages, dict) else {},
        history=history if isinstance(history, list) else [],
    )


def _key_order(issue: IssueSnapshot) -> tuple[int, str]:
    number = issue.key.rsplit("-", 1)[-1]
    return (int(number) if number.isdigit() else 0, issue.key)
