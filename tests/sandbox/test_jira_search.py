"""Searching over HTTP: paging per flavor, the JQL subset, and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from nivosync.sandbox import Sandbox
from nivosync.sandbox.seed import demo_seed

from .jira_payloads import create, epic_link, issue_fields, user_ref
from .site import Site


def search(site: Site, jql: str, **params: Any) -> dict[str, Any]:
    path = "search/jql" if site.flavor == "cloud" else "search"
    response = site.get(site.rest(path), params={"jql": jql, **params})
    assert response.status_code == 200, response.text
    return response.json()


def keys(site: Site, jql: str) -> list[str]:
    return [i["key"] for i in search(site, jql, fields="key", maxResults=100)["issues"]]


def search_error(site: Site, jql: str) -> str:
    path = "search/jql" if site.flavor == "cloud" else "search"
    response = site.get(site.rest(path), params={"jql": jql})
    assert response.status_code == 400, response.text
    (message,) = response.json()["errorMessages"]
    return message


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def populated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """NIVO-1 epic; NIVO-2..4 tasks in it; NIVO-5 a bug outside it (read-only: shared)."""
    db = tmp_path_factory.mktemp("jql") / "s.db"
    with Sandbox.start(db, demo_seed(request.param), faults={"index_lag_seconds": 0}) as sb:
        site = Site(sb)
        _populate(site)
        yield site


def _populate(site: Site) -> None:
    epic = create(site, "Release R1", "Epic", labels=["r1"])
    dana = user_ref(site, "dana@example.com", "dana")
    site.post(site.rest("version"), json={"name": "Week 1", "projectId": 10000})
    create(
        site,
        "Kickoff meeting",
        labels=["r1", "week1"],
        duedate="2026-12-08",
        assignee=dana,
        fixVersions=[{"name": "Week 1"}],
        **epic_link(site, epic["key"]),
    )
    create(
        site, "Share schedule", labels=["r1"], duedate="2026-12-10", **epic_link(site, epic["key"])
    )
    create(
        site,
        "Environment review",
        labels=["r1", "week1"],
        duedate="2026-12-11",
        assignee=dana,
        **epic_link(site, epic["key"]),
    )
    create(site, "Unrelated bug", "Bug", labels=["other"])
    site.post(site.rest("issue/NIVO-3/transitions"), json={"transition": {"id": "31"}})
    site.post(site.rest("issue/NIVO-4/transitions"), json={"transition": {"id": "21"}})


CASES = [
    ("project = NIVO ORDER BY key", ["NIVO-1", "NIVO-2", "NIVO-3", "NIVO-4", "NIVO-5"]),
    ("project = NIVO", ["NIVO-5", "NIVO-4", "NIVO-3", "NIVO-2", "NIVO-1"]),
    ("labels = week1 ORDER BY key", ["NIVO-2", "NIVO-4"]),
    ("labels in (week1, other) ORDER BY key", ["NIVO-2", "NIVO-4", "NIVO-5"]),
    ("labels = r1 AND labels != week1 ORDER BY key", ["NIVO-1", "NIVO-3"]),
    ("labels not in (r1) ORDER BY key", ["NIVO-5"]),
    ("key = NIVO-3", ["NIVO-3"]),
    ("key in (NIVO-3, NIVO-1) ORDER BY key DESC", ["NIVO-3", "NIVO-1"]),
    ("issuetype = Epic", ["NIVO-1"]),
    ("issuetype in (Task, Bug) AND labels = r1 ORDER BY key", ["NIVO-2", "NIVO-3", "NIVO-4"]),
    ("status = Done", ["NIVO-3"]),
    ('status = "In Progress"', ["NIVO-4"]),
    ("statusCategory = done", ["NIVO-3"]),
    ('statusCategory != "To Do" ORDER BY key', ["NIVO-3", "NIVO-4"]),
    ("statusCategory = new ORDER BY key", ["NIVO-1", "NIVO-2", "NIVO-5"]),
    ("assignee is EMPTY ORDER BY key", ["NIVO-1", "NIVO-3", "NIVO-5"]),
    ("assignee = dana@example.com ORDER BY key", ["NIVO-2", "NIVO-4"]),
    ("assignee != dana@example.com", []),
    ("assignee = currentUser()", []),
    ('fixVersion = "Week 1"', ["NIVO-2"]),
    ('"Epic Link" = NIVO-1 ORDER BY key', ["NIVO-2", "NIVO-3", "NIVO-4"]),
    ("duedate < 2026-12-10", ["NIVO-2"]),
    ("duedate <= 2026-12-10 ORDER BY duedate DESC", ["NIVO-3", "NIVO-2"]),
    ('duedate >= "2026/12/10" ORDER BY key', ["NIVO-3", "NIVO-4"]),
    ("duedate = 2026-12-11", ["NIVO-4"]),
    ("duedate is EMPTY ORDER BY key", ["NIVO-1", "NIVO-5"]),
    ("project = NIVO ORDER BY duedate ASC", ["NIVO-2", "NIVO-3", "NIVO-4", "NIVO-1", "NIVO-5"]),
    ("summary ~ kickoff", ["NIVO-2"]),
    ('summary ~ "review environment"', ["NIVO-4"]),
    ("summary !~ meeting AND labels = r1 ORDER BY key", ["NIVO-1", "NIVO-3", "NIVO-4"]),
    ("labels = r1 AND NOT status = Done ORDER BY key", ["NIVO-1", "NIVO-2", "NIVO-4"]),
    ("(labels = other OR issuetype = Epic) ORDER BY key", ["NIVO-1", "NIVO-5"]),
    ("project = NIVO ORDER BY status, key", ["NIVO-1", "NIVO-2", "NIVO-5", "NIVO-4", "NIVO-3"]),
]


@pytest.mark.parametrize("jql,expected", CASES)
def test_jql_subset(populated: Site, jql: str, expected: list[str]) -> None:
    assert keys(populated, jql) == expected


def test_parent_field(populated: Site) -> None:
    expected = ["NIVO-2", "NIVO-3", "NIVO-4"] if populated.flavor == "cloud" else []
    assert keys(populated, "parent = NIVO-1 ORDER BY key") == expected


ERRORS = [
    ("project = NOPE", "The value 'NOPE' does not exist for the field 'project'."),
    ("colour = red", "Field 'colour' does not exist or you do not have permission to view it."),
    ("summary = Kickoff", "The operator '=' is not supported by the 'summary' field."),
    ("labels ~ r1", "The operator '~' is not supported by the 'labels' field."),
    ("key = NIVO-99", "An issue with key 'NIVO-99' does not exist for field 'key'."),
    ("status = Blocked", "The value 'Blocked' does not exist for the field 'status'."),
    ("duedate < now()", "Unable to find JQL function 'now()'."),
    ("duedate < -1d", "Date value '-1d' for field 'duedate' is invalid."),
    ("project = NIVO ORDER BY colour", "Field 'colour' does not exist"),
    ("project = NIVO ORDER BY labels", "Field 'labels' does not support sorting."),
    ("project = NIVO AND", "Error in the JQL Query: Expecting a field name but got '<EOF>'."),
    ("assignee = ghost", "The value 'ghost' does not exist for the field 'assignee'."),
]


@pytest.mark.parametrize("jql,message", ERRORS)
def test_unsupported_or_invalid_jql_is_a_400(populated: Site, jql: str, message: str) -> None:
    assert search_error(populated, jql).startswith(message)


def test_cloud_token_paging(cloud: Site) -> None:
    updates = [{"fields": issue_fields(cloud, f"t{i}", labels=["bulk"])} for i in range(7)]
    cloud.post("/rest/api/3/issue/bulk", json={"issueUpdates": updates})
    seen, token = [], None
    while True:
        params: dict[str, Any] = {
            "jql": "labels = bulk ORDER BY key",
            "maxResults": 3,
            "fields": "summary",
        }
        if token:
            params["nextPageToken"] = token
        page = cloud.get("/rest/api/3/search/jql", params=params).json()
        assert "total" not in page
        seen += [i["fields"]["summary"] for i in page["issues"]]
        if page["isLast"]:
            assert "nextPageToken" not in page
            break
        token = page["nextPageToken"]
    assert seen == [f"t{i}" for i in range(7)]


def test_cloud_post_search_with_properties(cloud: Site) -> None:
    payload = {
        "fields": issue_fields(cloud, "A", labels=["x"]),
        "properties": [{"key": "nivosync", "value": {"task": "a"}}],
    }
    cloud.post("/rest/api/3/issue", json=payload)
    body = {
        "jql": "labels = x",
        "fields": ["summary", "labels"],
        "properties": ["nivosync"],
        "maxResults": 10,
    }
    page = cloud.post("/rest/api/3/search/jql", json=body).json()
    (issue,) = page["issues"]
    assert issue["properties"] == {"nivosync": {"task": "a"}}
    assert set(issue["fields"]) == {"summary", "labels"}


def test_cloud_default_fields_is_id_only(cloud: Site) -> None:
    create(cloud, "A", labels=["x"])
    (issue,) = cloud.get("/rest/api/3/search/jql", params={"jql": "labels = x"}).json()["issues"]
    assert "fields" not in issue and issue["id"]


def test_cloud_unbounded_query_is_refused(cloud: Site) -> None:
    response = cloud.get("/rest/api/3/search/jql", params={"jql": "ORDER BY key"})
    assert response.status_code == 400
    assert "Unbounded JQL" in response.json()["errorMessages"][0]


@pytest.mark.parametrize("api", ["2", "3"])
def test_cloud_old_search_is_gone(cloud: Site, api: str) -> None:
    response = cloud.get(f"/rest/api/{api}/search", params={"jql": "project = NIVO"})
    assert response.status_code == 410
    assert "search/jql" in response.json()["errorMessages"][0]


def test_dc_offset_paging_with_total(dc: Site) -> None:
    updates = [{"fields": issue_fields(dc, f"t{i}", labels=["bulk"])} for i in range(7)]
    dc.post("/rest/api/2/issue/bulk", json={"issueUpdates": updates})
    page = dc.get(
        "/rest/api/2/search",
        params={"jql": "labels = bulk ORDER BY key", "startAt": 5, "maxResults": 3},
    ).json()
    assert (page["startAt"], page["maxResults"], page["total"]) == (5, 3, 7)
    assert [i["fields"]["summary"] for i in page["issues"]] == ["t5", "t6"]
    posted = dc.post(
        "/rest/api/2/search", json={"jql": "labels = bulk", "maxResults": 2, "fields": ["summary"]}
    ).json()
    assert posted["total"] == 7 and len(posted["issues"]) == 2
    assert set(posted["issues"][0]["fields"]) == {"summary"}


def test_dc_has_no_search_jql(dc: Site) -> None:
    assert dc.get("/rest/api/2/search/jql", params={"jql": "project = NIVO"}).status_code == 404


def test_timestamps_compare_by_day(populated: Site) -> None:
    """`updated`, `created` and `resolved` take dates, as Jira's do (compared by day)."""
    issue = populated.get(populated.rest("issue/NIVO-3")).json()
    day = issue["fields"]["updated"][:10]
    assert keys(populated, f'updated >= "{day}" AND key = NIVO-3') == ["NIVO-3"]
    assert keys(populated, f'updated < "{day}" AND key = NIVO-3') == []
    assert keys(populated, f"resolved >= {day}") == ["NIVO-3"]
    assert keys(populated, f"created <= {day} AND key = NIVO-5") == ["NIVO-5"]
    assert keys(populated, "resolved is EMPTY AND key = NIVO-3") == []
