"""Working days: weekends and holidays excluded; plan weeks are 5 working days each."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from nivosync.lazy_package import bare_package

if TYPE_CHECKING:
    import holidays as holidays_lib

DAYS_PER_WEEK = 5
ENGLISH = "en_US"  # holiday names on pages must not depend on the machine's locale
_SATURDAY = 5


class CalendarError(ValueError):
    """A calendar setting the `holidays` package does not know (country or subdivision)."""


# (country, subdivision) → that region's public holidays: `regional_holidays`, or a source
# that knows some years already and asks it for the others (`KnownHolidays`)
HolidaySource = Callable[[str, str | None], Mapping[date, str]]


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days: Monday to Friday, less explicit and regional holidays."""

    holidays: frozenset[date] = frozenset()
    country: str | None = None
    subdivision: str | None = None
    _regional: Mapping[date, str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        holidays: frozenset[date] | set[date] = frozenset(),
        country: str | None = None,
        subdivision: str | None = None,
        *,
        source: HolidaySource | None = None,
    ) -> WorkCalendar:
        """A calendar with explicit holidays plus, optionally, a country's public holidays
        (from `source`, by default the `holidays` package)."""
        regional = (source or regional_holidays)(country, subdivision) if country else None
        return cls(frozenset(holidays), country, subdivision, regional)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < _SATURDAY and self.holiday_name(day) is None

    def holiday_name(self, day: date) -> str | None:
        """The holiday on `day` ('holiday' for an explicit one), or None."""
        if day in self.holidays:
            return "holiday"
        if self._regional is not None and day in self._regional:
            return str(self._regional.get(day))
        return None

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def working_days_from(self, start: date) -> Iterator[date]:
        """Every working day on or after `start`, in order (endless)."""
        day = self.next_working_day(start)
        while True:
            yield day
            day = self.next_working_day(day + timedelta(days=1))

    def add_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days after `day` (count >= 0)."""
        for _ in range(count):
            day = self.next_working_day(day + timedelta(days=1))
        return day

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def subtract_working_days(self, day: date, count: int) -> date:
        """The working day `count` working days before `day` (count >= 0)."""
        for _ in range(count):
            day = self.previous_working_day(day - timedelta(days=1))
        return day

    def working_days_in(self, start: date, end: date) -> int:
        """How many working days lie from `start` to `end`, both included (0 if none)."""
        return sum(self.is_working_day(day) for day in _days(start, end))

    def working_days_between(self, start: date, end: date) -> int:
        """Signed: working days after `start` up to `end`, negative when `end` is earlier."""
        if end >= start:
            return self.working_days_after(start, end)
        return -self.working_days_after(end, start)

    def working_days_after(self, start: date, end: date) -> int:
        """How many working days lie after `start` up to and including `end` (0 if none)."""
        # Offsets, not `day += 1`: stepping past `end` would overflow when end is date.max.
        return sum(self.is_working_day(day) for day in _days(start + timedelta(1), end))

    def non_working_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Holidays falling on weekdays between `start` and `end` inclusive, with their names."""
        found = []
        for day in _days(start, end):
            name = self.holiday_name(day)
            if name is not None and day.weekday() < _SATURDAY:
                found.append((day, name))
        return found


def _days(first: date, last: date) -> Iterator[date]:
    """Every date from `first` to `last` inclusive (none when last < first)."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def regional_holidays(
    country: str, subdivision: str | None, years: Iterable[int] = ()
) -> Mapping[date, str]:
    """Public holidays of a country (and subdivision) from the `holidays` package (imported
    here, and only the one country's module: a config without `country` never pays for it);
    `years` are worked out at once, any other year when a date of it is first asked for."""
    code = country.upper()
    entity = _country_entity(code, country)
    subdivisions = list(entity.subdivisions)
    if subdivision is not None and subdivision not in subdivisions:
        choices = ", ".join(subdivisions[:12]) or "none"
        raise CalendarError(
            f"unknown subdivision '{subdivision}' for {code}: choose one of {choices}"
        )
    # what `holidays.country_holidays(code, subdiv=…, language=…)` makes, without the lookup
    return entity(subdiv=subdivision, language=_language(entity), years=list(years))


def _country_entity(code: str, asked: str) -> type[holidays_lib.HolidayBase]:
    """The class `holidays.<code>` names, from its country's module alone: the package's own
    `__init__` (and `holidays.countries`') imports all ~250 countries, ~0.15 s of CPU."""
    bare_package("holidays")
    bare_package("holidays.countries")
    from holidays.registry import COUNTRIES, EntityLoader

    if code not in EntityLoader.get_country_codes():
        raise CalendarError(
            f"unknown country '{asked}': use an ISO 3166-1 alpha-2 code the `holidays` "
            "package supports (e.g. US, DE, GB)"
        )
    module = next(m for m, names in COUNTRIES.items() if code in names[1:])
    entity: type[holidays_lib.HolidayBase] = getattr(
        importlib.import_module(f"holidays.countries.{module}"), code
    )
    return entity


class KnownHolidays(Mapping[date, str]):
    """A region's holidays of `years` as they were worked out before (by an earlier run: the
    `holidays` package costs more to import than most commands take), the package asked —
    and imported — only for a date in another year."""

    def __init__(
        self, country: str, subdivision: str | None, years: range, known: Mapping[date, str]
    ) -> None:
        self.country, self.subdivision, self.years = country, subdivision, years
        self._known = dict(known)
        self._others: Mapping[date, str] | None = None

    def __getitem__(self, day: date) -> str:
        if day.year in self.years:
            return self._known[day]
        if self._others is None:
            self._others = regional_holidays(self.country, self.subdivision)
        return self._others[day]

    def __iter__(self) -> Iterator[date]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def _language(entity: type[holidays_lib.HolidayBase]) -> str | None:
    """English holiday names where the country has them, else its own: never the process
    locale, which the `holidays` package consults when no (supported) language is given."""
    languages = tuple(entity.supported_languages)
    english = [lang for lang in languages if lang == "en" or lang.startswith("en_")]
    if english:
        return ENGLISH if ENGLISH in english else sorted(english)[0]
    return entity.default_language


@dataclass(frozen=True)
class WeekSchedule:
    """The working days of a plan's weeks, counted from the release start date."""

    days: tuple[date, ...]

    @classmethod
    def build(cls, calendar: WorkCalendar, start: date, weeks: int) -> WeekSchedule:
        if not calendar.is_working_day(start):
            raise NonWorkingStart(start, calendar)
        found = calendar.working_days_from(start)
        try:
            return cls(tuple(next(found) for _ in range(weeks * DAYS_PER_WEEK)))
        except OverflowError:
            raise StartOutOfRange(start, weeks) from None

    def day(self, index: int) -> date:
        """The working day at 0-based `index` from the start."""
        return self.days[index]

    def week(self, number: int) -> tuple[date, ...]:
        """The 5 working days of week `number` (1-based)."""
        first = (number - 1) * DAYS_PER_WEEK
        return self.days[first : first + DAYS_PER_WEEK]


class NonWorkingStart(ValueError):
    """The release start date is not a working day."""

    def __init__(self, start: date, calendar: WorkCalendar) -> None:
        reason = calendar.holiday_name(start) or start.strftime("%A")
        self.suggestion = calendar.next_working_day(start)
        super().__init__(
            f"start date {start.isoformat()} is not a working day ({reason}); "
            f"use the next working day, {self.suggestion.isoformat()}"
        )


class StartOutOfRange(ValueError):
    """The plan's weeks would run past the last date there is (9999-12-31)."""

    def __init__(self, start: date, weeks: int) -> None:
        self.start = start
        super().__init__(
            f"a {weeks}-week plan starting {start.isoformat()} would end after "
            f"{date.max.isoformat()}, the last date there is; check the year of the start date"
        )
