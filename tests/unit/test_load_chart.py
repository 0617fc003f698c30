"""The portfolio page's load chart (issue 16, item 6): the load table's numbers per person and
week, drawn as a real PNG, the same bytes for the same data, its digest of the data."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

from PIL import Image
from tests.unit.test_portfolio_load import DEV, DS, LIMITS, RELEASES

from nivosync.core.portfolio_load import LimitRules, Limits, WeeklyLoad, people_load
from nivosync.render.load_chart import (
    FORECAST,
    LIMIT,
    OVER,
    PAD,
    PLANNED,
    TOP,
    LoadChart,
    load_chart,
    load_chart_digest,
    load_chart_layout,
    load_chart_png,
)
from nivosync.render.pages.portfolio import PortfolioSections, portfolio_body
from nivosync.render.slip_chart import Rule

D = date
WEEKS = (D(2027, 1, 11), D(2027, 1, 18))


def chart(limits: Limits = LIMITS) -> LoadChart:
    found = load_chart(people_load(RELEASES, LimitRules(limits)), WEEKS)
    assert found is not None
    return found


def test_the_chart_draws_the_load_tables_numbers():
    """test_portfolio_load's week of 01-11: dana's busiest day is Tue or Wed, 3 in flight
    (planned: Mon 3); dev watches one go-live a day, Tue and Wed (planned the same). Nothing
    the week after. The daily limit is 2 for both."""
    assert chart().people == (
        WeeklyLoad("dana", (DS,), (3, 0), (3, 0), 2),
        WeeklyLoad("dev", (DEV,), (1, 0), (1, 0), 2),
    )


def test_nobody_in_flight_in_the_weeks_is_no_chart():
    load = people_load(RELEASES, LimitRules(LIMITS))
    assert load_chart(load, (D(2027, 2, 1),)) is None
    assert load_chart(load, ()) is None


def test_bars_are_coloured_by_the_limit_and_the_limit_is_a_line():
    layout = load_chart_layout(chart())
    bars = [b for b in layout.boxes() if b.box[1] >= TOP and b.box[3] < layout.size[1] - 40]
    # Two people x week one: a planned bar and a forecast bar each; week two: nothing.
    assert [b.fill for b in bars] == [PLANNED, OVER, PLANNED, FORECAST]
    dana_forecast, dev_forecast = bars[1], bars[3]
    # One scale for every strip, 0..3: dana's 3 reaches her strip's top, dev's 1 a third of it.
    assert dana_forecast.box[1] == TOP + PAD
    dana_height = dana_forecast.box[3] - dana_forecast.box[1]
    dev_height = dev_forecast.box[3] - dev_forecast.box[1]
    assert round(dana_height / dev_height) == 3
    limits = [s for s in layout.shapes if isinstance(s, Rule) and s.colour == LIMIT]
    assert len(limits) == 2 + 1  # a line per person, and the legend's
    texts = {label.text for label in layout.labels()}
    assert {"dana", "dev", "limit 2", "Jan 11", "Jan 18", "week of (Monday)"} <= texts
    assert {"planned", "forecast", "forecast, over the daily limit", "daily limit"} <= texts


def test_a_person_without_a_limit_has_no_line():
    unlimited = chart(replace(LIMITS, max_tasks_per_day=None))
    assert {p.limit for p in unlimited.people} == {None}
    layout = load_chart_layout(unlimited)
    lines = [s for s in layout.shapes if isinstance(s, Rule) and s.colour == LIMIT]
    assert len(lines) == 1  # the legend's
    assert all(b.fill != OVER for b in layout.boxes() if b.box[1] < layout.size[1] - 40)


def test_the_png_opens_with_the_layouts_size_and_shows_the_overload_in_red():
    shown = chart()
    data = load_chart_png(shown)
    layout = load_chart_layout(shown)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == layout.size == (1000, TOP + 2 * 64 + 80)
    over = next(b for b in layout.boxes() if b.fill == OVER and b.box[1] >= TOP)
    left, _, right, bottom = over.box
    assert image.convert("RGB").getpixel(((left + right) // 2, bottom - 3)) == (255, 86, 48)


def test_the_same_data_gives_the_same_bytes_and_digest_and_other_data_another():
    first, again = chart(), chart()
    assert load_chart_png(first) == load_chart_png(again)
    assert load_chart_digest(first) == load_chart_digest(again)
    busier = LoadChart(WEEKS, (replace(first.people[0], forecast=(4, 0)), first.people[1]))
    assert load_chart_digest(busier) != load_chart_digest(first)
    assert load_chart_png(busier) != load_chart_png(first)


def test_long_names_are_cut():
    long = LoadChart(WEEKS, (replace(chart().people[0], person="d" * 60),))
    texts = [label.text for label in load_chart_layout(long).labels()]
    assert "d" * 33 + "…" in texts and "d" * 60 not in texts


def test_26_weeks_label_every_other_monday():
    """26 columns of 25 px: a date (48 px) under every other week, from the first."""
    weeks = tuple(D(2027, 1, 4) + timedelta(weeks=n) for n in range(26))
    person = WeeklyLoad("dev", (DEV,), (1,) * 26, (1,) * 26, None)
    texts = [label.text for label in load_chart_layout(LoadChart(weeks, (person,))).labels()]
    dates = [t for t in texts if t[:3] in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul"}]
    assert len(dates) == 13 and dates[:3] == ["Jan 04", "Jan 18", "Feb 01"]


def test_the_portfolio_page_shows_the_chart_above_the_load_table():
    load = people_load(RELEASES, LimitRules(LIMITS))
    body = portfolio_body([], PortfolioSections(load, WEEKS, chart="people-load.png"))
    section = body.split("<h2>People's load</h2>", 1)[1]
    assert '<ri:attachment ri:filename="people-load.png" /></ac:image>' in section
    assert section.index("<ac:image") < section.index("<table")
    assert "<ac:image" not in portfolio_body([], PortfolioSections(load, WEEKS))
