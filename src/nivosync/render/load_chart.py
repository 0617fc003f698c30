"""The portfolio page's load chart: per person, the most tasks in flight on one working day of
each week, planned vs forecast, with the person's daily limit marked (PNG; issue 16, item 6).

It draws the numbers of the page's load table (`PortfolioLoad.weekly`): one strip per person,
in name order, all on the same scale; per week two bars, planned (light) and forecast (blue, red
when over the limit, its count above it); the limit as a red line across the strip. Like the
page, it shows what was measured and never the night: the same data gives the same bytes, and
`load_chart_digest` (of the data) tells a sync the chart is unchanged without drawing it.
Painted as the status chart is (`slip_chart.paint`: Pillow, imported only then).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import date

from nivosync.core.portfolio_load import PortfolioLoad, WeeklyLoad
from nivosync.render.slip_chart import (
    CRITICAL,
    FORECAST,
    FRAME,
    GRID,
    LATE,
    PLANNED,
    Box,
    ChartLayout,
    Label,
    Rule,
    Shape,
    paint,
)

OVER = LATE  # forecast over the person's daily limit
LIMIT = CRITICAL  # the limit's line
# What a digest covers besides the data: a new look draws the chart once again.
RENDERER = "nivosync-load-chart/1"
WIDTH, LEFT, RIGHT = 1000, 270, 920  # the plot spans LEFT..RIGHT; the limits' labels right of it
TOP, STRIP, PAD = 56, 64, 10  # a strip of STRIP px per person; its bars rise PAD px below its top
MAX_BAR = 24  # a bar's most width, px
WEEK_LABEL = 48  # px a week's date under the plot needs
NAME_CHARS = 34  # a longer person or roles label is cut (with …)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class LoadChart:
    """What the chart draws: the Mondays of its weeks, and each busy person's load in them."""

    weeks: tuple[date, ...]
    people: tuple[WeeklyLoad, ...]


def load_chart(load: PortfolioLoad, weeks: tuple[date, ...]) -> LoadChart | None:
    """The chart of the load table's weeks; None when nobody has a task in flight in them."""
    people = load.weekly(weeks)
    return LoadChart(weeks, people) if weeks and people else None


def load_chart_png(chart: LoadChart) -> bytes:
    """The chart as PNG bytes: the same data always gives the same bytes."""
    return paint(load_chart_layout(chart))


def load_chart_digest(chart: LoadChart) -> str:
    """What identifies the chart without drawing it: its data and the renderer's version."""
    return hashlib.sha256(f"{RENDERER}|{chart!r}".encode()).hexdigest()


def load_chart_layout(chart: LoadChart) -> ChartLayout:
    """Title and axis captions, a strip per person, the weeks under the last one, a legend."""
    scale = _Scale.of(chart)
    shapes: list[Shape] = [
        Label(((LEFT + RIGHT) // 2, 18), "People's load: planned vs forecast", size=12,
              anchor="mm"),
        Label((LEFT, TOP - 12), "tasks in flight on the busiest working day of the week",
              FRAME, size=9, anchor="lm"),
    ]  # fmt: skip
    for n, person in enumerate(chart.people):
        shapes += _strip(scale, TOP + STRIP * n, person)
    bottom = TOP + STRIP * len(chart.people)
    every = math.ceil(WEEK_LABEL / scale.column)  # narrow columns: every other week or fewer
    for n, monday in enumerate(chart.weeks):
        if n % every:
            continue
        text = f"{_MONTHS[monday.month - 1]} {monday.day:02d}"
        shapes.append(Label((scale.centre(n), bottom + 14), text, FRAME, anchor="mm"))
    shapes.append(Label(((LEFT + RIGHT) // 2, bottom + 32), "week of (Monday)", anchor="mm"))
    shapes += _legend(bottom + 58)
    return ChartLayout((WIDTH, bottom + 80), tuple(shapes))


@dataclass(frozen=True)
class _Scale:
    """Weeks → x columns; tasks → bar heights, the same for every strip (0 to `top`)."""

    weeks: int
    top: int

    @classmethod
    def of(cls, chart: LoadChart) -> _Scale:
        values = [v for w in chart.people for v in (*w.forecast, *w.planned)]
        values += [w.limit for w in chart.people if w.limit is not None]
        return cls(max(len(chart.weeks), 1), max([*values, 1]))

    @property
    def column(self) -> float:
        return (RIGHT - LEFT) / self.weeks

    def centre(self, week: int) -> int:
        return LEFT + round(self.column * (week + 0.5))

    def y(self, strip_top: int, value: int) -> int:
        base = strip_top + STRIP - PAD
        return base - round(value * (STRIP - 2 * PAD) / self.top)


def _strip(scale: _Scale, top: int, load: WeeklyLoad) -> list[Shape]:
    """One person: name and roles left, the axis with 0 and the scale's top, two bars a week,
    the limit's line over them."""
    base, high = scale.y(top, 0), scale.y(top, scale.top)
    middle = (base + high) // 2
    shapes: list[Shape] = [
        Rule((LEFT, top + STRIP), (RIGHT, top + STRIP), GRID),  # between two people
        Rule((LEFT, high), (RIGHT, high), GRID),
        Rule((LEFT, high), (LEFT, base), FRAME),
        Rule((LEFT, base), (RIGHT, base), FRAME),
        Label((LEFT - 5, base), "0", FRAME, size=9),
        Label((LEFT - 5, high), str(scale.top), FRAME, size=9),
        Label((LEFT - 28, middle - 7), _cut(load.person), bold=True),
        Label((LEFT - 28, middle + 8), _cut(", ".join(load.roles)), FRAME, size=9),
    ]
    width = max(min(round(scale.column * 0.3), MAX_BAR), 2)
    for n, (forecast, planned) in enumerate(zip(load.forecast, load.planned, strict=True)):
        centre = scale.centre(n)
        if planned:
            shapes.append(
                Box((centre - width - 1, scale.y(top, planned), centre - 1, base), PLANNED)
            )
        if forecast:
            over = load.limit is not None and forecast > load.limit
            peak = scale.y(top, forecast)
            shapes.append(
                Box((centre + 1, peak, centre + width + 1, base), OVER if over else FORECAST)
            )
            shapes.append(Label((centre + 1 + width // 2, peak - 6), str(forecast), size=9,
                                anchor="mm"))  # fmt: skip
    if load.limit is not None:
        line = scale.y(top, load.limit)
        shapes.append(Rule((LEFT, line), (RIGHT, line), LIMIT, 2))
        shapes.append(Label((RIGHT + 6, line), f"limit {load.limit}", LIMIT, size=9, anchor="lm"))
    return shapes


def _cut(text: str) -> str:
    return text if len(text) <= NAME_CHARS else text[: NAME_CHARS - 1] + "…"


LEGEND: tuple[tuple[str, str], ...] = (
    ("planned", PLANNED),
    ("forecast", FORECAST),
    ("forecast, over the daily limit", OVER),
    ("daily limit", LIMIT),  # a line
)


def _legend(top: int) -> list[Shape]:
    """Every entry always, whatever the data: one row under the plot."""
    shapes: list[Shape] = []
    for n, (text, colour) in enumerate(LEGEND):
        x = LEFT + n * 165
        if text == "daily limit":
            shapes.append(Rule((x, top), (x + 18, top), colour, 2))
        else:
            shapes.append(Box((x, top - 5, x + 18, top + 5), colour))
        shapes.append(Label((x + 24, top), text, size=9, anchor="lm"))
    return shapes
