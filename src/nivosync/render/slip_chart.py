"""The status page's chart: planned vs forecast / actual dates per task and milestone (PNG).

Like the page, the chart shows what was measured and not the night it was measured: it never
reads `as_of` (an unchanged measurement must give the same bytes, or its attachment would be
rewritten). Each task has two bars: its planned start → due, and under it its forecast start →
forecast finish (open) or actual finish (done), coloured by whether it is late; tasks on the
critical path (float 0) have a red edge and a bold red label.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import matplotlib.dates as mdates
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from nivosync.core.slippage import MilestoneSlippage, ReleaseSlippage, TaskSlippage
from nivosync.render.status_page import short_name

PLANNED = "#B3D4FF"
FORECAST = "#4C9AFF"  # open, forecast to finish by its due
PROJECTED = "#FFAB00"  # open, forecast to finish after its due
ON_TIME = "#36B37E"  # done by its due
LATE = "#FF5630"  # done after its due
CRITICAL = "#BF2600"
MILESTONE = "#6554C0"
BAR = 0.34  # each of a task's two bars, in rows


@dataclass(frozen=True)
class TaskBar:
    """One task as the chart draws it (pure, so that what is drawn can be tested)."""

    label: str
    planned: tuple[date, date]
    forecast: tuple[date, date]  # forecast start → forecast finish, or actual finish if done
    colour: str
    critical: bool


def task_bar(task: TaskSlippage, release_title: str) -> TaskBar:
    """Planned vs forecast (open) or actual (done, by its resolution date) for one task."""
    if task.done:
        end = task.actual_finish or task.projected_finish
        colour = LATE if task.slip_days > 0 else ON_TIME
    else:
        end = task.projected_finish
        colour = PROJECTED if task.slip_days > 0 else FORECAST
    name = short_name(task.summary or task.task_id, release_title)
    name += "  (missing in Jira)" if task.missing else ""
    return TaskBar(
        label=name + (f"  (+{task.slip_days})" if task.slip_days > 0 else ""),
        planned=(task.planned_start, task.planned_end),
        forecast=(min(task.projected_start, end), end),
        colour=colour,
        critical=task.critical,
    )


def slip_chart_png(slippage: ReleaseSlippage, title: str) -> bytes:
    """The chart as PNG bytes: the same measurement always gives the same bytes."""
    out = io.BytesIO()
    slip_chart_figure(slippage, title).savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def slip_chart_figure(slippage: ReleaseSlippage, title: str) -> Figure:
    """A Gantt-like chart: per milestone its tasks' two bars, then its planned (and, when
    later, projected) end as diamonds."""
    tasks = list(slippage.tasks)
    rows = len(tasks) + len(slippage.milestones)
    # A bare Figure (no pyplot): no global state, so status pages can render in parallel.
    height = 0.36 * rows + 1.6
    fig = Figure(figsize=(10, height), dpi=100)
    ax = fig.subplots()
    labels: list[tuple[str, bool]] = []
    for milestone in slippage.milestones:
        for task in (t for t in tasks if t.milestone == milestone.id):
            bar = task_bar(task, title)
            _draw_task(ax, len(labels), bar)
            labels.append((bar.label, bar.critical))
        _draw_milestone(ax, len(labels), milestone)
        labels.append((f"◆ {milestone.name}" + ("  (missed)" if milestone.missed else ""), False))
    _decorate(ax, labels, f"{title} — planned vs forecast / actual")
    # Fixed margins: tight_layout measures every label and costs more than the drawing.
    fig.subplots_adjust(left=0.36, right=0.98, top=1 - 0.45 / height, bottom=0.45 / height)
    return fig


def _draw_task(ax: Axes, y: int, bar: TaskBar) -> None:
    (start, end), (f_start, f_end) = bar.planned, bar.forecast
    ax.barh(y - BAR / 2, _width(start, end), left=_x(start), height=BAR, color=PLANNED)
    edge = {"edgecolor": CRITICAL, "linewidth": 1.6} if bar.critical else {"edgecolor": "none"}
    ax.barh(
        y + BAR / 2, _width(f_start, f_end), left=_x(f_start), height=BAR, color=bar.colour, **edge
    )


def _draw_milestone(ax: Axes, y: int, milestone: MilestoneSlippage) -> None:
    planned, projected = _x(milestone.planned_end) + 0.5, _x(milestone.projected_end) + 0.5
    ax.scatter([planned], [y], marker="D", color=MILESTONE, zorder=3)
    if milestone.projected_end != milestone.planned_end:
        ax.plot([planned, projected], [y, y], color=LATE, lw=1)
        ax.scatter([projected], [y], marker="D", color=LATE, zorder=3)


def _decorate(ax: Axes, labels: Sequence[tuple[str, bool]], title: str) -> None:
    # People's text is plain text: `$^$` in a summary is no matplotlib mathtext.
    ax.set_yticks(range(len(labels)), [text for text, _ in labels], fontsize=7, parse_math=False)
    for tick, (_text, critical) in zip(ax.get_yticklabels(), labels, strict=True):
        if critical:
            tick.set_fontweight("bold")
            tick.set_color(CRITICAL)
    ax.invert_yaxis()
    # matplotlib.dates ships without annotations: the calls are untyped, not wrong.
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#DFE1E6", lw=0.5)
    ax.set_title(title, fontsize=9, parse_math=False)
    ax.legend(handles=_legend(), loc="upper right", fontsize=6, framealpha=0.9)


def _legend() -> list[Artist]:
    """Every entry always, whatever the data: the legend never moves the drawing."""
    return [
        Patch(color=PLANNED, label="planned"),
        Patch(color=FORECAST, label="forecast, on time"),
        Patch(color=PROJECTED, label="forecast, late"),
        Patch(color=ON_TIME, label="done on time"),
        Patch(color=LATE, label="done late"),
        Patch(facecolor="white", edgecolor=CRITICAL, linewidth=1.6, label="critical path"),
        Line2D([], [], marker="D", color=MILESTONE, ls="none", label="milestone planned"),
        Line2D([], [], marker="D", color=LATE, ls="none", label="milestone projected"),
    ]


def _width(start: date, end: date) -> int:
    return (end - start).days + 1  # x is in days (matplotlib date numbers); both days included


def _x(day: date) -> float:
    """A date as matplotlib's x value (days since its epoch), which the date formatter reads."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]
