"""Issue 12, item 7: what a night's measurement changed (pure) — the history of states, the
digest that ignores the date, the change rules and their words, and merge-on-write."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.changes import (
    CHANGED,
    COMPLETED,
    HISTORY_MAX_BYTES,
    IMPROVED,
    PAST,
    UNCHANGED,
    WORSENED,
    HistoryEntry,
    HistoryOutOfOrder,
    detect_change,
    measurement_digest,
    merge_history,
    observe,
    read_history,
    tonight,
    transition_marker,
)
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import (
    Baseline,
    ReleaseSlippage,
    TaskStatus,
    compute_slippage,
    parse_baseline,
)
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]
CALENDAR = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)})
TITLE = "Acme Health 2.4.0"
KICKOFF = "upgrade-release-kickoff"
D = date


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    people = {role: None for role in template.role_names}
    plan = build_plan(
        template, ReleaseIdentity("Acme Health", "2.4.0"), D(2026, 12, 7), people, CALENDAR
    )
    return parse_baseline(epic_property(plan, datetime(2026, 12, 1, tzinfo=UTC)))


def status(baseline: Baseline, task_id: str, category: str, resolved: date | None = None):
    names = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
    number = [t.id for t in baseline.ordered_tasks()].index(task_id) + 2
    return TaskStatus(
        task_id,
        f"NVX-{number}",
        f"{TITLE}: {task_id.replace('-', ' ').title()}",
        "Dana",
        names[category],
        category,
        baseline.tasks[task_id].end,
        resolved,
    )


def measure(baseline: Baseline, as_of: date, **categories: str) -> ReleaseSlippage:
    """Every task To Do, except those named (task id with '_' for '-': category)."""
    found = {t.id: status(baseline, t.id, "new") for t in baseline.ordered_tasks()}
    for name, category in categories.items():
        task_id = name.replace("_", "-")
        resolved = baseline.tasks[task_id].end if category == "done" else None
        found[task_id] = status(baseline, task_id, category, resolved)
    return compute_slippage(baseline, found, as_of)


def all_done(baseline: Baseline, as_of: date) -> ReleaseSlippage:
    found = {t.id: status(baseline, t.id, "done", t.end) for t in baseline.ordered_tasks()}
    return compute_slippage(baseline, found, as_of)


def state(slip: ReleaseSlippage) -> HistoryEntry:
    return observe(slip, measurement_digest(slip))


# --- the digest ------------------------------------------------------------------------------


def test_the_digest_ignores_the_night_and_sees_every_change(baseline):
    before_start = [measure(baseline, D(2026, 11, 23) + timedelta(days=n)) for n in range(10)]
    assert len({measurement_digest(s) for s in before_start}) == 1
    started = measure(baseline, D(2026, 12, 7), upgrade_release_kickoff="indeterminate")
    assert measurement_digest(started) != measurement_digest(before_start[0])
    assert measurement_digest(started, "layout 2") != measurement_digest(started, "layout 1")


def test_tonight_extends_an_unchanged_state_and_keeps_what_it_said(baseline):
    first = measure(baseline, D(2026, 11, 30))
    placed = tonight([], first, measurement_digest(first), TITLE)
    assert placed.change.kind == CHANGED and not placed.change.notifies  # on plan: quiet
    recorded = placed.state
    later = measure(baseline, D(2026, 12, 4))
    again = tonight([recorded], later, measurement_digest(later), TITLE)
    assert again.change.kind == UNCHANGED and not again.change.notifies
    assert (again.state.first_seen, again.state.last_seen) == (D(2026, 11, 30), D(2026, 12, 4))
    assert again.earlier == []
    assert again.change.marker == placed.change.marker  # the same transition, any night
    past = tonight([again.state], first, measurement_digest(first), TITLE)
    assert past.change.kind == PAST and not past.change.notifies


# --- the change rules ------------------------------------------------------------------------


def entry(first: date, status: str, slip: int, go_live: date, **details) -> HistoryEntry:
    digest = f"{first}:{status}:{slip}"
    return HistoryEntry(first, first, status, slip, go_live, digest=digest, **details)


def test_a_slip_worsens_with_the_words_of_the_issue(baseline):
    slip = measure(baseline, D(2026, 12, 9), upgrade_release_kickoff="indeterminate")
    base = entry(D(2026, 12, 4), "slipping", 1, D(2027, 1, 8), late=(), missed=())
    now = entry(D(2026, 12, 9), "slipping", 3, D(2027, 1, 12), late=(KICKOFF,), missed=())
    change = detect_change(base, now, slip, TITLE)
    assert change.kind == WORSENED and change.notifies
    assert change.message == "slipped 2 more working days: Upgrade Release Kickoff late"


def test_becoming_slipping_from_on_track(baseline):
    slip = measure(baseline, D(2026, 12, 8), upgrade_release_kickoff="indeterminate")
    base = entry(D(2026, 12, 4), "on_track", 0, D(2027, 1, 7), late=(), missed=())
    now = entry(D(2026, 12, 8), "slipping", 1, D(2027, 1, 8), late=(KICKOFF,), missed=())
    change = detect_change(base, now, slip, TITLE)
    assert change.message == "now slipping, slipped 1 working day: Upgrade Release Kickoff late"


def test_a_newly_missed_milestone_worsens_even_when_go_live_holds(baseline):
    slip = measure(baseline, D(2026, 12, 14))
    base = entry(D(2026, 12, 11), "at_risk", 0, D(2027, 1, 7), late=(), missed=())
    now = entry(D(2026, 12, 14), "at_risk", 0, D(2027, 1, 7), late=(), missed=("release-kickoff",))
    change = detect_change(base, now, slip, TITLE)
    assert (change.kind, change.message) == (WORSENED, "milestone Release Kickoff missed")


def test_a_task_late_off_the_critical_path_only_updates_the_page(baseline):
    slip = measure(baseline, D(2026, 12, 14))
    base = entry(D(2026, 12, 11), "at_risk", 0, D(2027, 1, 7), late=(), missed=())
    now = entry(D(2026, 12, 14), "at_risk", 0, D(2027, 1, 7), late=(KICKOFF,), missed=())
    change = detect_change(base, now, slip, TITLE)
    assert (change.kind, change.message) == (CHANGED, "Upgrade Release Kickoff late")
    assert not change.notifies


@pytest.mark.parametrize(
    ("before", "after", "kind", "words"),
    [
        (("slipping", 2, D(2027, 1, 11)), ("on_track", 0, D(2027, 1, 7)), IMPROVED,
         "back on track, recovered 2 working days"),
        (("slipping", 3, D(2027, 1, 12)), ("slipping", 1, D(2027, 1, 8)), IMPROVED,
         "recovered 2 working days"),
        (("slipping", 1, D(2027, 1, 8)), ("at_risk", 0, D(2027, 1, 7)), IMPROVED,
         "now at risk, recovered 1 working day"),
        (("on_track", 0, D(2027, 1, 7)), ("at_risk", 0, D(2027, 1, 7)), WORSENED, "now at risk"),
        (("done", 0, D(2027, 1, 7)), ("at_risk", 0, D(2027, 1, 7)), WORSENED,
         "reopened, now at risk"),
        (("on_track", 0, D(2027, 1, 7)), ("on_track", 0, D(2027, 1, 7)), CHANGED, ""),
    ],
)  # fmt: skip
def test_status_and_go_live_moves(baseline, before, after, kind, words):
    slip = measure(baseline, D(2026, 12, 10))
    change = detect_change(
        entry(D(2026, 12, 9), *before), entry(D(2026, 12, 10), *after), slip, TITLE
    )
    assert (change.kind, change.message) == (kind, words)


def test_completion_is_told_once_with_its_go_live(baseline):
    done = all_done(baseline, D(2027, 1, 13))
    before = entry(D(2027, 1, 12), "at_risk", 0, D(2027, 1, 7))
    change = detect_change(before, state(done), done, TITLE)
    assert change.kind == COMPLETED and change.notifies
    assert change.message == "completed on plan (go-live 2027-01-07)"
    late = replace(state(done), slip_days=2, projected_go_live=D(2027, 1, 11))
    assert detect_change(before, late, done, TITLE).message == (
        "completed, 2 working days late (go-live 2027-01-11)"
    )


def test_a_first_measurement_is_compared_with_the_plan(baseline):
    late = measure(baseline, D(2026, 12, 9), upgrade_release_kickoff="indeterminate")
    change = detect_change(None, state(late), late, TITLE)
    assert change.kind == WORSENED  # on the plan's terms: on track, go-live as planned
    assert change.message.startswith("now " + late.status.replace("_", " "))
    assert change.message.endswith(": Upgrade Release Kickoff late")


def test_markers_name_transitions_not_nights():
    a = entry(D(2026, 12, 1), "on_track", 0, D(2027, 1, 7))
    b = entry(D(2026, 12, 5), "slipping", 1, D(2027, 1, 8))
    b_later = replace(b, first_seen=D(2026, 12, 6), last_seen=D(2026, 12, 9))
    assert transition_marker(a, b) == transition_marker(a, b_later)
    a_again = replace(a, first_seen=D(2026, 12, 7))
    assert transition_marker(a, b) != transition_marker(a_again, b)  # A→B→A→B: told each time
    assert transition_marker(None, b) != transition_marker(a, b)


# --- the history -----------------------------------------------------------------------------


def nightly(day: str, slip: int) -> dict:
    return {
        "as_of": day,
        "status": "slipping",
        "slip_days": slip,
        "projected_go_live": "2027-01-08",
    }


def test_old_nightly_rows_collapse_into_runs_and_damaged_ones_are_skipped():
    rows = [
        nightly("2026-12-14", 1), nightly("2026-12-15", 1), {"as_of": "garbage"}, "junk",
        nightly("2026-12-16", 2), nightly("2026-12-17", 1),
    ]  # fmt: skip
    runs = read_history(rows)
    assert [(r.first_seen.day, r.last_seen.day, r.slip_days) for r in runs] == [
        (14, 15, 1),
        (16, 16, 2),
        (17, 17, 1),
    ]


def test_merge_extends_a_run_appends_a_state_and_refuses_the_past():
    a = entry(D(2026, 12, 1), "on_track", 0, D(2027, 1, 7), late=(), missed=())
    stored = [a.to_json()]
    assert merge_history(stored, a) is None  # already there: no write
    extended = merge_history(stored, replace(a, last_seen=D(2026, 12, 4)))
    assert extended == [{**a.to_json(), "last_seen": "2026-12-04"}]
    b = entry(D(2026, 12, 5), "slipping", 1, D(2027, 1, 8), late=(KICKOFF,), missed=())
    both = merge_history(
        extended, replace(b, change=WORSENED, message="slipped", pending=("webhook",))
    )
    assert both is not None
    assert [e["first_seen"] for e in both] == ["2026-12-01", "2026-12-05"]
    assert "late" not in both[0] and both[1]["late"] == [KICKOFF]  # details on the newest only
    assert both[1]["pending"] == ["webhook"] and both[1]["message"] == "slipped"
    with pytest.raises(HistoryOutOfOrder):
        merge_history(both, entry(D(2026, 12, 3), "at_risk", 0, D(2027, 1, 7)))
    assert merge_history(both, replace(b, last_seen=D(2026, 12, 5))) is not None  # pending settled


def test_history_fits_a_jira_property():
    runs = [
        entry(D(2026, 1, 1) + timedelta(days=n), "slipping", n, D(2027, 1, 8), message="x" * 300)
        for n in range(200)
    ]
    merged = merge_history([r.to_json() for r in runs[:-1]], runs[-1], limit=120)
    assert merged is not None and len(merged) <= 120
    assert len(json.dumps(merged).encode()) <= HISTORY_MAX_BYTES
    assert merged[-1]["first_seen"] == runs[-1].first_seen.isoformat()


def test_an_old_nightly_history_announces_nothing_that_was_already_so(baseline):
    """Upgrading: the last old row (no digest, no details) is what the first run compares with."""
    slip = measure(baseline, D(2026, 12, 14))  # week 1 missed, its tasks late: as last night
    (old,) = read_history([nightly("2026-12-13", slip.slip_days)])
    old = replace(old, status=slip.status, projected_go_live=slip.projected_go_live)
    change = detect_change(old, state(slip), slip, TITLE)
    assert (change.kind, change.message) == (CHANGED, "")
