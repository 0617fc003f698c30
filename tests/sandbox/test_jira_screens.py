"""Screens and create metadata: createmeta routes, off-screen fields refused on create and edit,
required fields, and a team-managed Cloud project (its own issue types and start date)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from jira import JIRA

from nivosync.sandbox import FieldSeed, ScreenSeed, SiteSeed
from nivosync.sandbox.seed import Flavor, demo_seed

from .jira_payloads import create, epic_link, issue_fields
from .site import Site, started

OFF_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
IMPACT = FieldSeed("Customer Impact")
TASK_SCREEN = ScreenSeed(
    "Task", hidden=("Start date", "fixVersions"), required=("Customer Impact",)
)


def _site(tmp_path: Path, seed: SiteSeed) -> Iterator[Site]:
    yield from started(tmp_path / "s.db", seed)


@pytest.fixture(params=["cloud", "datacenter"])
def restricted(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """Project NIVO whose Task screen lacks Start date and fix versions and requires a field."""
    flavor: Flavor = request.param
    seed = replace(demo_seed(flavor), custom_fields=(IMPACT,), screens=(TASK_SCREEN,))
    yield from _site(tmp_path, seed)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[Site]:
    yield from _site(tmp_path, replace(demo_seed("cloud"), project_style="team-managed"))


def items(site: Site, page: dict) -> list[dict]:
    return page["issueTypes" if site.flavor == "cloud" else "values"] if "total" in page else []


def meta_types(site: Site, project: str = "NIVO", **params: int) -> dict:
    response = site.get(site.rest(f"issue/createmeta/{project}/issuetypes"), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def meta_fields(site: Site, type_id: str, **params: int) -> dict:
    response = site.get(site.rest(f"issue/createmeta/NIVO/issuetypes/{type_id}"), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def field_list(site: Site, page: dict) -> list[dict]:
    return page["fields" if site.flavor == "cloud" else "values"]


def type_id(site: Site, name: str) -> str:
    return next(t["id"] for t in items(site, meta_types(site)) if t["name"] == name)


# --- createmeta ------------------------------------------------------------------------------


def test_createmeta_lists_the_project_issue_types(site: Site) -> None:
    page = meta_types(site)
    names = [t["name"] for t in items(site, page)]
    assert names[:2] == ["Epic", "Task"] and "Sub-task" in names
    assert page["total"] == len(names) and page["startAt"] == 0
    if site.flavor == "cloud":
        assert {t["name"]: t["hierarchyLevel"] for t in page["issueTypes"]}["Epic"] == 1
    else:
        assert page["isLast"] is True


def test_createmeta_pages(site: Site) -> None:
    first = meta_types(site, maxResults=2)
    second = meta_types(site, startAt=2, maxResults=2)
    assert [len(items(site, first)), len(items(site, second))] == [2, 2]
    assert {t["id"] for t in items(site, first)}.isdisjoint(t["id"] for t in items(site, second))
    if site.flavor == "datacenter":
        assert first["isLast"] is False
    fields = meta_fields(site, type_id(site, "Task"), startAt=1, maxResults=3)
    assert [f["fieldId"] for f in field_list(site, fields)] == [
        "issuetype",
        "project",
        "description",
    ]


def test_createmeta_default_screens_hold_every_field_nivosync_sets(site: Site) -> None:
    task = {f["fieldId"]: f for f in field_list(site, meta_fields(site, type_id(site, "Task")))}
    assert {"summary", "description", "assignee", "labels", "duedate", "fixVersions"} <= set(task)
    assert {"issuelinks", "parent"} <= set(task)
    assert task["summary"]["required"] and not task["summary"]["hasDefaultValue"]
    assert task["reporter"]["required"] and task["reporter"]["hasDefaultValue"]
    assert task["labels"]["operations"] == ["add", "set", "remove"]
    assert task["duedate"]["schema"] == {"type": "date", "system": "duedate"}
    epic = {f["fieldId"]: f for f in field_list(site, meta_fields(site, type_id(site, "Epic")))}
    if site.flavor == "cloud":
        assert task["customfield_10015"]["name"] == "Start date"
        assert task["summary"]["key"] == "summary"
    else:
        assert task["customfield_10100"]["name"] == "Epic Link"
        assert epic["customfield_10102"]["required"] is True  # Epic Name
        assert task["customfield_10102"]["required"] is False


def test_createmeta_refuses_unknown_projects_and_types(site: Site) -> None:
    missing = site.get(site.rest("issue/createmeta/NOPE/issuetypes"))
    assert missing.status_code == 400
    assert missing.json()["errorMessages"] == ["No project could be found with key 'NOPE'."]
    assert site.get(site.rest("issue/createmeta/NIVO/issuetypes/99")).status_code == 400
    # A team-managed project's types are not the company-managed project's.
    assert site.get(site.rest("issue/createmeta/NIVO/issuetypes/10101")).status_code == 400


def test_cloud_createmeta_limits_max_results(cloud: Site) -> None:
    response = cloud.get(cloud.rest("issue/createmeta/NIVO/issuetypes"), params={"maxResults": 201})
    assert response.status_code == 400
    assert response.json()["errorMessages"] == [
        "Parameter 'maxResults' must not exceed the limit '200'"
    ]


def test_the_old_createmeta_route_stays_gone(site: Site) -> None:
    assert (
        site.get(site.rest("issue/createmeta"), params={"projectKeys": "NIVO"}).status_code == 404
    )


def test_an_independent_dc_client_reads_the_paged_createmeta(dc: Site) -> None:
    """pycontribs' jira reads Jira DC 8.4+'s createmeta pages ("values") on its own."""
    client = JIRA(dc.sandbox.jira_url, basic_auth=dc.sandbox.auth)
    types = client.project_issue_types("NIVO", maxResults=0)  # 0: every page
    assert [t.name for t in types][:2] == ["Epic", "Task"] and len(types) == 7
    fields = client.project_issue_fields("NIVO", types[0].id)
    assert {"summary", "customfield_10102"} <= {f.fieldId for f in fields}


# --- restricted screens ------------------------------------------------------------------------


def test_the_restricted_screen_is_what_createmeta_shows(restricted: Site) -> None:
    site = restricted
    task = {f["fieldId"]: f for f in field_list(site, meta_fields(site, type_id(site, "Task")))}
    impact = site.sandbox.seed.custom_field_id("Customer Impact")
    assert "fixVersions" not in task and "customfield_10015" not in task
    assert task[impact]["required"] is True and task[impact]["hasDefaultValue"] is False
    assert task[impact]["schema"]["custom"].endswith(":textfield")
    epic = {f["fieldId"] for f in field_list(site, meta_fields(site, type_id(site, "Epic")))}
    assert "fixVersions" in epic and impact in epic  # only the Task screen was restricted


def test_off_screen_fields_are_refused_with_jiras_message(restricted: Site) -> None:
    site = restricted
    impact = site.sandbox.seed.custom_field_id("Customer Impact")
    fields = issue_fields(site, "Kickoff", fixVersions=[], **{impact: "Low"})
    if site.flavor == "cloud":
        fields["customfield_10015"] = "2026-12-07"
    response = site.post(site.rest("issue"), json={"fields": fields})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["fixVersions"] == OFF_SCREEN.format("fixVersions")
    if site.flavor == "cloud":
        assert errors["customfield_10015"] == OFF_SCREEN.format("customfield_10015")
    assert impact not in errors


def test_a_required_field_must_be_given_then_it_is_kept(restricted: Site) -> None:
    site = restricted
    impact = site.sandbox.seed.custom_field_id("Customer Impact")
    response = site.post(site.rest("issue"), json={"fields": issue_fields(site, "Kickoff")})
    assert response.status_code == 400
    assert response.json()["errors"] == {impact: "Customer Impact is required."}
    created = create(site, "Kickoff", **{impact: "Low"})
    assert site.get(site.rest(f"issue/{created['key']}")).json()["fields"][impact] == "Low"
    bad = site.post(site.rest("issue"), json={"fields": issue_fields(site, "B", **{impact: 3})})
    assert bad.json()["errors"] == {impact: "Operation value must be a string"}
    # Epics are not restricted: no Customer Impact needed, fix versions allowed.
    create(site, "Release", "Epic", fixVersions=[])


def test_bulk_create_refuses_only_the_elements_that_break_the_screen(restricted: Site) -> None:
    site = restricted
    impact = site.sandbox.seed.custom_field_id("Customer Impact")
    good = {"fields": issue_fields(site, "ok", **{impact: "Low"})}
    bad = {"fields": issue_fields(site, "bad", fixVersions=[], **{impact: "Low"})}
    body = site.post(site.rest("issue/bulk"), json={"issueUpdates": [good, bad]}).json()
    assert len(body["issues"]) == 1
    (failure,) = body["errors"]
    assert failure["failedElementNumber"] == 1
    assert failure["elementErrors"]["errors"] == {"fixVersions": OFF_SCREEN.format("fixVersions")}


def test_edits_refuse_off_screen_fields_too(restricted: Site) -> None:
    site = restricted
    impact = site.sandbox.seed.custom_field_id("Customer Impact")
    key = create(site, "Kickoff", **{impact: "Low"})["key"]
    edit = site.put(site.rest(f"issue/{key}"), json={"fields": {"fixVersions": []}})
    assert edit.status_code == 400
    assert edit.json()["errors"] == {"fixVersions": OFF_SCREEN.format("fixVersions")}
    ok = site.put(site.rest(f"issue/{key}"), json={"update": {"labels": [{"add": "x"}]}})
    assert ok.status_code == 204


def test_hidden_labels_refuse_label_operations_but_assigning_needs_no_screen(
    tmp_path: Path,
) -> None:
    seed = replace(demo_seed("cloud"), screens=(ScreenSeed("Task", hidden=("labels", "assignee")),))
    for site in _site(tmp_path, seed):
        key = create(site, "Kickoff")["key"]
        edit = site.put(site.rest(f"issue/{key}"), json={"update": {"labels": [{"add": "x"}]}})
        assert edit.json()["errors"] == {"labels": OFF_SCREEN.format("labels")}
        who = {"accountId": site.get(site.rest("myself")).json()["accountId"]}
        assert site.put(site.rest(f"issue/{key}/assignee"), json=who).status_code == 204
        assert site.put(site.rest(f"issue/{key}"), json={"fields": {"assignee": who}}).json()[
            "errors"
        ] == {"assignee": OFF_SCREEN.format("assignee")}


def test_project_issue_type_and_summary_stay_on_every_screen(tmp_path: Path) -> None:
    screen = ScreenSeed("Task", hidden=("summary", "project", "issuetype", "No Such Field"))
    for site in _site(tmp_path, replace(demo_seed("datacenter"), screens=(screen,))):
        create(site, "Still fine")


# --- team-managed ------------------------------------------------------------------------------


def test_team_managed_project_has_its_own_issue_types(team: Site) -> None:
    project = team.get(team.rest("project/NIVO")).json()
    assert (project["style"], project["simplified"]) == ("next-gen", True)
    types = {t["name"]: t for t in project["issueTypes"]}
    assert set(types) == {"Epic", "Task", "Subtask"}
    assert types["Epic"]["hierarchyLevel"] == 1 and types["Epic"]["id"] != "10000"
    assert types["Epic"]["scope"] == {"type": "PROJECT", "project": {"id": project["id"]}}
    listed = team.get(team.rest("issuetype")).json()
    assert [t["id"] for t in listed if t["name"] == "Epic"] == ["10000", types["Epic"]["id"]]


def test_team_managed_project_has_a_start_date_field_of_its_own(team: Site) -> None:
    starts = [f for f in team.get(team.rest("field")).json() if f["name"] == "Start date"]
    assert [f["id"] for f in starts] == ["customfield_10015", "customfield_10300"]
    assert "scope" not in starts[0] and starts[1]["scope"]["type"] == "PROJECT"
    task = {f["fieldId"] for f in field_list(team, meta_fields(team, type_id(team, "Task")))}
    assert "customfield_10300" in task and "customfield_10015" not in task


def test_team_managed_epic_and_child_with_parent_and_start_date(team: Site) -> None:
    epic_type, task_type = type_id(team, "Epic"), type_id(team, "Task")
    epic = create(team, "Release", issuetype={"id": epic_type})
    child = create(
        team,
        "Kickoff",
        issuetype={"id": task_type},
        customfield_10300="2026-12-07",
        **epic_link(team, epic["key"]),
    )
    fields = team.get(team.rest(f"issue/{child['key']}")).json()["fields"]
    assert fields["parent"]["key"] == epic["key"]
    assert fields["customfield_10300"] == "2026-12-07" and "customfield_10015" not in fields
    assert fields["issuetype"]["scope"]["type"] == "PROJECT"
    assert fields["project"]["simplified"] is True
    found = team.post(team.rest("search/jql"), json={"jql": "issuetype = Epic", "fields": ["key"]})
    assert [i["key"] for i in found.json()["issues"]] == [epic["key"]]
    company_start = {"fields": {"customfield_10015": "2026-12-07"}}
    edit = team.put(team.rest(f"issue/{child['key']}"), json=company_start)
    assert edit.json()["errors"] == {"customfield_10015": OFF_SCREEN.format("customfield_10015")}


def test_team_managed_project_refuses_company_issue_types_and_wrong_parents(team: Site) -> None:
    company_epic = team.post(
        team.rest("issue"), json={"fields": issue_fields(team, "E", issuetype={"id": "10000"})}
    )
    assert company_epic.json()["errors"] == {"issuetype": "The issue type selected is invalid."}
    task = create(team, "T", issuetype={"name": "Task"})
    child = team.post(
        team.rest("issue"),
        json={
            "fields": issue_fields(
                team, "C", issuetype={"name": "Task"}, parent={"key": task["key"]}
            )
        },
    )
    assert "hierarchy" in child.json()["errors"]["parent"]


def test_only_cloud_has_team_managed_projects() -> None:
    with pytest.raises(ValueError, match="Jira Cloud only"):
        replace(demo_seed("datacenter"), project_style="team-managed")
