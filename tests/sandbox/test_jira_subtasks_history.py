"""Sub-tasks in bulk, the Resolution on a transition screen, and the changelog, per flavour."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import demo_seed

from .jira_payloads import create, issue_fields, user_ref
from .site import Site, started

DONE, IN_PROGRESS = "31", "21"


@pytest.fixture(params=["cloud", "datacenter"])
def screened(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    """A site whose Done transition asks for a resolution."""
    seed = replace(demo_seed(request.param), resolution_screen=True)
    yield from started(tmp_path / "screened.db", seed)


def subtask_type(site: Site) -> dict:
    project = site.get(site.rest("project/NIVO")).json()
    return next(t for t in project["issueTypes"] if t["subtask"])


def test_sub_tasks_in_bulk_under_a_task_by_key(site: Site) -> None:
    parent = create(site, "Approval")
    kind = subtask_type(site)
    if site.flavor == "cloud":
        assert kind["hierarchyLevel"] == -1
    dana = user_ref(site, "dana@example.com", "dana")
    updates = [
        {
            "fields": issue_fields(
                site,
                f"Approval: {who}",
                issuetype={"id": kind["id"]},
                parent={"key": parent["key"]},
                assignee=dana,
                labels=["nivosync-approval-x"],
            )
        }
        for who in ("a", "b")
    ]
    # A sub-task of a sub-task, and one without a parent, fail alone.
    bad_parent = {"fields": issue_fields(site, "nested", issuetype={"id": kind["id"]})}
    answer = site.post(site.rest("issue/bulk"), json={"issueUpdates": [*updates, bad_parent]})
    assert answer.status_code == 201, answer.text
    created = answer.json()["issues"]
    assert len(created) == 2
    (failure,) = answer.json()["errors"]
    assert failure["failedElementNumber"] == 2
    assert "issuetype" in failure["elementErrors"]["errors"]
    nested = {
        "fields": issue_fields(
            site, "nested", issuetype={"id": kind["id"]}, parent={"key": created[0]["key"]}
        )
    }
    refused = site.post(site.rest("issue"), json=nested)
    assert refused.status_code == 400 and "parent" in refused.json()["errors"]
    got = site.get(site.rest(f"issue/{parent['key']}")).json()["fields"]
    assert [s["key"] for s in got["subtasks"]] == [c["key"] for c in created]
    child = site.get(site.rest(f"issue/{created[0]['key']}")).json()["fields"]
    assert child["parent"]["key"] == parent["key"] and child["issuetype"]["subtask"] is True


def test_the_sub_task_screen_requires_its_parent(site: Site) -> None:
    kind = subtask_type(site)
    meta = site.get(site.rest(f"issue/createmeta/NIVO/issuetypes/{kind['id']}")).json()
    fields = {f["fieldId"]: f for f in meta.get("fields") or meta["values"]}
    assert fields["parent"]["required"] is True
    task = next(
        t for t in site.get(site.rest("project/NIVO")).json()["issueTypes"] if t["name"] == "Task"
    )
    task_meta = site.get(site.rest(f"issue/createmeta/NIVO/issuetypes/{task['id']}")).json()
    task_fields = {f["fieldId"]: f for f in task_meta.get("fields") or task_meta["values"]}
    assert task_fields["parent"]["required"] is False


def test_done_without_a_screen_sets_done_and_refuses_a_resolution(site: Site) -> None:
    key = create(site, "Plain")["key"]
    url = site.rest(f"issue/{key}/transitions")
    listed = site.get(url, params={"expand": "transitions.fields"}).json()["transitions"]
    done = next(t for t in listed if t["id"] == DONE)
    assert done["hasScreen"] is False and done["fields"] == {}
    body = {"transition": {"id": DONE}, "fields": {"resolution": {"name": "Won't Do"}}}
    refused = site.post(url, json=body)
    assert refused.status_code == 400 and "resolution" in refused.json()["errors"]
    assert site.post(url, json={"transition": {"id": DONE}}).status_code == 204
    fields = site.get(site.rest(f"issue/{key}")).json()["fields"]
    assert fields["resolution"]["name"] == "Done"


def test_a_resolution_screen_offers_the_sites_resolutions(screened: Site) -> None:
    site = screened
    key = create(site, "Decide")["key"]
    url = site.rest(f"issue/{key}/transitions")
    listed = site.get(url, params={"expand": "transitions.fields"}).json()["transitions"]
    done = next(t for t in listed if t["id"] == DONE)
    assert done["hasScreen"] is True
    names = [v["name"] for v in done["fields"]["resolution"]["allowedValues"]]
    wont = "Won't Do"
    assert wont in names and "Done" in names
    if site.flavor == "datacenter":
        assert "Won't Fix" in names and "Fixed" in names
    in_progress = next(t for t in listed if t["id"] == IN_PROGRESS)
    assert in_progress["fields"] == {}  # no screen: the resolution is refused there
    wrong = {"transition": {"id": DONE}, "fields": {"resolution": {"name": "Maybe"}}}
    assert site.post(url, json=wrong).status_code == 400
    chosen = {"transition": {"id": DONE}, "fields": {"resolution": {"name": wont}}}
    assert site.post(url, json=chosen).status_code == 204
    fields = site.get(site.rest(f"issue/{key}")).json()["fields"]
    assert fields["resolution"]["name"] == wont
    assert fields["status"]["statusCategory"]["key"] == "done"
    reopen = site.post(url, json={"transition": {"id": IN_PROGRESS}})
    assert reopen.status_code == 204
    assert site.get(site.rest(f"issue/{key}")).json()["fields"]["resolution"] is None


def test_the_changelog_says_who_moved_an_issue_and_when(site: Site) -> None:
    key = create(site, "Watched closely")["key"]
    site.sandbox.clock.set(datetime(2027, 1, 4, 9, tzinfo=UTC))
    dana = site.sandbox.seed.user_seed("dana@example.com")
    assert dana is not None
    as_dana = Site(site.sandbox)
    as_dana.session.auth = (dana.email, user_token(site.sandbox.seed, dana.email))
    url = site.rest(f"issue/{key}/transitions")
    assert as_dana.post(url, json={"transition": {"id": IN_PROGRESS}}).status_code == 204
    site.sandbox.clock.set(datetime(2027, 1, 5, 16, tzinfo=UTC))
    assert as_dana.post(url, json={"transition": {"id": DONE}}).status_code == 204
    sam = user_ref(site, "sam@example.com", "sam")
    assert site.put(site.rest(f"issue/{key}/assignee"), json=sam).status_code == 204
    site.sandbox.clock.set(None)

    got = site.get(site.rest(f"issue/{key}"), params={"expand": "changelog"}).json()
    histories = got["changelog"]["histories"]
    assert got["changelog"]["total"] == 3
    moved = histories[1]
    assert moved["created"].startswith("2027-01-05T16:00:00")
    who = moved["author"].get("accountId") or moved["author"]["name"]
    assert who == user_ref(site, "dana@example.com", "dana").popitem()[1]
    items = {i["field"]: i for i in moved["items"]}
    assert (items["status"]["fromString"], items["status"]["toString"]) == ("In Progress", "Done")
    assert items["resolution"]["toString"] == "Done"
    assert ("fieldId" in items["status"]) == (site.flavor == "cloud")
    assert histories[2]["items"][0]["field"] == "assignee"
    assert histories[2]["items"][0]["toString"] == "Sam Support"

    search = "search/jql" if site.flavor == "cloud" else "search"
    body = {"jql": f"key = {key}", "fields": ["status"], "expand": "changelog"}
    if site.flavor == "datacenter":
        body["expand"] = ["changelog"]
    found = site.post(site.rest(search), json=body).json()["issues"][0]["changelog"]
    newest_first = site.flavor == "cloud"  # Cloud's search: the 40 newest, newest first
    dates = [h["created"] for h in found["histories"]]
    assert dates == sorted(dates, reverse=newest_first)
    if site.flavor == "cloud":
        page = site.get(site.rest(f"issue/{key}/changelog"), params={"maxResults": 2}).json()
        assert (page["total"], page["isLast"], len(page["values"])) == (3, False, 2)
        assert page["values"][0]["created"] == histories[0]["created"]
        rest = site.get(site.rest(f"issue/{key}/changelog"), params={"startAt": 2}).json()
        assert rest["isLast"] is True and rest["values"][0]["items"][0]["field"] == "assignee"
