"""Creating a release in Jira: one epic and one issue per task, idempotent and crash-safe.

Everything is resolved before the first write (project, issue types, fields, people, and the
create screens of what will be created — see `screening`), so bad input exits 2 having
written nothing. Then the release is reconciled: what exists is found
by its labels and only what is missing is created, in as few bulk creates as the links allow
(each link rides in the create payload of the later of its two issues; see `task_writes`).
Independent requests are sent together: the reads before the first write, and the writes
that wait only for the same earlier ones. A write that fails ambiguously is never re-sent:
the release is searched again and the diff decides.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from nivosync.app import actions as act
from nivosync.app import approval_tasks as approvals
from nivosync.app.actions import Action
from nivosync.app.approval_tasks import ApprovalOutcome, Approvals
from nivosync.app.ledger import EPIC, LedgerTiming, ReleaseLedger
from nivosync.app.milestone_versions import resolve_versions
from nivosync.app.payloads import epic_payload
from nivosync.app.progress import SILENT, Progress
from nivosync.app.release_ahead import ReleaseAhead
from nivosync.app.releases import prove_identity, prove_start, release_issues, stored_value
from nivosync.app.repairs import damaged_labels, fix_drift, relink_orphans, repair_labels
from nivosync.app.resolving import (
    Resolved,
    Writes,
    fresh_reads,
    permitted,
    screens_up_front,
)

# Checked before any write; callers have always found them here.
from nivosync.app.resolving import find_people as find_people
from nivosync.app.resolving import resolve as resolve
from nivosync.app.screening import UnsetField, reading, settable_drift
from nivosync.app.site_reads import Send, alongside, at_once
from nivosync.app.task_writes import TaskWrites, link_layers
from nivosync.core.baseline import BaselineError, StoredRelease, read_stored_release
from nivosync.core.identity import (
    APPROVAL_TASK,
    PROPERTY_KEY,
    is_epic,
    oldest_first,
)
from nivosync.core.plan import Plan, PlannedTask
from nivosync.core.reconcile import Drift, ReleaseDiff, diff_release
from nivosync.http import AmbiguousWrite
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.log_setup import get_logger

log = get_logger(__name__)

# A write whose outcome is unknown is followed by a fresh search. The run gives up (exit 1)
# only when that many rounds in a row made no progress, or after the time budget.
MAX_STALLED_ROUNDS = 5
ROUNDS_BUDGET_SECONDS = 900.0


@dataclass
class IssueOutcome:
    task_id: str | None
    summary: str
    assignee: str | None
    start: str
    due: str
    key: str | None = None
    action: str = "pending"  # created | existing | failed | skipped | would create | updated


@dataclass
class CreateOutcome:
    plan: Plan
    epic: IssueOutcome
    issues: list[IssueOutcome]
    dry_run: bool
    drift: list[Drift] = field(default_factory=list)
    fixed: list[Drift] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)  # what a dry run would do
    unset: list[UnsetField] = field(default_factory=list)  # planned, but off the create screen
    found: list[IssueSnapshot] = field(default_factory=list)  # the last search's issues
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # recorded: name → key, id
    approvals: list[ApprovalOutcome] = field(default_factory=list)  # the approvers' sub-tasks

    @property
    def wrote_issues(self) -> bool:
        made: list[IssueOutcome | ApprovalOutcome] = [self.epic, *self.issues, *self.approvals]
        return any(i.action == "created" for i in made)

    @property
    def ok(self) -> bool:
        return not self.failures


def _watchers_due(plan: Plan, diff: ReleaseDiff, ledger: ReleaseLedger) -> list[PlannedTask]:
    """Existing tasks whose watchers may not all be added yet: labelled so (sites without a
    ledger), or made by a run that did not finish (the ledger's pending names)."""
    due = set(diff.watchers_pending) | (ledger.unwatched & set(diff.existing))
    return [t for t in plan.tasks if t.watchers and t.id in due]


def _writers(
    plan: Plan, diff: ReleaseDiff, found: Approvals, update: bool, ledger: ReleaseLedger
) -> Writes:
    """What this round would write: people it would assign or add as watchers, and the epic,
    tasks and approval sub-tasks it would create."""
    people: set[str] = {a.person for a in found.missing if a.person}
    for task in plan.tasks:
        if task.id in diff.missing:
            people.update(p for p in (task.assignee, *task.watchers) if p)
    for task in _watchers_due(plan, diff, ledger):
        people.update(task.watchers)
    if update:
        people.update(
            t.assignee
            for t in plan.tasks
            if t.assignee and any(d.task_id == t.id and d.field == "assignee" for d in diff.drift)
        )
    creating = tuple(t for t in plan.tasks if t.id in diff.missing)
    return Writes(frozenset(people), diff.epic is None, creating, found.missing)


def create_release(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    *,
    dry_run: bool = False,
    update: bool = False,
    milestone_versions: bool = False,
    progress: Progress = SILENT,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    timing: LedgerTiming | None = None,
    ledger: ReleaseLedger | None = None,
    trailing: Send | None = None,
    early: ReleaseAhead | None = None,
) -> CreateOutcome:
    """Reconcile the release in Jira with the plan; safe to re-run after any failure, and
    while another run for the same release is writing (see `ledger`). `ledger`: the
    release's, already read (`timing` is then its own). `trailing`: where the ledger's last
    write (freeing the lease) is sent, behind the caller's next requests; None: in line.
    `early`: the release's search, sent before the ledger was read (used if still good)."""
    ledger = ledger or ReleaseLedger(jira, plan.release.slug, timing)
    try:
        return _reconcile(
            jira, plan, resolved, ledger, dry_run, update, milestone_versions, progress, now,
            (trailing, early),
        )  # fmt: skip
    finally:
        ledger.abandon()  # after an error: created issues recorded, pending kept, lease freed


def _reconcile(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    ledger: ReleaseLedger,
    dry_run: bool,
    update: bool,
    milestone_versions: bool,
    progress: Progress,
    now: Callable[[], datetime],
    sent: tuple[Send | None, ReleaseAhead | None],
) -> CreateOutcome:
    trailing, early = sent
    outcome = _outcome(plan, dry_run)
    outcome.unset = screens_up_front(jira, plan, resolved, dry_run, milestone_versions)
    if milestone_versions:
        outcome.actions += resolve_versions(jira, plan, resolved, dry_run)
    ahead = _loaded(jira, plan, resolved, ledger, dry_run, milestone_versions, early)
    began, stalled, round_number, made = time.monotonic(), 0, -1, 0
    while stalled < MAX_STALLED_ROUNDS and time.monotonic() - began < ROUNDS_BUDGET_SECONDS:
        round_number += 1
        diff, found, remembered = _search(jira, plan, resolved, ledger, outcome, progress, ahead)
        damaged = damaged_labels(plan, diff, found.existing.values())
        idle = diff.complete and not found.missing and not damaged
        idle = idle and not _watchers_due(plan, diff, ledger)
        if dry_run or not idle or (update and diff.drift):
            plan = permitted(jira, plan, resolved, milestone_versions)
        # Everyone a write will name is checked on the site now, before the first write.
        writes = _writers(plan, diff, found, update, ledger)
        find_people(jira, plan, resolved, remembered, writes)
        _take_stock(jira, plan, resolved, (diff, found), outcome, first=round_number == 0)
        if dry_run:
            outcome.actions += _dry_run_actions(plan, (diff, found), resolved, update, ledger)
            outcome.actions += [_put_back(k, m) for k, m in damaged]
            outcome.unset = list(resolved.unset)
            return outcome
        if idle and not (update and diff.drift):
            ledger.release()
            return outcome
        creating = [*([] if diff.epic else [EPIC]), *diff.missing, *approvals.missing_names(found)]
        if ledger.acquire(creating, progress.note):
            continue  # another run wrote meanwhile: look again before writing
        try:
            outcome.notes += repair_labels(jira, damaged)
            _apply(jira, plan, resolved, (diff, found), outcome, update, progress, now, ledger)
            outcome.known = dict(ledger.state.created)
            ledger.release(trailing)
            return outcome
        except AmbiguousWrite as exc:
            # Never re-sent: the next round waits for the index, then the diff decides.
            progressed = len(ledger.state.created) > made
            made, stalled = len(ledger.state.created), 0 if progressed else stalled + 1
            log.warning("write outcome unknown; searching again", error=str(exc))
            ledger.unsure()
            progress.note(f"{exc}; checking what Jira has before going on")
    outcome.failures.append(
        f"gave up after {round_number + 1} rounds whose writes' outcome was unknown "
        f"({stalled} in a row without progress); run `nivosync create` again to finish"
    )
    return outcome


@dataclass
class _Ahead:
    """The reads a new release's first write waits for (`fresh_reads`), sent once: alongside
    the first search when the ledger records nothing (the release is most likely new), else
    right after it if it found nothing — so a re-run, whose ledger knows the release, sends
    none of them. `early`: the first round's search, sent before the ledger was read."""

    reads: list[Callable[[], object]]
    blank: bool
    early: ReleaseAhead | None = None

    def search(
        self, jira: JiraGateway, ledger: ReleaseLedger, search: Callable[[], list[IssueSnapshot]]
    ) -> list[IssueSnapshot]:
        """The release's issues: those read early if the ledger shows they still are (first
        round only), else `search`ed now; with the reads due alongside or after."""
        early, self.early = self.early, None
        found = early.found(ledger, jira) if early is not None else None
        if found is None:
            found = alongside(search, *self.alongside())
        elif self.blank:
            at_once(self.reads)
        if self.reads and not self.blank and not found:
            at_once(self.reads)
        self.reads = []
        return found

    def alongside(self) -> list[Callable[[], object]]:
        return self.reads if self.blank else []


def _loaded(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    ledger: ReleaseLedger,
    dry_run: bool,
    milestone_versions: bool,
    early: ReleaseAhead | None,
) -> _Ahead:
    """Read the ledger (if the caller has not), and what to read ahead of the checks; with
    the search sent `early` (if any)."""
    if not ledger.loaded:
        ledger.load()
    reads = [] if dry_run else fresh_reads(jira, plan, resolved, milestone_versions)
    return _Ahead(reads, ledger.blank, early)


def _search(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    ledger: ReleaseLedger,
    outcome: CreateOutcome,
    progress: Progress,
    ahead: _Ahead,
) -> tuple[ReleaseDiff, Approvals, dict[str, str]]:
    """What exists of the release (and the people its epic remembers), against the plan —
    once an earlier write whose outcome is unknown can show; `ahead`: reads sent alongside
    the search."""
    ledger.wait_for_pending(progress.note)
    progress.stage("reading the release in Jira")
    search = lambda: release_issues(jira, plan.release, ledger.state.created)  # noqa: E731
    found = ahead.search(jira, ledger, search)
    outcome.found = found
    stored = _stored_release(jira, plan, found)
    remembered = dict(stored.people) if stored else {}
    find_people(jira, plan, resolved, remembered)
    diff = diff_release(plan, resolved.refs, found, resolved.facts.start_field is not None)
    subtasks = approvals.approvals_found(plan, resolved, found)
    ledger.searched({**_names(diff), **approvals.ledger_names(subtasks)})
    return diff, subtasks, remembered


def _names(diff: ReleaseDiff) -> dict[str, tuple[str, str]]:
    """The ledger's names of what the diff found (the kept duplicate of each)."""
    names = {task_id: (i.key, i.id) for task_id, i in diff.existing.items()}
    return {**names, EPIC: (diff.epic.key, diff.epic.id)} if diff.epic else names


def _stored_release(
    jira: JiraGateway, plan: Plan, found: Sequence[IssueSnapshot]
) -> StoredRelease | None:
    """What the release's epic says it is (one read on DC, whose search has no properties;
    free on Cloud); None when there is no epic or its property is unreadable.

    A different customer/release whose slug collides with ours is never written into."""
    epic = next(iter(oldest_first(i for i in found if is_epic(i))), None)
    if epic is None:
        return None
    value = stored_value(jira, epic, PROPERTY_KEY)
    try:
        stored = read_stored_release(value)
    except BaselineError:
        return None
    prove_identity(epic.key, stored, plan.release)
    prove_start(epic.key, value, plan)
    return stored


def _outcome(plan: Plan, dry_run: bool) -> CreateOutcome:
    epic = IssueOutcome(None, plan.epic_summary, None, str(plan.start), str(plan.end))
    issues = [
        IssueOutcome(t.id, t.summary, t.assignee, str(t.start), str(t.due)) for t in plan.tasks
    ]
    made = approvals.approval_outcomes(plan)
    return CreateOutcome(plan=plan, epic=epic, issues=issues, dry_run=dry_run, approvals=made)


def _take_stock(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    diffs: tuple[ReleaseDiff, Approvals],
    outcome: CreateOutcome,
    first: bool,
) -> None:
    """What exists, in the outcome (and, from the first round, what to know about it)."""
    diff, found = diffs
    if first:
        _report_found(outcome, diff, jira)
        outcome.notes += approvals.found_notes(plan, resolved, found)
    _mark_existing(outcome, diff)
    approvals.mark_existing(outcome.approvals, found)


def _report_found(outcome: CreateOutcome, diff: ReleaseDiff, jira: JiraGateway) -> None:
    facts = jira.facts
    outcome.drift = settable_drift(diff, facts, reading(jira)) if facts else list(diff.drift)
    for issue in diff.strangers:
        outcome.notes.append(
            f"{issue.key} carries the release label but is not one of the plan's tasks: left alone"
        )
    for task_id, keys in diff.duplicates:
        outcome.notes.append(
            f"duplicate issues for {task_id}: {', '.join(keys)} (nivosync uses the oldest; "
            "delete the others in Jira)"
        )


def _mark_existing(outcome: CreateOutcome, diff: ReleaseDiff) -> None:
    if diff.epic is not None:
        outcome.epic.key = diff.epic.key
        if outcome.epic.action == "pending":
            outcome.epic.action = "existing"
    for item in outcome.issues:
        key = diff.key_of(item.task_id or "")
        if key is not None:
            item.key = key
            if item.action in ("pending", "failed", "skipped"):
                item.action = "existing" if item.action == "pending" else "created"


def _apply(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    diffs: tuple[ReleaseDiff, Approvals],
    outcome: CreateOutcome,
    update: bool,
    progress: Progress,
    now: Callable[[], datetime],
    ledger: ReleaseLedger,
) -> None:
    diff, found = diffs
    outcome.unset = list(resolved.unset)  # checked before the first write (`find_people`)
    progress.stage("creating issues", (diff.epic is None) + len(diff.missing) + len(found.missing))
    if diff.epic is None:
        epic_key = _create_epic(jira, plan, resolved, outcome, now, ledger)
        progress.advance()
        outcome.notes += relink_orphans(jira, resolved.facts, diff, epic_key)
    else:
        epic_key = diff.epic.key
    writing = TaskWrites(jira, plan, resolved, diffs, epic_key, outcome, progress, ledger)
    writing.run(_watchers_due(plan, diff, ledger))
    if update:
        outcome.fixed = fix_drift(jira, plan, resolved, diff)


def _create_epic(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    outcome: CreateOutcome,
    now: Callable[[], datetime],
    ledger: ReleaseLedger,
) -> str:
    payload = epic_payload(
        plan, jira.flavor, resolved.facts, resolved.epic_type, now(), dict(resolved.refs)
    )
    key, issue_id = jira.create_issue(payload)
    ledger.created(EPIC, key, issue_id)
    outcome.epic.key, outcome.epic.action = key, "created"
    log.info("epic created", key=key, release=plan.release.slug)
    return key


def _dry_run_actions(
    plan: Plan,
    diffs: tuple[ReleaseDiff, Approvals],
    resolved: Resolved,
    update: bool,
    ledger: ReleaseLedger,
) -> list[Action]:
    diff, found = diffs
    actions = []
    if diff.epic is None:
        text = f'create epic "{plan.epic_summary}" due {plan.end}'
        actions.append(Action(act.CREATE_EPIC, text, field="summary", new=plan.epic_summary))
    by_id = {t.id: t for t in plan.tasks}
    layers = link_layers(plan, diff.missing, list(diff.existing))
    for number, layer in enumerate(layers, start=1):
        for task_id in layer:
            task = by_id[task_id]
            deps = ", ".join(task.depends_on) or "none"
            text = (
                f'create (batch {number}/{len(layers)}) "{task.summary}" assignee '
                f"{task.assignee or '(none)'} {task.start}..{task.due} blocked by: {deps}"
            )
            actions.append(
                Action(act.CREATE_ISSUE, text, task_id=task.id, field="summary", new=task.summary)
            )
    due = {t.id for t in _watchers_due(plan, diff, ledger)}
    for task in plan.tasks:
        pending = task.id in due or task.id in diff.missing
        for person in task.watchers if pending else ():
            text = f'add watcher {person} to "{task.name}"'
            key = diff.key_of(task.id)
            actions.append(Action(act.ADD_WATCHER, text, key, task.id, "watchers", new=person))
    actions += approvals.dry_run_actions(found, diff.key_of(APPROVAL_TASK))
    if update:
        drift = settable_drift(diff, resolved.facts, resolved.screen_of)
        actions += [
            Action(
                act.UPDATE_FIELD,
                f"update {d.key} {d.field}: {d.actual or '(empty)'} → {d.planned}",
                d.key,
                d.task_id,
                d.field,
                d.actual,
                d.planned,
            )
            for d in drift
        ]
    return actions


def _put_back(key: str, labels: Sequence[str]) -> Action:
    text = f"put back labels {', '.join(labels)} on {key}"
    return Action(act.PUT_BACK_LABELS, text, key, field="labels", new=", ".join(labels))
