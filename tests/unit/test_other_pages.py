"""People as Confluence mentions, dates that do not wrap, the release notes' order and the status
page's pointers (the release plan, the next milestone and its owner)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from nivosync.app.mentions import Mentions
from nivosync.app.status_reports import milestone_owners
from nivosync.app.task_states import assignee_refs
from nivosync.confluence.cloud import CloudConfluence
from nivosync.confluence.data_center import DataCenterConfluence
from nivosync.confluence.models import ConfluenceUser
from nivosync.core.baseline import Baseline, epic_property, parse_baseline
from nivosync.core.identity import TASK_LABEL_PREFIX
from nivosync.core.plan import Plan
from nivosync.http import Credentials, Transport
from nivosync.inputs.notes import NoteItem, ReleaseNotesFile
from nivosync.inputs.templates import load_template
from nivosync.jira.models import IssueSnapshot, JiraUser
from nivosync.render.pages import GoLiveDates, collect_changes, render_release_notes
from nivosync.render.pages.common import day_cell, person, role_mention_lines
from nivosync.render.status_page import PageContext, status_page_body
from nivosync.render.storage import (
    NON_BREAKING_HYPHEN,
    UserId,
    date_text,
    parse_storage,
    render,
    unbroken,
    user_mention,
)

from .test_render_pages import REPO, jira_results, make_plan, parsed, text
from .test_status_pages import (
    CREATED,
    TITLE,
    browse,
    on_track,
    plan_from,
    rows,
    section_table,
    slipping,
    summary,
)
from .test_status_pages import parsed as parsed_body


@pytest.fixture(scope="module")
def plan() -> Plan:
    return make_plan(load_template(REPO / "plan_templates/nivomax-5-week.yaml"))


@pytest.fixture(scope="module")
def baseline() -> Baseline:
    return parse_baseline(epic_property(plan_from(date(2026, 12, 7)), CREATED))


ACCOUNT = "5b10ac8d82e05b22cc7d4ef5"
USER_KEY = "8a7f808a8f1e2b3c018f1e2b3c4d0001"
ASCII_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# --- the mention helper ----------------------------------------------------------------------


def test_a_cloud_mention_names_the_atlassian_account():
    assert render(user_mention(UserId.cloud(ACCOUNT))) == (
        f'<ac:link><ri:user ri:account-id="{ACCOUNT}" /></ac:link>'
    )


def test_a_data_center_mention_names_the_user_key():
    assert render(user_mention(UserId.data_center(USER_KEY))) == (
        f'<ac:link><ri:user ri:userkey="{USER_KEY}" /></ac:link>'
    )


def test_a_mention_id_is_an_escaped_attribute_never_markup():
    body = render(user_mention(UserId.cloud('x" /><script>')))
    assert body == '<ac:link><ri:user ri:account-id="x&quot; /&gt;&lt;script&gt;" /></ac:link>'
    parse_storage(body)


def test_a_person_is_a_mention_when_known_else_their_text():
    known = {"dana@example.com": UserId.cloud(ACCOUNT)}
    assert render(person("dana@example.com", known)) == render(
        user_mention(known["dana@example.com"])
    )
    assert person("sam@example.com", known) == "sam@example.com"
    assert person(None, known) == "unassigned"
    assert person("", None, nobody="(unassigned)") == "(unassigned)"


def test_role_lines_with_mentions():
    persons = {"Delivery Supervisor": "dana@example.com", "Testing Team": None}
    known = {"dana@example.com": UserId.data_center(USER_KEY)}
    assert render(role_mention_lines(["Delivery Supervisor", "Testing Team"], persons, known)) == (
        f'Delivery Supervisor (<ac:link><ri:user ri:userkey="{USER_KEY}" /></ac:link>)'
        "<br />Testing Team (unassigned)"
    )


# --- dates that do not wrap ------------------------------------------------------------------


def test_dates_in_cells_use_non_breaking_hyphens():
    assert date_text(date(2027, 1, 7)) == "2027\u201101\u201107"
    assert unbroken("2027-01-07 (forecast)") == "2027\u201101\u201107 (forecast)"
    assert day_cell(date(2027, 1, 7)) == date_text(date(2027, 1, 7))
    assert day_cell(None) == "—"


def cells(body: str) -> list[str]:
    """The text of every table cell of a body (what must not wrap)."""
    root = parse_storage(body)
    return ["".join(cell.itertext()) for tag in ("td", "th") for cell in root.iter(tag)]


def test_no_date_in_a_status_page_table_can_wrap(baseline):
    body = status_page_body(TITLE, slipping(baseline), (), browse)
    assert not [c for c in cells(body) if ASCII_DATE.search(c)]
    assert any(NON_BREAKING_HYPHEN in c for c in cells(body))


# --- the release notes -----------------------------------------------------------------------


def notes_with(*items: NoteItem) -> ReleaseNotesFile:
    return ReleaseNotesFile(Path("notes.yaml"), "Faster exports.", items)


def test_release_notes_put_summary_and_date_first_and_sources_last(plan):
    notes = notes_with(
        NoteItem("known-issues", "Exports over 10,000 rows time out"),
        NoteItem("upgrade-notes", "Re-index the search", "Run the re-index job once."),
    )
    changes = collect_changes(jira_results(), notes)
    page = render_release_notes(plan.release, changes, go_live=plan.go_live)
    root = parsed(page)
    blocks = [child.tag for child in root]
    assert blocks[:2] == ["p", "table"]  # the summary, then customer, release and date
    assert text(root[0]) == "Faster exports."
    assert [r[1] for r in [[text(c) for c in tr] for tr in root[1].iter("tr")]] == [
        "Acme Health",
        "2.4.0",
        "2027-01-07 (planned)",
    ]
    headings = [text(h) for h in root.iter("h2")]
    assert headings == [
        "New features",
        "Improvements",
        "Bug fixes",
        "Other changes",
        "Known issues",
        "Upgrade notes",
        "Sources",
    ]
    assert not [c for c in cells(page.body) if ASCII_DATE.search(c)]


def test_release_notes_state_empty_known_issues_and_upgrade_notes(plan):
    page = render_release_notes(plan.release, collect_changes(jira_results(), None))
    root = parsed(page)
    headings = [text(h) for h in root.iter("h2")]
    assert headings[-3:] == ["Known issues", "Upgrade notes", "Sources"]
    assert "Release date" not in text(root)  # not given: not guessed


@pytest.mark.parametrize(
    ("forecast", "shown"),
    [
        (None, "2027-01-07 (planned)"),
        (GoLiveDates(date(2027, 1, 7), date(2027, 1, 7)), "2027-01-07 (planned)"),
        (
            GoLiveDates(date(2027, 1, 7), date(2027, 1, 11)),
            "2027-01-11 (forecast; planned 2027-01-07)",
        ),
        (
            GoLiveDates(date(2027, 1, 7), date(2027, 1, 8), date(2027, 1, 8)),
            "2027-01-08 (released; planned 2027-01-07)",
        ),
    ],
)
def test_release_date_is_the_one_readers_can_expect(plan, forecast, shown):
    changes = collect_changes(jira_results(), None)
    root = parsed(
        render_release_notes(plan.release, changes, go_live=plan.go_live, forecast=forecast)
    )
    facts = {text(tr[0]): text(tr[1]) for tr in root[0].iter("tr")}
    assert facts["Release date"] == shown


# --- the status page: release plan, next milestone, owner, assignees ---------------------------

PLAN = "Acme Health 2.4.0 — Release Plan"


def test_status_page_links_the_plan_and_names_the_next_milestone_and_owner(baseline):
    owners = milestone_owners(baseline, slipping(baseline))
    owner = owners["release-kickoff"]  # its last task's assignee
    assert owner == 'Dana <b>&" Scully'
    shown = PageContext(PLAN, owners, {owner: UserId.data_center(USER_KEY)})
    root = parsed_body(status_page_body(TITLE, slipping(baseline), (), browse, context=shown))
    facts = summary(root)
    assert facts["Next milestone"] == (
        "Release Kickoff (planned end 2026-12-11, projected end 2026-12-16)"
    )
    (owner_row,) = [tr for tr in root.iter("tr") if text(tr[0]) == "Milestone owner"]
    (user,) = owner_row.iter("{http://atlassian.com/resource/identifier}user")
    assert user.attrib == {"{http://atlassian.com/resource/identifier}userkey": USER_KEY}
    (plan_row,) = [tr for tr in root.iter("tr") if text(tr[0]) == "Release plan"]
    (page,) = plan_row.iter("{http://atlassian.com/resource/identifier}page")
    assert page.get("{http://atlassian.com/resource/identifier}content-title") == PLAN


def test_an_owner_without_a_confluence_user_is_shown_as_text(baseline):
    slip = on_track(baseline)
    shown = PageContext(None, milestone_owners(baseline, slip))
    facts = summary(parsed_body(status_page_body(TITLE, slip, (), browse, context=shown)))
    assert facts["Next milestone"] == "Release Kickoff (planned end 2026-12-11, on plan)"
    assert facts["Milestone owner"] == "Dana Scully"
    assert "Release plan" not in facts  # no plan page yet: no link to a page that is not there
    nobody = PageContext(None, {})
    assert (
        summary(parsed_body(status_page_body(TITLE, slip, (), browse, context=nobody)))[
            "Milestone owner"
        ]
        == "unassigned"
    )


def test_assignees_are_mentions_when_known(baseline):
    shown = PageContext(people={"Dana Scully": UserId.cloud(ACCOUNT)})
    root = parsed_body(status_page_body(TITLE, slipping(baseline), (), browse, context=shown))
    tasks = section_table(root, "Tasks")
    assert tasks is not None
    assignees = [tr[2] for tr in list(tasks.iter("tr"))[1:]]
    mentioned = [
        u.get("{http://atlassian.com/resource/identifier}account-id")
        for cell in assignees
        for u in cell.iter("{http://atlassian.com/resource/identifier}user")
    ]
    assert mentioned and set(mentioned) == {ACCOUNT}
    shown_as_text = [text(c) for c in assignees if not list(c)]
    assert "unassigned" in shown_as_text and 'Dana <b>&" Scully' in shown_as_text
    assert rows(tasks)[0][2] == "Assignee"


def test_milestone_owner_is_the_go_live_or_last_tasks_assignee(baseline):
    slip = slipping(baseline)
    by_task = {t.task_id: t for t in slip.tasks}
    slip = replace(
        slip,
        tasks=tuple(
            replace(t, assignee=f"{t.task_id}@example.com") if t.task_id in by_task else t
            for t in slip.tasks
        ),
    )
    owners = milestone_owners(baseline, slip)
    assert owners["deployment-stabilization"] == "production-deployment@example.com"  # go-live
    kickoff = next(m for m in baseline.milestones if m.id == "release-kickoff")
    assert owners["release-kickoff"] == f"{kickoff.tasks[-1]}@example.com"
    assert set(owners) == {m.id for m in baseline.milestones}


def snapshot(key: str, task: str, assignee: JiraUser | None) -> IssueSnapshot:
    return IssueSnapshot(
        key, key, f"Acme Health 2.4.0: {task}", "Task", "To Do", "new", assignee, None, None,
        None, ("nivosync", f"{TASK_LABEL_PREFIX}{task}"), None, frozenset(),
    )  # fmt: skip


def test_assignee_refs_name_people_as_the_page_does():
    found = assignee_refs(
        [
            snapshot("NVX-2", "kickoff", JiraUser("acc-1", "Dana Scully", "dana@example.com")),
            snapshot("NVX-3", "review", JiraUser("sam", "Sam Support")),
            snapshot("NVX-4", "demo", None),
        ]
    )
    assert found == {"dana@example.com": "acc-1", "Sam Support": "sam"}


# --- Confluence users of Jira users ----------------------------------------------------------


class FakeDataCenter(DataCenterConfluence):
    def __init__(self, users: dict[str, str]) -> None:
        super().__init__(Transport("https://wiki.example.com", Credentials("u", "t")), "REL")
        self.users = users
        self.asked: list[str] = []

    def user(self, *, account_id=None, username=None):  # type: ignore[no-untyped-def]
        self.asked.append(username)
        key = self.users.get(username)
        return ConfluenceUser(username, user_key=key, username=username) if key else None


def test_cloud_mentions_the_jira_account_without_asking_confluence():
    cloud = CloudConfluence(
        Transport("https://acme.atlassian.net/wiki", Credentials("u", "t")), "REL"
    )
    found = Mentions(jira_cloud=True).people(cloud, {"dana@example.com": ACCOUNT})
    assert found == {"dana@example.com": UserId.cloud(ACCOUNT)}


def test_data_center_looks_the_user_key_up_once_per_person():
    confluence = FakeDataCenter({"dana": USER_KEY})
    mentions = Mentions(jira_cloud=False)
    refs = {"dana@example.com": "dana", "Dana D": "dana", "ghost@example.com": "ghost"}
    assert mentions.people(confluence, refs) == {
        "dana@example.com": UserId.data_center(USER_KEY),
        "Dana D": UserId.data_center(USER_KEY),
    }
    assert mentions.people(confluence, refs) == mentions.people(confluence, refs)
    assert confluence.asked == ["dana", "ghost"]  # remembered for the run, found or not


def test_a_jira_user_of_the_other_kind_of_site_stays_text():
    confluence = FakeDataCenter({"dana": USER_KEY})
    assert Mentions(jira_cloud=True).people(confluence, {"dana@example.com": "acc-1"}) == {}
    assert confluence.asked == []
