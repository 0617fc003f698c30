"""The portfolio page of all releases (pure): the releases worst first with their next milestone,
its owner and who caused their slip; then, from `sync --all`'s measurements, the conflicts
(people carrying more than their limits) and each person's load over the next weeks
(issue 16, item 6).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from nivosync.core.go_live_conflicts import GoLiveConflict
from nivosync.core.portfolio_load import Overload, PortfolioLoad
from nivosync.render.pages.common import People, person
from nivosync.render.status_page import FINISHED, RAG, lozenge
from nivosync.render.storage import (
    Content,
    attachment_link,
    date_text,
    heading,
    image,
    link,
    p,
    render,
    status,
    table,
)


@dataclass(frozen=True)
class PortfolioRow:
    """One release on the portfolio. Running ones: `projected_go_live` is the forecast and
    `actual_go_live` is set once the go-live task is done. Finished ones (status "done" or
    "cancelled"): `finished_on` orders them (newest first), `note` says how they ended (e.g.
    "cancelled 2026-12-09: reason"); a done one's go-live is `actual_go_live`, or else
    `projected_go_live`."""

    customer: str
    release: str
    status: str
    planned_go_live: date | None
    projected_go_live: date | None
    slip_days: int
    status_page_title: str | None
    status_page_url: str | None
    note: str = ""
    actual_go_live: date | None = None
    finished_on: date | None = None
    next_milestone: str = ""  # "Name (planned end …, projected end …)"; "" unknown
    milestone_owner: str | None = None
    slip_cause: str = ""  # "go-live +4: 3 days customer (…), 1 day vendor (…)"


@dataclass(frozen=True)
class PortfolioSections:
    """What the page shows beside the releases: people's load (`weeks`: the Mondays of the
    load table and chart) and the Confluence users of the people it names."""

    load: PortfolioLoad
    weeks: tuple[date, ...]
    people: People | None = None
    go_lives: tuple[GoLiveConflict, ...] = ()  # freezes and collisions
    chart: str | None = None  # the attached load chart's file name; None: no chart


LOAD_CHART_ALT = "People's load per week: the most tasks in flight on one working day"
SEVERITY = {
    "slipping": 0, "missing": 0, "stale": 1, "at_risk": 2, "on_track": 3, "done": 4,
    "cancelled": 5,
}  # fmt: skip


def portfolio_body(
    rows: Sequence[PortfolioRow],
    sections: PortfolioSections | None = None,
    calendar: str | None = None,
) -> str:
    """The running releases worst first (status, then slip, then go-live), then those done or
    cancelled lately, newest first; with `sections`, the conflicts and people's load. Like the
    status pages, it shows what was measured and not when, so a quiet night rewrites nothing
    (the load table moves on once a week)."""
    active = sorted(
        (r for r in rows if r.status not in FINISHED),
        key=lambda r: (
            SEVERITY.get(r.status, 1),
            -r.slip_days,
            r.projected_go_live or date.max,
            r.customer,
            r.release,
        ),
    )
    finished = sorted(
        (r for r in rows if r.status in FINISHED),
        key=lambda r: (
            -(r.finished_on or date.min).toordinal(),
            SEVERITY[r.status],
            r.customer,
            r.release,
        ),
    )
    parts: list[Content] = [p(_portfolio_counts(active, finished))]
    people = sections.people if sections else None
    if active:
        parts += [heading(2, "Active releases"), _active_table(active, people)]
    if sections is not None:
        parts += _conflicts(sections)
        parts += _slip_causes(active)
        parts += _load(sections)
    if finished:
        parts += [heading(2, "Recently completed and cancelled"), _finished_table(finished)]
    if calendar:
        parts += [
            heading(2, "Calendar"),
            p(
                "The milestones and go-lives of every active release, planned and forecast, "
                "as an iCalendar file to import or subscribe to: ",
                attachment_link(calendar),
                ". Its events keep their identity, so a calendar that imports it again moves "
                "them when the forecast moves.",
            ),
        ]
    return render(parts)


def _portfolio_counts(active: Sequence[PortfolioRow], finished: Sequence[PortfolioRow]) -> str:
    """'3 active releases: 1 on track, 2 slipping. 1 recently finished: 1 done.'"""
    if active:
        counts = {state: sum(r.status == state for r in active) for state in RAG}
        summary = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in counts.items() if n)
        text = f"{len(active)} active release{'s' if len(active) != 1 else ''}"
        text += f": {summary}." if summary else "."
    else:
        text = "No active releases."
    if finished:
        ended = ", ".join(
            f"{n} {state}" for state in FINISHED if (n := sum(r.status == state for r in finished))
        )
        text += f" {len(finished)} recently finished: {ended}."
    return text


def _day(value: date | None) -> str:
    return date_text(value) if value else "—"


def _page_cell(row: PortfolioRow, fallback: str) -> Content:
    if row.status_page_url:
        return link(row.status_page_url, row.status_page_title or "status")
    return fallback or "—"


def _active_table(rows: Sequence[PortfolioRow], people: People | None = None) -> Content:
    return table(
        [
            "Customer",
            "Release",
            "Status",
            "Planned go-live",
            "Projected / actual go-live",
            "Slip",
            "Next milestone",
            "Owner",
            "Status page",
        ],
        [
            [
                r.customer,
                r.release,
                lozenge(r.status),
                _day(r.planned_go_live),
                f"{date_text(r.actual_go_live)} (actual)"
                if r.actual_go_live
                else _day(r.projected_go_live),
                str(r.slip_days),
                r.next_milestone or "—",
                person(r.milestone_owner, people) if r.next_milestone else "—",
                _page_cell(r, r.note),
            ]
            for r in rows
        ],
    )


def _finished_table(rows: Sequence[PortfolioRow]) -> Content:
    """Done: the actual go-live; cancelled: no go-live, and the note says why."""
    return table(
        ["Customer", "Release", "Status", "Planned go-live", "Actual go-live", "Outcome",
         "Status page"],
        [
            [
                r.customer,
                r.release,
                lozenge(r.status),
                _day(r.planned_go_live),
                _day(r.actual_go_live or (r.projected_go_live if r.status == "done" else None)),
                r.note or (f"{r.status} {_day(r.finished_on)}" if r.finished_on else r.status),
                _page_cell(r, ""),
            ]
            for r in rows
        ],
    )  # fmt: skip


def _conflicts(sections: PortfolioSections) -> list[Content]:
    """Go-lives in a freeze or crowded together; then every overload: who, what, the releases
    and the tasks involved."""
    overloads, go_lives = sections.load.overloads, sections.go_lives
    if not overloads and not go_lives:
        return [heading(2, "Conflicts"), p("None: nobody carries more than the limits.")]
    parts: list[Content] = [heading(2, "Conflicts")]
    if go_lives:
        parts.append(
            table(
                ["Go-live conflict", "Releases"],
                [[c.message, ", ".join(c.releases)] for c in go_lives],
            )
        )
    if not overloads:
        return parts
    return [
        *parts,
        table(
            ["Person", "Conflict", "Releases", "Tasks"],
            [
                [
                    person(o.person, sections.people),
                    _conflict_text(o),
                    ", ".join(o.releases),
                    "; ".join(c.name for c in o.items),
                ]
                for o in overloads
            ],
        ),
    ]


def _conflict_text(overload: Overload) -> str:
    """The overload's message without the person (the table's first column names them)."""
    return overload.message.removeprefix(f"{overload.person}: ")


def _slip_causes(active: Sequence[PortfolioRow]) -> list[Content]:
    caused = [r for r in active if r.slip_cause and r.slip_days > 0]
    if not caused:
        return []
    return [
        heading(2, "Who caused the slip"),
        table(
            ["Customer", "Release", "Go-live slip"],
            [[r.customer, r.release, r.slip_cause] for r in caused],
        ),
    ]


def _load(sections: PortfolioSections) -> list[Content]:
    """Per person and week: the most tasks in flight on one working day, forecast (planned in
    brackets); over the person's daily limit in red. The chart above it, when there is one,
    draws the same numbers."""
    weeks = sections.weeks
    busy = sections.load.weekly(weeks)
    if not weeks or not busy:
        return []
    headers: list[Content] = ["Person", "Roles", *(f"Week of {date_text(w)}" for w in weeks)]
    rows = [
        [
            person(w.person, sections.people),
            ", ".join(w.roles),
            *(_cell(f, n, w.limit) for f, n in zip(w.forecast, w.planned, strict=True)),
        ]
        for w in busy
    ]
    intro = p(
        "The most tasks each person owns or watches on one working day of the week: forecast "
        "(planned in brackets)."
    )
    chart = [image(sections.chart, alt=LOAD_CHART_ALT)] if sections.chart else []
    return [heading(2, "People's load"), intro, *chart, table(headers, rows)]


def _cell(forecast: int, planned: int, limit: int | None) -> Content:
    text = f"{forecast} ({planned})"
    return status(text, "Red") if limit is not None and forecast > limit else text
