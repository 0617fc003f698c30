"""Per-approver approvals over simulated days, on both flavours: each approver decides on their
own sub-task in Jira; the Change Advisory shows each decision, by whom and when; the nightly
sync counts the approval task done only once every approver approved."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from jira import JIRA

from nivosync.render.storage import parse_storage
from nivosync.sandbox.auth import user_token

from .conftest import E2ESite, reader, start_site
from .test_sync import ACME, cli, create, page_body, sync

APPROVAL = "change-advisory-approval"
DANA, DEV, SME, ADMIN = (
    "dana@example.com",
    "dev@example.com",
    "sme@acme.example",
    "admin@example.com",
)
USERNAMES = {DANA: "dana", DEV: "dev", SME: "acme.sme", ADMIN: "admin"}
NON_BREAKING_HYPHEN = "\u2011"
AC = "{http://atlassian.com/content}"
RI = "http://atlassian.com/resource/identifier"


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Iterator[E2ESite]:
    """The example site whose Done transition asks for a resolution (so one can reject)."""
    tailor = lambda seed: replace(seed, resolution_screen=True)  # noqa: E731
    yield from start_site(tmp_path, request.param, monkeypatch, tailor)


def as_person(site: E2ESite, email: str) -> JIRA:
    """Jira as `email` sees it: an approver deciding on their own sub-task."""
    site.sandbox.faults.configure({"index_lag_seconds": 0})
    login = email if site.flavor == "cloud" else USERNAMES[email]
    return JIRA(site.sandbox.jira_url, basic_auth=(login, user_token(site.sandbox.seed, email)))


def decide(site: E2ESite, email: str, key: str, day: date, resolution: str = "Done") -> None:
    """`email` moves `key` to Done with `resolution` at 16:00 on `day` (the sandbox clock)."""
    site.sandbox.clock.set(datetime(day.year, day.month, day.day, 16, tzinfo=UTC))
    client = as_person(site, email)
    done = next(t["id"] for t in client.transitions(key) if t["name"] == "Done")
    client.transition_issue(key, done, fields={"resolution": {"name": resolution}})
    site.sandbox.clock.set(None)


def approval_keys(site: E2ESite) -> dict[str, str]:
    """Role → its approval sub-task, as a re-run of `create` lists them (no write)."""
    result = cli(site, "create", *ACME, "--start", "2026-12-07", "--json", "--no-publish")
    assert result.exit_code == 0, result.output
    return {a["role"]: a["key"] for a in json.loads(result.stdout)["approvals"]}


def change_advisory(site: E2ESite) -> tuple[str, list[list[str]], list[str]]:
    """Publish the Change Advisory; its approvals section as the verdict, the table rows (cell
    texts) and each row's By cell as storage (to see mentions)."""
    result = cli(site, "publish", *ACME, "--page", "change-advisory", "--json")
    assert result.exit_code == 0, result.output
    page = next(p for p in json.loads(result.stdout)["pages"] if p["kind"] == "change-advisory")
    root = parse_storage(page_body(site, page["id"]))
    site.page_text = seen(root)  # type: ignore[attr-defined]
    blocks = list(root)
    start = next(i for i, b in enumerate(blocks) if b.tag == "h2" and seen(b) == "Approvals")
    section = blocks[start + 1 :]
    section = section[: next((i for i, b in enumerate(section) if b.tag == "h2"), len(section))]
    verdict = seen(section[0])
    table = next(b for b in section if b.tag == "table")
    rows = [[seen(td) for td in tr.iter("td")] for tr in table.iter("tr")][1:]
    body_rows = list(table.iter("tr"))[1:]
    by_cells = [ET.tostring(list(tr.iter("td"))[3], encoding="unicode") for tr in body_rows]
    return verdict, rows, by_cells


def seen(node: ET.Element) -> str:
    """What a reader sees: lozenge titles, text; dates' non-breaking hyphens as hyphens."""
    return " ".join("".join(_shown(node)).split()).replace(NON_BREAKING_HYPHEN, "-")


def _shown(node: ET.Element) -> Iterator[str]:
    if node.tag == f"{AC}structured-macro" and node.get(f"{AC}name") == "status":
        yield from (p.text or "" for p in node if p.get(f"{AC}name") == "title")
        return
    yield node.text or ""
    for child in node:
        if child.tag != f"{AC}parameter":  # a macro's parameters are not what a reader sees
            yield from _shown(child)
        yield child.tail or ""


def approval_task(report: dict) -> dict:
    (release,) = report["releases"]
    return next(t for t in release["tasks"] if t["task_id"] == APPROVAL)


def searches(site: E2ESite) -> int:
    return sum(r["path"].endswith(("/search/jql", "/search")) for r in site.requests())


def test_one_approves_one_rejects_one_is_pending(site: E2ESite):
    keys = create(site)
    subtasks = approval_keys(site)
    assert list(subtasks) == ["Delivery Supervisor", "Development Team", "Client SME Teams"]
    site.clear()
    verdict, rows, _by = change_advisory(site)
    nobody_decided = searches(site)
    assert verdict.startswith("0 of 3 approvers have decided; pending: Delivery Supervisor,")
    assert [r[2] for r in rows] == [f"Pending {k}" for k in subtasks.values()]

    decide(site, DANA, subtasks["Delivery Supervisor"], date(2027, 1, 4))
    decide(site, DEV, subtasks["Development Team"], date(2027, 1, 5), "Won't Do")
    # The approval task is closed anyway, while an approver is still to decide.
    resolve_approval_task(site, keys[APPROVAL], date(2027, 1, 5))
    site.clear()
    verdict, rows, by_cells = change_advisory(site)
    assert searches(site) == nobody_decided + 1  # the decided sub-tasks' histories: one search
    assert verdict.startswith("Rejected by Development Team (")  # (its person, a mention)
    assert verdict.endswith(") on 2027-01-05; pending: Client SME Teams.")
    approved, rejected, pending = rows
    assert approved[2:5] == [
        f"Approved {subtasks['Delivery Supervisor']}",
        approved[3],
        "2027-01-04",
    ]
    assert mentioned(by_cells[0])  # dana, as a mention: she moved it herself
    assert rejected[2:5] == [f"Rejected {subtasks['Development Team']}", rejected[3], "2027-01-05"]
    assert mentioned(by_cells[1])
    assert pending[2:5] == [f"Pending {subtasks['Client SME Teams']}", "—", "—"]
    body = " ".join(" ".join(r) for r in rows)
    assert "unknown" not in body  # every decision's history was read
    assert "is closed in Jira, but an approver rejected this change" in site.page_text

    _code, report = sync(site, *ACME, "--as-of", "2027-01-07", "--no-publish")
    task = approval_task(report)
    assert task["status_category"] != "done" and task["actual_finish"] is None
    assert task["status"] == "Rejected by Development Team"
    assert task["late"] is True
    (release,) = report["releases"]
    assert release["projected_go_live"] > release["planned_go_live"]  # go-live waits for it


def test_all_three_approve_and_the_approval_task_is_complete(site: E2ESite):
    create(site)
    subtasks = approval_keys(site)
    decide(site, DANA, subtasks["Delivery Supervisor"], date(2027, 1, 4))
    _code, early = sync(site, *ACME, "--as-of", "2027-01-05", "--no-publish")
    assert approval_task(early)["status"] == "To Do; 1 of 3 approved"
    decide(site, DEV, subtasks["Development Team"], date(2027, 1, 5))
    decide(site, ADMIN, subtasks["Client SME Teams"], date(2027, 1, 6))  # on the SME's behalf

    _code, report = sync(site, *ACME, "--as-of", "2027-01-07", "--no-publish")
    task = approval_task(report)
    assert task["status_category"] == "done"  # its own issue is still open: approvals decide
    assert task["actual_finish"] == "2027-01-06"  # the last approval
    (release,) = report["releases"]
    assert release["projected_go_live"] == release["planned_go_live"] == "2027-01-07"

    verdict, rows, by_cells = change_advisory(site)
    assert verdict == "Approved by all 3 approvers on 2027-01-06."
    assert [r[4] for r in rows] == ["2027-01-04", "2027-01-05", "2027-01-06"]
    assert "admin@example.com" in rows[2][3] or mentioned(by_cells[2])  # who moved it, not
    assert "sme" not in rows[2][3]  # its assignee


def test_a_release_made_before_approval_sub_tasks_gets_them_from_create(site: E2ESite):
    keys = create(site)
    client = reader(site)
    for key in approval_keys(site).values():
        client.issue(key).delete()
    _code, report = sync(site, *ACME, "--as-of", "2026-12-08", "--no-publish")
    assert approval_task(report)["status"] == "To Do"  # no sub-tasks: the issue's own status
    resolve_approval_task(site, keys[APPROVAL], date(2027, 1, 5))
    _code, older = sync(site, *ACME, "--as-of", "2027-01-07", "--no-publish")
    assert approval_task(older)["status_category"] == "done"  # today's behaviour
    assert approval_task(older)["actual_finish"] == "2027-01-05"
    verdict, rows, _by = change_advisory(site)
    assert verdict.startswith("Approval is recorded in Jira")
    assert [r[2] for r in rows] == ["Done"] * 3

    result = cli(site, "create", *ACME, "--start", "2026-12-07", "--json", "--no-publish")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)["approvals"]
    assert {a["action"] for a in made} == {"created"}
    assert {client.issue(a["key"]).fields.parent.key for a in made} == {keys[APPROVAL]}


def resolve_approval_task(site: E2ESite, key: str, day: date) -> None:
    decide(site, ADMIN, key, day)


def mentioned(cell: str) -> bool:
    """Whether a cell (as storage) mentions a Confluence user."""
    user = ET.fromstring(cell).find(f".//{{{RI}}}user")
    return user is not None
