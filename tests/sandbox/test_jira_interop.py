"""An independent client (pycontribs' `jira`) against both flavors over real HTTP."""

from __future__ import annotations

from jira import JIRA

from .site import Site


def _client(site: Site) -> JIRA:
    return JIRA(
        server=site.sandbox.jira_url,
        basic_auth=site.sandbox.auth,
        options={"check_update": False},
        max_retries=0,
        timeout=10,
    )


def test_pycontribs_jira_round_trip(site: Site) -> None:
    client = _client(site)
    assert client.deploymentType == ("Cloud" if site.flavor == "cloud" else "Server")
    assert client.myself()["emailAddress"] == "admin@example.com"
    fields = {
        "project": {"key": "NIVO"},
        "issuetype": {"name": "Task"},
        "summary": "Interop kickoff",
        "description": "Created by pycontribs jira",
        "labels": ["interop"],
        "duedate": "2026-12-18",
    }
    issue = client.create_issue(fields=fields)
    fetched = client.issue(issue.key)
    assert fetched.fields.summary == "Interop kickoff"
    assert fetched.fields.description == "Created by pycontribs jira"
    assert fetched.fields.labels == ["interop"]

    found = client.search_issues("labels = interop ORDER BY key", maxResults=10)
    assert [i.key for i in found] == [issue.key]

    names = {t["name"]: t["id"] for t in client.transitions(issue)}
    assert set(names) == {"In Progress", "Done"}
    client.transition_issue(issue, names["Done"])
    done = client.issue(issue.key)
    assert done.fields.status.statusCategory.key == "done"
    assert done.fields.resolution.name == "Done"


def test_pycontribs_jira_links_and_properties(site: Site) -> None:
    client = _client(site)
    base = {"project": {"key": "NIVO"}, "issuetype": {"name": "Task"}}
    a = client.create_issue(fields={**base, "summary": "a"})
    b = client.create_issue(fields={**base, "summary": "b"})
    client.create_issue_link("Blocks", a.key, b.key)
    (link,) = client.issue(a.key).fields.issuelinks
    assert link.outwardIssue.key == b.key
    client.add_issue_property(a.key, "nivosync", {"task": "t1"})
    assert client.issue_property(a.key, "nivosync").value.task == "t1"
    created = client.create_issues([{**base, "summary": "bulk 1"}, {**base, "summary": "bulk 2"}])
    assert [c["status"] for c in created] == ["Success", "Success"]
