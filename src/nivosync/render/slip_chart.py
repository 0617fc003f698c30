"""The status page's chart: planned vs actual / projected dates per task and milestone (PNG)."""

from __future__ import annotations

import io
from datetime import date

import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nivosync.core.slippage import ReleaseSlippage, TaskSlippage
from nivosync.render.status_page import short_name

PLANNED = "#B3D4FF"
ON_TIME = "#36B37E"
LATE = "#FF5630"
PROJECTED = "#FFAB00"


def slip_chart_png(slippage: ReleaseSlippage, title: str) -> bytes:
    """A Gantt-like chart: planned bars, actual/projected ends, milestones, the as-of line."""
    tasks = list(slippage.tasks)
    rows = len(tasks) + len(slippage.milestones)
    # A bare Figure (no pyplot): no global state, so status pages can render in parallel.
    height = 0.32 * rows + 1.4
    fig = Figure(figsize=(10, height), dpi=100)
    ax = fig.subplots()
    labels: list[str] = []
    y = 0
    for milestone in slippage.milestones:
        own = [t for t in tasks if t.milestone == milestone.id]
        for task in own:
            _task_row(ax, y, task.planned_start, task.planned_end, _actual_end(task, slippage))
            late = task.slip_days > 0
            name = short_name(task.summary or task.task_id, title)
            labels.append(name + (f"  (+{task.slip_days})" if late else ""))
            y += 1
        ax.scatter([_x(milestone.planned_end)], [y], marker="D", color="#6554C0", zorder=3)
        if milestone.projected_end != milestone.planned_end:
            ax.scatter([_x(milestone.projected_end)], [y], marker="D", color=LATE, zorder=3)
            ax.plot(
                [_x(milestone.planned_end), _x(milestone.projected_end)], [y, y], color=LATE, lw=1
            )
        labels.append(f"◆ {milestone.name}")
        y += 1
    ax.axvline(_x(slippage.as_of), color="#172B4D", lw=1, ls="--")
    # People's text is plain text: `$^$` in a summary is no matplotlib mathtext.
    ax.set_yticks(range(len(labels)), labels, fontsize=7, parse_math=False)
    ax.invert_yaxis()
    # matplotlib.dates ships without annotations: the calls are untyped, not wrong.
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(mdates.WeekdayLocator(byweekday=mdates.MO))  # type: ignore[no-untyped-call]
    ax.tick_params(axis="x", labelsize=7)
    ax.grid(axis="x", color="#DFE1E6", lw=0.5)
    ax.set_title(f"{title} — as of {slippage.as_of.isoformat()}", fontsize=9, parse_math=False)
    # Fixed margins: tight_layout measures every label and costs more than the drawing.
    fig.subplots_adjust(left=0.36, right=0.98, top=1 - 0.45 / height, bottom=0.45 / height)
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def _actual_end(task: TaskSlippage, slippage: ReleaseSlippage) -> tuple[date, str] | None:
    """Where the task really ended (green on time, red late) or is now projected to (amber)."""
    if task.resolved is not None:
        return task.resolved, ON_TIME if task.slip_days == 0 else LATE
    if task.slip_days > 0:
        return max(slippage.as_of, task.planned_end), PROJECTED
    return None


def _task_row(ax: Axes, y: int, start: date, end: date, actual: tuple[date, str] | None) -> None:
    width = (end - start).days + 1  # x is in days (matplotlib date numbers)
    ax.barh(y, width, left=_x(start), height=0.5, color=PLANNED, edgecolor="none")
    if actual is not None:
        day, colour = actual
        ax.scatter([_x(day) + 0.5], [y], marker="|", s=120, color=colour, zorder=3)


def _x(day: date) -> float:
    """A date as matplotlib's x value (days since its epoch), which the date formatter reads."""
    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]
