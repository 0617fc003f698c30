"""What exists in Jira for a release versus the plan: what to create, what drifted (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from nivosync.core.identity import (
    WATCHERS_PENDING,
    TrackedIssue,
    is_approval,
    is_epic,
    oldest_first,
    task_id_of,
)
from nivosync.core.plan import Plan

DONE_CATEGORY = "done"


class Assignee(Protocol):
    @property
    def ref(self) -> str: ...


class ExistingIssue(TrackedIssue, Protocol):
    """The fields of an issue found in Jira that reconciling compares with the plan."""

    @property
    def id(self) -> str: ...

    @property
    def summary(self) -> str: ...

    @property
    def issue_type(self) -> str: ...  # its name (whose screen says which fields it can hold)

    @property
    def assignee(self) -> Assignee | None: ...

    @property
    def status_category(self) -> str: ...  # new | indeterminate | done

    @property
    def due(self) -> date | None: ...

    @property
    def start(self) -> date | None: ...

    @property
    def epic_key(self) -> str | None: ...

    @property
    def blocked_by(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Drift:
    """A field of an existing issue that no longer says what the plan says."""

    key: str
    task_id: str | None  # None: the epic
    field: str  # summary | assignee | duedate | start | epic | link
    planned: str | None
    actual: str | None


@dataclass(frozen=True)
class ReleaseDiff:
    epic: ExistingIssue | None
    existing: Mapping[str, ExistingIssue]  # task id → its issue
    missing: tuple[str, ...]  # task ids to create, in template order
    watchers_pending: tuple[str, ...]  # task ids whose watchers were not all added yet
    drift: tuple[Drift, ...]
    # carry the release label, but are no task of the plan (approval sub-tasks are not
    # strangers: `core.approvals` reconciles them)
    strangers: tuple[ExistingIssue, ...]
    duplicates: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())

    @property
    def complete(self) -> bool:
        """True when nothing needs creating (drift is reported separately)."""
        return self.epic is not None and not self.missing and not self.watchers_pending

    def key_of(self, task_id: str) -> str | None:
        found = self.existing.get(task_id)
        return found.key if found else None


def diff_release(
    plan: Plan,
    refs: Mapping[str, str],
    found: Sequence[ExistingIssue],
    check_start: bool,
) -> ReleaseDiff:
    """Compare the issues found under the release's label with the plan.

    `refs` maps each configured person (email / username) to their Jira user ref.
    """
    epics, tasks, strangers = _classify(plan, found)
    epic, duplicate_epics = _first(epics)
    existing: dict[str, ExistingIssue] = {}
    duplicates: list[tuple[str, tuple[str, ...]]] = []
    if duplicate_epics:
        duplicates.append(("(epic)", tuple(i.key for i in duplicate_epics)))
    for task_id, issues in tasks.items():
        keep, extra = _first(issues)
        assert keep is not None
        existing[task_id] = keep
        if extra:
            duplicates.append((task_id, tuple(i.key for i in extra)))
    drift: list[Drift] = []
    if epic is not None:
        drift += _epic_drift(plan, epic)
    for task in plan.tasks:
        issue = existing.get(task.id)
        if issue is None:
            continue
        ref = refs.get(task.assignee) if task.assignee else None
        drift += _task_drift(task.id, task.summary, ref, task.start, task.due, issue, check_start)
        if epic is not None and issue.epic_key != epic.key:
            drift.append(Drift(issue.key, task.id, "epic", epic.key, issue.epic_key))
        for dep in task.depends_on:
            blocker = existing.get(dep)
            if blocker is not None and blocker.key not in issue.blocked_by:
                drift.append(Drift(issue.key, task.id, "link", blocker.key, None))
    return ReleaseDiff(
        epic=epic,
        existing=existing,
        missing=tuple(t.id for t in plan.tasks if t.id not in existing),
        watchers_pending=tuple(
            task_id for task_id, issue in existing.items() if WATCHERS_PENDING in issue.labels
        ),
        drift=tuple(drift),
        strangers=tuple(strangers),
        duplicates=tuple(duplicates),
    )


def creation_layers(plan: Plan, missing: Sequence[str], existing: Sequence[str]) -> list[list[str]]:
    """Missing tasks grouped so each group's dependencies exist before it is created.

    Links to blockers ride in each issue's create payload, which needs the blockers' keys.
    """
    known = set(existing)
    pending = [t for t in plan.tasks if t.id in set(missing)]
    layers: list[list[str]] = []
    while pending:
        ready = [t.id for t in pending if set(t.depends_on) <= known]
        if not ready:  # cannot happen for a validated (acyclic) template
            raise ValueError(f"tasks wait on each other: {[t.id for t in pending]}")
        layers.append(ready)
        known.update(ready)
        pending = [t for t in pending if t.id not in known]
    return layers


def _classify(
    plan: Plan, found: Sequence[ExistingIssue]
) -> tuple[list[ExistingIssue], dict[str, list[ExistingIssue]], list[ExistingIssue]]:
    task_ids = {t.id for t in plan.tasks}
    epics: list[ExistingIssue] = []
    tasks: dict[str, list[ExistingIssue]] = {}
    strangers: list[ExistingIssue] = []
    for issue in found:
        task_id = task_id_of(issue)
        if is_epic(issue):
            epics.append(issue)
        elif is_approval(issue):
            continue
        elif task_id in task_ids:
            tasks.setdefault(task_id, []).append(issue)
        else:
            strangers.append(issue)
    return epics, tasks, strangers


def _first(issues: list[ExistingIssue]) -> tuple[ExistingIssue | None, list[ExistingIssue]]:
    """The oldest issue (lowest key number) and the rest (duplicates)."""
    ordered = oldest_first(issues)
    return (ordered[0] if ordered else None), ordered[1:]


def _epic_drift(plan: Plan, epic: ExistingIssue) -> list[Drift]:
    drift = []
    if epic.summary != plan.epic_summary:
        drift.append(Drift(epic.key, None, "summary", plan.epic_summary, epic.summary))
    if epic.due != plan.end:
        drift.append(Drift(epic.key, None, "duedate", str(plan.end), _text(epic.due)))
    return drift


def _task_drift(
    task_id: str,
    summary: str,
    ref: str | None,
    start: date,
    due: date,
    issue: ExistingIssue,
    check_start: bool,
) -> list[Drift]:
    drift = []
    if issue.summary != summary:
        drift.append(Drift(issue.key, task_id, "summary", summary, issue.summary))
    actual = issue.assignee.ref if issue.assignee else None
    if ref is not None and actual != ref:
        drift.append(Drift(issue.key, task_id, "assignee", ref, actual))
    if issue.status_category == DONE_CATEGORY:
        return drift  # a done task's dates are history: a re-plan leaves them, so may we
    if issue.due != due:
        drift.append(Drift(issue.key, task_id, "duedate", str(due), _text(issue.due)))
    if check_start and issue.start != start:
        drift.append(Drift(issue.key, task_id, "start", str(start), _text(issue.start)))
    return drift


def _text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
