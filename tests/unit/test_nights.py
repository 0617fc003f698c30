"""core.nights: when the night record counts as a night a release's state was seen."""

from __future__ import annotations

from datetime import date

from nivosync.core.nights import (
    MAX_LEFT_OUT,
    SyncNight,
    covered,
    only_seen_again,
    tonight_record,
)

D = date


def entry(first: str, last: str, status: str = "on_track", digest: str = "a") -> dict:
    return {
        "first_seen": first,
        "last_seen": last,
        "status": status,
        "slip_days": 0,
        "projected_go_live": "2027-01-14",
        "digest": digest,
    }


HISTORY = [
    entry("2026-12-01", "2026-12-03", digest="a"),
    entry("2026-12-04", "2026-12-04", digest="b"),
]


def last_seen(history: list) -> list[str]:
    return [e["last_seen"] for e in history]


def test_the_latest_state_counts_as_seen_on_the_recorded_night():
    night = SyncNight(D(2026, 12, 9))
    assert last_seen(covered(HISTORY, "acme", night)) == ["2026-12-03", "2026-12-09"]


def test_a_release_left_out_that_night_or_no_record_extends_nothing():
    assert covered(HISTORY, "acme", SyncNight(D(2026, 12, 9), frozenset({"acme"}))) == HISTORY
    assert covered(HISTORY, "acme", None) == HISTORY
    assert covered([], "acme", SyncNight(D(2026, 12, 9))) == []


def test_a_night_not_after_the_latest_state_changes_nothing():
    assert covered(HISTORY, "acme", SyncNight(D(2026, 12, 4))) == HISTORY
    assert covered(HISTORY, "acme", SyncNight(D(2026, 12, 2))) == HISTORY


def test_only_seen_again_is_a_later_last_seen_of_the_same_latest_state():
    later = [HISTORY[0], {**HISTORY[1], "last_seen": "2026-12-08"}]
    assert only_seen_again(HISTORY, later)
    new_state = [*HISTORY, entry("2026-12-08", "2026-12-08", digest="c")]
    assert not only_seen_again(HISTORY, new_state)
    owed = [HISTORY[0], {**HISTORY[1], "last_seen": "2026-12-08", "pending": ["webhook"]}]
    assert not only_seen_again(HISTORY, owed)  # a notification still owed must be written
    assert not only_seen_again([], later)


def test_tonight_is_kept_unless_a_look_back_or_too_many_left_out():
    previous = SyncNight(D(2026, 12, 8))
    assert tonight_record(D(2026, 12, 9), ["x"], previous) == SyncNight(
        D(2026, 12, 9), frozenset({"x"})
    )
    assert tonight_record(D(2026, 12, 7), [], previous) is None
    assert tonight_record(D(2026, 12, 9), [f"r{n}" for n in range(MAX_LEFT_OUT + 1)], None) is None


def test_the_record_round_trips_and_a_damaged_one_is_no_record():
    night = SyncNight(D(2026, 12, 9), frozenset({"b", "a"}))
    assert night.to_json() == {"schema": 1, "night": "2026-12-09", "left_out": ["a", "b"]}
    assert SyncNight.from_json(night.to_json()) == night
    for damaged in (
        None,
        "x",
        {"night": "yesterday"},
        {"left_out": []},
        {"night": "2026-12-09", "left_out": "a"},
    ):
        assert SyncNight.from_json(damaged) is None
