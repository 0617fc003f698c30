"""The Change Advisory's approvals table: each approver's decision, by whom and when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nivosync.core.regions import region_id
from nivosync.render.pages.common import (
    NONE,
    IssueRef,
    People,
    day_cell,
    issue_key,
    issue_status,
    person,
)
from nivosync.render.regions import region_cell
from nivosync.render.storage import Content, p, table


def approvals_section(
    approvers: Sequence[str],
    persons: Mapping[str, str | None],
    mentions: People | None,
    approval: IssueRef | None,
) -> list[Content]:
    """The approvers of the template with their decisions; `approval` is the Change Advisory
    Approval issue. Each row keeps a people's region for the approver's comment."""
    intro: Content = p("Approval is recorded in Jira: ", issue_key(approval), ".")
    if approval is None:
        intro = p("The Change Advisory Approval issue is not known yet.")
    date = day_cell(approval.resolved) if approval and approval.done else NONE
    rows = [
        (
            role,
            person(persons.get(role), mentions, nobody="(unassigned)"),
            issue_status(approval),
            date,
            region_cell(region_id("ca-approval", role)),
        )
        for role in approvers
    ]
    return [intro, table(("Approver", "Person", "Status", "Date", "Comments"), rows)]
