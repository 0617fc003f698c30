"""The calendar feed's events: milestones and go-lives of the active releases, planned and
forecast (pure; issue 16, item 5).

An event's UID is made of the release's slug, the milestone id (or `go-live`) and which date it
is (`planned` or `forecast`), never of a date: when the forecast (or a re-plan) moves a date,
the calendar moves the same event instead of adding one. All-day events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from nivosync.core.slippage import ReleaseSlippage

UID_DOMAIN = "nivosync"
PLANNED = "planned"
FORECAST = "forecast"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    day: date
    summary: str
    description: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class MeasuredRelease:
    slug: str
    title: str
    slippage: ReleaseSlippage


def event_uid(slug: str, what: str, which: str) -> str:
    """'acme-health--2.4.0.go-live.forecast@nivosync'."""
    return f"{slug}.{what}.{which}@{UID_DOMAIN}"


def release_events(release: MeasuredRelease) -> list[CalendarEvent]:
    """Each milestone's end and the go-live, planned and forecast (actual once done)."""
    slip = release.slippage
    found: list[CalendarEvent] = []
    go_live = slip.actual_go_live or slip.projected_go_live
    went = "actual" if slip.actual_go_live else "forecast"
    found.append(_event(release, "go-live", PLANNED, slip.planned_go_live, "Go-live (planned)"))
    found.append(_event(release, "go-live", FORECAST, go_live, f"Go-live ({went})", slip.slip_days))
    for milestone in slip.milestones:
        found.append(
            _event(
                release, milestone.id, PLANNED, milestone.planned_end, f"{milestone.name} (planned)"
            )
        )
        found.append(
            _event(
                release,
                milestone.id,
                FORECAST,
                milestone.projected_end,
                f"{milestone.name} ({'done' if milestone.status == 'done' else 'forecast'})",
                milestone.slip_days,
            )
        )
    return found


def portfolio_events(releases: Sequence[MeasuredRelease]) -> list[CalendarEvent]:
    """Every release's events, in release order (slug), each release's go-live first."""
    return [e for r in sorted(releases, key=lambda r: r.slug) for e in release_events(r)]


def _event(
    release: MeasuredRelease, what: str, which: str, day: date, name: str, slip: int = 0
) -> CalendarEvent:
    late = f" — {slip} working day{'s' if slip != 1 else ''} late" if slip > 0 else ""
    return CalendarEvent(
        uid=event_uid(release.slug, what, which),
        day=day,
        summary=f"{release.title}: {name}{late}",
        description=f"{release.title}, status {release.slippage.status.value.replace('_', ' ')}",
        categories=(which, "go-live" if what == "go-live" else "milestone"),
    )
