"""The Change Advisory's plans: implementation, verification, backout, communication, and
the test evidence read from the UAT form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from nivosync.core.pages import page_title
from nivosync.core.plan import Plan, PlannedTask
from nivosync.core.uat_evidence import RESULTS, UatEvidence
from nivosync.inputs.change_advisory import ChangeWindow
from nivosync.render.pages.change_fields import AdvisoryFields
from nivosync.render.pages.common import (
    NONE,
    IssueRef,
    People,
    day_cell,
    issue_key,
    issue_status,
    person,
    role_mention_lines,
    role_person_mention,
)
from nivosync.render.storage import Colour, Content, heading, ol, p, page_link, status, table, ul

RESULT_COLOURS: dict[str, Colour] = {
    "passed": "Green",
    "failed": "Red",
    "blocked": "Yellow",
    "not tested": "Grey",
}
DECISION_COLOURS: dict[str, Colour] = {"signed off": "Green", "rejected": "Red", "pending": "Grey"}


def window_text(day: date, window: ChangeWindow, default_zone: str) -> str:
    """'Tue 2027-01-05 22:00 – Wed 2027-01-06 02:00 Europe/Berlin (UTC+01:00)'."""
    zone_name = window.time_zone or default_zone
    zone = ZoneInfo(zone_name)
    start = datetime.combine(day, window.start, tzinfo=zone)
    end_day = day + timedelta(days=1) if window.end <= window.start else day
    end = datetime.combine(end_day, window.end, tzinfo=zone)
    offsets = dict.fromkeys(_offset(t) for t in (start, end))
    return (
        f"{start:%a} {day.isoformat()} {start:%H:%M} – {end:%a} {end_day.isoformat()} "
        f"{end:%H:%M} {zone_name} ({' / '.join(offsets)})"
    )


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def implementation(
    plan: Plan,
    issues: Mapping[str, IssueRef],
    fields: AdvisoryFields,
    persons: dict[str, str | None],
    mentions: People | None,
) -> list[Content]:
    """The go-live milestone's tasks with owners and dates, then the deployment steps."""
    rows = [
        (
            task.name,
            role_mention_lines(task.roles, persons, mentions),
            day_cell(task.start),
            day_cell(task.due),
            issue_key(issues.get(task.id)),
            issue_status(issues.get(task.id)),
        )
        for task in go_live_tasks(plan)
    ]
    steps = plan.template.change_advisory.implementation_steps
    return [
        p("The tasks of the release plan that carry out the change:"),
        table(("Task", "Owner", "Start", "Due", "Jira", "Status"), rows),
        heading(3, "Steps"),
        *fields.items(
            "implementation_steps", "list the deployment steps, in order.", steps, shape=ol
        ),
    ]


def go_live_tasks(plan: Plan) -> list[PlannedTask]:
    """The tasks of the go-live task's milestone, in plan order."""
    go_live = next(t for t in plan.tasks if t.go_live)
    return [t for t in plan.tasks if t.milestone == go_live.milestone]


def verification(plan: Plan, fields: AdvisoryFields) -> list[Content]:
    advisory = plan.template.change_advisory
    return [
        heading(3, "Before the deployment"),
        *fields.items(
            "pre_checks", "list the checks made before the deployment starts.", advisory.pre_checks
        ),
        heading(3, "After the deployment"),
        *fields.items(
            "post_checks",
            "list the checks that show the deployment succeeded.",
            advisory.post_checks,
        ),
    ]


def backout(
    plan: Plan, fields: AdvisoryFields, persons: dict[str, str | None], mentions: People | None
) -> list[Content]:
    """The standard procedure, this release's plan, what triggers it and who decides."""
    standard = plan.template.change_advisory.rollback_plan
    decider = fields.details.backout_decider or plan.template.backout_decider
    who: Content = (
        role_person_mention(decider, persons, mentions) if decider in persons else decider
    )
    blocks: list[Content] = [p("Decided by: ", who)]
    if standard:
        blocks += [heading(3, "Standard procedure"), p(standard)]
    return [
        *blocks,
        heading(3, "For this release"),
        *fields.text("rollback_plan", "describe how this release is backed out."),
        heading(3, "Triggers"),
        *fields.items(
            "backout_triggers", "list what makes the deployment be backed out (and by when)."
        ),
    ]


def communication(fields: AdvisoryFields) -> list[Content]:
    planned = fields.details.communication
    shaped = (
        [table(("Audience", "Message", "When"), [(c.audience, c.message, c.when) for c in planned])]
        if planned
        else []
    )
    what = "say who is told what, and when: before, during and after the change."
    return fields.given("communication", shaped, what)


def evidence(
    plan: Plan,
    found: UatEvidence | None,
    persons: dict[str, str | None],
    mentions: People | None,
) -> list[Content]:
    """A link to the UAT form and what its testers recorded there."""
    form = page_link(page_title("uat", plan.release))
    if found is None:
        return [p("The ", form, " is not published yet: no results are recorded.")]
    counts = [(status(r.title(), RESULT_COLOURS[r]), str(found.count(r))) for r in RESULTS]
    blocks: list[Content] = [
        p("As recorded on the ", form, " when this page was last updated:"),
        table(("Result", "Scenarios"), counts),
    ]
    open_items = [r for r in found.results if r.result in ("failed", "blocked")]
    if open_items:
        blocks.append(ul(f"{r.id}: {r.title} ({r.result})" for r in open_items))
    if found.sign_offs:
        rows = [
            (
                s.role,
                person(persons.get(s.role), mentions, nobody=NONE),
                status(s.said or "Pending", DECISION_COLOURS[s.decision]),
                s.on or NONE,
            )
            for s in found.sign_offs
        ]
        blocks += [heading(3, "UAT sign-off"), table(("Role", "Name", "Decision", "Date"), rows)]
    return blocks


def evidence_summary(found: UatEvidence | None) -> str:
    """One line for the summary: '6 of 8 scenarios passed, 1 failed; sign-off pending'."""
    if found is None:
        return "UAT form not published yet"
    total = len(found.results)
    parts = [f"{found.count('passed')} of {total} scenarios passed"]
    parts += [f"{found.count(r)} {r}" for r in ("failed", "blocked") if found.count(r)]
    rejected = [s.role for s in found.sign_offs if s.decision == "rejected"]
    if rejected:
        sign_off = "sign-off rejected by " + ", ".join(rejected)
    elif found.signed_off:
        sign_off = "signed off"
    else:
        sign_off = "sign-off pending" if found.sign_offs else "no sign-off roles"
    return ", ".join(parts) + "; " + sign_off
