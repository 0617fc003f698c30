"""Jira project permissions: ``mypermissions``, and each route refusing (or trimming) what
a caller may not do, as the real products answer. Callers: the site admin (the fixture's
session), the demo seed's member bot and seeded users with fewer permissions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import (
    JIRA_PERMISSIONS,
    MEMBER_PERMISSIONS,
    PROJECT_ADMIN,
    Flavor,
    UserSeed,
    account_id_for,
    demo_seed,
)

from .jira_payloads import create, issue_fields, user_ref
from .site import Site, started

OFF_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."
NO_ISSUE = "Issue does not exist or you do not have permission to see it."
BOT = UserSeed("Nivo Bot", "bot@example.com", "nivobot")
READER = UserSeed(
    "Rita Reader", "reader@example.com", "rita", project=frozenset({"BROWSE_PROJECTS"})
)
OUTSIDER = UserSeed("Otto Outsider", "outsider@example.com", "otto", project=frozenset())
LEAD = UserSeed("Lena Lead", "lead@example.com", "lena", project=PROJECT_ADMIN)
TRIMMED = MEMBER_PERMISSIONS - {"ASSIGN_ISSUES", "SCHEDULE_ISSUES", "RESOLVE_ISSUES", "LINK_ISSUES"}
PLAIN = UserSeed("Paul Plain", "plain@example.com", "paul", project=TRIMMED)
HIDDEN = UserSeed("Hana Hidden", "hana@example.com", "hana", email_hidden=True)


def _start(tmp_path: Path, flavor: Flavor) -> Iterator[Site]:
    seed = demo_seed(flavor)
    seed = replace(seed, users=(*seed.users, READER, OUTSIDER, LEAD, PLAIN, HIDDEN))
    yield from started(tmp_path / "p.db", seed)


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, request.param)


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "cloud")


@pytest.fixture
def dc(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "datacenter")


def as_user(site: Site, user: UserSeed) -> Site:
    """`site` as `user` sees it (their own API token)."""
    other = Site(site.sandbox)
    other.session.auth = (user.email, user_token(site.sandbox.seed, user.email))
    return other


def by_flavor(site: Site, cloud: int, datacenter: int) -> int:
    return cloud if site.flavor == "cloud" else datacenter


def messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return response.json()["errorMessages"]


def ident(site: Site, user: UserSeed) -> str:
    """How the flavour names a user in watcher requests (accountId / username)."""
    return account_id_for(user.email) if site.flavor == "cloud" else user.username


def my_permissions(site: Site, **params: str) -> dict[str, dict]:
    response = site.get(site.rest("mypermissions"), params=params)
    assert response.status_code == 200, response.text
    return response.json()["permissions"]


# --- mypermissions ---------------------------------------------------------------------------


def test_mypermissions_describes_each_permission_with_jiras_ids(site: Site) -> None:
    keys = ",".join(JIRA_PERMISSIONS)
    held = my_permissions(as_user(site, BOT), permissions=keys, projectKey="NIVO")
    assert list(held) == list(JIRA_PERMISSIONS)
    assert {k: p["id"] for k, p in held.items()} == {
        "BROWSE_PROJECTS": "10",
        "CREATE_ISSUES": "11",
        "EDIT_ISSUES": "12",
        "ASSIGN_ISSUES": "13",
        "ASSIGNABLE_USER": "17",
        "SCHEDULE_ISSUES": "28",
        "RESOLVE_ISSUES": "14",
        "LINK_ISSUES": "21",
        "TRANSITION_ISSUES": "46",
        "ADD_COMMENTS": "15",
        "MANAGE_WATCHERS": "32",
        "ADMINISTER_PROJECTS": "23",
    }
    assert held["EDIT_ISSUES"] == {
        "id": "12",
        "key": "EDIT_ISSUES",
        "name": "Edit Issues",
        "type": "PROJECT",
        "description": "Ability to edit issues.",
        "havePermission": True,
    }
    assert held["MANAGE_WATCHERS"]["name"] == "Manage Watchers"
    assert [k for k, p in held.items() if not p["havePermission"]] == [
        "MANAGE_WATCHERS",
        "ADMINISTER_PROJECTS",
    ]
    admin = my_permissions(site, permissions=keys, projectId="10000")
    assert all(p["havePermission"] for p in admin.values())


def test_mypermissions_global_context_is_the_seed_project(site: Site) -> None:
    wanted = "BROWSE_PROJECTS,ADMINISTER_PROJECTS"
    lead = my_permissions(as_user(site, LEAD), permissions=wanted)
    assert {k: p["havePermission"] for k, p in lead.items()} == {
        "BROWSE_PROJECTS": True,
        "ADMINISTER_PROJECTS": True,
    }
    outsider = my_permissions(as_user(site, OUTSIDER), permissions=wanted)
    assert not any(p["havePermission"] for p in outsider.values())


def test_cloud_mypermissions_requires_the_permissions_parameter(cloud: Site) -> None:
    for params in ({}, {"permissions": ""}, {"projectKey": "NIVO", "permissions": " , "}):
        response = cloud.get(cloud.rest("mypermissions"), params=params)
        assert response.status_code == 400
        assert response.json() == {
            "errorMessages": ["The 'permissions' query parameter is required."],
            "errors": {},
        }


def test_dc_mypermissions_lists_every_permission_without_the_parameter(dc: Site) -> None:
    held = my_permissions(as_user(dc, READER), projectKey="NIVO")
    assert list(held) == list(JIRA_PERMISSIONS)
    assert [k for k, p in held.items() if p["havePermission"]] == ["BROWSE_PROJECTS"]


def test_mypermissions_refuses_unknown_keys_and_unseen_projects(site: Site) -> None:
    unknown = site.get(site.rest("mypermissions"), params={"permissions": "EDIT_ISSUES,FLY"})
    assert unknown.status_code == 400 and "FLY" in messages(unknown)[0]
    params = {"permissions": "BROWSE_PROJECTS", "projectKey": "NOPE"}
    missing = site.get(site.rest("mypermissions"), params=params)
    assert missing.status_code == 404
    assert messages(missing) == ["No project could be found with key 'NOPE'."]
    params["projectKey"] = "NIVO"
    unseen = as_user(site, OUTSIDER).get(site.rest("mypermissions"), params=params)
    assert unseen.status_code == 404
    assert messages(unseen) == ["No project could be found with key 'NIVO'."]


# --- Browse Projects ---------------------------------------------------------------------------


def test_without_browse_the_project_and_its_issues_do_not_exist(site: Site) -> None:
    key = create(site, "Secret")["key"]
    site.put(site.rest(f"issue/{key}/properties/p"), json={"a": 1})
    version = site.post(site.rest("version"), json={"name": "r1", "projectId": 10000}).json()
    outsider = as_user(site, OUTSIDER)
    project = outsider.get(site.rest("project/NIVO"))
    assert project.status_code == 404
    assert messages(project) == ["No project could be found with key 'NIVO'."]
    assert outsider.get(site.rest("project")).json() == []
    for path in ("", "/properties", "/properties/p", "/watchers", "/transitions"):
        response = outsider.get(site.rest(f"issue/{key}{path}"))
        assert response.status_code == 404, path
        assert messages(response) == [NO_ISSUE]
    assert outsider.get(site.rest("project/NIVO/versions")).status_code == 404
    if site.flavor == "cloud":
        assert outsider.get(site.rest("project/NIVO/version")).status_code == 404
    assert outsider.get(site.rest(f"version/{version['id']}")).status_code == 404
    assert outsider.get(site.rest("issue/createmeta/NIVO/issuetypes")).status_code == 400
    assert as_user(site, READER).get(site.rest(f"issue/{key}")).status_code == 200


def test_search_leaves_out_issues_the_caller_cannot_browse(site: Site) -> None:
    made = create(site, "Secret", labels=["r1"])
    outsider, jql = as_user(site, OUTSIDER), "labels = r1"
    if site.flavor == "cloud":
        body = {"jql": jql, "fields": ["summary"], "reconcileIssues": [int(made["id"])]}
        found = outsider.post(site.rest("search/jql"), json=body).json()
        assert found["issues"] == [] and found["isLast"] is True
        assert len(site.post(site.rest("search/jql"), json=body).json()["issues"]) == 1
    else:
        found = outsider.get(site.rest("search"), params={"jql": jql}).json()
        assert found["issues"] == [] and found["total"] == 0
        assert site.get(site.rest("search"), params={"jql": jql}).json()["total"] == 1


# --- Create Issues and the create screens ------------------------------------------------------


def test_without_create_issues_creating_is_refused(site: Site) -> None:
    reader = as_user(site, READER)
    refusal = {"project": "You do not have permission to create issues in this project."}
    response = reader.post(site.rest("issue"), json={"fields": issue_fields(site, "x")})
    assert response.status_code == 400
    assert response.json() == {"errorMessages": [], "errors": refusal}
    updates = [{"fields": issue_fields(site, "a")}, {"fields": issue_fields(site, "b")}]
    bulk = reader.post(site.rest("issue/bulk"), json={"issueUpdates": updates})
    assert bulk.status_code == 400 and bulk.json()["issues"] == []
    assert [e["elementErrors"]["errors"] for e in bulk.json()["errors"]] == [refusal, refusal]
    assert [e["status"] for e in bulk.json()["errors"]] == [400, 400]
    unseen = as_user(site, OUTSIDER).post(
        site.rest("issue"), json={"fields": issue_fields(site, "x")}
    )
    assert unseen.json()["errors"]["project"] == "Specify a valid project ID or key"


def test_without_create_issues_createmeta_offers_no_issue_type(site: Site) -> None:
    reader = as_user(site, READER)
    page = reader.get(site.rest("issue/createmeta/NIVO/issuetypes")).json()
    assert page["total"] == 0 and page["issueTypes" if site.flavor == "cloud" else "values"] == []
    task = reader.get(site.rest("issue/createmeta/NIVO/issuetypes/10001"))
    assert task.status_code == by_flavor(site, 404, 400)
    assert "cannot create issues" in messages(task)[0] and "'NIVO'" in messages(task)[0]
    assert site.get(site.rest("issue/createmeta/NIVO/issuetypes/10001")).status_code == 200


def _screen_ids(site: Site) -> set[str]:
    page = site.get(site.rest("issue/createmeta/NIVO/issuetypes/10001")).json()
    return {f["fieldId"] for f in page["fields" if site.flavor == "cloud" else "values"]}


def test_screens_leave_out_fields_the_caller_may_not_set(site: Site) -> None:
    guarded = {"assignee", "duedate", "fixVersions", "issuelinks"}
    assert guarded <= _screen_ids(as_user(site, BOT))
    plain = as_user(site, PLAIN)
    assert guarded.isdisjoint(_screen_ids(plain))
    assert {"summary", "labels", "priority"} <= _screen_ids(plain)
    sam = user_ref(site, "sam@example.com", "sam")
    fields = issue_fields(site, "x", assignee=sam, duedate="2026-12-08", fixVersions=[])
    links = [{"add": {"type": {"name": "Blocks"}, "inwardIssue": {"key": "NIVO-1"}}}]
    refused = plain.post(
        site.rest("issue"), json={"fields": fields, "update": {"issuelinks": links}}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"] == {f: OFF_SCREEN.format(f) for f in guarded}
    key = create(plain, "Plain")["key"]
    edit = plain.put(site.rest(f"issue/{key}"), json={"fields": {"duedate": "2026-12-09"}})
    assert edit.json()["errors"] == {"duedate": OFF_SCREEN.format("duedate")}
    assert (
        plain.put(site.rest(f"issue/{key}"), json={"fields": {"summary": "ok"}}).status_code == 204
    )


# --- Edit, Assign, Transition ------------------------------------------------------------------


def test_without_edit_issues_edits_and_properties_are_refused(site: Site) -> None:
    key = create(site, "Guarded")["key"]
    site.put(site.rest(f"issue/{key}/properties/p"), json={"a": 1})
    reader = as_user(site, READER)
    edit = reader.put(site.rest(f"issue/{key}"), json={"fields": {"summary": "y"}})
    assert edit.status_code == 400
    assert edit.json() == {
        "errorMessages": ["You do not have permission to edit issues in this project."],
        "errors": {},
    }
    put = reader.put(site.rest(f"issue/{key}/properties/p"), json={"a": 2})
    assert put.status_code == 403
    assert messages(put) == ["You do not have permission to edit this issue."]
    gone = reader.delete(site.rest(f"issue/{key}/properties/p"))
    assert gone.status_code == by_flavor(site, 404, 403)
    assert messages(gone) == ["You do not have permission to edit this issue."]
    assert site.get(site.rest(f"issue/{key}/properties/p")).json()["value"] == {"a": 1}
    assert (
        as_user(site, BOT).put(site.rest(f"issue/{key}/properties/p"), json={}).status_code == 200
    )


def test_quiet_edits_need_a_site_or_project_admin(site: Site) -> None:
    key = create(site, "Quiet")["key"]
    path, body = site.rest(f"issue/{key}"), {"fields": {"summary": "hush"}}
    quiet = {"notifyUsers": "false"}
    assert as_user(site, BOT).put(path, json=body, params=quiet).status_code == 403
    assert as_user(site, LEAD).put(path, json=body, params=quiet).status_code == 204
    assert site.put(path, json=body, params=quiet).status_code == 204


def test_assigning_needs_assign_issues_and_an_assignable_user(site: Site) -> None:
    key = create(site, "Assign me")["key"]
    sam = user_ref(site, "sam@example.com", "sam")
    refused = as_user(site, PLAIN).put(site.rest(f"issue/{key}/assignee"), json=sam)
    assert refused.status_code == by_flavor(site, 403, 401)
    otto = user_ref(site, OUTSIDER.email, OUTSIDER.username)
    who = ident(site, OUTSIDER)
    cannot = {"assignee": f"User '{who}' cannot be assigned issues."}
    for response in (
        site.put(site.rest(f"issue/{key}/assignee"), json=otto),
        site.put(site.rest(f"issue/{key}"), json={"fields": {"assignee": otto}}),
        site.post(site.rest("issue"), json={"fields": issue_fields(site, "x", assignee=otto)}),
    ):
        assert response.status_code == 400 and response.json()["errors"] == cannot
    assert as_user(site, BOT).put(site.rest(f"issue/{key}/assignee"), json=sam).status_code == 204


def test_assignable_search_lists_only_assignable_users(site: Site) -> None:
    text = "query" if site.flavor == "cloud" else "username"

    def names(path: str, query: str) -> list[str]:
        response = site.get(site.rest(path), params={"project": "NIVO", text: query})
        assert response.status_code == 200, response.text
        return [u["displayName"] for u in response.json()]

    assert names("user/search", "ot") == ["Otto Outsider"]
    assert names("user/search", "rit") == ["Rita Reader"]
    assert names("user/assignable/search", "ot") == []  # holds no permission
    assert names("user/assignable/search", "rit") == []  # may only browse
    assert names("user/assignable/search", "ada") == ["Ada Admin"]  # a site admin
    assert names("user/assignable/search", "dana") == ["Dana Delivery"]  # a member
    if site.flavor == "cloud":
        by_id = {"project": "NIVO", "accountId": account_id_for(OUTSIDER.email)}
        assert site.get(site.rest("user/assignable/search"), params=by_id).json() == []
    params = {"project": "NIVO", text: "dana"}
    unseen = as_user(site, OUTSIDER).get(site.rest("user/assignable/search"), params=params)
    assert unseen.status_code == 404


def test_without_transition_issues_there_is_no_transition(site: Site) -> None:
    key = create(site, "Stuck")["key"]
    reader = as_user(site, READER)
    listed = reader.get(site.rest(f"issue/{key}/transitions")).json()
    assert listed["transitions"] == []
    expanded = reader.get(site.rest(f"issue/{key}"), params={"expand": "transitions"}).json()
    assert expanded["transitions"] == []
    moved = reader.post(site.rest(f"issue/{key}/transitions"), json={"transition": {"id": "21"}})
    assert moved.status_code == 400
    assert messages(moved) == ["You do not have permission to transition this issue."]
    assert len(site.get(site.rest(f"issue/{key}/transitions")).json()["transitions"]) == 2


# --- Manage Watchers, Link Issues, Administer Projects -----------------------------------------


def test_watching_for_someone_else_needs_manage_watchers(site: Site) -> None:
    key = create(site, "Watched")["key"]
    bot, path = as_user(site, BOT), site.rest(f"issue/{key}/watchers")
    sam = UserSeed("Sam Support", "sam@example.com", "sam")
    refused = bot.post(path, json=ident(site, sam))
    assert refused.status_code == by_flavor(site, 403, 401)
    assert messages(refused) == ["You do not have the permission to manage the watcher list."]
    assert bot.post(path, json=ident(site, BOT)).status_code == 204
    assert as_user(site, LEAD).post(path, json=ident(site, sam)).status_code == 204
    param = "accountId" if site.flavor == "cloud" else "username"
    removal = bot.delete(path, params={param: ident(site, sam)})
    assert removal.status_code == by_flavor(site, 403, 401)
    assert bot.delete(path, params={param: ident(site, BOT)}).status_code == 204
    watchers = {w["displayName"] for w in site.get(path).json()["watchers"]}
    assert watchers == {"Sam Support", "Ada Admin"}


def test_linking_needs_link_issues(site: Site) -> None:
    a, b = create(site, "a")["key"], create(site, "b")["key"]
    body = {"type": {"name": "Blocks"}, "inwardIssue": {"key": a}, "outwardIssue": {"key": b}}
    refused = as_user(site, PLAIN).post(site.rest("issueLink"), json=body)
    assert refused.status_code == by_flavor(site, 404, 401)
    assert messages(refused) == [f"No Link Issue Permission for issue '{a}'."]
    assert as_user(site, BOT).post(site.rest("issueLink"), json=body).status_code == 201
    (link,) = site.get(site.rest(f"issue/{a}")).json()["fields"]["issuelinks"]
    unlink = as_user(site, PLAIN).delete(site.rest(f"issueLink/{link['id']}"))
    assert unlink.status_code == by_flavor(site, 404, 401)
    assert as_user(site, OUTSIDER).get(site.rest(f"issueLink/{link['id']}")).status_code == 404


def test_versions_need_administer_projects(site: Site) -> None:
    body = {"name": "r1", "projectId": 10000}
    refused = as_user(site, BOT).post(site.rest("version"), json=body)
    assert refused.status_code == by_flavor(site, 404, 403)
    assert messages(refused) == ["You cannot edit the configuration of this project."]
    created = as_user(site, LEAD).post(site.rest("version"), json=body)
    assert created.status_code == 201
    path = site.rest(f"version/{created.json()['id']}")
    edit = as_user(site, BOT).put(path, json={"released": True})
    assert edit.status_code == by_flavor(site, 400, 403)
    assert messages(edit) == ["You cannot edit the configuration of this project."]
    changed = site.put(path, json={"released": True, "releaseDate": "2027-01-15"})
    assert changed.status_code == 200
    assert changed.json()["released"] is True and changed.json()["releaseDate"] == "2027-01-15"
    assert site.get(path).json()["released"] is True


# --- hidden emails (Cloud) ---------------------------------------------------------------------


def test_cloud_hides_a_hidden_email_from_everyone_but_its_owner(cloud: Site) -> None:
    hana = {"accountId": account_id_for(HIDDEN.email)}
    key = create(cloud, "For Hana", assignee=hana)["key"]
    seen = cloud.get(cloud.rest("user"), params=hana).json()
    assert "emailAddress" not in seen and seen["displayName"] == "Hana Hidden"
    assignee = cloud.get(cloud.rest(f"issue/{key}")).json()["fields"]["assignee"]
    assert "emailAddress" not in assignee
    me = as_user(cloud, HIDDEN).get(cloud.rest("myself")).json()
    assert me["emailAddress"] == HIDDEN.email
    dana = cloud.get(cloud.rest("user"), params={"accountId": account_id_for("dana@example.com")})
    assert dana.json()["emailAddress"] == "dana@example.com"


def test_cloud_user_searches_do_not_match_a_hidden_email(cloud: Site) -> None:
    search = cloud.rest("user/search")
    assert cloud.get(search, params={"query": "hana@"}).json() == []
    assert [u["displayName"] for u in cloud.get(search, params={"query": "Hidden"}).json()] == [
        "Hana Hidden"
    ]
    assert len(cloud.get(search, params={"accountId": account_id_for(HIDDEN.email)}).json()) == 1
    assignable = cloud.rest("user/assignable/search")
    assert cloud.get(assignable, params={"project": "NIVO", "query": "hana@"}).json() == []
    named = cloud.get(assignable, params={"project": "NIVO", "query": "hana h"}).json()
    assert [u["displayName"] for u in named] == ["Hana Hidden"]
    assert len(cloud.get(search, params={"query": "dana@"}).json()) == 1


def test_dc_ignores_hidden_emails(dc: Site) -> None:
    found = dc.get(dc.rest("user/search"), params={"username": "hana@"}).json()
    assert [u["emailAddress"] for u in found] == [HIDDEN.email]
