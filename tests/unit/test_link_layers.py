"""Issue 15: the missing tasks in as few bulk creates as their links allow (pure)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from types import SimpleNamespace

from nivosync.app.task_writes import link_layers
from nivosync.core.calendar import WorkCalendar
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import build_plan
from nivosync.inputs.templates import load_template

REPO = Path(__file__).resolve().parents[2]


def shipped_plan():
    template = load_template(REPO / "plan_templates/nivomax-5-week.yaml")
    calendar = WorkCalendar.build(set())
    people = dict.fromkeys(template.role_names)  # nobody: links are all that matter here
    return build_plan(template, ReleaseIdentity("Acme", "1.0"), date(2026, 12, 7), people, calendar)


def graph(**depends_on: tuple[str, ...]):
    tasks = [SimpleNamespace(id=t, depends_on=d) for t, d in depends_on.items()]
    return SimpleNamespace(tasks=tasks)


def no_linked_pair_shares_a_layer(plan, layers) -> bool:
    where = {t: n for n, layer in enumerate(layers) for t in layer}
    return all(
        where[t.id] != where[d]
        for t in plan.tasks
        if t.id in where
        for d in t.depends_on
        if d in where
    )


def test_the_shipped_template_is_created_in_two_bulk_requests():
    plan = shipped_plan()
    layers = link_layers(plan, [t.id for t in plan.tasks], [])
    assert len(layers) == 2  # its dependencies form no odd cycle (ten dependency layers deep)
    assert sorted(t for layer in layers for t in layer) == sorted(t.id for t in plan.tasks)
    assert no_linked_pair_shares_a_layer(plan, layers)
    # Blockers tend to come first: the kickoff and the tasks that wait on nothing.
    assert {"upgrade-release-kickoff", "release-notes-document"} <= set(layers[0])
    assert "uat-form-preparation" in layers[0] and "customer-uat-engagement" in layers[1]


def test_an_odd_cycle_of_links_needs_three():
    plan = graph(a=(), b=("a",), c=("a", "b"))
    assert link_layers(plan, ["a", "b", "c"], []) == [["a"], ["b"], ["c"]]


def test_only_the_missing_are_layered_and_links_to_existing_ones_ride_anywhere():
    plan = graph(a=(), b=("a",), c=("b",), d=("c",))
    assert link_layers(plan, ["b", "d"], ["a", "c"]) == [["b", "d"]]
    assert link_layers(plan, ["c", "d"], ["a", "b"]) == [["c"], ["d"]]
    assert link_layers(plan, [], ["a", "b", "c", "d"]) == []
