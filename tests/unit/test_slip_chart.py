"""The status page chart: a real PNG, also from several threads at once; what it draws per task
(planned vs forecast / actual, the critical path marked) and that the night never shows."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import (
    Baseline,
    ReleaseSlippage,
    TaskStatus,
    compute_slippage,
    parse_baseline,
)
from nivosync.inputs.templates import load_template
from nivosync.render.slip_chart import (
    CRITICAL,
    FORECAST,
    LATE,
    ON_TIME,
    PROJECTED,
    chart_digest,
    slip_chart_layout,
    slip_chart_png,
    task_bar,
)

REPO = Path(__file__).resolve().parents[2]
PEOPLE = {
    "Delivery Supervisor": "d@x.io",
    "Development Team": "v@x.io",
    "Testing Team": "q@x.io",
    "Support Team": "s@x.io",
    "Client SME Teams": None,
}
D = date
NIGHT = D(2026, 12, 16)


def baseline() -> Baseline:
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build({D(2026, 12, 25), D(2027, 1, 1)})
    plan = build_plan(template, ReleaseIdentity("Acme", "1"), D(2026, 12, 7), PEOPLE, calendar)
    return parse_baseline(epic_property(plan, datetime(2026, 12, 1, tzinfo=UTC)))


def status(task_id: str, key: str, category: str, resolved: date | None = None) -> TaskStatus:
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    return TaskStatus(task_id, key, f"Acme 1: {task_id}", None, names[category], category,
                      None, resolved)  # fmt: skip


def slippage(as_of: date = NIGHT, *found: TaskStatus) -> ReleaseSlippage:
    """By default: the kickoff done late (12-15, due 12-07), a doc task open past its due,
    the release notes done early (12-15, due 12-17); the rest not in Jira."""
    found = found or (
        status("upgrade-release-kickoff", "NVX-2", "done", D(2026, 12, 15)),
        status("release-documentation-and-demo-scheduling", "NVX-4", "indeterminate"),
        status("release-notes-document", "NVX-8", "done", D(2026, 12, 15)),
    )
    return compute_slippage(baseline(), {t.task_id: t for t in found}, as_of)


def by_id(slip: ReleaseSlippage):
    return {t.task_id: t for t in slip.tasks}


def test_chart_is_a_png_and_deterministic():
    first = slip_chart_png(slippage(), "Acme 1")
    assert first.startswith(b"\x89PNG\r\n\x1a\n") and len(first) > 10_000
    assert slip_chart_png(slippage(), "Acme 1") == first  # unchanged data: unchanged attachment


def test_charts_render_in_parallel():
    data = slippage()
    with ThreadPoolExecutor(4) as pool:
        images = list(pool.map(lambda _n: slip_chart_png(data, "Acme 1"), range(8)))
    assert len(set(images)) == 1


def test_the_same_measurement_on_a_later_night_draws_the_same_chart():
    """Issue 12, item 7: like the page, the chart shows what was measured, not when."""
    nothing = status("upgrade-release-kickoff", "NVX-2", "new")
    first, later = slippage(D(2026, 11, 23), nothing), slippage(D(2026, 12, 4), nothing)
    assert first.as_of != later.as_of and first.tasks == later.tasks
    assert slip_chart_png(first, "Acme 1") == slip_chart_png(later, "Acme 1")


def test_bars_end_on_the_actual_finish_when_done_and_the_forecast_when_open():
    tasks = by_id(slippage())
    kickoff = task_bar(tasks["upgrade-release-kickoff"], "Acme 1")
    assert kickoff.planned == (D(2026, 12, 7), D(2026, 12, 7))
    assert kickoff.forecast[1] == D(2026, 12, 15) and kickoff.colour == LATE
    early = task_bar(tasks["release-notes-document"], "Acme 1")
    # done early: it ends on its resolution, not on the forecast (never before its due)
    assert tasks["release-notes-document"].projected_finish == D(2026, 12, 17)
    assert early.forecast[1] == D(2026, 12, 15) and early.colour == ON_TIME
    late = tasks["release-documentation-and-demo-scheduling"]
    bar = task_bar(late, "Acme 1")
    assert bar.forecast == (late.projected_start, late.projected_finish)
    assert late.projected_finish > late.planned_end and bar.colour == PROJECTED
    assert bar.label == f"release-documentation-and-demo-scheduling  (+{late.slip_days})"
    on_time = task_bar(tasks["supporting-and-help-content"], "Acme 1")
    assert on_time.colour == FORECAST and on_time.label.endswith("(missing in Jira)")


def test_critical_tasks_are_marked_and_the_legend_says_so():
    data = slippage()
    critical = [t for t in data.tasks if t.critical]
    assert 0 < len(critical) < len(data.tasks)
    layout = slip_chart_layout(data, "Acme 1")
    labels = {label.text: label for label in layout.labels()}
    for task in data.tasks:
        label = labels[task_bar(task, "Acme 1").label]
        assert label.bold is task.critical
        assert (label.colour == CRITICAL) is task.critical
    edged = [box for box in layout.boxes() if box.edge == CRITICAL and box.fill != "#FFFFFF"]
    assert len(edged) == len(critical)  # one red-edged forecast bar per critical task
    assert "critical path" in labels and "Acme 1 — planned vs forecast / actual" in labels


def test_the_digest_names_the_chart_without_drawing_it():
    """Issue 15: a sync compares digests; the same digest is the same PNG, another one not."""
    same, later = slippage(), slippage()
    assert chart_digest(same, "Acme 1") == chart_digest(later, "Acme 1")
    done = status("upgrade-release-kickoff", "NVX-2", "done", D(2026, 12, 9))
    other = slippage(NIGHT, done)
    assert chart_digest(other, "Acme 1") != chart_digest(same, "Acme 1")
    assert slip_chart_png(other, "Acme 1") != slip_chart_png(same, "Acme 1")
    assert chart_digest(same, "Acme 2") != chart_digest(same, "Acme 1")  # the title is drawn


def test_every_bar_lies_inside_the_plot_and_long_labels_are_cut():
    data = slippage()
    long = replace(data.tasks[0], summary="A" * 90)
    layout = slip_chart_layout(replace(data, tasks=(long, *data.tasks[1:])), "Acme 1")
    width, height = layout.size
    for box in layout.boxes():
        left, top, right, bottom = box.box
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
    rows = [label.text for label in layout.labels() if label.anchor == "rm"]
    assert len(rows) == len(data.tasks) + len(data.milestones)
    assert max(len(text) for text in rows) <= 64
    assert rows[0].startswith("AAAA") and "…" in rows[0]
    assert rows[0].endswith(task_bar(long, "Acme 1").label.removeprefix("A" * 90))  # slip kept


def test_text_with_dollars_is_plain_text_not_mathtext():
    """Issue 11: `Budget $^$ review` in a summary crashed matplotlib's mathtext parser."""
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


def test_the_chart_is_a_palette_png_in_the_exact_colours_of_its_shapes():
    """Issue 15: painted as palette indices (a fifth of the CPU of encoding an RGB PNG, half
    the bytes); every shape keeps its colour, letters' edges are shades of their colour."""
    import io

    from PIL import Image

    layout = slip_chart_layout(slippage(), "Acme 1")
    image = Image.open(io.BytesIO(slip_chart_png(slippage(), "Acme 1")))
    assert image.mode == "P" and len(image.getpalette() or []) <= 3 * 256
    pixels = image.convert("RGB")
    assert pixels.getpixel((0, 0)) == (255, 255, 255)
    for box in layout.boxes():
        left, top, right, bottom = box.box
        if box.fill and not box.edge and right - left > 2 and bottom - top > 2:
            middle = ((left + right) // 2, (top + bottom) // 2)
            want = tuple(int(box.fill[i : i + 2], 16) for i in (1, 3, 5))
            assert pixels.getpixel(middle) == want, box
    colours = {colour for _count, colour in pixels.getcolors(256) or []}
    assert len(colours) > 40  # letters are anti-aliased: shades, not only the inks
