"""Playing a release forward (core.playforward): on time, late, waiting, open past the day."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from nivosync.core.baseline import Baseline, BaselineMilestone, BaselineTask
from nivosync.core.calendar import WorkCalendar
from nivosync.core.playforward import Move, TaskNow, moment_on, play

CALENDAR = WorkCalendar.build({date(2026, 12, 25)})
# kickoff (Mon) → review and sharing (Tue-Fri, after kickoff) → demo (next Mon-Tue, after sharing)
TASKS = {
    "kickoff": BaselineTask("kickoff", "m1", date(2026, 12, 7), date(2026, 12, 7)),
    "review": BaselineTask("review", "m1", date(2026, 12, 8), date(2026, 12, 11), ("kickoff",)),
    "sharing": BaselineTask("sharing", "m1", date(2026, 12, 8), date(2026, 12, 11), ("kickoff",)),
    "demo": BaselineTask("demo", "m2", date(2026, 12, 14), date(2026, 12, 15), ("sharing",)),
}
BASELINE = Baseline(
    start=date(2026, 12, 7),
    end=date(2026, 12, 15),
    go_live=date(2026, 12, 15),
    go_live_task="demo",
    milestones=(
        BaselineMilestone("m1", "Kickoff", ("kickoff", "review", "sharing")),
        BaselineMilestone("m2", "Demo", ("demo",)),
    ),
    tasks=TASKS,
    calendar=CALENDAR,
)
OPEN = {t: TaskNow(t) for t in TASKS}


def finishes(moves: tuple[Move, ...]) -> dict[str, tuple[date, int]]:
    return {m.task_id: (m.day, m.days_late) for m in moves if m.kind == "finish"}


def test_on_time_every_task_starts_and_finishes_as_planned():
    played = play(BASELINE, OPEN, {}, date(2026, 12, 2), date(2026, 12, 16))
    assert finishes(played.moves) == {
        "kickoff": (date(2026, 12, 7), 0),
        "review": (date(2026, 12, 11), 0),
        "sharing": (date(2026, 12, 11), 0),
        "demo": (date(2026, 12, 15), 0),
    }
    starts = {m.task_id: m.day for m in played.moves if m.kind == "start"}
    assert starts == {
        "review": date(2026, 12, 8),
        "sharing": date(2026, 12, 8),
        "demo": date(2026, 12, 14),
    }
    assert "kickoff" not in starts  # a one-day task goes straight to Done
    assert [m.day for m in played.moves] == sorted(m.day for m in played.moves)
    assert played.still_open == {}


def test_a_late_task_holds_up_what_waits_for_it():
    played = play(BASELINE, OPEN, {"kickoff": 3}, date(2026, 12, 2), date(2026, 12, 31))
    moves = {(m.task_id, m.kind): m for m in played.moves}
    assert moves["kickoff", "start"].day == date(2026, 12, 7)
    kickoff = moves["kickoff", "finish"]
    assert (kickoff.day, kickoff.days_late) == (date(2026, 12, 10), 3)
    sharing = moves["sharing", "finish"]
    assert (sharing.day, sharing.days_late, sharing.waited_for) == (
        date(2026, 12, 16),
        3,
        ("kickoff",),
    )
    assert moves["sharing", "start"].day == date(2026, 12, 11)  # the day after its blocker
    demo = moves["demo", "finish"]
    assert (demo.day, demo.days_late, demo.waited_for) == (date(2026, 12, 18), 3, ("sharing",))


def test_a_task_finishing_after_the_last_day_stays_open():
    played = play(BASELINE, OPEN, {"kickoff": 3}, date(2026, 12, 2), date(2026, 12, 9))
    assert finishes(played.moves) == {}
    assert played.still_open["kickoff"] == date(2026, 12, 10)
    assert [(m.task_id, m.kind) for m in played.moves] == [("kickoff", "start")]


def test_done_tasks_are_facts_and_overdue_work_finishes_on_the_first_day_played():
    now = {**OPEN, "kickoff": TaskNow("kickoff", date(2026, 12, 7), True)}
    played = play(BASELINE, now, {}, date(2026, 12, 14), date(2026, 12, 14))
    assert finishes(played.moves) == {
        "review": (date(2026, 12, 14), 1),
        "sharing": (date(2026, 12, 14), 1),
    }
    assert not any(m.task_id == "kickoff" for m in played.moves)
    assert played.still_open == {"demo": date(2026, 12, 16)}  # it waits for sharing


def test_a_started_task_is_not_started_again_and_a_missing_one_is_never_moved():
    now = {
        "kickoff": TaskNow("kickoff", date(2026, 12, 7), True),
        "review": TaskNow("review", None, True),
    }
    played = play(BASELINE, now, {}, date(2026, 12, 7), date(2026, 12, 16))
    assert [(m.task_id, m.kind) for m in played.moves] == [("review", "finish")]


@pytest.mark.parametrize(
    "zone", ["UTC", "Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland"]
)
def test_moments_are_the_same_day_in_utc_and_in_the_timezone(zone: str):
    from zoneinfo import ZoneInfo

    day = date(2026, 12, 16)
    moment = moment_on(day, zone)
    assert moment.astimezone(UTC).date() == day
    assert moment.astimezone(ZoneInfo(zone)).date() == day
    assert moment_on(day, zone, 5) - moment == (datetime(1, 1, 1, 0, 0, 5) - datetime(1, 1, 1))
    if zone == "UTC":
        assert moment == datetime(2026, 12, 16, 12, tzinfo=UTC)
