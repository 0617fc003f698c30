"""The nightly status report page of one release, and the portfolio page of all (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from nivosync.core.slippage import ReleaseSlippage
from nivosync.render.storage import (
    Colour,
    Content,
    heading,
    image,
    key_value_table,
    link,
    p,
    panel,
    render,
    status,
    table,
)

CHART_FILE = "slippage.png"
RAG: dict[str, tuple[str, Colour]] = {
    "done": ("DONE", "Blue"),
    "on_track": ("ON TRACK", "Green"),
    "at_risk": ("AT RISK", "Yellow"),
    "slipping": ("SLIPPING", "Red"),
    "missing": ("MISSING", "Red"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One nightly run's verdict, kept on the release epic so the trend survives any machine."""

    as_of: date
    status: str
    slip_days: int
    projected_go_live: date

    def to_json(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "status": self.status,
            "slip_days": self.slip_days,
            "projected_go_live": self.projected_go_live.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> HistoryEntry:
        return cls(
            as_of=date.fromisoformat(str(data["as_of"])),
            status=str(data["status"]),
            slip_days=int(str(data["slip_days"])),
            projected_go_live=date.fromisoformat(str(data["projected_go_live"])),
        )


def lozenge(state: str) -> Content:
    title, colour = RAG.get(state, (state.upper(), "Grey"))
    return status(title, colour)


def trend(history: Sequence[HistoryEntry], today: HistoryEntry) -> str:
    """'slipped 2 more days since 2026-12-15', or the like, against the previous run."""
    earlier = [h for h in history if h.as_of < today.as_of]
    if not earlier:
        return "first nightly report"
    before = earlier[-1]
    change = today.slip_days - before.slip_days
    since = f"since {before.as_of.isoformat()}"
    if change > 0:
        return f"slipped {change} more day{'s' if change != 1 else ''} {since}"
    if change < 0:
        return f"recovered {-change} day{'s' if change != -1 else ''} {since}"
    return f"no change {since}"


def status_page_body(
    title: str,
    slippage: ReleaseSlippage,
    history: Sequence[HistoryEntry],
    browse: Callable[[str], str],
) -> str:
    """The status report of one release, measured tonight."""
    today = HistoryEntry(
        slippage.as_of, slippage.status, slippage.slip_days, slippage.projected_go_live
    )
    parts: list[Content] = [
        key_value_table(
            [
                ("Status", lozenge(slippage.status)),
                ("Planned go-live", slippage.planned_go_live.isoformat()),
                ("Projected go-live", slippage.projected_go_live.isoformat()),
                ("Slip", f"{slippage.slip_days} working days ({trend(history, today)})"),
                ("As of", slippage.as_of.isoformat()),
            ]
        ),
        heading(2, "Milestones"),
        table(
            ["Milestone", "Status", "Planned end", "Projected end", "Slip", "Done", "Late"],
            [
                [
                    m.name,
                    lozenge(m.status),
                    m.planned_end.isoformat(),
                    m.projected_end.isoformat(),
                    str(m.slip_days),
                    f"{m.tasks_done}/{m.tasks_total}",
                    _joined([link(browse(key), key) for key in m.late]) or "—",
                ]
                for m in slippage.milestones
            ],
        ),
        heading(2, "Late tasks"),
    ]
    parts.append(_late_tasks(slippage, title, browse))
    parts += [
        heading(2, "Planned vs actual"),
        image(CHART_FILE, alt=f"{title}: planned and actual/projected dates"),
        heading(2, "History"),
        _history_table([*[h for h in history if h.as_of != today.as_of], today]),
    ]
    return render(parts)


def _late_tasks(slippage: ReleaseSlippage, title: str, browse: Callable[[str], str]) -> Content:
    late = [t for t in slippage.tasks if t.late or t.missing]
    if not late:
        return p("No task is late.")
    return table(
        ["Task", "Key", "Assignee", "Status", "Planned end", "Due in Jira", "Days late"],
        [
            [
                short_name(t.summary or t.task_id, title.split(" — ")[0]),
                link(browse(t.key), t.key) if t.key else "missing in Jira",
                t.assignee or "unassigned",
                t.status,
                t.planned_end.isoformat(),
                t.due.isoformat() if t.due else "—",
                str(t.slip_days),
            ]
            for t in late
        ],
    )


def _joined(items: Sequence[Content]) -> list[Content]:
    """Items separated by ', ' (links side by side would run together)."""
    out: list[Content] = []
    for index, item in enumerate(items):
        out += [", ", item] if index else [item]
    return out


def short_name(summary: str, release_title: str) -> str:
    """A task's name without the '<Customer> <Release>: ' prefix its Jira summary carries."""
    return summary.removeprefix(f"{release_title}: ")


def _history_table(history: Sequence[HistoryEntry]) -> Content:
    rows = sorted(history, key=lambda h: h.as_of, reverse=True)[:30]
    return table(
        ["As of", "Status", "Slip (working days)", "Projected go-live"],
        [
            [
                h.as_of.isoformat(),
                lozenge(h.status),
                str(h.slip_days),
                h.projected_go_live.isoformat(),
            ]
            for h in rows
        ],
    )


@dataclass(frozen=True)
class PortfolioRow:
    customer: str
    release: str
    status: str
    planned_go_live: date | None
    projected_go_live: date | None
    slip_days: int
    status_page_title: str | None
    status_page_url: str | None
    note: str = ""


def stale_page_body(last: HistoryEntry, history: Sequence[HistoryEntry], reason: str) -> str:
    """The status page when tonight's data could not be read: the last good verdict, flagged."""
    return render(
        panel(
            "warning",
            p(
                f"This report is stale: the data is from {last.as_of.isoformat()}. "
                f"The latest sync failed: {reason}"
            ),
            title="Stale data",
        ),
        key_value_table(
            [
                ("Status", lozenge(last.status)),
                ("Projected go-live", last.projected_go_live.isoformat()),
                ("Slip", f"{last.slip_days} working days"),
                ("As of", last.as_of.isoformat()),
            ]
        ),
        heading(2, "History"),
        table(
            ["As of", "Status", "Slip (working days)", "Projected go-live"],
            [
                [
                    h.as_of.isoformat(),
                    lozenge(h.status),
                    str(h.slip_days),
                    h.projected_go_live.isoformat(),
                ]
                for h in reversed(history[-30:])
            ],
        ),
    )


SEVERITY = {"slipping": 0, "missing": 0, "stale": 1, "at_risk": 2, "on_track": 3, "done": 4}


def portfolio_body(rows: Sequence[PortfolioRow], as_of: date) -> str:
    """One row per active release, worst first (status, then slip, then go-live)."""
    ordered = sorted(
        rows,
        key=lambda r: (
            SEVERITY.get(r.status, 1),
            -r.slip_days,
            r.projected_go_live or date.max,
            r.customer,
            r.release,
        ),
    )
    counts = {state: sum(r.status == state for r in rows) for state in RAG}
    summary = ", ".join(f"{n} {state.replace('_', ' ')}" for state, n in counts.items() if n)
    parts: list[Content] = [
        p(
            f"{len(rows)} active release{'s' if len(rows) != 1 else ''} as of "
            f"{as_of.isoformat()}" + (f": {summary}." if summary else ".")
        ),
        table(
            [
                "Customer",
                "Release",
                "Status",
                "Planned go-live",
                "Projected go-live",
                "Slip",
                "Status page",
            ],
            [
                [
                    r.customer,
                    r.release,
                    lozenge(r.status),
                    r.planned_go_live.isoformat() if r.planned_go_live else "—",
                    r.projected_go_live.isoformat() if r.projected_go_live else "—",
                    str(r.slip_days),
                    [
                        link(r.status_page_url, r.status_page_title or "status")
                        if r.status_page_url
                        else r.note or "—"
                    ],
                ]
                for r in ordered
            ],
        ),
    ]
    if not rows:
        parts = [p(f"No active releases as of {as_of.isoformat()}.")]
    return render(parts)
