"""Creating a release's missing tasks (`creation`): in as few bulk creates one after the other
as their links allow, with the writes that wait for them (watchers, the approval sub-tasks)
sent alongside the next ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from nivosync.app import approval_tasks as approvals
from nivosync.app.approval_tasks import Approvals
from nivosync.app.ledger import ReleaseLedger
from nivosync.app.payloads import task_payload
from nivosync.app.progress import Progress
from nivosync.app.resolving import Resolved
from nivosync.app.site_reads import settled
from nivosync.core.identity import APPROVAL_TASK, WATCHERS_PENDING
from nivosync.core.plan import Plan, PlannedTask
from nivosync.core.reconcile import ReleaseDiff
from nivosync.jira.gateway import BULK_LIMIT, JiraGateway
from nivosync.jira.models import BulkResult

if TYPE_CHECKING:
    from nivosync.app.creation import CreateOutcome


def link_layers(plan: Plan, missing: Sequence[str], existing: Sequence[str]) -> list[list[str]]:
    """The missing tasks in as few groups (one bulk create each, one after the other) as
    their links allow: no two linked tasks in one group, because a link rides in the create
    payload of whichever of its two tasks is made later — "is blocked by" on the blocked
    task, "blocks" on the blocker — and needs the other's key. Two groups for any template
    whose dependencies form no odd cycle (a greedy colouring, DSatur: the task whose linked
    tasks already use the most groups goes next; ties in plan order, so blockers tend to come
    first). Links to `existing` tasks ride in the payloads of the missing ones."""
    wanted = set(missing) - set(existing)
    order = [t.id for t in plan.tasks if t.id in wanted]
    linked: dict[str, set[str]] = {t: set() for t in order}
    for task in plan.tasks:
        for blocker in task.depends_on if task.id in linked else ():
            if blocker in linked:
                linked[task.id].add(blocker)
                linked[blocker].add(task.id)
    group: dict[str, int] = {}
    for _ in order:
        taken = {t: {group[n] for n in linked[t] if n in group} for t in order if t not in group}
        pick = max(taken, key=lambda t: len(taken[t]))  # the first of the most constrained
        group[pick] = next(g for g in range(len(order)) if g not in taken[pick])
    layers: list[list[str]] = [[] for _ in range(max(group.values(), default=-1) + 1)]
    for task_id in order:
        layers[group[task_id]].append(task_id)
    return layers


# One write sent in a worker thread; it returns what records its answer, which runs on the
# run's own thread (the outcome and the ledger are only touched there).
Send = Callable[[], Callable[[], None]]


class TaskWrites:
    """A round's writes after the epic: the missing tasks, group by group (`link_layers`),
    and with each group the writes that wait only for what the groups before made — the
    watchers of tasks made, the approval sub-tasks once the approval task exists — so that
    independent writes share a round trip. Every answer is recorded (in the ledger too)
    before a failure among them is raised."""

    def __init__(
        self,
        jira: JiraGateway,
        plan: Plan,
        resolved: Resolved,
        diffs: tuple[ReleaseDiff, Approvals],
        epic_key: str,
        outcome: CreateOutcome,
        progress: Progress,
        ledger: ReleaseLedger,
    ) -> None:
        self.jira, self.plan, self.resolved = jira, plan, resolved
        self.diff, self.found = diffs
        self.epic_key, self.outcome = epic_key, outcome
        self.progress, self.ledger = progress, ledger
        self.by_id = {t.id: t for t in plan.tasks}
        self.items = {i.task_id: i for i in outcome.issues}
        self.keys = {task_id: issue.key for task_id, issue in self.diff.existing.items()}
        self.failed: set[str] = set()
        self.approvals_sent = False
        self.approvals_left = len(self.found.missing)  # for the progress bar

    def run(self, watchers_due: Sequence[PlannedTask]) -> None:
        """`watchers_due`: existing tasks whose watchers an earlier run did not finish adding
        (added first)."""
        follow = [self._watch(t) for t in watchers_due]
        for layer in link_layers(self.plan, self.diff.missing, list(self.diff.existing)):
            ready = [self.by_id[t] for t in self._not_blocked(layer)]
            chunks = [ready[i : i + BULK_LIMIT] for i in range(0, len(ready), BULK_LIMIT)]
            before = set(self.keys)
            _send_at_once([*[self._create(c) for c in chunks], *follow, *self._approvals()])
            made = [t for t in self.plan.tasks if t.id in set(self.keys) - before]
            follow = [self._watch(t) for t in made if t.watchers]
        _send_at_once([*follow, *self._approvals(last=True)])

    def _not_blocked(self, layer: Sequence[str]) -> list[str]:
        """The layer's tasks but those whose blocker failed (made later, it would link to it)."""
        ready = []
        for task_id in layer:
            waits = sorted(set(self.by_id[task_id].depends_on) & self.failed)
            if not waits:
                ready.append(task_id)
                continue
            self.failed.add(task_id)
            self.items[task_id].action = "skipped"
            self.outcome.failures.append(
                f"{task_id}: not created because {', '.join(waits)} failed"
            )
        return ready

    def _create(self, chunk: Sequence[PlannedTask]) -> Send:
        payloads = [self._payload(task) for task in chunk]

        def send() -> Callable[[], None]:
            result = self.jira.bulk_create(payloads)
            return lambda: self._created(chunk, result)

        return send

    def _payload(self, task: PlannedTask) -> dict[str, Any]:
        # Links to the tasks that have a key: blockers ("is blocked by") and dependents
        # ("blocks"; existing ones, when this task is re-created after a deletion, and ones
        # made by an earlier group) — a link to a task made later rides in that one's payload.
        keys = self.keys
        dependents = [d.id for d in self.plan.tasks if task.id in d.depends_on and d.id in keys]
        return task_payload(
            self.plan,
            task,
            self.jira.flavor,
            self.resolved.facts,
            self.resolved.task_type,
            self.epic_key,
            self.resolved.refs,
            [keys[d] for d in task.depends_on if d in keys],
            self.resolved.versions.get(task.milestone),
            watchers_label=not self.ledger.marks_watchers,
            dependent_keys=[keys[d] for d in dependents],
        )

    def _created(self, chunk: Sequence[PlannedTask], result: BulkResult) -> None:
        self.progress.advance(len(chunk))
        for index, key, issue_id in result.created:
            self.ledger.created(chunk[index].id, key, issue_id)
            self.keys[chunk[index].id] = key
            self.items[chunk[index].id].key, self.items[chunk[index].id].action = key, "created"
        for failure in result.failures:
            task = chunk[failure.index] if 0 <= failure.index < len(chunk) else None
            name = task.id if task else f"element {failure.index}"
            if task:
                self.failed.add(task.id)
                self.items[task.id].action = "failed"
            reasons = "; ".join(failure.messages) or f"HTTP {failure.status}"
            self.outcome.failures.append(
                f"{name}: Jira refused it (failedElementNumber {failure.index}): {reasons}"
            )

    def _watch(self, task: PlannedTask) -> Send:
        """Add the task's watchers (a repeat is harmless); only once all are added does the
        issue stop saying some are pending (its label, where it has one; else the ledger)."""
        key, refs = self.keys[task.id], [self.resolved.refs[p] for p in task.watchers]
        labelled = task.id in self.diff.watchers_pending or not self.ledger.marks_watchers

        def send() -> Callable[[], None]:
            for ref in refs:
                self.jira.add_watcher(key, ref)
            if labelled:
                self.jira.edit_issue(key, {}, {"labels": [{"remove": WATCHERS_PENDING}]})
            return lambda: self.ledger.watched(task.id)

        return send

    def _approvals(self, last: bool = False) -> list[Send]:
        """The approval sub-tasks' creates, once their parent exists (`last`: whether or not)."""
        parent = self.keys.get(APPROVAL_TASK)
        if self.approvals_sent or (parent is None and not last):
            return []
        self.approvals_sent = True
        failures, sends = approvals.approval_sends(
            self.jira,
            self.plan,
            self.resolved,
            self.found,
            parent,
            self.outcome.approvals,
            self.ledger,
        )
        self.outcome.failures += failures
        if not sends:
            self._approvals_done()
        return [self._approval(send) for send in sends]

    def _approvals_done(self) -> None:
        self.progress.advance(self.approvals_left)  # all of them, with the first answer
        self.approvals_left = 0

    def _approval(self, send: approvals.Send) -> Send:
        def sent() -> Callable[[], None]:
            record = send()

            def recorded() -> None:
                self.outcome.failures.extend(record())
                self._approvals_done()

            return recorded

        return sent


def _send_at_once(sends: Sequence[Send]) -> None:
    """Send independent writes together; record every answer, then raise the first failure
    (an AmbiguousWrite included: what the others made is in the ledger before it is searched
    again)."""
    answers = settled(sends)
    for answer in answers:
        if not isinstance(answer, Exception):
            answer()
    for answer in answers:
        if isinstance(answer, Exception):
            raise answer
