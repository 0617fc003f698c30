"""The human view of a computed plan (`nivosync plan`)."""

from __future__ import annotations

from nivosync.core.plan import Plan
from nivosync.views.table import text_table


def plan_text(plan: Plan) -> str:
    template = plan.template
    release = plan.release
    head = [
        f"Release   {release.title}  (slug {release.slug}, label {release.label})",
        f"Template  {template.name} — {template.spec.title} "
        f"(schema {template.spec.schema_version})",
        f"Epic      {plan.epic_summary}",
        f"Dates     start {plan.start}  go-live {plan.go_live}  end {plan.end}",
    ]
    if plan.holidays:
        days = ", ".join(f"{d} ({name})" for d, name in plan.holidays)
        head.append(f"Holidays  {days}")
    tasks = text_table(
        ["Week", "Task", "Role(s)", "Assignee", "Start", "Due", "Depends on"],
        [
            [
                t.weeks,
                t.name + (" [go-live]" if t.go_live else ""),
                ", ".join(t.roles),
                " ".join([t.assignee or "(unassigned)", *(f"+{w}" for w in t.watchers)]),
                t.start,
                t.due,
                ", ".join(t.depends_on),
            ]
            for t in plan.tasks
        ],
    )
    milestones = text_table(
        ["Week", "Milestone", "Start", "End", "Tasks"],
        [[m.weeks, m.name, m.start, m.end, len(m.tasks)] for m in plan.milestones],
    )
    people = text_table(
        ["Role", "Person", "Responsibility"],
        [[r.role, r.person or "(unassigned)", r.description] for r in plan.roles],
    )
    return "\n\n".join(["\n".join(head), tasks, milestones, people]) + "\n"
