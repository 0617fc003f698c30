"""The status page chart renders a real PNG, also from several threads at once."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import TaskStatus, compute_slippage, parse_baseline
from nivosync.inputs.templates import load_template
from nivosync.render.slip_chart import slip_chart_png

REPO = Path(__file__).resolve().parents[2]
PEOPLE = {
    "Delivery Supervisor": "d@x.io",
    "Development Team": "v@x.io",
    "Testing Team": "q@x.io",
    "Support Team": "s@x.io",
    "Client SME Teams": None,
}


def slippage():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
    plan = build_plan(template, ReleaseIdentity("Acme", "1"), date(2026, 12, 7), PEOPLE, calendar)
    baseline = parse_baseline(epic_property(plan, datetime(2026, 12, 1, tzinfo=UTC)))
    done = TaskStatus(
        "upgrade-release-kickoff",
        "NVX-2",
        "Acme 1: Kickoff",
        None,
        "Done",
        "done",
        date(2026, 12, 11),
        date(2026, 12, 15),
    )
    return compute_slippage(baseline, {done.task_id: done}, date(2026, 12, 16))


def test_chart_is_a_png_and_deterministic():
    first = slip_chart_png(slippage(), "Acme 1")
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and len(first) > 10_000
    assert slip_chart_png(slippage(), "Acme 1") == first  # unchanged data: unchanged attachment


def test_charts_render_in_parallel():
    data = slippage()
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(lambda _n: slip_chart_png(data, "Acme 1"), range(8)))
    assert len(set(images)) == 1


def test_text_with_dollars_is_plain_text_not_mathtext():
    """Issue 11: `Budget $^$ review` in a summary crashed matplotlib's mathtext parser."""
    from dataclasses import replace

    data = slippage()
    tasks = (
        tuple(
            replace(t, summary=text)
            for t, text in zip(data.tasks, ["Budget $^$ review", r"Cost $\frac$ Co"], strict=False)
        )
        + data.tasks[2:]
    )
    png = slip_chart_png(replace(data, tasks=tasks), r"Café $\frac$ Olé 2.4")
    assert png.startswith(b"\x89PNG")
