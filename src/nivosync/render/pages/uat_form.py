"""The UAT form: the test scenarios with steps and expected outcomes, results to fill in, sign-off.

Scenarios come from the template's `uat_scenarios`; a customer's own (e.g. from config) are
passed as `extra_scenarios`: one with a template scenario's id replaces it, others are appended.
"""

from __future__ import annotations

from collections.abc import Sequence

from nivosync.core.pages import page_title
from nivosync.core.plan import Plan
from nivosync.core.template import UatScenarioSpec
from nivosync.render.pages.common import RenderedPage, day, people, role_lines
from nivosync.render.storage import (
    Content,
    Element,
    heading,
    key_value_table,
    ol,
    p,
    panel,
    render,
    status,
    strong,
    table,
    task_list,
    toc,
)

SCENARIO_COLUMNS = (
    "ID",
    "Scenario",
    "Steps",
    "Expected outcome",
    "Tester",
    "Result",
    "Comments",
)


def merge_scenarios(
    template: Sequence[UatScenarioSpec], extra: Sequence[UatScenarioSpec]
) -> list[UatScenarioSpec]:
    """The template's scenarios with same-id replacements from `extra`, then extra's new ones."""
    replacements = {s.id: s for s in extra}
    merged = [replacements.pop(s.id, s) for s in template]
    return merged + [s for s in extra if s.id in replacements]


def render_uat_form(plan: Plan, *, extra_scenarios: Sequence[UatScenarioSpec] = ()) -> RenderedPage:
    scenarios = merge_scenarios(plan.template.uat_scenarios, extra_scenarios)
    persons = people(plan)
    body = render(
        _instructions(),
        toc(),
        heading(2, "Overview"),
        key_value_table(
            [
                ("Customer", plan.release.customer),
                ("Release", plan.release.release),
                ("Go-live (planned)", day(plan.go_live)),
                ("Scenarios", str(len(scenarios))),
            ]
        ),
        heading(2, "Test scenarios"),
        _scenarios(scenarios, persons),
        heading(2, "Sign-off"),
        _sign_off(scenarios, persons),
    )
    return RenderedPage("uat", page_title("uat", plan.release), body)


def _instructions() -> Element:
    return panel(
        "info",
        p(
            "For each scenario, follow the steps in the UAT environment and compare what happens "
            "with the expected outcome. Record who tested it, the result and any comments."
        ),
        p(
            "Result: edit the lozenge to ",
            status("Pass", "Green"),
            ", ",
            status("Fail", "Red"),
            " or ",
            status("Blocked", "Yellow"),
            ".",
        ),
        title="How to fill in this form",
    )


def _scenarios(scenarios: Sequence[UatScenarioSpec], persons: dict[str, str | None]) -> Content:
    if not scenarios:
        return panel(
            "warning",
            p(
                "No test scenarios yet: add ",
                strong("uat_scenarios"),
                " to the plan template or the customer's configuration.",
            ),
            title="No scenarios",
        )
    return table(
        SCENARIO_COLUMNS,
        [
            [
                s.id,
                s.title,
                ol(s.steps),
                s.expected,
                role_lines(s.roles, persons),
                status("Not tested"),
                "",
            ]
            for s in scenarios
        ],
    )


def _sign_off(
    scenarios: Sequence[UatScenarioSpec], persons: dict[str, str | None]
) -> list[Content]:
    roles = list(dict.fromkeys(role for s in scenarios for role in s.roles))
    rows: list[list[Content]] = [
        [role, persons.get(role) or "", status("Pending"), "", ""] for role in roles
    ]
    rows = rows or [["", "", status("Pending"), "", ""]]
    return [
        task_list(
            [
                ("Every scenario has a result.", False),
                ("Failed and blocked scenarios are recorded as feedback.", False),
            ]
        ),
        table(("Role", "Name", "Decision", "Date", "Comments"), rows),
    ]
