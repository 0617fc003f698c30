"""The views of `nivosync releases` (the project's releases) and `nivosync status` (one
release, measured as `sync` measures it): a table, plain text, CSV or JSON."""

from __future__ import annotations

from typing import Any

from nivosync.app.reporting import ListedRelease, ReleaseList
from nivosync.app.status_reports import ReleaseSync
from nivosync.views.style import Format, OutputStyle, Painted, status_cell
from nivosync.views.sync_text import release_block, task_name
from nivosync.views.table import fit, key_order, paint, rows_output, text_table
from nivosync.views.words import count

RELEASES_JSON_SCHEMA = "nivosync.releases/1"
STATUS_JSON_SCHEMA = "nivosync.status/1"
RELEASE_HEADERS = [
    "Customer",
    "Release",
    "Epic",
    "Status",
    "Health",
    "Planned go-live",
    "Forecast go-live",
]
TASK_HEADERS = [
    "Key",
    "Task",
    "Assignee",
    "Jira",
    "Planned end",
    "Forecast",
    "Slip",
    "Float",
    "Critical",
]


def releases_text(listed: ReleaseList, fmt: Format, style: OutputStyle) -> str:
    rows = [_release_row(r, fmt) for r in sorted(listed.releases, key=_epic_order)]
    if fmt != "table":
        return rows_output(RELEASE_HEADERS, rows, fmt, style)
    running = sum(r.state == "running" for r in listed.releases)
    finished = len(listed.releases) - running
    lately = "" if listed.every else f" in the last {count(listed.listed_days, 'day')}"
    head = (
        f"Releases as of {listed.as_of.isoformat()}: {running} running, {finished} done or "
        f"cancelled{lately}"
    )
    if not rows:
        return fit(head, style) + "\n"
    return fit(head, style) + "\n\n" + text_table(RELEASE_HEADERS, rows, style) + "\n"


def _epic_order(listed: ListedRelease) -> tuple[int, str, int]:
    return key_order(listed.record.epic.key)


def _release_row(listed: ListedRelease, fmt: Format) -> list[object]:
    """Status: running, done or cancelled; health (running ones): the forecast's status."""
    record, measured = listed.record, listed.measured
    slip = measured.slippage if measured else None
    planned = record.baseline.go_live if record.baseline else None
    finish = record.finish
    if finish is not None:
        forecast = finish.actual_go_live
        health: object = ""
    elif slip is not None:
        forecast, health = slip.projected_go_live, slip.status.value
    else:
        forecast, health = None, "error"
    state: object = listed.state
    if fmt == "table":
        state = Painted(listed.state, "good" if listed.state == "done" else None)
        health = status_cell(str(health)) if health else ""
    return [record.customer, record.release, record.epic.key, state, health, planned, forecast]


def releases_json(listed: ReleaseList) -> dict[str, Any]:
    return {
        "schema": RELEASES_JSON_SCHEMA,
        "as_of": listed.as_of.isoformat(),
        "all": listed.every,
        "releases": [_release_json(r) for r in sorted(listed.releases, key=_epic_order)],
    }


def _release_json(listed: ListedRelease) -> dict[str, Any]:
    record, measured = listed.record, listed.measured
    slip = measured.slippage if measured else None
    finish = record.finish
    return {
        "customer": record.customer,
        "release": record.release,
        "epic": record.epic.key,
        "status": listed.state,
        "health": slip.status.value if slip else ("error" if finish is None else None),
        "planned_go_live": record.baseline.go_live.isoformat() if record.baseline else None,
        "forecast_go_live": slip.projected_go_live.isoformat() if slip else None,
        "actual_go_live": (
            finish.actual_go_live.isoformat() if finish and finish.actual_go_live else None
        ),
        "finished_on": finish.on.isoformat() if finish and finish.on else None,
        "error": (measured.error if measured else None) or record.problem,
    }


def status_text(item: ReleaseSync, fmt: Format, style: OutputStyle) -> str:
    """`table`: the release as `sync` prints it, then every task; `plain` / `csv`: the tasks."""
    rows = _task_rows(item, fmt)
    if fmt != "table":
        return rows_output(TASK_HEADERS, rows, fmt, style)
    text = release_block(item, style, late_tasks=False)
    finish = item.record.finish
    if finish is not None:
        on = f" on {finish.on.isoformat()}" if finish.on else ""
        text += (
            "\n"
            + paint(status_cell(finish.state), style)
            + fit(f"{on} (no longer measured by sync)", style)
        )
    if rows:
        text += "\n\nTasks:\n" + text_table(TASK_HEADERS, rows, style)
    return text + "\n\n(read only: nothing was written)\n"


def _task_rows(item: ReleaseSync, fmt: Format) -> list[list[object]]:
    slip = item.slippage
    if slip is None:
        return []
    tasks = sorted(slip.tasks, key=lambda t: key_order(t.key))
    return [
        [
            t.key or "(missing)",
            task_name(item, t.summary or t.task_id),
            t.assignee or "unassigned",
            t.status,
            t.planned_end,
            t.projected_finish,
            t.slip_days,
            t.float_days,
            ("yes" if t.critical else "no") if fmt != "table" else _critical(t.critical),
        ]
        for t in tasks
    ]


def _critical(critical: bool) -> object:
    return Painted("yes", "warn") if critical else "no"


def status_json(item: ReleaseSync) -> dict[str, Any]:
    """The release entry of `sync --json`, under its own schema; nothing recorded."""
    as_of = item.slippage.as_of.isoformat() if item.slippage else None
    return {"schema": STATUS_JSON_SCHEMA, "as_of": as_of, **item.to_json()}
