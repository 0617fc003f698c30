"""Create screens through JiraGateway (createmeta), against responses: reading and paging
them, finding fields on them, never sending a field a screen lacks, and the epic type found
by its hierarchy level."""

from __future__ import annotations

import json

import pytest
import responses

from nivosync.app.creation import resolve
from nivosync.errors import InvalidInput
from nivosync.http import HttpError
from nivosync.jira.flavor import DATACENTER
from nivosync.jira.models import IssueTypeRef

from .test_jira_gateway import BASE, FIELDS, PROJECT, gateway

DATEPICKER = "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"
TASK = IssueTypeRef("2", "Task", 0)
META = f"{BASE}/rest/api/3/issue/createmeta/NVX/issuetypes"


def meta(field_id: str, name: str, required: bool = False, **extra: object) -> dict:
    schema = {"type": "date", "custom": DATEPICKER} if field_id.startswith("custom") else {}
    return {
        "fieldId": field_id,
        "key": field_id,
        "name": name,
        "required": required,
        "hasDefaultValue": False,
        "operations": ["set"],
        "schema": schema or {"type": "string", "system": field_id},
        **extra,
    }


TASK_SCREEN = [
    meta("summary", "Summary", True),
    meta("issuetype", "Issue Type", True),
    meta("project", "Project", True),
    meta("reporter", "Reporter", True, hasDefaultValue=True),
    meta("labels", "Labels"),
    meta("duedate", "Due date"),
    meta("customfield_10015", "Start date"),
]


@responses.activate
def test_create_screen_reads_cloud_pages_once():
    responses.get(
        f"{META}/2",
        json={"startAt": 0, "maxResults": 4, "total": 7, "fields": TASK_SCREEN[:4]},
    )
    responses.get(
        f"{META}/2",
        json={"startAt": 4, "maxResults": 4, "total": 7, "fields": TASK_SCREEN[4:]},
    )
    jira = gateway()
    screen = jira.create_screen(TASK)
    assert [f.id for f in screen.fields] == [f["fieldId"] for f in TASK_SCREEN]
    assert [f.id for f in screen.must_fill()] == ["summary", "issuetype", "project"]
    assert screen.fields[-1].custom == DATEPICKER
    assert jira.create_screen(TASK) is screen  # read once per run
    assert len(responses.calls) == 2
    assert "startAt=4" in responses.calls[1].request.url


@responses.activate
def test_create_screen_reads_data_center_values_pages():
    url = f"{BASE}/rest/api/2/issue/createmeta/NVX/issuetypes/2"
    dc_fields = [{k: v for k, v in f.items() if k != "key"} for f in TASK_SCREEN]
    responses.get(
        url, json={"startAt": 0, "maxResults": 200, "total": 7, "isLast": True, "values": dc_fields}
    )
    screen = gateway(DATACENTER).create_screen(TASK)
    assert screen.has("customfield_10015") and not screen.has("fixVersions")


@responses.activate
def test_create_screen_refused_names_the_permission():
    responses.get(f"{META}/2", status=403, json={"errorMessages": ["Forbidden"]})
    with pytest.raises(HttpError) as error:
        gateway().create_screen(TASK)
    assert error.value.status == 403
    assert "Create Issues" in str(error.value)


@responses.activate
def test_cloud_site_facts_find_the_start_date_on_the_task_screen_not_in_the_field_list():
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=PROJECT)
    responses.get(
        f"{META}/2", json={"startAt": 0, "maxResults": 200, "total": 7, "fields": TASK_SCREEN}
    )
    facts = gateway().site_facts(create_type="task")
    assert facts.start_field == "customfield_10015"
    assert [c.request.url.split("?")[0] for c in responses.calls] == [
        f"{BASE}/rest/api/3/project/NVX",
        f"{META}/2",
    ]


@responses.activate
def test_cloud_site_facts_read_the_field_list_when_the_task_screen_has_no_start_date():
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=PROJECT)
    responses.get(
        f"{META}/2", json={"startAt": 0, "maxResults": 200, "total": 6, "fields": TASK_SCREEN[:-1]}
    )
    responses.get(f"{BASE}/rest/api/3/field", json=FIELDS)
    facts = gateway().site_facts(create_type="Task")
    assert facts.start_field == "customfield_10015"  # the epic's screen may still have it


@responses.activate
def test_a_team_managed_project_uses_its_own_start_date_field():
    project = {
        **PROJECT,
        "style": "next-gen",
        "simplified": True,
        "issueTypes": [
            {"id": "10100", "name": "Epic", "hierarchyLevel": 1},
            {"id": "10101", "name": "Task", "hierarchyLevel": 0},
        ],
    }
    scoped = {"type": "PROJECT", "project": {"id": "10000"}}
    other = {"type": "PROJECT", "project": {"id": "10999"}}
    start = {"type": "date", "custom": DATEPICKER}
    fields = [
        {"id": "customfield_10015", "name": "Start date", "schema": start},
        {"id": "customfield_10400", "name": "Start date", "schema": start, "scope": other},
        {"id": "customfield_10300", "name": "Start date", "schema": start, "scope": scoped},
    ]
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=project)
    responses.get(f"{BASE}/rest/api/3/field", json=fields)
    facts = gateway().site_facts()
    assert facts.team_managed is True
    assert facts.start_field == "customfield_10300"
    assert facts.epic_type() == IssueTypeRef("10100", "Epic", 1)


@responses.activate
def test_resolve_finds_the_epic_type_by_hierarchy_level_whatever_its_name():
    project = {
        **PROJECT,
        "issueTypes": [
            {"id": "7", "name": "Tarea", "hierarchyLevel": 0},
            {"id": "8", "name": "Épica", "hierarchyLevel": 1},
            {"id": "9", "name": "Subtarea", "hierarchyLevel": -1, "subtask": True},
        ],
    }
    responses.get(f"{BASE}/rest/api/3/project/NVX", json=project)
    responses.get(
        f"{META}/7", json={"startAt": 0, "maxResults": 200, "total": 7, "fields": TASK_SCREEN}
    )
    resolved = resolve(gateway(), "Tarea")
    assert (resolved.epic_type.id, resolved.task_type.id) == ("8", "7")


@responses.activate
def test_data_center_epics_are_still_found_by_name():
    responses.get(f"{BASE}/rest/api/2/project/NVX", json=PROJECT)
    responses.get(f"{BASE}/rest/api/2/field", json=FIELDS)
    resolved = resolve(gateway(DATACENTER), "Task")
    assert resolved.epic_type.id == "1"
    responses.replace(
        responses.GET,
        f"{BASE}/rest/api/2/project/NVX",
        json={**PROJECT, "issueTypes": [{"id": "2", "name": "Task"}]},
    )
    with pytest.raises(InvalidInput, match="no epic issue type"):
        resolve(gateway(DATACENTER), "Task")


def _payload(**fields: object) -> dict:
    return {
        "fields": {"project": {"key": "NVX"}, "issuetype": {"id": "2"}, "summary": "s", **fields},
        "update": {"issuelinks": [{"add": {"type": {"name": "Blocks"}}}]},
        "properties": [{"key": "nivosync", "value": {}}],
    }


@responses.activate
def test_creates_send_only_what_the_read_screen_holds():
    responses.get(
        f"{META}/2", json={"startAt": 0, "maxResults": 200, "total": 7, "fields": TASK_SCREEN}
    )
    responses.post(f"{BASE}/rest/api/3/issue", status=201, json={"id": "1", "key": "NVX-1"})
    responses.post(
        f"{BASE}/rest/api/3/issue/bulk",
        status=201,
        json={"issues": [{"id": "2", "key": "NVX-2"}], "errors": []},
    )
    jira = gateway()
    payload = _payload(customfield_10015="2026-12-07", fixVersions=[{"id": "3"}])
    jira.create_issue(payload)  # no screen read yet: sent as it is
    assert "fixVersions" in json.loads(responses.calls[0].request.body)["fields"]
    jira.create_screen(TASK)
    jira.bulk_create([payload])
    sent = json.loads(responses.calls[2].request.body)["issueUpdates"][0]
    assert set(sent["fields"]) == {"project", "issuetype", "summary", "customfield_10015"}
    assert sent["update"] == {}  # "Linked Issues" is not on this screen
    assert sent["properties"] == payload["properties"]  # properties need no screen
    other = _payload(fixVersions=[])
    other["fields"]["issuetype"] = {"id": "1"}  # the epic's screen was not read
    assert jira._on_screen(other) is other
