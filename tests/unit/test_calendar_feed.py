"""The calendar feed (issue 16, item 5): events with stable UIDs, written with `icalendar`, read
back with it, with `vobject` (an independent parser) and with a bare RFC 5545 line reader."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import icalendar
import pytest
import vobject

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.calendar_events import MeasuredRelease, event_uid, portfolio_events
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import Baseline, TaskStatus, compute_slippage
from nivosync.inputs.templates import load_template
from nivosync.render.ics import calendar_ics

REPO = Path(__file__).resolve().parents[2]
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
D = date
TITLE = 'Acme; Health, "2.4.0"'  # iCalendar escapes ; , and the library must do it


def baseline(start: date) -> Baseline:
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    people = {role: None for role in template.role_names}
    plan = build_plan(template, ReleaseIdentity("Acme Health", "2.4.0"), start, people, CALENDAR)
    return Baseline.from_property(epic_property(plan, datetime(2026, 12, 1)))


def release(as_of: date, kickoff_open: bool = False) -> MeasuredRelease:
    start = D(2026, 12, 7)
    planned = baseline(start)
    tasks = {
        t.id: TaskStatus(t.id, f"K-{t.id}", t.id, None, "To Do", "new", None, None)
        for t in planned.ordered_tasks()
    }
    if not kickoff_open:
        tasks.pop("upgrade-release-kickoff")
        tasks["upgrade-release-kickoff"] = TaskStatus(
            "upgrade-release-kickoff", "K-1", "kickoff", None, "Done", "done", None, start
        )
    slippage = compute_slippage(planned, tasks, as_of)
    return MeasuredRelease("acme-health--2.4.0", TITLE, slippage)


def unfolded(ics: bytes) -> list[str]:
    """RFC 5545 §3.1: CRLF line ends; a line starting with a space or tab continues the last."""
    text = ics.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    lines: list[str] = []
    for line in text.split("\r\n"):
        if line[:1] in (" ", "\t"):
            lines[-1] += line[1:]
        elif line:
            lines.append(line)
    assert all(len(raw.encode()) <= 75 for raw in text.split("\r\n"))  # folded at 75 octets
    return lines


def test_events_planned_and_forecast_with_stable_uids():
    events = portfolio_events([release(D(2026, 12, 7))])
    assert len(events) == 2 + 2 * 4  # the go-live and four milestones, planned and forecast
    go_live = {e.uid: e for e in events if "go-live" in e.uid}
    assert go_live[event_uid("acme-health--2.4.0", "go-live", "planned")].day == D(2027, 1, 7)
    assert go_live[event_uid("acme-health--2.4.0", "go-live", "forecast")].day == D(2027, 1, 7)
    assert len({e.uid for e in events}) == len(events)


def test_a_late_kickoff_moves_the_forecast_event_and_keeps_its_uid():
    """The kickoff (due 12-07) still open on Wed 12-09 finishes then, 2 working days late; the
    UAT form then ends Fri 12-18 instead of Wed 12-16, but the UAT was planned to start on
    12-18 (a day of slack, 12-17): it starts Mon 12-21, 1 day late, and so is the go-live
    (Fri 01-08 instead of Thu 01-07)."""
    before = {e.uid: e for e in portfolio_events([release(D(2026, 12, 7))])}
    after = {e.uid: e for e in portfolio_events([release(D(2026, 12, 9), kickoff_open=True)])}
    assert set(before) == set(after)
    uid = event_uid("acme-health--2.4.0", "go-live", "forecast")
    assert (before[uid].day, after[uid].day) == (D(2027, 1, 7), D(2027, 1, 8))
    assert after[uid].summary == f"{TITLE}: Go-live (forecast) — 1 working day late"
    planned = event_uid("acme-health--2.4.0", "go-live", "planned")
    assert after[planned].day == D(2027, 1, 7)


@pytest.fixture
def ics() -> bytes:
    return calendar_ics(portfolio_events([release(D(2026, 12, 9), kickoff_open=True)]),
                        D(2026, 12, 9), "NVX releases")  # fmt: skip


def test_icalendar_reads_it_back(ics):
    parsed = icalendar.Calendar.from_ical(ics)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 10
    first = events[0]
    assert str(first["UID"]) == "acme-health--2.4.0.go-live.planned@nivosync"
    assert first.decoded("DTSTART") == D(2027, 1, 7)  # an all-day date, not a date-time
    assert first.decoded("DTEND") == D(2027, 1, 8)
    assert str(first["SUMMARY"]) == f"{TITLE}: Go-live (planned)"


def test_vobject_reads_it_back(ics):
    parsed = vobject.readOne(ics.decode("utf-8"))
    events = {e.uid.value: e for e in parsed.vevent_list}
    forecast = events["acme-health--2.4.0.go-live.forecast@nivosync"]
    assert forecast.dtstart.value == D(2027, 1, 8)
    assert forecast.summary.value == f"{TITLE}: Go-live (forecast) — 1 working day late"
    assert parsed.prodid.value == "-//nivosync//release calendar//EN"


def test_the_raw_lines_follow_rfc_5545(ics):
    lines = unfolded(ics)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 10
    assert "DTSTART;VALUE=DATE:20270108" in lines
    assert 'SUMMARY:Acme\\; Health\\, "2.4.0": Go-live (planned)' in lines  # escaped
    uids = [line.removeprefix("UID:") for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == 10
    assert all(re.fullmatch(r"[a-z0-9.-]+@nivosync", uid) for uid in uids)
    assert sum(line.startswith("DTSTAMP:20261209T000000Z") for line in lines) == 10


def test_written_event_by_event_as_the_library_writes_the_whole_calendar(ics):
    """Issue 15: each event is serialised on its own (memory); the bytes are the ones the
    library writes for the calendar parsed back with every event in it."""
    whole = icalendar.Calendar.from_ical(ics)
    assert whole.to_ical() == ics
    assert calendar_ics([], D(2026, 12, 9), "NVX releases").count(b"BEGIN:") == 1
