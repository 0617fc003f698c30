"""The Change Advisory's approvals table with each approver's decision (pure rendering)."""

from __future__ import annotations

from datetime import date

from nivosync.core.approvals import Approval
from nivosync.render.pages.approvals import approvals_section
from nivosync.render.pages.common import IssueRef
from nivosync.render.storage import UserId, parse_storage, render

from .test_render_pages import regions, text

ROLES = ("Delivery Supervisor", "Development Team", "Client SME Teams")
PERSONS = {
    "Delivery Supervisor": "dana@example.com",
    "Development Team": "dev@example.com",
    "Client SME Teams": "sme@acme.example",
}
OPEN = IssueRef("NVX-15", "https://jira/browse/NVX-15", "In Progress", "indeterminate")
CLOSED = IssueRef("NVX-15", "https://jira/browse/NVX-15", "Done", "done", date(2027, 1, 6))


def decided(role: str, state: str, key: str, by: str | None = None, on: date | None = None):
    return Approval(role, state, key, f"https://jira/browse/{key}", by, on)  # type: ignore[arg-type]


def shown(approval: IssueRef, decisions, mentions=None):
    root = parse_storage(render(*approvals_section(ROLES, PERSONS, mentions, approval, decisions)))
    rows = [[text(td) for td in tr.iter("td")] for tr in root.iter("tr")][1:]
    return root, text(root), rows


def test_one_approves_one_rejects_one_is_pending():
    decisions = [
        decided(ROLES[0], "approved", "NVX-17", "dana@example.com", date(2027, 1, 5)),
        decided(ROLES[1], "rejected", "NVX-18", "dev@example.com", date(2027, 1, 6)),
        decided(ROLES[2], "pending", "NVX-19"),
    ]
    root, seen, rows = shown(OPEN, decisions)
    assert seen.startswith(
        "Rejected by Development Team (dev@example.com) on 2027-01-06; pending: Client SME Teams."
    )
    assert rows[0][:5] == [
        "Delivery Supervisor",
        "dana@example.com",
        "Approved NVX-17",
        "dana@example.com",
        "2027-01-05",
    ]
    assert rows[1][2:5] == ["Rejected NVX-18", "dev@example.com", "2027-01-06"]
    assert rows[2][2:5] == ["Pending NVX-19", "—", "—"]
    links = [a.get("href") for a in root.iter("a")]
    assert "https://jira/browse/NVX-18" in links
    # Each approver's comments cell stays the people's region it always was.
    assert list(regions(root)) == [
        "ca-approval-delivery-supervisor",
        "ca-approval-development-team",
        "ca-approval-client-sme-teams",
    ]
    assert "Closed without every approval" not in seen
    colours = [p.text for p in root.iter("{http://atlassian.com/content}parameter")]
    assert {"Green", "Red", "Grey"} <= set(colours)


def test_approved_by_all_and_who_is_still_to_decide():
    everyone = [
        decided(r, "approved", f"NVX-{n}", PERSONS[r], date(2027, 1, n - 12))
        for n, r in enumerate(ROLES, 17)
    ]
    _root, seen, _rows = shown(CLOSED, everyone)
    assert seen.startswith("Approved by all 3 approvers on 2027-01-07.")
    two = [*everyone[:2], decided(ROLES[2], "pending", "NVX-19")]
    _root, seen, _rows = shown(OPEN, two)
    assert seen.startswith("2 of 3 approvers have decided; pending: Client SME Teams.")


def test_a_closed_approval_issue_with_a_decision_missing_is_said_plainly():
    decisions = [
        decided(ROLES[0], "approved", "NVX-17", "dana@example.com", date(2027, 1, 5)),
        decided(ROLES[1], "pending", "NVX-18"),
        decided(ROLES[2], "rejected", "NVX-19", "sme@acme.example", date(2027, 1, 6)),
    ]
    _root, seen, _rows = shown(CLOSED, decisions)
    assert "The approval issue NVX-15 is closed in Jira, but an approver rejected this change" in (
        seen
    )


def test_a_decision_without_history_names_its_assignee_as_presumed():
    presumed = Approval(ROLES[0], "approved", "NVX-17", None, "dana@example.com", date(2027, 1, 5))
    presumed = Approval(**{**presumed.__dict__, "from_history": False})
    decisions = [presumed, decided(ROLES[1], "pending", "NVX-18")]
    dana = UserId.cloud("712020:dana")
    _root, _seen, rows = shown(OPEN, decisions, {"dana@example.com": dana})
    assert rows[0][3] == "unknown (Jira kept no history; assigned to )"  # then the mention
    assert rows[2][2] == "Pending"  # no sub-task yet: no link


def test_without_decisions_the_approval_issue_stands_for_everyone():
    _root, seen, rows = shown(CLOSED, ())
    assert seen.startswith("Approval is recorded in Jira: NVX-15.")
    assert [r[2] for r in rows] == ["Done"] * 3
