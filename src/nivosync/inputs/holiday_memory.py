"""A region's public holidays as an earlier run on this machine worked them out (issue 15):
importing the `holidays` package and its country costs ~0.03–0.06 s of CPU, more than the
rest of reading a config, on every command whose calendar names a country.

Kept for the years around today (two before, five after), per country, subdivision and
version of the `holidays` package (a new version may correct a date: it is asked again). A
date in another year asks the package then (`KnownHolidays`). Only a copy of what the package
says: a missing or damaged file means the package is asked, as without this module."""

from __future__ import annotations

import functools
import importlib.util
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from nivosync.core.calendar import KnownHolidays, regional_holidays
from nivosync.machine_cache import keep, read_kept

YEARS_BEFORE, YEARS_AFTER = 2, 5
_DIST_INFO = re.compile(r"holidays-([^-]+)\.dist-info")


def kept_regional_holidays(
    country: str, subdivision: str | None, today: date | None = None
) -> Mapping[date, str]:
    """`regional_holidays(country, subdivision)`, from the kept copy where there is one."""
    year = (today or date.today()).year
    version = holidays_version()
    if version is None:
        return regional_holidays(country, subdivision)
    name = _file_name(country, subdivision, version)
    kept = _known(read_kept(name), country, subdivision, version)
    if kept is not None and kept.years[0] <= year - 1 and kept.years[-1] >= year + 2:
        return kept
    years = range(year - YEARS_BEFORE, year + YEARS_AFTER + 1)
    table = regional_holidays(country, subdivision, years)  # CalendarError: nothing is kept
    known = {day: str(table[day]) for day in table if day.year in years}
    keep(name, _document(country, subdivision, version, years, known))  # or not: a hint only
    return KnownHolidays(country, subdivision, years, known)


@functools.cache  # one per process: the config's check and each calendar ask for it
def holidays_version() -> str | None:
    """The installed `holidays` package's version, from its `holidays-<version>.dist-info`
    beside it (importing the package, or importlib.metadata, would cost what is saved)."""
    try:
        spec = importlib.util.find_spec("holidays")
        if spec is None or spec.origin is None:
            return None
        with os.scandir(Path(spec.origin).parent.parent) as entries:
            found = [_DIST_INFO.fullmatch(entry.name) for entry in entries]
    except (ImportError, ValueError, OSError):
        return None
    versions = [m.group(1) for m in found if m]
    return versions[0] if len(versions) == 1 else None  # two: which one is imported is unclear


def _file_name(country: str, subdivision: str | None, version: str) -> str:
    region = f"{country.upper()}-{subdivision}" if subdivision else country.upper()
    safe = re.sub(r"[^A-Za-z0-9.-]", "_", f"{region}-{version}")
    return f"holidays-{safe}.json"


def _document(
    country: str, subdivision: str | None, version: str, years: range, known: Mapping[date, str]
) -> dict[str, object]:
    return {
        "country": country.upper(),
        "subdivision": subdivision,
        "holidays_version": version,
        "years": [years[0], years[-1]],
        "days": {day.isoformat(): name for day, name in sorted(known.items())},
    }


def _known(
    value: object, country: str, subdivision: str | None, version: str
) -> KnownHolidays | None:
    """The kept copy, if `value` is one of this region and version (else None: ask again)."""
    if not isinstance(value, dict):
        return None
    same = (value.get("country"), value.get("subdivision"), value.get("holidays_version"))
    years, days = value.get("years"), value.get("days")
    if same != (country.upper(), subdivision, version) or not isinstance(days, dict):
        return None
    if not (isinstance(years, list) and len(years) == 2 and all(type(y) is int for y in years)):
        return None
    try:
        known = {date.fromisoformat(day): name for day, name in days.items()}
    except (TypeError, ValueError):
        return None
    span = range(years[0], years[1] + 1)
    if not span or not all(isinstance(n, str) and d.year in span for d, n in known.items()):
        return None
    return KnownHolidays(country, subdivision, span, known)
