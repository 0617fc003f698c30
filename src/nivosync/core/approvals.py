"""Approvals, one per approver (pure): what each approver decided, and when the approval task
counts as complete.

Each approver role of the template's Change Advisory has its own approval record in Jira: a
sub-task of the approval task (`APPROVAL_TASK`), assigned to that role's person (see
`core.identity` for how nivosync recognises it). An approver decides by moving their sub-task
through its workflow.

The decision rule (this module is its only owner):
- *rejected*: the sub-task's status is named Rejected or Declined (a workflow with a reject
  status, whatever its category), or its status category is done with a resolution that refuses
  ("Won't Do", "Won't Fix", "Declined", "Rejected");
- *approved*: status category done with any other resolution (Done, Fixed, none …);
- *pending*: anything else, and a role whose sub-task does not exist (yet).

By whom and when: who moved the sub-task into its current status and when (its changelog).
Without that history the sub-task's resolution date and assignee stand in, and the approval
says so (`from_history` False: "by" is not known, only presumed).

The approval task is complete when every approver approved; its finish is the last approval's
date. A release whose approval task has no approval sub-tasks (made before they existed, or a
template without approvers) goes by the approval issue's own status, as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Generic, Literal, TypeVar

from nivosync.core.identity import (
    APPROVAL_TASK,
    approval_slug,
    approval_slug_of,
    approval_summary,
    approvals_by_slug,
)
from nivosync.core.plan import Plan
from nivosync.core.reconcile import ExistingIssue
from nivosync.core.slippage import DONE_CATEGORY, IN_PROGRESS_CATEGORY, TaskStatus

__all__ = [
    "APPROVAL_TASK",
    "Approval",
    "ApprovalDiff",
    "ApprovalState",
    "Move",
    "PlannedApproval",
    "SubtaskState",
    "approval_complete",
    "approval_of",
    "approval_status",
    "approvals_for",
    "approved_on",
    "decision_state",
    "diff_approvals",
    "planned_approvals",
    "with_approvals",
]

ApprovalState = Literal["approved", "rejected", "pending"]
# Compared case-insensitively, with typographic apostrophes read as plain ones.
REJECTING_RESOLUTIONS = frozenset({"won't do", "won't fix", "declined", "rejected"})
REJECTING_STATUSES = frozenset({"rejected", "declined"})


@dataclass(frozen=True)
class Approval:
    """One approver's decision; `key` None: their sub-task does not exist (yet)."""

    role: str
    state: ApprovalState
    key: str | None
    url: str | None
    by: str | None  # who decided (a configured person where known, else Jira's name)
    on: date | None  # when
    from_history: bool = True  # False: `by`/`on` are the assignee and resolution date


@dataclass(frozen=True)
class SubtaskState:
    """What Jira says of one approval sub-task now (free of Jira's own types)."""

    key: str
    url: str | None
    status: str
    category: str  # new | indeterminate | done
    resolution: str | None
    resolved: date | None
    assignee: str | None


@dataclass(frozen=True)
class Move:
    """Who moved an issue into its current status, and when (read from its changelog)."""

    by: str | None
    on: date


def _plain(text: str | None) -> str:
    return (text or "").replace("\u2019", "'").strip().casefold()


def decision_state(status: str, category: str, resolution: str | None) -> ApprovalState:
    """The decision a sub-task's status says (the rule in the module's docstring)."""
    if _plain(status) in REJECTING_STATUSES:
        return "rejected"
    if category != DONE_CATEGORY:
        return "pending"
    return "rejected" if _plain(resolution) in REJECTING_RESOLUTIONS else "approved"


def approval_of(role: str, state: SubtaskState | None, move: Move | None = None) -> Approval:
    """Role `role`'s approval from its sub-task (None: none exists) and, where the changelog
    was read, the move into its current status."""
    if state is None:
        return Approval(role, "pending", None, None, None, None)
    decided = decision_state(state.status, state.category, state.resolution)
    if decided == "pending":
        return Approval(role, "pending", state.key, state.url, None, None)
    if move is not None:
        return Approval(role, decided, state.key, state.url, move.by, move.on)
    return Approval(
        role, decided, state.key, state.url, state.assignee, state.resolved, from_history=False
    )


def approvals_for(
    roles: Sequence[str],
    states: Mapping[str, SubtaskState],
    moves: Mapping[str, Move] | None = None,
) -> tuple[Approval, ...]:
    """Each approver role's approval, in the template's order; `states` by role slug, `moves`
    by sub-task key. Empty when no role has a sub-task (a release made before them)."""
    if not any(approval_slug(r) in states for r in roles):
        return ()
    found = moves or {}
    return tuple(
        approval_of(
            role,
            states.get(approval_slug(role)),
            found.get(states[approval_slug(role)].key) if approval_slug(role) in states else None,
        )
        for role in roles
    )


def approval_complete(approvals: Sequence[Approval], issue_done: bool) -> bool:
    """Every approver approved; without approvals, what the approval issue's status says."""
    if not approvals:
        return issue_done
    return all(a.state == "approved" for a in approvals)


def approved_on(approvals: Sequence[Approval]) -> date | None:
    """The day the last approver approved, once all have (None: not all yet, or no dates)."""
    if not approvals or not approval_complete(approvals, False):
        return None
    days = [a.on for a in approvals if a.on is not None]
    return max(days) if days else None


def approval_status(status: TaskStatus | None, approvals: Sequence[Approval]) -> TaskStatus | None:
    """The approval task as slippage measures it: done (finishing on the last approval) only
    once every approver approved, open otherwise — even when its issue is closed — with what
    holds it up in its status text. No approvals: the issue's own status, unchanged."""
    if status is None or not approvals:
        return status
    closed = status.status_category == DONE_CATEGORY
    if approval_complete(approvals, False):
        text = status.status if closed else "Approved by all"
        finished = approved_on(approvals) or status.resolved
        return replace(status, status=text, status_category=DONE_CATEGORY, resolved=finished)
    rejected = [a.role for a in approvals if a.state == "rejected"]
    approved = sum(a.state == "approved" for a in approvals)
    if rejected:
        text = f"Rejected by {', '.join(rejected)}"
    else:
        text = f"{status.status}; {approved} of {len(approvals)} approved"
    category = IN_PROGRESS_CATEGORY if closed else status.status_category
    return replace(status, status=text, status_category=category, resolved=None)


def with_approvals(
    statuses: Mapping[str, TaskStatus], approvals: Sequence[Approval]
) -> dict[str, TaskStatus]:
    """The tasks' statuses with the approval task's measured by its approvals."""
    task = statuses.get(APPROVAL_TASK)
    if task is None or not approvals:
        return dict(statuses)
    measured = approval_status(task, approvals)
    assert measured is not None
    return {**statuses, APPROVAL_TASK: measured}


# --- what `create` makes --------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedApproval:
    """An approval sub-task the plan wants: one per approver role of the template."""

    role: str
    slug: str
    person: str | None  # the role's configured person (None: unassigned)
    summary: str
    due: date  # the approval task's


def planned_approvals(plan: Plan) -> tuple[PlannedApproval, ...]:
    """One per approver role, when the plan has the approval task (else none)."""
    task = next((t for t in plan.tasks if t.id == APPROVAL_TASK), None)
    if task is None:
        return ()
    persons = {r.role: r.person for r in plan.roles}
    roles = dict.fromkeys(plan.template.spec.change_advisory.approvers)
    return tuple(
        PlannedApproval(
            role,
            approval_slug(role),
            persons.get(role),
            approval_summary(plan.release, role),
            task.due,
        )
        for role in roles
    )


IssueT = TypeVar("IssueT", bound=ExistingIssue)


@dataclass(frozen=True)
class ApprovalDiff(Generic[IssueT]):
    """The release's approval sub-tasks versus the plan's."""

    planned: tuple[PlannedApproval, ...]
    existing: Mapping[str, IssueT]  # role slug → its sub-task (the oldest of duplicates)
    missing: tuple[PlannedApproval, ...]  # to create, in the template's order
    duplicates: tuple[tuple[str, tuple[str, ...]], ...]  # role → the other sub-tasks' keys
    unplanned: tuple[IssueT, ...]  # sub-tasks of roles the template no longer names


def diff_approvals(plan: Plan, found: Iterable[IssueT]) -> ApprovalDiff[IssueT]:
    """Compare the approval sub-tasks found under the release's label with the plan."""
    planned = planned_approvals(plan)
    by_slug = approvals_by_slug(found)
    wanted = {a.slug: a for a in planned}
    existing = {slug: issues[0] for slug, issues in by_slug.items() if slug in wanted}
    return ApprovalDiff(
        planned=planned,
        existing=existing,
        missing=tuple(a for a in planned if a.slug not in existing),
        duplicates=tuple(
            (wanted[slug].role, tuple(i.key for i in issues[1:]))
            for slug, issues in by_slug.items()
            if slug in wanted and len(issues) > 1
        ),
        unplanned=tuple(
            i for slug, issues in by_slug.items() if slug not in wanted for i in issues
        ),
    )


def role_of(plan: Plan, issue: ExistingIssue) -> str | None:
    """The approver role (as the template names it) an approval sub-task stands for."""
    slug = approval_slug_of(issue)
    return next((a.role for a in planned_approvals(plan) if a.slug == slug), None)
