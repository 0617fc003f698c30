from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nivosync.core.calendar import (
    CalendarError,
    NonWorkingStart,
    StartOutOfRange,
    WeekSchedule,
    WorkCalendar,
)

XMAS_NEW_YEAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})


def test_issue_example_week_three_and_end_of_week_five():
    schedule = WeekSchedule.build(XMAS_NEW_YEAR, date(2026, 12, 7), weeks=5)
    assert schedule.week(3) == (
        date(2026, 12, 21),
        date(2026, 12, 22),
        date(2026, 12, 23),
        date(2026, 12, 24),
        date(2026, 12, 28),
    )
    assert schedule.week(5)[-1] == date(2027, 1, 12)
    assert schedule.week(4) == (
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 4),
        date(2027, 1, 5),
    )


def test_weekends_are_not_working_days():
    cal = WorkCalendar.build()
    assert cal.is_working_day(date(2026, 12, 4))  # Friday
    assert not cal.is_working_day(date(2026, 12, 5))  # Saturday
    assert not cal.is_working_day(date(2026, 12, 6))  # Sunday


@pytest.mark.parametrize(
    ("start", "reason", "suggestion"),
    [
        (date(2026, 12, 5), "Saturday", date(2026, 12, 7)),
        (date(2026, 12, 25), "holiday", date(2026, 12, 28)),
    ],
)
def test_non_working_start_suggests_next_working_day(start, reason, suggestion):
    with pytest.raises(NonWorkingStart) as caught:
        WeekSchedule.build(XMAS_NEW_YEAR, start, weeks=1)
    assert caught.value.suggestion == suggestion
    assert reason in str(caught.value)
    assert suggestion.isoformat() in str(caught.value)


def test_country_calendar_adds_public_holidays():
    bavaria = WorkCalendar.build(set(), "DE", "BY")
    assert bavaria.holiday_name(date(2027, 1, 6)) == "Epiphany"
    assert not bavaria.is_working_day(date(2027, 1, 6))
    berlin = WorkCalendar.build(set(), "DE", "BE")
    assert berlin.is_working_day(date(2027, 1, 6))


def test_unknown_country_and_subdivision_are_explained():
    with pytest.raises(CalendarError, match="unknown country 'XX'"):
        WorkCalendar.build(set(), "XX")
    with pytest.raises(CalendarError, match="unknown subdivision 'ZZ' for DE"):
        WorkCalendar.build(set(), "DE", "ZZ")


def test_working_days_after_counts_up_to_and_including_end():
    cal = XMAS_NEW_YEAR
    assert cal.working_days_after(date(2026, 12, 11), date(2026, 12, 15)) == 2
    assert cal.working_days_after(date(2026, 12, 24), date(2026, 12, 28)) == 1
    assert cal.working_days_after(date(2026, 12, 11), date(2026, 12, 11)) == 0
    assert cal.working_days_after(date(2026, 12, 11), date(2026, 12, 1)) == 0


def test_add_working_days_skips_holidays_and_weekends():
    assert XMAS_NEW_YEAR.add_working_days(date(2027, 1, 12), 2) == date(2027, 1, 14)
    assert XMAS_NEW_YEAR.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert XMAS_NEW_YEAR.add_working_days(date(2026, 12, 24), 0) == date(2026, 12, 24)


def test_non_working_days_lists_weekday_holidays_only():
    cal = WorkCalendar.build({date(2026, 12, 25), date(2026, 12, 26)})
    assert cal.non_working_days(date(2026, 12, 20), date(2026, 12, 31)) == [
        (date(2026, 12, 25), "holiday")
    ]


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    holidays=st.sets(
        st.dates(min_value=date(2020, 1, 1), max_value=date(2036, 6, 30)), max_size=30
    ),
    weeks=st.integers(min_value=1, max_value=8),
)
def test_weeks_are_consecutive_runs_of_five_working_days(start, holidays, weeks):
    cal = WorkCalendar.build(holidays)
    start = cal.next_working_day(start)
    schedule = WeekSchedule.build(cal, start, weeks)
    assert schedule.days[0] == start
    assert len(schedule.days) == 5 * weeks
    for earlier, later in zip(schedule.days, schedule.days[1:], strict=False):
        assert earlier < later
        gap = [earlier + timedelta(days=n) for n in range(1, (later - earlier).days)]
        assert not any(cal.is_working_day(d) for d in gap)
    assert all(cal.is_working_day(d) for d in schedule.days)
    for n in range(2, weeks + 1):
        assert schedule.week(n)[0] == cal.add_working_days(schedule.week(n - 1)[-1], 1)


def test_a_plan_may_end_on_the_last_date_there_is_but_not_after_it():
    cal = WorkCalendar.build()
    schedule = WeekSchedule.build(cal, date(9999, 11, 29), weeks=5)
    assert schedule.days[-1] == date.max
    assert cal.non_working_days(date(9999, 11, 29), date.max) == []
    assert cal.working_days_after(date(9999, 12, 30), date.max) == 1
    with pytest.raises(StartOutOfRange, match="check the year"):
        WeekSchedule.build(cal, date(9999, 12, 1), weeks=5)


def test_holiday_names_are_english_where_a_country_has_english_else_its_own():
    from nivosync.core.calendar import _language

    class English:
        supported_languages = ("de", "en_US", "uk")
        default_language = "de"

    class BritishOnly:
        supported_languages = ("en_GB", "cy")
        default_language = "cy"

    class NoEnglish:
        supported_languages = ("ja", "th")
        default_language = "ja"

    assert _language(English) == "en_US"
    assert _language(BritishOnly) == "en_GB"
    assert _language(NoEnglish) == "ja"  # named, not left to the process locale
