"""Jira issues over HTTP in both flavors: create, bulk, get, edit, assignee, watchers, links."""

from __future__ import annotations

import pytest

from .jira_payloads import create, description, epic_link, issue_fields, user_ref
from .site import Site


def test_create_and_get_round_trip(site: Site) -> None:
    site.post("/_sandbox/clock", json={"now": "2026-12-15T16:00:00Z"})
    fields = issue_fields(
        site,
        "Kickoff",
        description=description(site, "Meet the customer"),
        assignee=user_ref(site, "dana@example.com", "dana"),
        labels=["nivosync", "acme-r1"],
        duedate="2026-12-18",
    )
    created = site.post(site.rest("issue"), json={"fields": fields}).json()
    assert created["key"] == "NIVO-1"
    assert created["self"].endswith(f"/rest/api/{site.api}/issue/{created['id']}")
    issue = site.get(site.rest("issue/NIVO-1")).json()
    got = issue["fields"]
    assert got["summary"] == "Kickoff"
    assert got["description"] == description(site, "Meet the customer")
    assert got["assignee"]["displayName"] == "Dana Delivery"
    assert got["labels"] == ["acme-r1", "nivosync"]
    assert got["duedate"] == "2026-12-18"
    assert got["status"]["name"] == "To Do"
    assert got["status"]["statusCategory"]["key"] == "new"
    assert got["created"] == "2026-12-15T16:00:00.000+0000"
    assert got["resolution"] is None
    assert got["reporter"]["emailAddress"] == "admin@example.com"


def test_fields_filter_and_properties_param(site: Site) -> None:
    create(site, "A")
    site.put(site.rest("issue/NIVO-1/properties/nivosync"), json={"task": "t1"})
    issue = site.get(
        site.rest("issue/NIVO-1"), params={"fields": "summary,labels", "properties": "nivosync"}
    ).json()
    assert set(issue["fields"]) == {"summary", "labels"}
    assert issue["properties"] == {"nivosync": {"task": "t1"}}
    minus = site.get(site.rest("issue/NIVO-1"), params={"fields": "*all,-description"}).json()
    assert "description" not in minus["fields"] and "summary" in minus["fields"]


def test_cloud_v2_returns_text_description_for_an_adf_one(cloud: Site) -> None:
    create(cloud, "A", description=description(cloud, "Hello"))
    assert cloud.get("/rest/api/2/issue/NIVO-1").json()["fields"]["description"] == "Hello"
    v2 = cloud.post(
        "/rest/api/2/issue", json={"fields": issue_fields(cloud, "B", description="Hi")}
    )
    assert v2.status_code == 201
    assert cloud.get("/rest/api/3/issue/NIVO-2").json()["fields"]["description"]["type"] == "doc"


def test_cloud_v3_rejects_a_string_description(cloud: Site) -> None:
    response = cloud.post(
        "/rest/api/3/issue", json={"fields": issue_fields(cloud, "A", description="plain")}
    )
    assert response.status_code == 400
    assert "Atlassian Document" in response.json()["errors"]["description"]


@pytest.mark.parametrize(
    "change,field",
    [
        ({"project": {"key": "NOPE"}}, "project"),
        ({"issuetype": {"name": "Saga"}}, "issuetype"),
        ({"summary": ""}, "summary"),
        ({"labels": ["has space"]}, "labels"),
        ({"duedate": "tomorrow"}, "duedate"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_validation_errors(site: Site, change: dict, field: str) -> None:
    fields = {**issue_fields(site, "A"), **change}
    response = site.post(site.rest("issue"), json={"fields": fields})
    assert response.status_code == 400
    body = response.json()
    assert body["errorMessages"] == [] and field in body["errors"]


def test_unknown_assignee_is_a_400(site: Site) -> None:
    fields = issue_fields(site, "A", assignee=user_ref(site, "ghost@example.com", "ghost"))
    response = site.post(site.rest("issue"), json={"fields": fields})
    assert response.status_code == 400
    assert "assignee" in response.json()["errors"]


def test_missing_required_fields(site: Site) -> None:
    response = site.post(site.rest("issue"), json={"fields": {}})
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"project", "issuetype", "summary"}


def test_dc_epic_without_epic_name_is_a_400(dc: Site) -> None:
    fields = {"project": {"key": "NIVO"}, "issuetype": {"name": "Epic"}, "summary": "E"}
    response = dc.post("/rest/api/2/issue", json={"fields": fields})
    assert response.status_code == 400
    assert response.json()["errors"] == {"customfield_10102": "Epic Name is required."}


def test_epic_linking_per_flavor(site: Site) -> None:
    epic = create(site, "Release", "Epic")
    create(site, "Task", **epic_link(site, epic["key"]))
    got = site.get(site.rest("issue/NIVO-2")).json()["fields"]
    if site.flavor == "cloud":
        assert got["parent"]["key"] == epic["key"]
        assert got["parent"]["fields"]["issuetype"]["name"] == "Epic"
    else:
        assert got["customfield_10100"] == epic["key"]
        assert "parent" not in got


def test_epic_link_to_a_non_epic_is_rejected(site: Site) -> None:
    task = create(site, "Plain task")
    response = site.post(
        site.rest("issue"), json={"fields": issue_fields(site, "B", **epic_link(site, task["key"]))}
    )
    assert response.status_code == 400


def test_subtask_needs_a_parent(site: Site) -> None:
    response = site.post(site.rest("issue"), json={"fields": issue_fields(site, "S", "Sub-task")})
    assert response.status_code == 400
    assert "issuetype" in response.json()["errors"]
    task = create(site, "T")
    create(site, "S", "Sub-task", parent={"key": task["key"]})
    subtasks = site.get(site.rest(f"issue/{task['key']}")).json()["fields"]["subtasks"]
    assert [s["key"] for s in subtasks] == ["NIVO-2"]


def test_bulk_create_reports_partial_failures(site: Site) -> None:
    updates = [
        {"fields": issue_fields(site, "ok 1")},
        {"fields": issue_fields(site, "bad", issuetype={"name": "Saga"})},
        {"fields": issue_fields(site, "ok 2")},
    ]
    response = site.post(site.rest("issue/bulk"), json={"issueUpdates": updates})
    assert response.status_code == 201
    body = response.json()
    assert [i["key"] for i in body["issues"]] == ["NIVO-1", "NIVO-2"]
    assert body["errors"] == [
        {
            "status": 400,
            "elementErrors": {
                "errorMessages": [],
                "errors": {"issuetype": "The issue type selected is invalid."},
            },
            "failedElementNumber": 1,
        }
    ]


def test_bulk_create_all_failing_is_a_400_and_over_50_is_refused(site: Site) -> None:
    bad = {"fields": issue_fields(site, "")}
    response = site.post(site.rest("issue/bulk"), json={"issueUpdates": [bad, bad]})
    assert response.status_code == 400
    assert [e["failedElementNumber"] for e in response.json()["errors"]] == [0, 1]
    many = [{"fields": issue_fields(site, f"t{i}")} for i in range(51)]
    assert site.post(site.rest("issue/bulk"), json={"issueUpdates": many}).status_code == 400
    assert site.get(site.rest("issue/NIVO-1")).status_code == 404


def test_properties_links_at_create_time(site: Site) -> None:
    first = create(site, "first")
    payload = {
        "fields": issue_fields(site, "second"),
        "update": {
            "issuelinks": [
                {"add": {"type": {"name": "Blocks"}, "inwardIssue": {"key": first["key"]}}}
            ]
        },
        "properties": [{"key": "nivosync", "value": {"task": "t2", "n": [1, 2]}}],
    }
    second = site.post(site.rest("issue"), json=payload).json()
    got = site.get(site.rest(f"issue/{second['key']}"), params={"properties": "*all"}).json()
    assert got["properties"] == {"nivosync": {"task": "t2", "n": [1, 2]}}
    (link,) = got["fields"]["issuelinks"]
    assert link["type"]["name"] == "Blocks" and link["inwardIssue"]["key"] == first["key"]
    (back,) = site.get(site.rest(f"issue/{first['key']}")).json()["fields"]["issuelinks"]
    assert back["outwardIssue"]["key"] == second["key"]


def test_issue_link_endpoint_inward_issue_blocks(site: Site) -> None:
    a, b = create(site, "a"), create(site, "b")
    body = {
        "type": {"name": "Blocks"},
        "inwardIssue": {"key": a["key"]},
        "outwardIssue": {"key": b["key"]},
    }
    assert site.post(site.rest("issueLink"), json=body).status_code == 201
    (link,) = site.get(site.rest(f"issue/{a['key']}")).json()["fields"]["issuelinks"]
    assert link["outwardIssue"]["key"] == b["key"]
    fetched = site.get(site.rest(f"issueLink/{link['id']}")).json()
    assert fetched["inwardIssue"]["key"] == a["key"] and fetched["outwardIssue"]["key"] == b["key"]
    assert site.delete(site.rest(f"issueLink/{link['id']}")).status_code == 204
    assert site.get(site.rest(f"issue/{a['key']}")).json()["fields"]["issuelinks"] == []
    types = site.get(site.rest("issueLinkType")).json()["issueLinkTypes"]
    assert {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"}.items() <= types[
        0
    ].items()


def test_edit_issue_fields_and_label_operations(site: Site) -> None:
    create(site, "A", labels=["one", "two"])
    body = {
        "fields": {"summary": "B", "duedate": "2027-01-05"},
        "update": {"labels": [{"add": "three"}, {"remove": "one"}]},
    }
    assert site.put(site.rest("issue/NIVO-1"), json=body).status_code == 204
    got = site.get(site.rest("issue/NIVO-1")).json()["fields"]
    assert (got["summary"], got["duedate"], got["labels"]) == ("B", "2027-01-05", ["three", "two"])
    bad = site.put(site.rest("issue/NIVO-1"), json={"fields": {"status": {"name": "Done"}}})
    assert bad.status_code == 400
    assert site.put(site.rest("issue/NIVO-404"), json={"fields": {}}).status_code == 404


def test_assignee_endpoint(site: Site) -> None:
    create(site, "A")
    body = user_ref(site, "sam@example.com", "sam")
    assert site.put(site.rest("issue/NIVO-1/assignee"), json=body).status_code == 204
    got = site.get(site.rest("issue/NIVO-1")).json()["fields"]["assignee"]
    assert got["emailAddress"] == "sam@example.com"
    ghost = user_ref(site, "ghost@example.com", "ghost")
    assert site.put(site.rest("issue/NIVO-1/assignee"), json=ghost).status_code == 400


def test_watchers(site: Site) -> None:
    create(site, "A")
    ident = user_ref(site, "sam@example.com", "sam")
    value = ident.get("accountId", ident.get("name"))
    assert site.post(site.rest("issue/NIVO-1/watchers"), json=value).status_code == 204
    watchers = site.get(site.rest("issue/NIVO-1/watchers")).json()
    assert watchers["watchCount"] == 2  # the reporter watches what they create
    assert {w["emailAddress"] for w in watchers["watchers"]} == {
        "admin@example.com",
        "sam@example.com",
    }
    param = "accountId" if site.flavor == "cloud" else "username"
    site.delete(site.rest("issue/NIVO-1/watchers"), params={param: value})
    assert site.get(site.rest("issue/NIVO-1/watchers")).json()["watchCount"] == 1


def test_property_rest_endpoints(site: Site) -> None:
    create(site, "A")
    url = site.rest("issue/NIVO-1/properties/baseline")
    assert site.put(url, json={"due": "2026-12-18"}).status_code == 201
    assert site.put(url, json={"due": "2026-12-19"}).status_code == 200
    assert site.get(url).json() == {"key": "baseline", "value": {"due": "2026-12-19"}}
    keys = site.get(site.rest("issue/NIVO-1/properties")).json()["keys"]
    assert [k["key"] for k in keys] == ["baseline"]
    assert site.delete(url).status_code == 204
    assert site.get(url).status_code == 404


def test_transitions_set_resolution_with_the_sandbox_clock(site: Site) -> None:
    create(site, "A")
    transitions = site.get(site.rest("issue/NIVO-1/transitions")).json()["transitions"]
    assert {t["name"]: t["id"] for t in transitions} == {"In Progress": "21", "Done": "31"}
    site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "21"}})
    fields = site.get(site.rest("issue/NIVO-1")).json()["fields"]
    assert fields["status"]["statusCategory"]["key"] == "indeterminate"
    site.post("/_sandbox/clock", json={"now": "2026-12-11T10:30:00Z"})
    done = site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "31"}})
    assert done.status_code == 204
    fields = site.get(site.rest("issue/NIVO-1")).json()["fields"]
    assert fields["status"]["statusCategory"]["key"] == "done"
    assert fields["resolution"]["name"] == "Done"
    assert fields["resolutiondate"] == "2026-12-11T10:30:00.000+0000"
    again = site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "31"}})
    assert again.status_code == 400
    site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "11"}})
    fields = site.get(site.rest("issue/NIVO-1")).json()["fields"]
    assert fields["resolution"] is None and fields["resolutiondate"] is None


def test_versions_and_fix_versions(site: Site) -> None:
    body = {"name": "Go-live", "projectId": 10000, "releaseDate": "2027-01-14"}
    version = site.post(site.rest("version"), json=body)
    assert version.status_code == 201
    assert version.json()["releaseDate"] == "2027-01-14"
    assert site.post(site.rest("version"), json=body).status_code == 400
    listed = site.get(site.rest("project/NIVO/versions")).json()
    assert [v["name"] for v in listed] == ["Go-live"]
    create(site, "A", fixVersions=[{"name": "Go-live"}])
    got = site.get(site.rest("issue/NIVO-1")).json()["fields"]["fixVersions"]
    assert [v["name"] for v in got] == ["Go-live"]
    bad = site.post(
        site.rest("issue"), json={"fields": issue_fields(site, "B", fixVersions=[{"name": "x"}])}
    )
    assert bad.status_code == 400


def test_project_and_fields(site: Site) -> None:
    project = site.get(site.rest("project/NIVO")).json()
    names = {t["name"] for t in project["issueTypes"]}
    assert names == {"Epic", "Task", "Sub-task", "Story", "Bug", "Improvement", "New Feature"}
    assert site.get(site.rest("project/NOPE")).status_code == 404
    fields = site.get(site.rest("field")).json()
    customs = {f["schema"].get("custom"): f["id"] for f in fields if f.get("custom")}
    if site.flavor == "cloud":
        assert customs == {
            "com.atlassian.jira.plugin.system.customfieldtypes:datepicker": "customfield_10015"
        }
    else:
        assert customs["com.pyxis.greenhopper.jira:gh-epic-link"] == "customfield_10100"
        assert customs["com.pyxis.greenhopper.jira:gh-epic-label"] == "customfield_10102"


def test_cloud_start_date_field(cloud: Site) -> None:
    create(cloud, "A", customfield_10015="2026-12-07")
    got = cloud.get("/rest/api/3/issue/NIVO-1", params={"fields": "customfield_10015"}).json()
    assert got["fields"] == {"customfield_10015": "2026-12-07"}


def test_user_search(site: Site) -> None:
    if site.flavor == "cloud":
        found = site.get(site.rest("user/search"), params={"query": "dana@example.com"}).json()
        assert found[0]["accountId"].startswith("712020:")
        assignable = site.get(
            site.rest("user/assignable/search"), params={"project": "NIVO", "query": "sam"}
        ).json()
    else:
        found = site.get(site.rest("user/search"), params={"username": "dana"}).json()
        assert found[0]["name"] == "dana"
        assignable = site.get(
            site.rest("user/assignable/search"), params={"project": "NIVO", "username": "sam"}
        ).json()
    assert [u["displayName"] for u in found] == ["Dana Delivery"]
    assert [u["displayName"] for u in assignable] == ["Sam Support"]


def test_unknown_issue_is_a_404(site: Site) -> None:
    response = site.get(site.rest("issue/NIVO-99"))
    assert response.status_code == 404
    assert response.json()["errorMessages"] == [
        "Issue does not exist or you do not have permission to see it."
    ]


def test_edit_parent_respects_the_hierarchy(cloud: Site) -> None:
    epic, task, other = create(cloud, "E", "Epic"), create(cloud, "T"), create(cloud, "O")
    ok = cloud.put("/rest/api/3/issue/NIVO-2", json={"fields": {"parent": {"key": epic["key"]}}})
    assert ok.status_code == 204
    bad = cloud.put(
        f"/rest/api/3/issue/{other['key']}", json={"fields": {"parent": {"key": task["key"]}}}
    )
    assert bad.status_code == 400 and "parent" in bad.json()["errors"]
