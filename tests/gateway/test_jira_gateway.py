"""JiraGateway's REST shapes and error translation, against responses."""

from __future__ import annotations

import json

import pytest
import responses

from nivosync.http import Credentials, HttpError, RetryPolicy, Transport
from nivosync.jira.flavor import CLOUD, DATACENTER
from nivosync.jira.gateway import JiraGateway

BASE = "https://acme.atlassian.net"
FIELDS = [
    {"id": "summary", "name": "Summary", "schema": {"type": "string", "system": "summary"}},
    {
        "id": "customfield_10015",
        "name": "Start date",
        "schema": {
            "type": "date",
            "custom": "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
        },
    },
    {
        "id": "customfield_10100",
        "name": "Epic Link",
        "schema": {"type": "any", "custom": "com.pyxis.greenhopper.jira:gh-epic-link"},
    },
    {
        "id": "customfield_10101",
        "name": "Epic Name",
        "schema": {"type": "string", "custom": "com.pyxis.greenhopper.jira:gh-epic-label"},
    },
]
PROJECT = {
    "id": "10000",
    "key": "NVX",
    "name": "Releases",
    "issueTypes": [{"id": "1", "name": "Epic"}, {"id": "2", "name": "Task"}],
}


def gateway(flavor=CLOUD) -> JiraGateway:
    transport = Transport(
        BASE,
        Credentials("me@example.com", "tok", source="$NIVOSYNC_JIRA_TOKEN"),
        retry=RetryPolicy(attempts=2, sleep=lambda _s: None),
    )
    return JiraGateway(transport, flavor, "NVX")


@responses.activate
def test_site_facts_find_fields_by_schema_type():
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=PROJECT)
    responses.get(f"{BASE}/rest/api/3/field", json=FIELDS)
    facts = gateway().site_facts()
    assert facts.start_field == "customfield_10015"
    assert facts.epic_link_field is None  # Cloud links epics through `parent`
    assert facts.issue_type("task").id == "2"
    responses.get(f"{BASE}/rest/api/2/project/NVX", json=PROJECT)
    responses.get(f"{BASE}/rest/api/2/field", json=FIELDS)
    dc = gateway(DATACENTER).site_facts()
    assert (dc.epic_link_field, dc.epic_name_field) == ("customfield_10100", "customfield_10101")


@responses.activate
def test_bulk_create_maps_partial_failures_to_their_elements():
    responses.post(
        f"{BASE}/rest/api/3/issue/bulk",
        status=201,
        json={
            "issues": [{"id": "11", "key": "NVX-11"}, {"id": "13", "key": "NVX-13"}],
            "errors": [
                {
                    "status": 400,
                    "failedElementNumber": 1,
                    "elementErrors": {"errorMessages": [], "errors": {"assignee": "No such user"}},
                }
            ],
        },
    )
    result = gateway().bulk_create([{"fields": {}}] * 3)
    assert result.created == ((0, "NVX-11", "11"), (2, "NVX-13", "13"))
    assert result.failures[0].index == 1
    assert result.failures[0].messages == ("assignee: No such user",)
    sent = json.loads(responses.calls[0].request.body)
    assert len(sent["issueUpdates"]) == 3


@responses.activate
def test_bulk_create_all_failed_is_a_400_with_errors():
    responses.post(
        f"{BASE}/rest/api/3/issue/bulk",
        status=400,
        json={
            "issues": [],
            "errors": [
                {
                    "status": 400,
                    "failedElementNumber": 0,
                    "elementErrors": {"errors": {"summary": "required"}},
                }
            ],
        },
    )
    result = gateway().bulk_create([{"fields": {}}])
    assert result.created == () and result.failures[0].messages == ("summary: required",)


def test_bulk_create_refuses_more_than_fifty():
    with pytest.raises(ValueError, match="at most 50"):
        gateway().bulk_create([{}] * 51)


@responses.activate
def test_cloud_search_pages_with_next_page_token_and_asks_for_named_fields_only():
    url = f"{BASE}/rest/api/3/search/jql"
    issue = {"id": "1", "key": "NVX-1", "fields": {"summary": "s", "labels": ["a"]}}
    responses.post(url, json={"issues": [issue], "nextPageToken": "p2", "isLast": False})
    responses.post(url, json={"issues": [{**issue, "key": "NVX-2"}], "isLast": True})
    found = list(gateway().search("labels = a", properties=["nivosync"]))
    assert [i.key for i in found] == ["NVX-1", "NVX-2"]
    first, second = (json.loads(c.request.body) for c in responses.calls)
    assert "*all" not in first["fields"] and "summary" in first["fields"]
    assert first["properties"] == ["nivosync"] and second["nextPageToken"] == "p2"


@responses.activate
def test_dc_search_pages_with_start_at_and_total():
    url = f"{BASE}/rest/api/2/search"
    issue = {"id": "1", "key": "NVX-1", "fields": {"summary": "s"}}
    responses.post(url, json={"issues": [issue], "total": 2, "startAt": 0})
    responses.post(url, json={"issues": [{**issue, "key": "NVX-2"}], "total": 2, "startAt": 1})
    assert [i.key for i in gateway(DATACENTER).search("x")] == ["NVX-1", "NVX-2"]
    assert json.loads(responses.calls[1].request.body)["startAt"] == 1


@responses.activate
def test_user_lookup_matches_exactly():
    url = f"{BASE}/rest/api/3/user/assignable/search"
    responses.get(
        url,
        json=[
            {"accountId": "a1", "displayName": "Dana B", "emailAddress": "dana.b@example.com"},
            {"accountId": "a2", "displayName": "Dana", "emailAddress": "dana@example.com"},
        ],
    )
    assert gateway().find_assignable("dana@example.com").ref == "a2"
    responses.get(url, json=[{"accountId": "a3", "displayName": "Hidden"}])
    assert gateway().find_assignable("hidden@example.com").ref == "a3"  # email not visible
    responses.get(url, json=[])
    assert gateway().find_assignable("nobody@example.com") is None


@responses.activate
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            401,
            "rejected the credentials of me@example.com (HTTP 401): check that "
            "$NIVOSYNC_JIRA_TOKEN holds a valid token",
        ),
        (403, "ask a Jira admin for the 'Create Issues' permission in NVX"),
        (400, "Jira refused the issue (HTTP 400): summary: Field 'summary' is required"),
    ],
)
def test_errors_are_translated_for_humans(status, expected):
    responses.post(
        f"{BASE}/rest/api/3/issue",
        status=status,
        json={"errorMessages": [], "errors": {"summary": "Field 'summary' is required"}},
    )
    with pytest.raises(HttpError) as caught:
        gateway().create_issue({"fields": {}})
    assert expected in str(caught.value)
    assert "tok" not in str(caught.value).replace("token", "")


@responses.activate
def test_missing_project_is_named():
    responses.get(f"{BASE}/rest/api/3/project/NVX", status=404, json={"errorMessages": ["No"]})
    with pytest.raises(HttpError, match=r"project NVX not found at https://acme\.atlassian\.net"):
        gateway().site_facts()


@responses.activate
def test_watcher_and_link_payloads():
    responses.post(f"{BASE}/rest/api/3/issue/NVX-2/watchers", status=204)
    responses.post(f"{BASE}/rest/api/3/issueLink", status=201)
    gw = gateway()
    gw.add_watcher("NVX-2", "acc-1")
    gw.link_blocks("NVX-1", "NVX-2")
    assert json.loads(responses.calls[0].request.body) == "acc-1"
    link = json.loads(responses.calls[1].request.body)
    assert link["inwardIssue"] == {"key": "NVX-1"} and link["outwardIssue"] == {"key": "NVX-2"}


@responses.activate
@pytest.mark.parametrize(
    ("flavor", "call", "method", "path", "status", "permission"),
    [
        (
            DATACENTER,
            lambda g: g.add_watcher("NVX-2", "dana"),
            "POST",
            "issue/NVX-2/watchers",
            401,
            "Manage Watchers",
        ),
        (
            DATACENTER,
            lambda g: g.link_blocks("NVX-1", "NVX-2"),
            "POST",
            "issueLink",
            401,
            "Link Issues",
        ),
        (CLOUD, lambda g: g.link_blocks("NVX-1", "NVX-2"), "POST", "issueLink", 404, "Link Issues"),
        (
            CLOUD,
            lambda g: g.create_version("10000", "v", "2027-01-12", ""),
            "POST",
            "version",
            404,
            "Administer Projects",
        ),
    ],
)
def test_a_missing_permission_is_named_whatever_status_jira_uses(
    flavor, call, method, path, status, permission
):
    """Data Center says 401 for a missing Manage Watchers / Link Issues and Cloud 404 for Link
    Issues / Administer Projects (their specs say so): the error names the permission, never
    the credentials."""
    api = "3" if flavor is CLOUD else "2"
    responses.add(method, f"{BASE}/rest/api/{api}/{path}", status=status, json={})
    with pytest.raises(HttpError) as caught:
        call(gateway(flavor))
    assert f"ask a Jira admin for the '{permission}' permission in NVX" in str(caught.value)
    assert "credentials" not in str(caught.value)


@responses.activate
def test_my_permissions_are_read_once_and_cloud_names_them():
    found = {"permissions": {"EDIT_ISSUES": {"key": "EDIT_ISSUES", "havePermission": True}}}
    responses.get(f"{BASE}/rest/api/3/mypermissions", json=found)
    jira = gateway()
    assert jira.my_permissions(["EDIT_ISSUES", "MANAGE_WATCHERS"]) == {
        "EDIT_ISSUES": True,
        "MANAGE_WATCHERS": False,
    }
    assert jira.my_permissions(["EDIT_ISSUES"]) == {"EDIT_ISSUES": True}
    assert len(responses.calls) == 1
    query = responses.calls[0].request.params
    assert query == {"projectKey": "NVX", "permissions": "EDIT_ISSUES,MANAGE_WATCHERS"}
