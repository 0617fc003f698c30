"""Go-lives that land in a change freeze or collide with each other (pure; issue 16, item 2).

- A freeze is a span of calendar days, both included, for every customer or for those it names.
  A go-live in it conflicts; `slid` says its planned date was outside and the forecast moved it
  in (the forecast flags a go-live that slides into a freeze).
- Collisions: more go-lives than `max_per_day` on one day, or than `max_per_week` in one ISO week
  (Monday to Sunday), across all releases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

FREEZE = "freeze"
DAY = "day"
WEEK = "week"


@dataclass(frozen=True)
class Freeze:
    name: str
    first: date
    last: date
    customers: tuple[str, ...] = ()  # none: every customer

    def holds(self, customer: str, day: date) -> bool:
        applies = not self.customers or customer in self.customers
        return applies and self.first <= day <= self.last


@dataclass(frozen=True)
class GoLive:
    """A release's go-live: `day` as measured (forecast, or actual), `planned` as planned."""

    release: str
    customer: str
    day: date
    planned: date


@dataclass(frozen=True)
class GoLiveConflict:
    kind: str  # freeze | day | week
    on: date  # the go-live (freeze), the day, or the week's Monday
    releases: tuple[str, ...]
    limit: int | None = None
    freeze: Freeze | None = None
    slid: bool = False

    @property
    def message(self) -> str:
        if self.kind == FREEZE:
            assert self.freeze is not None
            span = f"{self.freeze.first} – {self.freeze.last}"
            how = " (forecast: planned before it)" if self.slid else ""
            return (
                f"{self.releases[0]}: go-live {self.on} is in the freeze "
                f"'{self.freeze.name}' ({span}){how}"
            )
        when = f"on {self.on}" if self.kind == DAY else f"in the week of {self.on}"
        return f"{len(self.releases)} go-lives {when} (at most {self.limit}): " + ", ".join(
            self.releases
        )


def go_live_conflicts(
    go_lives: Sequence[GoLive],
    freezes: Sequence[Freeze],
    max_per_day: int | None = None,
    max_per_week: int | None = None,
) -> tuple[GoLiveConflict, ...]:
    """Freezes first (in go-live order), then days, then weeks."""
    ordered = sorted(go_lives, key=lambda g: (g.day, g.release))
    found: list[GoLiveConflict] = []
    for go_live in ordered:
        for freeze in freezes:
            if freeze.holds(go_live.customer, go_live.day):
                slid = not freeze.holds(go_live.customer, go_live.planned)
                found.append(
                    GoLiveConflict(FREEZE, go_live.day, (go_live.release,), None, freeze, slid)
                )
    found += _crowded(ordered, DAY, lambda d: d, max_per_day)
    found += _crowded(ordered, WEEK, lambda d: d - timedelta(days=d.weekday()), max_per_week)
    return tuple(found)


def _crowded(
    ordered: Sequence[GoLive], kind: str, key: Callable[[date], date], limit: int | None
) -> list[GoLiveConflict]:
    if limit is None:
        return []
    groups: dict[date, list[str]] = {}
    for go_live in ordered:
        groups.setdefault(key(go_live.day), []).append(go_live.release)
    return [
        GoLiveConflict(kind, on, tuple(releases), limit)
        for on, releases in groups.items()
        if len(releases) > limit
    ]
