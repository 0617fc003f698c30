"""Go-lives in a change freeze, and too many go-lives on one day or in one week (issue 16,
item 2)."""

from __future__ import annotations

from datetime import date

from nivosync.core.go_live_conflicts import (
    DAY,
    FREEZE,
    WEEK,
    Freeze,
    GoLive,
    go_live_conflicts,
)

D = date
YEAR_END = Freeze("Year-end", D(2026, 12, 21), D(2027, 1, 3))
ACME_ONLY = Freeze("Acme audit", D(2027, 1, 11), D(2027, 1, 11), ("Acme Health",))


def test_a_go_live_in_a_freeze_and_one_that_slid_into_it():
    go_lives = [
        GoLive("Acme Health 2.4.0", "Acme Health", D(2026, 12, 22), D(2026, 12, 22)),
        GoLive("Globex 1.0", "Globex", D(2027, 1, 3), D(2026, 12, 18)),  # forecast moved it
        GoLive("Initech 3.0", "Initech", D(2027, 1, 4), D(2027, 1, 4)),  # the day after
    ]
    found = go_live_conflicts(go_lives, [YEAR_END])
    assert [(c.kind, c.releases, c.slid) for c in found] == [
        (FREEZE, ("Acme Health 2.4.0",), False),
        (FREEZE, ("Globex 1.0",), True),
    ]
    assert found[1].message == (
        "Globex 1.0: go-live 2027-01-03 is in the freeze 'Year-end' (2026-12-21 – 2027-01-03) "
        "(forecast: planned before it)"
    )


def test_a_freeze_of_one_customer_holds_for_it_alone():
    go_lives = [
        GoLive("Acme Health 2.4.0", "Acme Health", D(2027, 1, 11), D(2027, 1, 11)),
        GoLive("Globex 1.0", "Globex", D(2027, 1, 11), D(2027, 1, 11)),
    ]
    found = go_live_conflicts(go_lives, [ACME_ONLY])
    assert [c.releases for c in found] == [("Acme Health 2.4.0",)]


def test_collisions_per_day_and_per_iso_week():
    """Mon 01-11: A and B; Wed 01-13: C; Mon 01-18: D. At most 1 a day: 01-11 (2). At most 2 a
    week: the week of 01-11 has 3; the week of 01-18 has 1."""
    go_lives = [
        GoLive(name, name, day, day)
        for name, day in (
            ("B", D(2027, 1, 11)), ("A", D(2027, 1, 11)), ("C", D(2027, 1, 13)),
            ("D", D(2027, 1, 18)),
        )
    ]  # fmt: skip
    found = go_live_conflicts(go_lives, [], max_per_day=1, max_per_week=2)
    assert [(c.kind, c.on, c.releases, c.limit) for c in found] == [
        (DAY, D(2027, 1, 11), ("A", "B"), 1),
        (WEEK, D(2027, 1, 11), ("A", "B", "C"), 2),
    ]
    assert found[0].message == "2 go-lives on 2027-01-11 (at most 1): A, B"
    assert found[1].message == "3 go-lives in the week of 2027-01-11 (at most 2): A, B, C"
    assert go_live_conflicts(go_lives, []) == ()  # no limits: no collision
