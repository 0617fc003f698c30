"""The approvers' sub-tasks, as `create` makes them: one per approver role of the template's
Change Advisory, under the approval task, assigned to that role's person.

They are reconciled like the tasks (`creation`): found by their labels in the release's own
search (no request of their own), the missing ones created once the approval task exists — all
of them in one bulk request — and recorded in the release's ledger under the names
`ledger.approval_name(role)`, so that a run that crashed or lost an answer never creates them
twice: the next round waits out the index, searches again and the diff decides. A release made
before approvals had sub-tasks gets them from its next `create`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from nivosync.app.actions import CREATE_SUBTASK, Action
from nivosync.app.ledger import ReleaseLedger, approval_name
from nivosync.app.payloads import approval_payload
from nivosync.app.resolving import Resolved
from nivosync.core.approvals import ApprovalDiff, PlannedApproval, diff_approvals
from nivosync.core.identity import APPROVAL_TASK
from nivosync.core.plan import Plan
from nivosync.jira.gateway import BULK_LIMIT, JiraGateway
from nivosync.jira.models import BulkResult, IssueSnapshot
from nivosync.log_setup import get_logger

log = get_logger(__name__)
Approvals = ApprovalDiff[IssueSnapshot]


@dataclass
class ApprovalOutcome:
    """One approver's sub-task in a `create` run."""

    role: str
    summary: str
    person: str | None
    due: str
    key: str | None = None
    action: str = "pending"  # created | existing | failed | skipped | pending


def approval_outcomes(plan: Plan) -> list[ApprovalOutcome]:
    return [
        ApprovalOutcome(a.role, a.summary, a.person, a.due.isoformat())
        for a in diff_approvals(plan, ()).planned
    ]


def approvals_found(plan: Plan, resolved: Resolved, found: list[IssueSnapshot]) -> Approvals:
    """The release's approval sub-tasks against the plan's; where the project has no sub-task
    type nothing is missing (the approval task alone stands for the approvers, as before)."""
    diff = diff_approvals(plan, found)
    return diff if resolved.subtask_type is not None else replace(diff, missing=())


def ledger_names(diff: Approvals) -> dict[str, tuple[str, str]]:
    """The ledger's names of the approval sub-tasks found (the kept one of duplicates)."""
    return {approval_name(slug): (i.key, i.id) for slug, i in diff.existing.items()}


def missing_names(diff: Approvals) -> list[str]:
    return [approval_name(a.slug) for a in diff.missing]


def found_notes(plan: Plan, resolved: Resolved, diff: Approvals) -> list[str]:
    """What a run says about the approval sub-tasks it found (or cannot make)."""
    notes = [
        f"duplicate approval sub-tasks for {role}: {', '.join(keys)} (nivosync uses the "
        "oldest; delete the others in Jira)"
        for role, keys in diff.duplicates
    ]
    notes += [
        f"{i.key} is an approval sub-task of a role the template no longer names as an "
        "approver: left alone"
        for i in diff.unplanned
    ]
    if diff.planned and resolved.subtask_type is None:
        notes.append(
            f"project {resolved.facts.project_key} has no sub-task issue type: the approvers' "
            f"decisions are not recorded one by one (the {APPROVAL_TASK} issue stands for all)"
        )
    return notes


def mark_existing(outcomes: list[ApprovalOutcome], diff: Approvals) -> None:
    by_role = {a.role: a.slug for a in diff.planned}
    for item in outcomes:
        found = diff.existing.get(by_role[item.role])
        if found is not None:
            item.key = found.key
            if item.action in ("pending", "failed", "skipped"):
                item.action = "existing" if item.action == "pending" else "created"


def dry_run_actions(diff: Approvals, parent: str | None) -> list[Action]:
    """The approval sub-tasks a run would create (`key`: the approval task, once it exists)."""
    under = parent or f"the {APPROVAL_TASK} task (created first)"
    return [
        Action(
            CREATE_SUBTASK,
            f'create sub-task "{a.summary}" under {under} assignee {a.person or "(none)"} '
            f"due {a.due}",
            key=parent,
            task_id=APPROVAL_TASK,
            field="summary",
            new=a.summary,
        )
        for a in diff.missing
    ]


# Sends one bulk create (in a worker thread); returns what records its answer (called on the
# run's own thread) and gives the failures to report.
Send = Callable[[], Callable[[], list[str]]]


def approval_sends(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    diff: Approvals,
    parent: str | None,
    outcomes: list[ApprovalOutcome],
    ledger: ReleaseLedger,
) -> tuple[list[str], list[Send]]:
    """Creating the missing approval sub-tasks under `parent` (the approval task's key; None:
    it could not be created, so neither can they): the failures known now, and the bulk
    creates to send (one per 50 sub-tasks, independent of each other and of any other write
    but the approval task's)."""
    items = {o.role: o for o in outcomes}
    if not diff.missing or resolved.subtask_type is None:
        return [], []
    if parent is None:
        for approval in diff.missing:
            items[approval.role].action = "skipped"
        return [f"approval sub-tasks: not created because {APPROVAL_TASK} was not"], []
    chunks = [diff.missing[i : i + BULK_LIMIT] for i in range(0, len(diff.missing), BULK_LIMIT)]
    return [], [_chunk_send(jira, plan, resolved, c, parent, items, ledger) for c in chunks]


def _chunk_send(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    chunk: tuple[PlannedApproval, ...],
    parent: str,
    items: dict[str, ApprovalOutcome],
    ledger: ReleaseLedger,
) -> Send:
    assert resolved.subtask_type is not None
    payloads = [
        approval_payload(
            plan, a, jira.flavor, resolved.facts, resolved.subtask_type, parent, resolved.refs
        )
        for a in chunk
    ]

    def send() -> Callable[[], list[str]]:
        result = jira.bulk_create(payloads)
        return lambda: _record(result, chunk, parent, items, ledger)

    return send


def _record(
    result: BulkResult,
    chunk: tuple[PlannedApproval, ...],
    parent: str,
    items: dict[str, ApprovalOutcome],
    ledger: ReleaseLedger,
) -> list[str]:
    for index, key, issue_id in result.created:
        ledger.created(approval_name(chunk[index].slug), key, issue_id)
        items[chunk[index].role].key, items[chunk[index].role].action = key, "created"
    failures = []
    for failure in result.failures:
        approval = chunk[failure.index] if 0 <= failure.index < len(chunk) else None
        if approval is not None:
            items[approval.role].action = "failed"
        name = f"approval of {approval.role}" if approval else f"element {failure.index}"
        reasons = "; ".join(failure.messages) or f"HTTP {failure.status}"
        failures.append(f"{name}: Jira refused it (failedElementNumber {failure.index}): {reasons}")
    log.info("approval sub-tasks created", count=len(result.created), parent=parent)
    return failures
