"""How nivosync recognises what it made (pure): the release slug and labels, the task id of an
issue, which of two duplicates is "the" one, and how a release is found with JQL.

This module is the only owner of these rules; the create, publish and sync paths all ask it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from nivosync.errors import InvalidInput

LABEL_PREFIX = "nivosync"
EPIC_LABEL = f"{LABEL_PREFIX}-epic"
TASK_LABEL_PREFIX = f"{LABEL_PREFIX}-task-"
WATCHERS_PENDING = f"{LABEL_PREFIX}-watchers-pending"
PROPERTY_KEY = "nivosync"  # the issue property holding identity and baseline


def slugify(text: str) -> str:
    """Lowercase ASCII words joined by '-'; dots kept (they matter in versions)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9.]+", "-", ascii_text.lower()).strip("-.")


@dataclass(frozen=True)
class ReleaseIdentity:
    """Which release this is; the slug is how nivosync finds it again in Jira and Confluence."""

    customer: str
    release: str

    @property
    def slug(self) -> str:
        # '--' cannot occur inside a slugified part, so customer and release never run together.
        return f"{slugify(self.customer)}--{slugify(self.release)}"

    @property
    def label(self) -> str:
        """The Jira label on every issue of this release."""
        return release_label(self.slug)

    @property
    def title(self) -> str:
        return f"{self.customer} {self.release}"

    @classmethod
    def checked(cls, customer: str, release: str) -> ReleaseIdentity:
        identity = cls(customer.strip(), release.strip())
        for option, value in (("--customer", identity.customer), ("--release", identity.release)):
            if not slugify(value):
                raise InvalidInput(
                    f"{option} '{value}' needs at least one letter or digit (it names the release "
                    "in Jira labels and Confluence page titles)"
                )
        return identity


def release_label(slug: str) -> str:
    return f"{LABEL_PREFIX}-{slug}"


def task_label(task_id: str) -> str:
    return f"{TASK_LABEL_PREFIX}{task_id}"


def epic_labels(release: ReleaseIdentity) -> tuple[str, ...]:
    return (LABEL_PREFIX, release.label, EPIC_LABEL)


def task_labels(release: ReleaseIdentity, task_id: str, watchers_pending: bool) -> tuple[str, ...]:
    labels = (LABEL_PREFIX, release.label, task_label(task_id))
    return (*labels, WATCHERS_PENDING) if watchers_pending else labels


class TrackedIssue(Protocol):
    """What identity needs of an issue (the Jira gateway's snapshots have it)."""

    @property
    def key(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...

    @property
    def properties(self) -> dict[str, Any]: ...


IssueT = TypeVar("IssueT", bound=TrackedIssue)


def stored_property(issue: TrackedIssue) -> dict[str, Any]:
    """The issue's `nivosync` property as a dict ({} when absent or not an object)."""
    value = issue.properties.get(PROPERTY_KEY)
    return value if isinstance(value, dict) else {}


def is_epic(issue: TrackedIssue) -> bool:
    return EPIC_LABEL in issue.labels


def task_id_of(issue: TrackedIssue) -> str | None:
    """The template task an issue stands for: its property's task_id, else its task label."""
    value = stored_property(issue).get("task_id")
    if isinstance(value, str):
        return value
    for label in issue.labels:
        if label.startswith(TASK_LABEL_PREFIX):
            return label.removeprefix(TASK_LABEL_PREFIX)
    return None


def key_order(key: str) -> tuple[str, int, str]:
    """Sort key for Jira keys: by project, then by issue number (REL-9 before REL-10)."""
    match = re.fullmatch(r"(.*)-(\d+)", key)
    if match is None:
        return (key, 0, key)
    return (match.group(1), int(match.group(2)), key)


def oldest_first(issues: Iterable[IssueT]) -> list[IssueT]:
    """Issues by creation order: when duplicates exist, the oldest (lowest number) is the one."""
    return sorted(issues, key=lambda i: key_order(i.key))


def tasks_by_id(issues: Iterable[IssueT]) -> dict[str, list[IssueT]]:
    """The issues of each task id, oldest first (the first one is the task's issue)."""
    found: dict[str, list[IssueT]] = {}
    for issue in oldest_first(issues):
        task_id = task_id_of(issue)
        if task_id is not None and not is_epic(issue):
            found.setdefault(task_id, []).append(issue)
    return found


def task_issues(issues: Iterable[IssueT]) -> dict[str, IssueT]:
    """Each task id's issue (the oldest when there are duplicates)."""
    return {task_id: found[0] for task_id, found in tasks_by_id(issues).items()}


def jql_quote(value: str) -> str:
    """A JQL string literal: every value substituted into JQL goes through here."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def release_jql(project_key: str, label: str) -> str:
    """Every issue of one release (epic and tasks), oldest first."""
    return f"project = {jql_quote(project_key)} AND labels = {jql_quote(label)} ORDER BY key ASC"


def release_macro_jql(release: ReleaseIdentity) -> str:
    """The release's issues as a page's Jira macro lists them (by due date)."""
    return f"labels = {jql_quote(release.label)} ORDER BY duedate ASC, key ASC"


def epics_jql(project_key: str) -> str:
    """Every release epic nivosync made in a project."""
    project, label = jql_quote(project_key), jql_quote(EPIC_LABEL)
    return f"project = {project} AND labels = {label} ORDER BY key ASC"


def tasks_jql(project_key: str, labels: Sequence[str]) -> str:
    """The task issues of several releases in one search."""
    listed = ", ".join(jql_quote(label) for label in labels)
    return (
        f"project = {jql_quote(project_key)} AND labels in ({listed}) "
        f"AND labels != {jql_quote(EPIC_LABEL)} ORDER BY key ASC"
    )


def slug_from_labels(labels: Iterable[str]) -> str | None:
    """The release slug named by an issue's labels (for an epic whose property is damaged)."""
    reserved = {LABEL_PREFIX, EPIC_LABEL, WATCHERS_PENDING}
    for label in labels:
        ours = label.startswith(f"{LABEL_PREFIX}-") and label not in reserved
        if ours and not label.startswith(TASK_LABEL_PREFIX):
            return label.removeprefix(f"{LABEL_PREFIX}-")
    return None
