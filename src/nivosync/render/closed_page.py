"""The status page of a cancelled release: what was cancelled, when, why and by whom (pure).

It is no longer measured, so the page states the cancellation instead of a forecast: nothing in
it changes from night to night, and re-publishing it writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nivosync.core.lifecycle import Finish
from nivosync.render.storage import (
    Content,
    date_text,
    heading,
    key_value_table,
    link,
    p,
    panel,
    render,
    status,
    unbroken,
)


def cancelled_page_body(
    title: str,
    planned_go_live: str | None,
    finish: Finish,
    open_tasks: Sequence[tuple[str, str]],
    browse: Callable[[str], str],
) -> str:
    """`open_tasks`: (key, summary) of the tasks still open when it was cancelled."""
    rows: list[tuple[str, Content]] = [
        ("Status", status("CANCELLED", "Grey")),
        ("Cancelled on", date_text(finish.on) if finish.on else "unknown"),
        ("By", finish.by or "unknown"),
        ("Reason", finish.reason or "none given"),
        ("Planned go-live", unbroken(planned_go_live) if planned_go_live else "unknown"),
    ]
    listed: list[Content] = [
        p(link(browse(key), key), f" {summary}") for key, summary in open_tasks
    ] or [p("None: every task was done.")]
    return render(
        heading(1, title),
        panel(
            "note",
            p(
                "This release was cancelled. nivosync no longer measures it; its Jira issues are "
                "kept as they were."
            ),
        ),
        key_value_table(rows),
        heading(2, "Tasks open when it was cancelled"),
        *listed,
    )
