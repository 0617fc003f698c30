"""The UAT form: the test scenarios with steps and expected outcomes, results to fill in, sign-off.

Scenarios come from the template's `uat_scenarios`; a customer's own (e.g. from config) are
passed as `extra_scenarios`: one with a template scenario's id replaces it, others are appended.
The result, comments and defects cells, the sign-off cells and its checklist are people's
regions (`render.regions`), named by scenario id and role: nivosync keeps what testers write.
"""

from __future__ import annotations

from collections.abc import Sequence

from nivosync.core.pages import page_title
from nivosync.core.plan import Plan
from nivosync.core.template import UatScenarioSpec
from nivosync.core.uat_evidence import scenario_region, sign_off_region, sign_off_roles
from nivosync.render.pages.common import (
    People,
    RenderedPage,
    day_cell,
    people,
    person,
    role_mention_lines,
)
from nivosync.render.regions import region_cell, region_panel
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
    unbroken,
)

SCENARIO_COLUMNS = (
    "ID",
    "Scenario",
    "Steps",
    "Expected outcome",
    "Tester",
    "Result",
    "Comments",
    "Defects",
)


def merge_scenarios(
    template: Sequence[UatScenarioSpec], extra: Sequence[UatScenarioSpec]
) -> list[UatScenarioSpec]:
    """The template's scenarios with same-id replacements from `extra`, then extra's new ones."""
    replacements = {s.id: s for s in extra}
    merged = [replacements.pop(s.id, s) for s in template]
    return merged + [s for s in extra if s.id in replacements]


def render_uat_form(
    plan: Plan,
    *,
    extra_scenarios: Sequence[UatScenarioSpec] = (),
    mentions: People | None = None,
) -> RenderedPage:
    """The UAT form; `mentions` makes people Confluence user mentions where they are known."""
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
                ("Go-live (planned)", day_cell(plan.go_live)),
                ("Scenarios", str(len(scenarios))),
            ]
        ),
        heading(2, "Test scenarios"),
        _scenarios(scenarios, persons, mentions),
        heading(2, "Sign-off"),
        _sign_off(scenarios, persons, mentions),
    )
    return RenderedPage("uat", page_title("uat", plan.release), body)


def _instructions() -> Element:
    return panel(
        "info",
        p(
            "For each scenario, follow the steps in the UAT environment and compare what happens "
            "with the expected outcome. Record the result, any comments and the defects raised "
            "(their Jira keys)."
        ),
        p(
            "nivosync keeps what is written in the Result, Comments and Defects cells and in the "
            "sign-off; it keeps the rest of this page up to date from the release plan."
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


def _scenarios(
    scenarios: Sequence[UatScenarioSpec],
    persons: dict[str, str | None],
    mentions: People | None,
) -> Content:
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
                unbroken(s.id),
                s.title,
                ol(s.steps),
                s.expected,
                role_mention_lines(s.roles, persons, mentions),
                region_cell(scenario_region(s.id, "result"), status("Not tested")),
                region_cell(scenario_region(s.id, "comments")),
                region_cell(scenario_region(s.id, "defects")),
            ]
            for s in scenarios
        ],
    )


def _sign_off(
    scenarios: Sequence[UatScenarioSpec],
    persons: dict[str, str | None],
    mentions: People | None,
) -> list[Content]:
    roles = sign_off_roles(scenarios)
    rows: list[list[Content]] = [
        [role, person(persons.get(role), mentions, nobody=""), *_decision(role)] for role in roles
    ]
    rows = rows or [["", "", *_decision("")]]
    return [
        region_panel(
            "uat-sign-off-checklist",
            task_list(
                [
                    ("Every scenario has a result.", False),
                    ("Failed and blocked scenarios are recorded as feedback.", False),
                ]
            ),
        ),
        table(("Role", "Name", "Decision", "Date", "Comments"), rows),
    ]


def _decision(role: str) -> list[Content]:
    """A sign-off row's cells for people: the decision, its date, comments."""
    return [
        region_cell(sign_off_region(role, "decision"), status("Pending")),
        region_cell(sign_off_region(role, "date")),
        region_cell(sign_off_region(role, "comments")),
    ]
