"""The terminal and JSON views of `nivosync sync`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from nivosync.app.publisher import PageResult
from nivosync.app.status_reports import ReleaseSync
from nivosync.views.table import text_table

SYNC_JSON_SCHEMA = "nivosync.sync/1"


def sync_text(results: Sequence[ReleaseSync], as_of: date, portfolio: PageResult | None) -> str:
    blocks = [f"Sync as of {as_of.isoformat()}: {len(results)} active release(s)"]
    for item in results:
        blocks.append(_release_block(item))
    if portfolio is not None:
        blocks.append(
            f"Portfolio page: {portfolio.title} — {portfolio.action}"
            + (f" {portfolio.url}" if portfolio.url else "")
        )
    return "\n\n".join(blocks) + "\n"


def _release_block(item: ReleaseSync) -> str:
    head = f"== {item.title} ({item.record.epic.key})"
    if item.slippage is None:
        return f"{head}\nERROR: {item.error}"
    slip = item.slippage
    lines = [
        f"{head}: {slip.status.upper().replace('_', ' ')}",
        f"Go-live planned {slip.planned_go_live}, projected {slip.projected_go_live} "
        f"(slip {slip.slip_days} working days)",
        "",
        text_table(
            ["Milestone", "Status", "Planned end", "Projected end", "Slip", "Done"],
            [
                [
                    m.name,
                    m.status,
                    m.planned_end,
                    m.projected_end,
                    m.slip_days,
                    f"{m.tasks_done}/{m.tasks_total}",
                ]
                for m in slip.milestones
            ],
        ),
    ]
    late = [t for t in slip.tasks if t.late or t.missing]
    if late:
        lines += [
            "",
            "Late tasks:",
            text_table(
                ["Key", "Task", "Assignee", "Planned end", "Days late"],
                [
                    [
                        t.key or "(missing)",
                        t.summary or t.task_id,
                        t.assignee or "unassigned",
                        t.planned_end,
                        t.slip_days,
                    ]
                    for t in late
                ],
            ),
        ]
    if item.page is not None:
        lines.append(
            f"Status page: {item.page.action}"
            + (f" {item.page.url}" if item.page.url else "")
            + (f" — {item.page.message}" if item.page.message else "")
        )
    if item.publish_error:
        lines.append(f"Status page not published: {item.publish_error}")
    return "\n".join(lines)


def sync_json(
    results: Sequence[ReleaseSync], as_of: date, portfolio: PageResult | None
) -> dict[str, Any]:
    """The documented `sync --json` document: `as_of` and one entry per release (README)."""
    releases = []
    for item in results:
        entry = item.to_json()
        if item.page is not None:
            entry["status_page"] = {
                "id": item.page.page_id,
                "title": item.page.title,
                "url": item.page.url,
                "action": item.page.action,
            }
        if item.publish_error:
            entry["publish_error"] = item.publish_error
        releases.append(entry)
    document: dict[str, Any] = {
        "schema": SYNC_JSON_SCHEMA,
        "as_of": as_of.isoformat(),
        "releases": releases,
    }
    if portfolio is not None:
        document["portfolio_page"] = {
            "id": portfolio.page_id,
            "title": portfolio.title,
            "url": portfolio.url,
            "action": portfolio.action,
        }
    return document
