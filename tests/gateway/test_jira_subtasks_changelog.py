"""The gateway's sub-task type, a sub-task's parent on a screen, and reading status changes."""

from __future__ import annotations

import json

import responses

from nivosync.jira.changelog import IssueChangelog
from nivosync.jira.fields import on_screen
from nivosync.jira.flavor import CLOUD, DATACENTER
from nivosync.jira.models import CreateScreen, IssueTypeRef, ScreenField

from .test_jira_gateway import BASE, FIELDS, gateway


def project(types: list[dict]) -> dict:
    return {"id": "10000", "key": "NVX", "name": "Releases", "issueTypes": types}


@responses.activate
def test_the_sub_task_type_whatever_each_flavour_calls_it():
    cloud_types = [
        {"id": "1", "name": "Epic", "hierarchyLevel": 1, "subtask": False},
        {"id": "2", "name": "Task", "hierarchyLevel": 0, "subtask": False},
        {"id": "3", "name": "Subtask", "hierarchyLevel": -1, "subtask": True},
    ]
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=project(cloud_types))
    responses.get(f"{BASE}/rest/api/3/field", json=FIELDS)
    assert gateway().site_facts().subtask_type() == IssueTypeRef("3", "Subtask", -1, True)
    dc_types = [
        {"id": "10000", "name": "Epic", "subtask": False},
        {"id": "10002", "name": "Sub-task", "subtask": True},
    ]
    responses.get(f"{BASE}/rest/api/2/project/NVX", json=project(dc_types))
    responses.get(f"{BASE}/rest/api/2/field", json=FIELDS)
    found = gateway(DATACENTER).site_facts().subtask_type()
    assert found is not None and (found.id, found.name, found.subtask) == (
        "10002",
        "Sub-task",
        True,
    )
    responses.get(f"{BASE}/rest/api/2/project/NVX", json=project(dc_types[:1]))
    assert gateway(DATACENTER).site_facts().subtask_type() is None


def test_a_sub_tasks_parent_is_sent_though_the_screen_does_not_list_it():
    # Data Center's createmeta leaves the implied parent field out (JRA-47377).
    screen_field = ScreenField("summary", "Summary", True, False)
    payload = {"fields": {"project": {}, "issuetype": {}, "summary": "s", "parent": {"key": "A"}}}
    subtask = CreateScreen(IssueTypeRef("5", "Sub-task", subtask=True), (screen_field,))
    assert on_screen(payload, subtask)["fields"]["parent"] == {"key": "A"}
    task = CreateScreen(IssueTypeRef("2", "Task"), (screen_field,))
    assert "parent" not in on_screen(payload, task)["fields"]


def history(when: str, to: str, account: str, field: str = "status") -> dict:
    return {
        "id": when,
        "author": {"accountId": account, "displayName": account, "emailAddress": f"{account}@x"},
        "created": when,
        "items": [{"field": field, "fieldtype": "jira", "fieldId": field, "toString": to}],
    }


@responses.activate
def test_status_moves_read_in_one_search_whatever_the_order():
    page = {
        "issues": [
            {
                "key": "NVX-17",
                "changelog": {
                    "histories": [  # Cloud sends the newest first; the time decides, not order
                        history("2027-01-05T16:00:00.000+0000", "Done", "dana"),
                        history("2027-01-06T09:00:00.000+0000", "x", "sam", field="assignee"),
                        history("2027-01-04T10:00:00.000+0000", "In Progress", "sam"),
                    ]
                },
            },
            {"key": "NVX-18", "changelog": {"histories": []}},
        ],
        "isLast": True,
    }
    responses.post(f"{BASE}/rest/api/3/search/jql", json=page)
    moves = IssueChangelog(gateway()).status_moves('key in ("NVX-17", "NVX-18")')
    (call,) = responses.calls
    body = json.loads(call.request.body)
    assert body["expand"] == "changelog" and body["fields"] == ["status"]
    assert list(moves) == ["NVX-17"]
    move = moves["NVX-17"]
    assert (move.to_status, move.by.ref if move.by else None) == ("Done", "dana")
    assert move.at.isoformat() == "2027-01-05T16:00:00+00:00"


@responses.activate
def test_data_center_asks_for_the_changelog_as_a_list():
    responses.post(f"{BASE}/rest/api/2/search", json={"issues": [], "total": 0, "startAt": 0})
    assert IssueChangelog(gateway(DATACENTER)).status_moves("key = NVX-17") == {}
    body = json.loads(responses.calls[0].request.body)
    assert body["expand"] == ["changelog"]
    assert CLOUD.search_path != DATACENTER.search_path
