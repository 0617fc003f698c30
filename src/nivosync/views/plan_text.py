"""The human views of a computed plan (`nivosync plan`): a table, or the task rows as plain
text or CSV."""

from __future__ import annotations

from nivosync.core.plan import Plan
from nivosync.views.style import Format, OutputStyle
from nivosync.views.table import pairs_text, rows_output, text_table

ROW_HEADERS = [
    "ID",
    "Week",
    "Task",
    "Milestone",
    "Roles",
    "Assignee",
    "Watchers",
    "Start",
    "Due",
    "Depends on",
    "Go-live",
]


def plan_text(plan: Plan, style: OutputStyle, fmt: Format = "table") -> str:
    """`table`: the release, its tasks, milestones and people; `plain` / `csv`: one row per
    task (every column whole, never wrapped)."""
    if fmt != "table":
        return rows_output(ROW_HEADERS, plan_rows(plan), fmt, style)
    template = plan.template
    release = plan.release
    head = [
        ("Release", f"{release.title}  (slug {release.slug}, label {release.label})"),
        (
            "Template",
            f"{template.name} — {template.spec.title} (schema {template.spec.schema_version})",
        ),
        ("Epic", plan.epic_summary),
        ("Dates", f"start {plan.start}  go-live {plan.go_live}  end {plan.end}"),
    ]
    if plan.holidays:
        head.append(("Holidays", ", ".join(f"{d} ({name})" for d, name in plan.holidays)))
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
        style,
    )
    milestones = text_table(
        ["Week", "Milestone", "Start", "End", "Tasks"],
        [[m.weeks, m.name, m.start, m.end, len(m.tasks)] for m in plan.milestones],
        style,
    )
    people = text_table(
        ["Role", "Person", "Responsibility"],
        [[r.role, r.person or "(unassigned)", r.description] for r in plan.roles],
        style,
    )
    return "\n\n".join([pairs_text(head, style), tasks, milestones, people]) + "\n"


def plan_rows(plan: Plan) -> list[list[object]]:
    """One row per task, in plan order, every value in its own column."""
    return [
        [
            t.id,
            t.weeks,
            t.name,
            t.milestone,
            ", ".join(t.roles),
            t.assignee or "",
            ", ".join(t.watchers),
            t.start,
            t.due,
            ", ".join(t.depends_on),
            "yes" if t.go_live else "",
        ]
        for t in plan.tasks
    ]
