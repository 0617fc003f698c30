"""The calendar feed as an iCalendar (RFC 5545) file, written with the `icalendar` library
(pure: events in, bytes out; issue 16, item 5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from nivosync.core.calendar_events import CalendarEvent

PRODUCT_ID = "-//nivosync//release calendar//EN"


def calendar_ics(events: Sequence[CalendarEvent], stamped: date, name: str) -> bytes:
    """All-day events; DTSTAMP is the measurement's date (so the same night gives the same
    file)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = datetime.combine(stamped, time(0, 0), tzinfo=UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", item.summary)
        event.add("description", item.description)
        event.add("categories", list(item.categories))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    written: bytes = calendar.to_ical()
    return written
