"""Issue 15: a region's public holidays, worked out by the `holidays` package once and kept on
this machine for the next runs — the same answers, without importing the package."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from nivosync.core.calendar import CalendarError, KnownHolidays, WorkCalendar, regional_holidays
from nivosync.inputs.holiday_memory import holidays_version, kept_regional_holidays

TODAY = date(2026, 12, 6)


def kept_files() -> list[Path]:
    return sorted(Path(os.environ["NIVOSYNC_CACHE_DIR"]).glob("holidays-*.json"))


def every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_the_kept_copy_answers_as_the_package_does_in_its_years_and_outside_them():
    first = kept_regional_holidays("DE", "BY", TODAY)  # worked out by the package, then kept
    (kept,) = kept_files()
    again = kept_regional_holidays("DE", "BY", TODAY)
    assert isinstance(again, KnownHolidays) and again.years == range(2024, 2032)
    package = regional_holidays("DE", "BY")
    for day in every_day(date(2023, 12, 1), date(2032, 1, 31)):  # kept years and beyond
        assert (day in again, again.get(day)) == (day in package, package.get(day)), day
        assert (day in first) == (day in package)
    assert again[date(2027, 1, 6)] == "Epiphany"  # Bavaria's, not Berlin's
    assert json.loads(kept.read_text())["holidays_version"] == holidays_version()


def test_a_calendar_from_the_kept_copy_is_the_same_calendar():
    kept_regional_holidays("DE", "BY", TODAY)
    kept = WorkCalendar.build(set(), "DE", "BY", source=kept_regional_holidays)
    package = WorkCalendar.build(set(), "DE", "BY")
    span = (date(2026, 12, 1), date(2027, 6, 30))
    assert kept.non_working_days(*span) == package.non_working_days(*span)
    assert kept.add_working_days(date(2026, 12, 22), 5) == date(2026, 12, 30)  # 25th, 26th off


def test_a_region_and_version_each_have_their_own_copy(tmp_path):
    kept_regional_holidays("DE", "BY", TODAY)
    kept_regional_holidays("DE", "BE", TODAY)
    kept_regional_holidays("US", None, TODAY)
    names = [p.name for p in kept_files()]
    version = holidays_version()
    assert names == sorted(f"holidays-{r}-{version}.json" for r in ("DE-BY", "DE-BE", "US"))
    berlin = kept_regional_holidays("DE", "BE", TODAY)
    assert date(2027, 1, 6) not in berlin and date(2027, 3, 8) in berlin  # Women's Day


@pytest.mark.parametrize(
    "damage",
    [
        lambda doc: "{not json",
        lambda doc: json.dumps({**doc, "holidays_version": "0.1"}),  # an older package's
        lambda doc: json.dumps({**doc, "subdivision": "BE"}),
        lambda doc: json.dumps({**doc, "years": [2024]}),
        lambda doc: json.dumps({**doc, "days": {"2027-13-01": "Nonsense"}}),
        lambda doc: json.dumps({**doc, "days": {"2040-01-01": "New Year's Day"}}),
        lambda doc: json.dumps({**doc, "days": {"2027-01-01": 1}}),
        lambda doc: json.dumps([doc]),
    ],
)
def test_a_damaged_or_foreign_copy_is_worked_out_again_and_replaced(damage):
    kept_regional_holidays("DE", "BY", TODAY)
    (kept,) = kept_files()
    good = json.loads(kept.read_text())
    kept.write_text(damage(good))
    table = kept_regional_holidays("DE", "BY", TODAY)
    assert table[date(2027, 1, 1)] == "New Year's Day"
    assert json.loads(kept.read_text()) == good


def test_a_copy_whose_years_no_longer_surround_today_is_worked_out_again():
    kept_regional_holidays("DE", "BY", TODAY)
    later = kept_regional_holidays("DE", "BY", date(2030, 3, 1))
    assert isinstance(later, KnownHolidays) and later.years == range(2028, 2036)
    (kept,) = kept_files()
    assert json.loads(kept.read_text())["years"] == [2028, 2035]


def test_an_unknown_region_is_refused_and_nothing_is_kept():
    with pytest.raises(CalendarError, match="unknown country 'XX'"):
        kept_regional_holidays("XX", None, TODAY)
    with pytest.raises(CalendarError, match="unknown subdivision 'ZZ'"):
        kept_regional_holidays("DE", "ZZ", TODAY)
    assert kept_files() == []


def test_an_unwritable_cache_only_means_the_package_is_asked(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NIVOSYNC_CACHE_DIR", str(blocker))
    assert kept_regional_holidays("DE", "BY", TODAY)[date(2027, 1, 6)] == "Epiphany"
