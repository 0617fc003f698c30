"""The terminal and JSON views of `nivosync sync`."""

from __future__ import annotations

from typing import Any

from nivosync.app.releases import ReleaseRecord
from nivosync.app.status_reports import ReleaseSync
from nivosync.app.sync import SyncRun
from nivosync.core.lifecycle import Finish
from nivosync.core.slippage import SYNC_JSON_SCHEMA, ReleaseSlippage
from nivosync.views.portfolio_text import portfolio_json, portfolio_lines
from nivosync.views.style import Format, OutputStyle, status_cell
from nivosync.views.table import fit, key_order, paint, rows_output, text_table
from nivosync.views.words import count

SYNC_ROW_HEADERS = [
    "Customer",
    "Release",
    "Epic",
    "Status",
    "Slip (working days)",
    "Planned go-live",
    "Forecast go-live",
    "Actual go-live",
    "Status page",
]


def sync_text(run: SyncRun, style: OutputStyle, fmt: Format = "table") -> str:
    """`table`: a block per release; `plain` / `csv`: one row per release (finished too)."""
    if fmt != "table":
        return rows_output(SYNC_ROW_HEADERS, sync_rows(run), fmt, style)
    results, portfolio = run.results, run.portfolio
    head = f"Sync as of {run.as_of.isoformat()}: {count(len(results), 'active release')}"
    if run.past:
        head += f" ({len(run.past)} measured before their last record: a look back, not recorded)"
    blocks = [fit(head, style)]
    for item in results:
        blocks.append(release_block(item, style))
    blocks += [fit(block, style) for block in _lifecycle_lines(run, style)]
    if run.analysis is not None:
        titles = {r.record.slug: r.title for r in results}
        blocks.append("\n".join(fit(line, style) for line in portfolio_lines(run.analysis, titles)))
    if portfolio is not None:
        blocks.append(
            fit(
                f"Portfolio page: {portfolio.title} — {portfolio.action}"
                + (f" {portfolio.url}" if portfolio.url else ""),
                style,
            )
        )
    return "\n\n".join(blocks) + "\n"


def sync_rows(run: SyncRun) -> list[list[object]]:
    """Each release measured tonight, then those finished lately (not measured)."""
    rows: list[list[object]] = []
    for item in run.results:
        slip, page = item.slippage, item.page
        status = slip.status.value if slip else "error"
        rows.append(
            [
                item.record.customer,
                item.record.release,
                item.record.epic.key,
                status,
                slip.slip_days if slip else "",
                slip.planned_go_live if slip else "",
                slip.projected_go_live if slip else "",
                (slip.actual_go_live or "") if slip else "",
                page.action if page else "",
            ]
        )
    for record in run.finished:
        finish = record.finish
        assert finish is not None
        planned = record.baseline.go_live if record.baseline else ""
        actual = finish.actual_go_live or ""
        row = [record.customer, record.release, record.epic.key, finish.state, "", planned]
        rows.append([*row, actual, actual, ""])
    return rows


def release_block(item: ReleaseSync, style: OutputStyle, late_tasks: bool = True) -> str:
    """One measured release: its status (in colour), dates, milestones and late tasks."""
    head = f"== {item.title} ({item.record.epic.key})"
    if item.slippage is None:
        return fit(f"{head}\nERROR: {item.error}", style)
    slip = item.slippage
    lines = [
        f"{head}: {paint(status_cell(slip.status), style)}",
        *(fit(line, style) for line in _dates(slip)),
        "",
        text_table(
            ["Milestone", "Status", "Planned end", "Projected end", "Slip", "Done"],
            [
                [
                    m.name,
                    status_cell(m.status, m.status.value),
                    m.planned_end,
                    m.projected_end,
                    m.slip_days,
                    f"{m.tasks_done}/{m.tasks_total}",
                ]
                for m in slip.milestones
            ],
            style,
        ),
    ]
    late = [t for t in slip.tasks if t.late or t.missing or (t.slip_days > 0 and not t.done)]
    late.sort(key=lambda t: key_order(t.key))
    if late and late_tasks:
        lines += [
            "",
            "Late tasks (critical: its slip moves the release end):",
            text_table(
                ["Key", "Task", "Assignee", "Planned end", "Forecast", "Slip", "Critical"],
                [
                    [
                        t.key or "(missing)",
                        task_name(item, t.summary or t.task_id),
                        t.assignee or "unassigned",
                        t.planned_end,
                        t.projected_finish,
                        t.slip_days,
                        "yes" if t.critical else f"no (float {t.float_days})",
                    ]
                    for t in late
                ],
                style,
            ),
        ]
    lines += [fit(line, style) for line in _outcome_lines(item)]
    return "\n".join(lines)


def task_name(item: ReleaseSync, summary: str) -> str:
    """A task's summary without the release's name before it (the block's head says it)."""
    return summary.removeprefix(f"{item.title}: ")


def _outcome_lines(item: ReleaseSync) -> list[str]:
    """What became of the release's status page and notifications tonight."""
    lines: list[str] = []
    if item.page is not None and item.page.action == "skipped-edited":
        lines.append(f"Status page NOT UPDATED: {item.page.message} {item.page.url or ''}".rstrip())
    elif item.page is not None:
        lines.append(
            f"Status page: {item.page.action}"
            + (f" {item.page.url}" if item.page.url else "")
            + (f" — {item.page.message}" if item.page.message else "")
        )
    if item.publish_error:
        lines.append(f"Status page not published: {item.publish_error}")
    if item.change is not None and item.change.kind not in ("unchanged", "before-history"):
        told = f" (told: {', '.join(item.notified)})" if item.notified else ""
        lines.append(f"Changed since the last run: {item.change.message}{told}")
    if item.notify_error:
        lines.append(f"Not notified: {item.notify_error}")
    return lines


def _dates(slip: ReleaseSlippage) -> list[str]:
    """Go-live and end: planned, forecast, and once there, actual; a re-plan and the original."""
    go_live = f"Go-live planned {slip.planned_go_live}, "
    go_live += (
        f"actual {slip.actual_go_live}"
        if slip.actual_go_live
        else f"projected {slip.projected_go_live}"
    )
    go_live += f" (slip {count(slip.slip_days, 'working day')})"
    end = f"Release end planned {slip.planned_end}, "
    end += f"actual {slip.actual_end}" if slip.actual_end else f"projected {slip.projected_end}"
    lines = [go_live, end]
    if slip.replanned_at is not None:
        behind = slip.slip_vs_original_days
        against = (
            f"{count(behind, 'working day')} behind the original go-live {slip.original_go_live}"
            if behind > 0
            else f"not behind the original go-live {slip.original_go_live}"
        )
        reason = f" ({slip.replan_reason})" if slip.replan_reason else ""
        lines.append(f"Re-planned on {slip.replanned_at.date()}{reason}; {against}")
    return lines


def _lifecycle_lines(run: SyncRun, style: OutputStyle) -> list[str]:
    blocks = []
    for item in run.results:
        finish = run.finishing.became.get(item.record.slug)
        if finish is not None:
            blocks.append(f"{item.title} is DONE: {_actuals(finish)}")
    if run.finished:
        rows = [
            [
                r.title,
                status_cell(r.finish.state, r.finish.state) if r.finish else "",
                _finish_day(r),
                _finish_note(r),
            ]
            for r in run.finished
        ]
        blocks.append(
            "Finished lately (no longer measured):\n"
            + text_table(["Release", "State", "On", "Actual go-live / reason"], rows, style)
        )
    blocks += [f"Note: {n}" for n in run.finishing.notes]
    blocks += [f"ERROR: {e}" for e in run.finishing.errors]
    return blocks


def _actuals(finish: Finish) -> str:
    go_live = finish.actual_go_live.isoformat() if finish.actual_go_live else "unknown"
    end = finish.actual_end.isoformat() if finish.actual_end else "unknown"
    return f"actual go-live {go_live}, last task done {end}"


def _finish_day(record: ReleaseRecord) -> str:
    return record.finish.on.isoformat() if record.finish and record.finish.on else ""


def _finish_note(record: ReleaseRecord) -> str:
    finish = record.finish
    if finish is None:
        return ""
    if finish.state == "cancelled":
        return finish.reason or ""
    return finish.actual_go_live.isoformat() if finish.actual_go_live else ""


def finished_json(record: ReleaseRecord) -> dict[str, Any]:
    finish = record.finish
    assert finish is not None
    return {
        "customer": record.customer,
        "release": record.release,
        "epic": record.epic.key,
        "planned_go_live": record.baseline.go_live.isoformat() if record.baseline else None,
        **finish.to_json(),
    }


def sync_json(run: SyncRun) -> dict[str, Any]:
    """The documented `sync --json` document: `as_of` and one entry per release (README)."""
    results, portfolio = run.results, run.portfolio
    releases = []
    past = run.past  # computed over every release: once, not per release
    for item in results:
        entry = item.to_json()
        became = run.finishing.became.get(item.record.slug)
        entry["became"] = became.state if became else None
        entry["look_back"] = item.record.slug in past
        if item.page is not None:
            entry["status_page"] = {
                "id": item.page.page_id,
                "title": item.page.title,
                "url": item.page.url,
                "action": item.page.action,
                "message": item.page.message or None,
            }
        if item.publish_error:
            entry["publish_error"] = item.publish_error
        releases.append(entry)
    document: dict[str, Any] = {
        "schema": SYNC_JSON_SCHEMA,
        "as_of": run.as_of.isoformat(),
        "releases": releases,
        "finished": [finished_json(r) for r in run.finished],
        "lifecycle_notes": run.finishing.notes,
        "lifecycle_errors": run.finishing.errors,
    }
    if run.analysis is not None:
        document["portfolio"] = portfolio_json(run.analysis)
    if portfolio is not None:
        document["portfolio_page"] = {
            "id": portfolio.page_id,
            "title": portfolio.title,
            "url": portfolio.url,
            "action": portfolio.action,
        }
    return document
