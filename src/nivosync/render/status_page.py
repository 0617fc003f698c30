"""The nightly status report page of one release, and the portfolio page of all (pure).

Both show what was measured, never the night it was measured (issue 12, item 7): the digest of
a measurement leaves out its date, so nothing here may read `ReleaseSlippage.as_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from nivosync.core.changes import HistoryEntry as HistoryEntry  # re-exported: pages' input
from nivosync.core.changes import observe
from nivosync.core.slippage import MilestoneSlippage, ReleaseSlippage, TaskSlippage
from nivosync.render.pages.common import People, person
from nivosync.render.regions import notes_section
from nivosync.render.storage import (
    Colour,
    Content,
    date_text,
    heading,
    image,
    key_value_table,
    link,
    p,
    page_link,
    panel,
    render,
    status,
    strong,
    table,
    unbroken,
)

CHART_FILE = "slippage.png"
# Part of every measurement's digest: a new layout re-renders pages whose data did not change.
# /3: go-live and release end with actuals, the re-plan line, the task table with float and
# critical path, missed milestones. /4: the release plan linked, the next milestone and its
# owner, people as mentions, dates that do not wrap.
PAGE_LAYOUT = "status-page/4"
RAG: dict[str, tuple[str, Colour]] = {
    "done": ("DONE", "Blue"),
    "on_track": ("ON TRACK", "Green"),
    "at_risk": ("AT RISK", "Yellow"),
    "slipping": ("SLIPPING", "Red"),
    "missing": ("MISSING", "Red"),
    "cancelled": ("CANCELLED", "Grey"),
}
FINISHED = ("done", "cancelled")  # portfolio rows listed below the running releases


def lozenge(state: str) -> Content:
    title, colour = RAG.get(state, (state.upper(), "Grey"))
    return status(title, colour)


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def trend(earlier: Sequence[HistoryEntry], slip_days: int) -> str:
    """'slipped 2 more working days since 2026-12-15', against the previous state recorded."""
    if not earlier:
        return "first report"
    before = earlier[-1]
    change = slip_days - before.slip_days
    since = f"since {before.last_seen.isoformat()}"
    if change > 0:
        return f"slipped {change} more working day{'s' if change != 1 else ''} {since}"
    if change < 0:
        return f"recovered {_days(-change)} {since}"
    return f"no change in slip {since}"


@dataclass(frozen=True)
class PageContext:
    """What the page shows besides the measurement: the release plan page's title (linked),
    each milestone's owner (milestone id → the person's text; None: unassigned) and the
    Confluence users of the people it names (person's text → user; others stay text)."""

    plan_title: str | None = None
    owners: Mapping[str, str | None] | None = None
    people: People | None = None


def status_page_body(
    title: str,
    slippage: ReleaseSlippage,
    earlier: Sequence[HistoryEntry],
    browse: Callable[[str], str],
    current: HistoryEntry | None = None,
    context: PageContext | None = None,
) -> str:
    """The status report of one release: what was measured, never the night it was measured,
    so that an unchanged release keeps an unchanged page. `earlier`: the states recorded
    before this one; `current`: this state's run (first seen, what it changed)."""
    now = current or observe(slippage, "")
    shown = context or PageContext()
    parts: list[Content] = [
        _done_panel(slippage),
        key_value_table(_summary(slippage, earlier, now, shown)),
        _replan_line(slippage),
        heading(2, "Milestones"),
        _milestones(slippage, browse),
        heading(2, "Tasks"),
        _tasks(slippage, title, browse, shown.people),
        heading(2, "Planned vs actual"),
        image(CHART_FILE, alt=f"{title}: planned and actual/projected dates"),
        heading(2, "History"),
        _history_table([*earlier, now], ongoing=True),
        notes_section("status-notes"),
    ]
    return render(parts)


def _summary(
    slippage: ReleaseSlippage,
    earlier: Sequence[HistoryEntry],
    now: HistoryEntry,
    shown: PageContext,
) -> list[tuple[str, Content]]:
    """Status, go-live and release end (planned, then actual once done, else projected), the
    next milestone and the plan page."""
    facts: list[tuple[str, Content]] = [
        ("Status", lozenge(slippage.status)),
        ("Planned go-live", date_text(slippage.planned_go_live)),
        _actual_or_projected("go-live", slippage.actual_go_live, slippage.projected_go_live),
        ("Slip", f"{_days(slippage.slip_days)} ({unbroken(trend(earlier, slippage.slip_days))})"),
        ("Planned release end", date_text(slippage.planned_end)),
        _actual_or_projected("release end", slippage.actual_end, slippage.projected_end),
        *_pointers(slippage, shown),
        ("Unchanged since", date_text(now.first_seen)),
    ]
    if now.message:
        facts.append(("Latest change", now.message))
    return facts


def _actual_or_projected(what: str, actual: date | None, projected: date) -> tuple[str, Content]:
    if actual is not None:
        return f"Actual {what}", date_text(actual)
    return f"Projected {what}", date_text(projected)


def _pointers(slippage: ReleaseSlippage, shown: PageContext) -> list[tuple[str, Content]]:
    """The next milestone (the first not done) with its dates and owner, and the plan page."""
    upcoming = next((m for m in slippage.milestones if m.status != "done"), None)
    rows: list[tuple[str, Content]] = []
    if upcoming is None:
        rows.append(("Next milestone", "none: every milestone is done"))
    else:
        dates = f"planned end {date_text(upcoming.planned_end)}, " + (
            f"projected end {date_text(upcoming.projected_end)}"
            if upcoming.projected_end != upcoming.planned_end
            else "on plan"
        )
        rows.append(("Next milestone", f"{upcoming.name} ({dates})"))
        if shown.owners is not None:
            owner = person(shown.owners.get(upcoming.id), shown.people)
            rows.append(("Milestone owner", owner))
    if shown.plan_title:
        rows.append(("Release plan", page_link(shown.plan_title)))
    return rows


def _done_panel(slippage: ReleaseSlippage) -> Content:
    if slippage.status != "done":
        return None
    went_live = slippage.actual_go_live or slippage.projected_go_live
    ended = slippage.actual_end or slippage.projected_end
    return panel(
        "tip",
        p(
            f"This release is done: it went live on {went_live.isoformat()} "
            f"(planned {slippage.planned_go_live.isoformat()}) and ended on "
            f"{ended.isoformat()}."
        ),
        title="Done",
    )


def _replan_line(slippage: ReleaseSlippage) -> Content:
    """'Re-planned on 2026-12-20 (customer asked): 18 working days behind the original
    go-live 2027-01-07.' — only for a release whose current baseline is a re-plan's."""
    if slippage.replanned_at is None:
        return None
    reason = f" ({slippage.replan_reason})" if slippage.replan_reason else ""
    behind = slippage.slip_vs_original_days
    how = f"{_days(behind)} behind" if behind > 0 else "not behind"
    return p(
        f"Re-planned on {slippage.replanned_at.date().isoformat()}{reason}: {how} the "
        f"original go-live {slippage.original_go_live.isoformat()}."
    )


def _milestones(slippage: ReleaseSlippage, browse: Callable[[str], str]) -> Content:
    return table(
        ["Milestone", "Status", "Planned end", "Projected end", "Slip", "Done", "Late"],
        [
            [
                m.name,
                _milestone_status(m),
                date_text(m.planned_end),
                date_text(m.projected_end),
                str(m.slip_days),
                f"{m.tasks_done}/{m.tasks_total}",
                _joined([link(browse(key), key) for key in m.late]) or "—",
            ]
            for m in slippage.milestones
        ],
    )


def _milestone_status(milestone: MilestoneSlippage) -> Content:
    """Its status, and MISSED once its planned end has passed and it is not done."""
    if not milestone.missed:
        return lozenge(milestone.status)
    return [lozenge(milestone.status), " ", status("MISSED", "Red", subtle=True)]


TASK_HEADERS = (
    "Key", "Task", "Assignee", "Status", "Planned due", "Finish", "Slip", "Float", "Critical path",
)  # fmt: skip


def _tasks(
    slippage: ReleaseSlippage, title: str, browse: Callable[[str], str], people: People | None
) -> Content:
    """The tasks that matter: late, forecast late, at risk or missing, and every critical one
    (float 0), in plan order. Slip and float are in working days."""
    shown = [t for t in slippage.tasks if t.troubled or t.missing or t.critical]
    if not shown:
        return p("No task is late, at risk or on the critical path.")
    prefix = title.split(" — ")[0]
    return [
        p(
            "Tasks late, forecast late, at risk or missing, and every task on the critical "
            "path (float 0). Slip and float are in working days."
        ),
        table(list(TASK_HEADERS), [_task_row(t, prefix, browse, people) for t in shown]),
    ]


def _task_row(
    task: TaskSlippage, prefix: str, browse: Callable[[str], str], people: People | None
) -> list[Content]:
    return [
        link(browse(task.key), task.key) if task.key else "missing in Jira",
        short_name(task.summary or task.task_id, prefix),
        person(task.assignee, people),
        _task_status(task),
        date_text(task.planned_end),
        _finish(task),
        str(task.slip_days),
        str(task.float_days),
        strong("yes") if task.critical else "no",
    ]


def _task_status(task: TaskSlippage) -> str:
    """Jira's status, except for a task resolved after the as-of date: it was open then."""
    if task.resolved_after_as_of and task.resolved is not None:
        return f"open (resolved {date_text(task.resolved)}, after the as-of date)"
    if task.missing:
        return "missing"
    return f"{task.status}, past its planned start" if task.at_risk else task.status


def _finish(task: TaskSlippage) -> str:
    if not task.done:
        return f"{date_text(task.projected_finish)} (forecast)"
    if task.actual_finish is None:
        return "done (no resolution date)"
    return f"{date_text(task.actual_finish)} (actual)"


def _joined(items: Sequence[Content]) -> list[Content]:
    """Items separated by ', ' (links side by side would run together)."""
    out: list[Content] = []
    for index, item in enumerate(items):
        out += [", ", item] if index else [item]
    return out


def short_name(summary: str, release_title: str) -> str:
    """A task's name without the '<Customer> <Release>: ' prefix its Jira summary carries."""
    return summary.removeprefix(f"{release_title}: ")


def _history_table(history: Sequence[HistoryEntry], ongoing: bool = False) -> Content:
    """The states seen, newest first (at most 30); an `ongoing` newest one has no end yet."""
    rows = list(reversed(history))[:30]
    return table(
        ["From", "To", "Status", "Slip (working days)", "Projected go-live", "Change"],
        [
            [
                date_text(h.first_seen),
                "(current)" if ongoing and index == 0 else date_text(h.last_seen),
                lozenge(h.status),
                str(h.slip_days),
                date_text(h.projected_go_live),
                h.message or "—",
            ]
            for index, h in enumerate(rows)
        ],
    )


def stale_page_body(last: HistoryEntry, history: Sequence[HistoryEntry], reason: str) -> str:
    """The status page when tonight's data could not be read: the last good verdict, flagged."""
    return render(
        panel(
            "warning",
            p(
                f"This report is stale: the data is from {last.last_seen.isoformat()}. "
                f"The latest sync failed: {reason}"
            ),
            title="Stale data",
        ),
        key_value_table(
            [
                ("Status", lozenge(last.status)),
                ("Projected go-live", date_text(last.projected_go_live)),
                ("Slip", f"{last.slip_days} working day{'' if last.slip_days == 1 else 's'}"),
                ("Last measured", date_text(last.last_seen)),
            ]
        ),
        heading(2, "History"),
        _history_table(history),
    )
