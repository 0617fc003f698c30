"""The epic's baseline property: parsed from what `create` writes, malformed fields named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from nivosync.core.baseline import epic_property
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.core.slippage import Baseline, BaselineError
from nivosync.errors import NivosyncError
from nivosync.inputs.templates import load_template

TEMPLATE = Path(__file__).resolve().parents[2] / "plan_templates/nivomax-5-week.yaml"


@pytest.fixture(scope="module")
def created() -> dict[str, Any]:
    template = load_template(TEMPLATE)
    people = {role: None for role in template.role_names}
    calendar = WorkCalendar.build({date(2026, 12, 25), date(2027, 1, 1)}, "DE", "BY")
    plan = build_plan(
        template, ReleaseIdentity("Acme", "2.4.0"), date(2026, 12, 7), people, calendar
    )
    return epic_property(plan, datetime(2026, 12, 1, 9, 30))


def test_what_create_writes_parses_back(created):
    baseline = Baseline.from_property(created)
    assert baseline.tasks["customer-uat-engagement"].depends_on == (
        "uat-form-preparation",
        "release-demo-to-sme",
    )
    assert baseline.tasks["upgrade-release-kickoff"].depends_on == ()
    assert (baseline.history, baseline.replanned_at, baseline.replan_reason) == ((), None, None)
    assert baseline.created_at == datetime(2026, 12, 1, 9, 30)
    assert (baseline.start, baseline.end, baseline.go_live) == (
        date(2026, 12, 7),
        date(2027, 1, 13),  # a day later than without Bavaria: Epiphany (Jan 6) is off
        date(2027, 1, 8),  # day 22 of the plan: go-live, then 3 days of stabilisation
    )
    assert baseline.go_live_task == "production-deployment"
    assert [m.id for m in baseline.milestones] == [
        "release-kickoff",
        "preparation-training-uat",
        "feedback-production-prep",
        "deployment-stabilization",
    ]
    uat = baseline.tasks["customer-uat-engagement"]
    assert (uat.milestone, uat.start, uat.end) == (
        "preparation-training-uat",
        date(2026, 12, 18),  # days 5-8 of weeks 2-3, after the UAT form and the demo
        date(2026, 12, 23),
    )
    assert [t.id for t in baseline.ordered_tasks()] == list(created["baseline"]["tasks"])
    # the calendar is the release's own: explicit holidays plus Bavaria's (Epiphany on Jan 6)
    assert baseline.calendar.holidays == frozenset({date(2026, 12, 25), date(2027, 1, 1)})
    assert (baseline.calendar.country, baseline.calendar.subdivision) == ("DE", "BY")
    assert not baseline.calendar.is_working_day(date(2027, 1, 6))


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A mutation setting a dotted path ('baseline.milestones.0.tasks') to `value`."""

    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            data = data[int(part)] if isinstance(data, list) else data[part]
        if isinstance(data, list):
            data[int(last)] = value
        else:
            data[last] = value

    return mutate


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for part in parents:
            data = data[part]
        del data[last]

    return mutate


def _with_history(entry: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        data["baselines"] = [entry]

    return mutate


PAST = {"start": "2026-11-30", "end": "2027-01-06", "go_live": "2027-01-05"}
UAT_DEPS = "baseline.tasks.customer-uat-engagement.depends_on"


def _add_task_outside_milestones(data: dict[str, Any]) -> None:
    data["baseline"]["tasks"]["orphan"] = {"start": "2026-12-07", "due": "2026-12-08"}


def _task_in_two_milestones(data: dict[str, Any]) -> None:
    data["baseline"]["milestones"][1]["tasks"].append("environment-review")


@pytest.mark.parametrize(
    ("mutate", "field", "says"),
    [
        (_set("kind", "task"), "kind", "expected 'epic', got 'task'"),
        (_delete("kind"), "kind", "got None"),
        (_set("schema", 2), "schema", "newer nivosync"),
        (_set("schema", "1"), "schema", "positive integer"),
        (_delete("baseline"), "baseline", "expected an object, got NoneType"),
        (_set("baseline.tasks", []), "baseline.tasks", "expected an object, got list"),
        (_set("baseline.milestones", []), "baseline.milestones", "non-empty list"),
        (_set("baseline.milestones.1", "uat"), "baseline.milestones[1]", "expected an object"),
        (_set("baseline.milestones.1.tasks", []), "baseline.milestones[1].tasks", "non-empty"),
        (_set("baseline.milestones.1.tasks", ["x"]), "baseline.milestones[1].tasks", "'x'"),
        (_set("baseline.milestones.0.name", ""), "baseline.milestones[0].name", "non-empty"),
        (_delete("baseline.go_live"), "baseline.go_live", "ISO date"),
        (_set("baseline.go_live", "2027-01-12"), "baseline.go_live", "differs"),
        (_set("baseline.go_live_task", "nope"), "baseline.go_live_task", "'nope'"),
        (_set("baseline.start", "2026-13-01"), "baseline.start", "'2026-13-01'"),
        (_set("baseline.start", 20261207), "baseline.start", "ISO date"),
        (
            _set("baseline.tasks.uat-form-preparation.due", "2026-12-01"),
            "baseline.tasks.uat-form-preparation.due",
            "before the start",
        ),
        (
            _delete("baseline.tasks.uat-form-preparation.start"),
            "baseline.tasks.uat-form-preparation.start",
            "ISO date",
        ),
        (_add_task_outside_milestones, "baseline.tasks.orphan", "no milestone"),
        (_task_in_two_milestones, "baseline.milestones[1].tasks", "two milestones"),
        (_set("calendar.holidays", "2026-12-25"), "calendar.holidays", "list"),
        (_set("calendar.holidays", ["25.12.2026"]), "calendar.holidays[0]", "ISO date"),
        (_set("calendar.country", "XX"), "calendar.country", "unknown country"),
        (_set("calendar.subdivision", "ZZ"), "calendar.subdivision", "unknown subdivision"),
        (_delete("calendar"), "calendar", "expected an object"),
        (_set(UAT_DEPS, "uat-form-preparation"), UAT_DEPS, "expected a list of task ids"),
        (_set(UAT_DEPS, [""]), UAT_DEPS, "expected a list of task ids"),
        (_set(UAT_DEPS, ["nope"]), UAT_DEPS, "task 'nope' is not in baseline.tasks"),
        (_set(UAT_DEPS, ["uat-form-preparation"] * 2), UAT_DEPS, "listed twice"),
        (
            _set(UAT_DEPS, [UAT_DEPS.split(".")[2]]),
            UAT_DEPS,
            "a dependency cycle: customer-uat-engagement → customer-uat-engagement",
        ),
        (
            _set("baseline.tasks.upgrade-release-kickoff.depends_on", ["production-deployment"]),
            "baseline.tasks.upgrade-release-kickoff.depends_on",
            "a dependency cycle: upgrade-release-kickoff → production-deployment → ",
        ),
        (_set("baseline.set_at", "yesterday"), "baseline.set_at", "ISO date-time"),
        (_set("baseline.reason", 5), "baseline.reason", "non-empty string"),
        (_set("baseline.by", ""), "baseline.by", "non-empty string"),
        (_set("created_at", 20261201), "created_at", "ISO date-time"),
        (_set("baselines", {}), "baselines", "a list of earlier baselines"),
        (_with_history(1), "baselines[0]", "expected an object, got int"),
        (_with_history({**PAST, "go_live": None}), "baselines[0].go_live", "ISO date"),
        (_with_history({**PAST, "start": "30.11.2026"}), "baselines[0].start", "ISO date"),
        (_with_history({**PAST, "set_at": "noon"}), "baselines[0].set_at", "ISO date-time"),
        (_with_history({**PAST, "reason": ["x"]}), "baselines[0].reason", "non-empty string"),
    ],
)
def test_malformed_property_names_the_field(created, mutate, field, says):
    data = copy.deepcopy(created)
    mutate(data)
    with pytest.raises(BaselineError) as caught:
        Baseline.from_property(data)
    assert caught.value.field == field
    assert says in str(caught.value)
    assert f"at '{field}'" in str(caught.value)


def test_baseline_error_is_a_value_error_and_a_nivosync_error():
    with pytest.raises(ValueError, match=r"at '\(top level\)': expected an object, got list"):
        Baseline.from_property([])
    assert issubclass(BaselineError, NivosyncError)
