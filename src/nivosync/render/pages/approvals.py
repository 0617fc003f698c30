"""The Change Advisory's approvals table: each approver's decision, by whom and when.

With the approvers' decisions (one Jira sub-task each, see `core.approvals`), a one-line
verdict comes first — approved by all, rejected by whom, or who is still to decide — then one
row per approver: their decision (linked to their sub-task), who decided and when. A release
whose approval task has no approval sub-tasks (made before they existed) shows the approval
issue's status on every row, as it always did. Each row keeps a people's region for the
approver's comment, whatever the rest says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nivosync.core.approvals import Approval, approval_complete, approved_on
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
from nivosync.render.storage import Colour, Content, Element, link, p, panel, status, strong, table

DECISIONS: dict[str, tuple[str, Colour]] = {
    "approved": ("Approved", "Green"),
    "rejected": ("Rejected", "Red"),
    "pending": ("Pending", "Grey"),
}
HEADERS = ("Approver", "Person", "Decision", "By", "On", "Comments")
HOW_TO = (
    "Each approver decides in Jira, on their own approval sub-task: move it to Done to approve; "
    "to reject, move it to Done with the resolution Won't Do (or to Rejected, where the workflow "
    "has it) and say why in a comment."
)


def approvals_section(
    approvers: Sequence[str],
    persons: Mapping[str, str | None],
    mentions: People | None,
    approval: IssueRef | None,
    decisions: Sequence[Approval] = (),
) -> list[Content]:
    """The approvers of the template with their decisions; `approval` is the Change Advisory
    Approval issue, `decisions` each approver's (empty: the release has no approval sub-tasks,
    and the approval issue's status stands for everyone). Each row keeps a people's region for
    the approver's comment."""
    if not decisions:
        return _shared_issue(approvers, persons, mentions, approval)
    by_role = {d.role: d for d in decisions}
    shown = [by_role.get(r, Approval(r, "pending", None, None, None, None)) for r in approvers]
    rows = [_row(d, persons, mentions) for d in shown]
    return [
        p(strong(*verdict(shown, persons, mentions))),
        *_closed_early(approval, shown),
        p(HOW_TO, " Recorded in Jira under ", issue_key(approval), "."),
        table(HEADERS, rows),
    ]


def verdict(
    decisions: Sequence[Approval], persons: Mapping[str, str | None], mentions: People | None
) -> list[Content]:
    """'Approved by all 3 approvers on <date>', 'Rejected by <role> (<person>) on <date>', or
    '2 of 3 approvers have decided; pending: <roles>'."""
    total = len(decisions)
    pending = [d.role for d in decisions if d.state == "pending"]
    rejected = [d for d in decisions if d.state == "rejected"]
    if approval_complete(decisions, False):
        day = approved_on(decisions)
        everyone = "the approver" if total == 1 else f"all {total} approvers"
        return [f"Approved by {everyone}" + (f" on {day_cell(day)}" if day else "") + "."]
    if rejected:
        said: list[Content] = []
        for index, d in enumerate(rejected):
            said += ["; " if index else "Rejected by ", f"{d.role} ("]
            said += [person(persons.get(d.role), mentions), ")"]
            said += [f" on {day_cell(d.on)}"] if d.on else []
        return [*said, f"; pending: {', '.join(pending)}." if pending else "."]
    decided = total - len(pending)
    noun = "approver has" if total == 1 else "approvers have"
    return [f"{decided} of {total} {noun} decided; pending: {', '.join(pending)}."]


def _closed_early(approval: IssueRef | None, decisions: Sequence[Approval]) -> list[Element]:
    """A warning when the approval issue is closed although not every approver approved."""
    if approval is None or not approval.done or approval_complete(decisions, False):
        return []
    refused = any(d.state == "rejected" for d in decisions)
    why = "an approver rejected this change" if refused else "not every approver has decided"
    return [
        panel(
            "warning",
            p(
                "The approval issue ",
                issue_key(approval),
                f" is closed in Jira, but {why}: the change is not approved.",
            ),
            title="Closed without every approval",
        )
    ]


def _row(
    decision: Approval, persons: Mapping[str, str | None], mentions: People | None
) -> tuple[Content, ...]:
    role = decision.role
    title, colour = DECISIONS[decision.state]
    cell: list[Content] = [status(title, colour)]
    if decision.key:
        cell += [" ", link(decision.url, decision.key)]
    return (
        role,
        person(persons.get(role), mentions, nobody="(unassigned)"),
        cell,
        _by(decision, mentions),
        day_cell(decision.on) if decision.state != "pending" else NONE,
        region_cell(region_id("ca-approval", role)),
    )


def _by(decision: Approval, mentions: People | None) -> Content:
    if decision.state == "pending":
        return NONE
    if not decision.from_history:
        presumed = person(decision.by, mentions) if decision.by else "nobody"
        return ["unknown (Jira kept no history; assigned to ", presumed, ")"]
    return person(decision.by, mentions, nobody="unknown")


def _shared_issue(
    approvers: Sequence[str],
    persons: Mapping[str, str | None],
    mentions: People | None,
    approval: IssueRef | None,
) -> list[Content]:
    """One approval issue for everyone (a release without approval sub-tasks)."""
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
