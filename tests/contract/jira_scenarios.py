"""Jira traffic that exercises every route the sandbox serves (each flavor), one area per
function, so each contract test replays one area and the coverage test replays them all."""

from __future__ import annotations

from collections.abc import Callable

from sandbox.jira_payloads import create, description, epic_link, issue_fields, user_ref
from sandbox.site import Site


def ok(response, *statuses: int):  # type: ignore[no-untyped-def]
    assert response.status_code in (statuses or (200,)), response.text
    return response


def site_meta(site: Site) -> None:
    for path in (
        "serverInfo",
        "myself",
        "field",
        "issuetype",
        "issueLinkType",
        "status",
        "priority",
        "project",
        "project/NIVO",
        "issueLinkType/10000",
    ):
        ok(site.get(site.rest(path)))
    ok(site.get(site.rest("project/NOPE")), 404)


def users(site: Site) -> None:
    if site.flavor == "cloud":
        ok(site.get(site.rest("user/search"), params={"query": "dana"}))
        ok(site.get(site.rest("user/assignable/search"), params={"project": "NIVO", "query": "s"}))
        dana = user_ref(site, "dana@example.com", "dana")["accountId"]
        ok(site.get(site.rest("user"), params={"accountId": dana}))
    else:
        ok(site.get(site.rest("user/search"), params={"username": "dana"}))
        ok(
            site.get(
                site.rest("user/assignable/search"), params={"project": "NIVO", "username": "s"}
            )
        )
        ok(site.get(site.rest("user"), params={"username": "dana"}))


def versions(site: Site) -> None:
    body = {
        "name": "Go-live",
        "projectId": 10000,
        "releaseDate": "2027-01-14",
        "description": "Production deployment",
    }
    created = ok(site.post(site.rest("version"), json=body), 201).json()
    ok(site.post(site.rest("version"), json=body), 400)
    ok(site.get(site.rest(f"version/{created['id']}")))
    edit = {"description": "Cut-over weekend", "releaseDate": "2027-01-15", "released": True}
    ok(site.put(site.rest(f"version/{created['id']}"), json=edit))
    ok(site.put(site.rest("version/99999"), json=edit), 404)
    ok(site.get(site.rest("project/NIVO/versions")))
    if site.flavor == "cloud":
        ok(site.get(site.rest("project/NIVO/version")))


def issues(site: Site) -> None:
    epic = create(site, "Release", "Epic", description=description(site, "All of it"))
    dana = user_ref(site, "dana@example.com", "dana")
    payload = {
        "fields": issue_fields(
            site,
            "Kickoff",
            assignee=dana,
            labels=["r1"],
            duedate="2026-12-08",
            **epic_link(site, epic["key"]),
        ),
        "properties": [{"key": "nivosync", "value": {"task": "kickoff"}}],
    }
    ok(site.post(site.rest("issue"), json=payload), 201)
    ok(site.post(site.rest("issue"), json={"fields": issue_fields(site, "")}), 400)
    bulk = {
        "issueUpdates": [
            {
                "fields": issue_fields(site, "Bulk ok", labels=["r1"]),
                "update": {
                    "issuelinks": [
                        {"add": {"type": {"name": "Blocks"}, "inwardIssue": {"key": "NIVO-2"}}}
                    ]
                },
            },
            {"fields": issue_fields(site, "Bulk bad", issuetype={"name": "Saga"})},
        ]
    }
    ok(site.post(site.rest("issue/bulk"), json=bulk), 201)
    ok(site.post(site.rest("issue/bulk"), json={"issueUpdates": bulk["issueUpdates"][1:]}), 400)
    ok(
        site.get(
            site.rest("issue/NIVO-2"),
            params={"expand": "names,schema,transitions", "properties": "*all"},
        )
    )
    ok(site.get(site.rest("issue/NIVO-3"), params={"fields": "summary,issuelinks"}))
    ok(site.get(site.rest("issue/NIVO-99")), 404)
    edit = {"fields": {"summary": "Kickoff meeting"}, "update": {"labels": [{"add": "week1"}]}}
    ok(site.put(site.rest("issue/NIVO-2"), json=edit), 204)
    ok(site.put(site.rest("issue/NIVO-2"), json={"fields": {"colour": "red"}}), 400)
    sam = user_ref(site, "sam@example.com", "sam")
    ok(site.put(site.rest("issue/NIVO-2/assignee"), json=sam), 204)


def watchers_and_properties(site: Site) -> None:
    create(site, "Watched")
    sam = user_ref(site, "sam@example.com", "sam")
    ident = sam.get("accountId", sam.get("name"))
    ok(site.post(site.rest("issue/NIVO-1/watchers"), json=ident), 204)
    ok(site.get(site.rest("issue/NIVO-1/watchers")))
    param = "accountId" if site.flavor == "cloud" else "username"
    ok(site.delete(site.rest("issue/NIVO-1/watchers"), params={param: ident}), 204)
    url = site.rest("issue/NIVO-1/properties/baseline")
    ok(site.put(url, json={"due": "2026-12-18", "start": "2026-12-07"}), 201)
    ok(site.put(url, json={"due": "2026-12-19"}), 200)
    ok(site.get(url))
    ok(site.get(site.rest("issue/NIVO-1/properties")))
    ok(site.delete(url), 204)
    ok(site.get(url), 404)


def transitions(site: Site) -> None:
    create(site, "Move me")
    ok(site.get(site.rest("issue/NIVO-1/transitions")))
    ok(site.get(site.rest("issue/NIVO-1/transitions"), params={"expand": "transitions.fields"}))
    ok(site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "21"}}), 204)
    resolution = {"transition": {"id": "31"}, "fields": {"resolution": {"name": "Won't Do"}}}
    ok(site.post(site.rest("issue/NIVO-1/transitions"), json=resolution), 400)  # no screen
    ok(site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "31"}}), 204)
    ok(site.post(site.rest("issue/NIVO-1/transitions"), json={"transition": {"id": "99"}}), 400)
    ok(site.get(site.rest("issue/NIVO-1"), params={"fields": "status,resolution,resolutiondate"}))
    ok(site.get(site.rest("issue/NIVO-1"), params={"fields": "status", "expand": "changelog"}))
    if site.flavor == "cloud":
        ok(site.get(site.rest("issue/NIVO-1/changelog"), params={"startAt": 0, "maxResults": 1}))
        ok(site.get(site.rest("issue/NIVO-99/changelog")), 404)
    search = {"jql": "key = NIVO-1", "fields": ["status"], "expand": "changelog"}
    if site.flavor == "cloud":
        ok(site.post(site.rest("search/jql"), json=search))
    else:
        ok(site.post(site.rest("search"), json={**search, "expand": ["changelog"]}))


def subtasks(site: Site) -> None:
    """Approval sub-tasks as `create` makes them: in bulk, under a task given by key."""
    parent = create(site, "Approval")
    project = ok(site.get(site.rest("project/NIVO"))).json()
    kind = next(t for t in project["issueTypes"] if t["subtask"])
    ok(site.get(site.rest(f"issue/createmeta/NIVO/issuetypes/{kind['id']}")))
    sub = issue_fields(
        site, "Approval: Dana", issuetype={"id": kind["id"]}, parent={"key": parent["key"]}
    )
    bulk = {"issueUpdates": [{"fields": sub}, {"fields": {**sub, "parent": {"key": "NIVO-99"}}}]}
    ok(site.post(site.rest("issue/bulk"), json=bulk), 201)
    ok(site.get(site.rest(f"issue/{parent['key']}"), params={"fields": "subtasks,status"}))


def links(site: Site) -> None:
    a, b = create(site, "a"), create(site, "b")
    body = {
        "type": {"name": "Blocks"},
        "inwardIssue": {"key": a["key"]},
        "outwardIssue": {"key": b["key"]},
    }
    ok(site.post(site.rest("issueLink"), json=body), 201)
    (link,) = site.get(site.rest(f"issue/{a['key']}")).json()["fields"]["issuelinks"]
    ok(site.get(site.rest(f"issueLink/{link['id']}")))
    ok(site.delete(site.rest(f"issueLink/{link['id']}")), 204)


def search(site: Site) -> None:
    for i in range(3):
        create(site, f"t{i}", labels=["r1"], duedate=f"2026-12-1{i}")
    if site.flavor == "cloud":
        page = ok(
            site.get(
                site.rest("search/jql"),
                params={
                    "jql": "labels = r1 ORDER BY key",
                    "maxResults": 2,
                    "fields": "summary,status",
                    "properties": "nivosync",
                },
            )
        ).json()
        ok(
            site.get(
                site.rest("search/jql"),
                params={"jql": "labels = r1 ORDER BY key", "nextPageToken": page["nextPageToken"]},
            )
        )
        ok(
            site.post(
                site.rest("search/jql"),
                json={
                    "jql": "labels = r1 AND duedate >= 2026-12-11",
                    "fields": ["*all"],
                    "maxResults": 5,
                },
            )
        )
        ok(site.get(site.rest("search/jql"), params={"jql": "labels = nope ="}), 400)
    else:
        ok(
            site.get(
                site.rest("search"),
                params={
                    "jql": "labels = r1 ORDER BY key",
                    "maxResults": 2,
                    "fields": "summary,status",
                },
            )
        )
        ok(
            site.post(
                site.rest("search"), json={"jql": "labels = r1", "startAt": 1, "fields": ["*all"]}
            )
        )
        ok(site.get(site.rest("search"), params={"jql": "labels = nope ="}), 400)


def create_meta(site: Site) -> None:
    """The paged createmeta routes (the old `GET issue/createmeta` is not served)."""
    types = ok(site.get(site.rest("issue/createmeta/NIVO/issuetypes"))).json()
    items = types["issueTypes"] if site.flavor == "cloud" else types["values"]
    task = next(t for t in items if t["name"] == "Task")
    ok(
        site.get(
            site.rest("issue/createmeta/NIVO/issuetypes"), params={"startAt": 1, "maxResults": 2}
        )
    )
    ok(site.get(site.rest(f"issue/createmeta/NIVO/issuetypes/{task['id']}")))
    epic = next(t for t in items if t["name"] == "Epic")
    ok(
        site.get(
            site.rest(f"issue/createmeta/NIVO/issuetypes/{epic['id']}"),
            params={"startAt": 0, "maxResults": 3},
        )
    )
    ok(site.get(site.rest("issue/createmeta/NOPE/issuetypes")), 400)
    ok(site.get(site.rest("issue/createmeta/NIVO/issuetypes/99")), 400)


def user_properties(site: Site) -> None:
    """The ledger nivosync keeps on its own user record, and the consistent search options."""
    me = ok(site.get(site.rest("myself"))).json()
    who = {"accountId": me["accountId"]} if site.flavor == "cloud" else {"username": me["name"]}
    path = site.rest("user/properties/nivosync.release.r1")
    ok(site.get(path, params=who), 404)
    ok(site.put(path, params=who, json={"schema": 1, "created": {}}), 201)
    ok(site.put(path, params=who, json={"schema": 1, "created": {}, "pending": []}), 200)
    ok(site.get(path, params=who))
    ok(site.delete(path, params=who), 204)
    made = create(site, "reconciled", labels=["r2"])
    if site.flavor == "cloud":
        body = {"jql": "labels = r2", "fields": ["summary"], "reconcileIssues": [int(made["id"])]}
        ok(site.post(site.rest("search/jql"), json=body))


def my_permissions(site: Site) -> None:
    """Cloud requires `permissions`; Data Center lists every permission without it."""
    keys = {"permissions": "BROWSE_PROJECTS,EDIT_ISSUES,MANAGE_WATCHERS"}
    ok(site.get(site.rest("mypermissions"), params=keys))
    ok(site.get(site.rest("mypermissions"), params={**keys, "projectKey": "NIVO"}))
    ok(site.get(site.rest("mypermissions"), params={**keys, "projectId": "10000"}))
    ok(site.get(site.rest("mypermissions"), params={**keys, "projectKey": "NOPE"}), 404)
    ok(site.get(site.rest("mypermissions"), params={"permissions": "FLY"}), 400)
    everything = site.get(site.rest("mypermissions"), params={"projectKey": "NIVO"})
    ok(everything, 400 if site.flavor == "cloud" else 200)


def deletion(site: Site) -> None:
    epic = create(site, "Doomed release", "Epic")
    task = create(site, "Orphan", **epic_link(site, epic["key"]))
    ok(site.delete(site.rest(f"issue/{epic['key']}")), 204)
    ok(site.get(site.rest(f"issue/{epic['key']}")), 404)
    ok(site.get(site.rest(f"issue/{task['key']}")))  # its issues stay, unlinked


def comments(site: Site) -> None:
    """Cloud v3 takes ADF (a mention is a node; plain text is refused), v2 and DC a string."""
    key = create(site, "Discussed")["key"]
    url = site.rest(f"issue/{key}/comment")
    if site.flavor == "cloud":
        dana = user_ref(site, "dana@example.com", "dana")["accountId"]
        mention = {"type": "mention", "attrs": {"id": dana}}
        said = {"type": "paragraph", "content": [mention, {"type": "text", "text": " slipped"}]}
        body: object = {"type": "doc", "version": 1, "content": [said]}
        ok(site.post(url, json={"body": "plain text is not ADF on v3"}), 400)
    else:
        body = "[~dana] slipped"
    ok(site.post(url, json={"body": body}), 201)
    ok(site.post(url, json={"body": ""}), 400)
    ok(site.get(url, params={"orderBy": "-created", "maxResults": 10, "startAt": 0}))
    ok(site.get(url))
    ok(site.get(site.rest("issue/NIVO-99/comment")), 404)


AREAS: tuple[Callable[[Site], None], ...] = (
    site_meta,
    my_permissions,
    users,
    versions,
    issues,
    watchers_and_properties,
    transitions,
    subtasks,
    links,
    search,
    create_meta,
    user_properties,
    deletion,
    comments,
)
