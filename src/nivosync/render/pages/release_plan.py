"""The release plan page: the "Sample Deployment and Upgrade Plan Template" table, filled in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from nivosync.core.identity import release_macro_jql
from nivosync.core.pages import page_title
from nivosync.core.plan import Plan, PlannedMilestone, PlannedTask
from nivosync.render.pages.common import (
    NONE,
    GoLiveDates,
    IssueRef,
    People,
    RenderedPage,
    day_cell,
    go_live_cell,
    issue_key,
    issue_status,
    people,
    person,
    role_mention_lines,
)
from nivosync.render.regions import notes_section
from nivosync.render.storage import (
    Content,
    Element,
    code,
    heading,
    jira_issues,
    key_value_table,
    lines,
    link,
    p,
    panel,
    render,
    strong,
    table,
    toc,
    ul,
    unbroken,
)

PLAN_COLUMNS = (
    "Week",
    "Task",
    "Description",
    "Start Date",
    "End Date",
    "Approval Responsibility",
    "Status",
    "Notes",
)


@dataclass(frozen=True)
class JiraServer:
    """Which Jira the live issues macro reads from: Confluence's application link to it."""

    name: str | None = None
    server_id: str | None = None


def render_release_plan(
    plan: Plan,
    issues: Mapping[str, IssueRef] | None = None,
    *,
    epic: IssueRef | None = None,
    jira_server: JiraServer | None = None,
    forecast: GoLiveDates | None = None,
    mentions: People | None = None,
) -> RenderedPage:
    """The plan page; `issues` maps task id → its Jira issue (status shown when given);
    `forecast`, when the release is running, adds the projected (or actual) go-live;
    `mentions` makes the people Confluence user mentions where their users are known."""
    issues = issues or {}
    server = jira_server or JiraServer()
    body = render(
        _intro(plan),
        toc(),
        heading(2, "Overview"),
        _overview(plan, epic, forecast),
        heading(2, "Deployment and upgrade plan"),
        table(PLAN_COLUMNS, [_task_row(plan, t, issues.get(t.id), mentions) for t in plan.tasks]),
        heading(2, "Milestones"),
        table(
            ("Week", "Milestone", "Phase", "Start Date", "End Date", "Tasks"),
            [_milestone_row(m, issues) for m in plan.milestones],
        ),
        _holidays(plan),
        heading(2, "Project resources"),
        table(
            ("Role", "Person", "Responsibility"),
            [
                (r.role, person(r.person, mentions, nobody="(unassigned)"), r.description)
                for r in plan.roles
            ],
        ),
        heading(2, "Risk management"),
        _risks(plan),
        heading(2, "Jira issues"),
        p("All issues of this release, live from Jira (label ", code(plan.release.label), ")."),
        jira_issues(
            release_macro_jql(plan.release), server=server.name, server_id=server.server_id
        ),
        notes_section("plan-notes"),
    )
    return RenderedPage("plan", page_title("plan", plan.release), body)


def _intro(plan: Plan) -> Element:
    template = plan.template
    return panel(
        "info",
        p(
            "Published by nivosync from the plan template ",
            strong(template.spec.title),
            f" ({template.name}). Dates count working days only: weekends and the holidays "
            "below are skipped.",
        ),
    )


def _overview(plan: Plan, epic: IssueRef | None, forecast: GoLiveDates | None) -> Element:
    go_live = next(t for t in plan.tasks if t.go_live)
    rows: list[tuple[str, Content]] = [
        ("Customer", plan.release.customer),
        ("Release", plan.release.release),
        ("Start", day_cell(plan.start)),
        ("Go-live", unbroken(go_live_cell(plan.go_live, forecast, go_live.name))),
        ("End", day_cell(plan.end)),
    ]
    if epic is not None:
        lozenge = [" ", issue_status(epic)] if epic.status else []
        rows.append(("Jira epic", [issue_key(epic), lozenge]))
    return key_value_table(rows)


def _task_row(
    plan: Plan, task: PlannedTask, ref: IssueRef | None, mentions: People | None
) -> list[Content]:
    name: Content = task.name if ref is None else [link(ref.url, task.name), f" ({ref.key})"]
    return [
        f"Week {task.weeks}",
        name,
        task.overview,
        day_cell(task.start),
        day_cell(task.due),
        role_mention_lines(task.roles, people(plan), mentions),
        issue_status(ref),
        lines("\n".join(_task_notes(plan, task))),
    ]


def _task_notes(plan: Plan, task: PlannedTask) -> list[str]:
    notes = ["Go-live"] if task.go_live else []
    if task.depends_on:
        notes.append("After: " + ", ".join(plan.task(d).name for d in task.depends_on))
    notes += [f"Holiday: {_holiday(d, n)}" for d, n in plan.holidays if task.start <= d <= task.due]
    return notes


def _holiday(when: date, name: str) -> str:
    # Explicit config holidays are all named "holiday"; saying it twice helps nobody.
    return day_cell(when) if name.casefold() == "holiday" else f"{day_cell(when)} ({name})"


def _milestone_row(milestone: PlannedMilestone, issues: Mapping[str, IssueRef]) -> list[Content]:
    refs = [issues[t] for t in milestone.tasks if t in issues]
    count = f"{len(milestone.tasks)}"
    if refs and all(r.category for r in refs):
        count += f" ({sum(r.done for r in refs)} done)"
    return [
        f"Week {milestone.weeks}",
        milestone.name,
        milestone.phase or NONE,
        day_cell(milestone.start),
        day_cell(milestone.end),
        count,
    ]


def _holidays(plan: Plan) -> list[Content]:
    if not plan.holidays:
        return []
    return [
        heading(2, "Non-working days"),
        ul(_holiday(d, name) for d, name in plan.holidays),
    ]


def _risks(plan: Plan) -> Element:
    if not plan.risks:
        return p("The plan template lists no risks.")
    return table(("Risk", "Mitigation"), [(r.risk, r.mitigation) for r in plan.risks])
