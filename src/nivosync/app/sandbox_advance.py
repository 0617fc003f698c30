"""`nivosync sandbox advance`: play the embedded sandbox's releases forward to a day.

The people do the work (`sandbox_people`): over the sandbox's REST API, through the same
gateway as every command, each task is started on its start day and moved to Done on the day
it finishes (`core.playforward` says which day). The sandbox's clock is set to each day before
its moves, so Jira's resolution dates, histories and `updated` say that day, and the sandbox
stays the same faithful Jira for every later command. The clock is then left on --to: it is
kept in the sandbox's database, where every later command (`site_clock.site_now`) and a running
`nivosync sandbox serve` read it. It returns once the sandbox's search shows its last move (the
sandbox's index lags writes by seconds, as Jira Cloud's does): a `sync` run right after it
finds every task as it left them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from nivosync.app.releases import (
    ReleaseRecord,
    epics,
    existing_release,
    find_release,
    tasks_by_release,
)
from nivosync.app.sandbox_people import People
from nivosync.app.site_clock import today_in
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.core.baseline import Baseline
from nivosync.core.identity import APPROVAL_TASK, ReleaseIdentity, is_approval, task_issues
from nivosync.core.playforward import DEFAULT_LATE_DAYS, Move, TaskNow, moment_on, play
from nivosync.errors import InvalidInput
from nivosync.inputs.config import SANDBOX, Config, load_settings
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.sandbox import Sandbox
from nivosync.sandbox.faults import DEFAULT_INDEX_LAG_SECONDS

DONE = "done"
NEW = "new"
_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class AdvanceRequest:
    to: date
    late: tuple[str, ...] = ()  # TASK_ID[:WORKING_DAYS]
    customer: str | None = None
    release: str | None = None


@dataclass(frozen=True)
class Finished:
    """A task moved to Done: `days_late` working days after its planned due; `waited_for`:
    the keys of the tasks that held its start back."""

    key: str
    task_id: str
    days_late: int
    waited_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeftOpen:
    """A late task that finishes after --to: it stays open."""

    key: str
    task_id: str
    finishes: date
    days_late: int


@dataclass
class AdvanceOutcome:
    first: date  # the sandbox's day before
    last: date  # and after (--to)
    browse_url: str  # where `nivosync sandbox serve` shows the site
    releases: list[str] = field(default_factory=list)  # "Acme Health 2.4.0 (NVX-1)"
    days: dict[date, list[Finished]] = field(default_factory=dict)
    started: int = 0
    left_open: list[LeftOpen] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # releases left out, and why
    refused: list[str] = field(default_factory=list)  # moves the site did not take, and why


@dataclass(frozen=True)
class _Release:
    record: ReleaseRecord
    baseline: Baseline
    tasks: Mapping[str, IssueSnapshot]  # task id → its issue
    approvals: tuple[IssueSnapshot, ...]  # the approval task's open approval sub-tasks


def advance_sandbox(
    config_path: Path | None,
    request: AdvanceRequest,
    sleep: Callable[[float], None] = time.sleep,
) -> AdvanceOutcome:
    config = load_settings(config_path)
    if config.spec.jira.url != SANDBOX:
        raise InvalidInput(
            f"advance only plays the embedded sandbox forward: {config.name} has jira.url "
            f"{config.spec.jira.url}, not `sandbox`"
        )
    late = parse_late(request.late)
    identity = _identity(request.customer, request.release)
    first = today_in(config)
    if request.to < first:
        raise InvalidInput(
            f"the sandbox is on {first.isoformat()}: advance never moves its clock back "
            f"(--to {request.to.isoformat()} is earlier)"
        )
    port = config.spec.sandbox.port
    outcome = AdvanceOutcome(first, request.to, f"http://127.0.0.1:{port}/")
    with open_sites(config) as sites:
        sandbox = sites.embedded
        assert sandbox is not None  # jira.url is sandbox
        # Days pass between the moves: the search index has long caught up with each of them.
        sandbox.faults.configure({"index_lag_seconds": 0})
        jira = jira_gateway(sites, config)
        jira.site_facts()
        releases = list(_playable(jira, identity, outcome.notes))
        _check_late(late, releases)
        outcome.releases = [f"{r.record.title} ({r.record.epic.key})" for r in releases]
        with People(sites, config, jira) as people:
            moved = _perform(config, sandbox, people, releases, late, outcome)
    if moved:  # the search index of the next command's sandbox catches up meanwhile
        sleep(max(0.0, DEFAULT_INDEX_LAG_SECONDS + 0.2 - (time.monotonic() - moved)))
    return outcome


def parse_late(values: Sequence[str]) -> dict[str, int]:
    """--late TASK_ID[:WORKING_DAYS] (default 3 working days), repeatable."""
    found: dict[str, int] = {}
    for value in values:
        task_id, sep, days = value.strip().partition(":")
        if not task_id or (sep and not days.strip().isdigit()) or (sep and int(days) < 1):
            raise InvalidInput(
                f"--late '{value}': write TASK_ID or TASK_ID:WORKING_DAYS with a whole number "
                "of at least 1 (e.g. upgrade-release-kickoff:3)"
            )
        found[task_id] = int(days) if sep else DEFAULT_LATE_DAYS
    return found


def _identity(customer: str | None, release: str | None) -> ReleaseIdentity | None:
    if customer is None and release is None:
        return None
    if not (customer and release):
        raise InvalidInput("give both --customer and --release, or neither (every release)")
    return ReleaseIdentity.checked(customer, release)


def _playable(
    jira: JiraGateway, identity: ReleaseIdentity | None, notes: list[str]
) -> Iterator[_Release]:
    """The running releases asked for, each with its baseline and issues."""
    if identity is not None:
        record, issues = find_release(jira, identity)
        then = "create it first with `nivosync create`"
        found = [(existing_release(jira, identity, record, then), issues)]
    else:
        records = list(epics(jira))
        by_slug = tasks_by_release(jira, records)
        found = [(r, by_slug[r.slug]) for r in records]
    for record, issues in found:
        if record.finish is not None:
            notes.append(f"{record.title} is {record.finish.state}: nothing to play")
        elif record.baseline is None:
            notes.append(f"{record.title} skipped: {record.problem}")
        else:
            approvals = tuple(i for i in issues if is_approval(i) and i.status_category != DONE)
            yield _Release(record, record.baseline, task_issues(issues), approvals)


def _check_late(late: Mapping[str, int], releases: Sequence[_Release]) -> None:
    known: dict[str, None] = {}
    for item in releases:
        known.update((t.id, None) for t in item.baseline.ordered_tasks())
    unknown = [t for t in late if t not in known]
    if not unknown:
        return
    if not known:
        raise InvalidInput(f"--late {unknown[0]}: there is no running release in the sandbox")
    raise InvalidInput(
        f"--late {unknown[0]}: no release in play has that task; its task ids are: "
        + ", ".join(known)
    )


def _states(item: _Release) -> dict[str, TaskNow]:
    states = {}
    for task_id, issue in item.tasks.items():
        done = issue.status_category == DONE
        planned = item.baseline.tasks.get(task_id)
        fallback = planned.end if planned else None
        done_on = (issue.resolved or fallback) if done else None
        states[task_id] = TaskNow(task_id, done_on, started=issue.status_category != NEW)
    return states


def _perform(
    config: Config,
    sandbox: Sandbox,
    people: People,
    releases: Sequence[_Release],
    late: Mapping[str, int],
    outcome: AdvanceOutcome,
) -> float | None:
    """Make every release's moves day by day, the clock on each day; leave it on --to.
    When the last move was made (`time.monotonic()`), None when there was none."""
    timezone, resolution = config.spec.timezone, config.spec.lifecycle.done_resolution
    moves: list[tuple[date, int, int, Move, _Release]] = []
    for index, item in enumerate(releases):
        playback = play(item.baseline, _states(item), late, outcome.first, outcome.last)
        moves += [(m.day, m.kind == "start", index, m, item) for m in playback.moves]
        outcome.left_open += _left_open(item, playback.still_open, late)
    previous, moved = sandbox.clock.now(), None
    for day, _, _, move, item in sorted(moves, key=lambda m: m[:3]):
        previous = max(moment_on(day, timezone), previous + _SECOND)
        sandbox.clock.set(previous)
        issue = item.tasks[move.task_id]
        if move.kind == "start":
            note = people.start(issue)
            outcome.started += note is None
        else:
            note = _finish(people, item, issue, resolution)
            if note is None:
                waited = tuple(_key(item, t) for t in move.waited_for)
                done = Finished(issue.key, move.task_id, move.days_late, waited)
                outcome.days.setdefault(day, []).append(done)
        outcome.refused += [note] if note else []
        moved = time.monotonic()
    sandbox.clock.set(max(moment_on(outcome.last, timezone), previous + _SECOND))
    return moved


def _finish(people: People, item: _Release, issue: IssueSnapshot, resolution: str) -> str | None:
    """Done; the approval task once each approver approved on their sub-task."""
    if _is_approval_task(item, issue):
        for approval in item.approvals:
            note = people.finish(approval, resolution)
            if note:
                return note
    return people.finish(issue, resolution)


def _key(item: _Release, task_id: str) -> str:
    found = item.tasks.get(task_id)
    return found.key if found is not None else task_id


def _is_approval_task(item: _Release, issue: IssueSnapshot) -> bool:
    found = item.tasks.get(APPROVAL_TASK)
    return found is not None and found.key == issue.key


def _left_open(
    item: _Release, still_open: Mapping[str, date], late: Mapping[str, int]
) -> list[LeftOpen]:
    """The late tasks that finish after --to (other open tasks are simply not due yet)."""
    found = []
    for task_id, finishes in still_open.items():
        if task_id in late and task_id in item.tasks:
            planned = item.baseline.tasks[task_id].end
            days = item.baseline.calendar.working_days_after(planned, finishes)
            found.append(LeftOpen(item.tasks[task_id].key, task_id, finishes, days))
    return found
