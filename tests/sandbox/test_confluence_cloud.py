"""Confluence Cloud over real HTTP: v2 spaces, pages, versions, children and page properties."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from nivosync.sandbox import Sandbox
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import account_id_for, demo_seed

from .site import Site

V2 = "/wiki/api/v2"
ADMIN = account_id_for("admin@example.com")
DANA = account_id_for("dana@example.com")


def space_id(site: Site) -> str:
    return site.get(f"{V2}/spaces", params={"keys": "NIVO"}).json()["results"][0]["id"]


def page_by_title(site: Site, title: str) -> dict[str, Any]:
    found = site.get(f"{V2}/pages", params={"space-id": space_id(site), "title": title}).json()
    assert len(found["results"]) == 1, found
    return found["results"][0]


def create(site: Site, title: str, body: str = "<p>x</p>", parent: str | None = None) -> Any:
    payload: dict[str, Any] = {
        "spaceId": space_id(site),
        "status": "current",
        "title": title,
        "body": {"representation": "storage", "value": body},
    }
    if parent is not None:
        payload["parentId"] = parent
    return site.post(f"{V2}/pages", json=payload)


def update(site: Site, page: dict[str, Any], number: int, body: str, **extra: Any) -> Any:
    payload = {
        "id": page["id"],
        "status": "current",
        "title": page["title"],
        "body": {"representation": "storage", "value": body},
        "version": {"number": number, "message": "edit"},
    }
    session = extra.pop("session", site.session)
    return session.put(site.url(f"{V2}/pages/{page['id']}"), json=payload, timeout=10)


def as_user(site: Site, email: str) -> requests.Session:
    """A session authenticated as a seeded non-admin user (a "human" editor)."""
    session = requests.Session()
    session.auth = (email, user_token(site.sandbox.seed, email))
    return session


def test_seeded_space_home_and_parent_page(cloud: Site) -> None:
    space = cloud.get(f"{V2}/spaces", params={"keys": "NIVO"}).json()["results"][0]
    assert (space["key"], space["name"], space["type"]) == ("NIVO", "NIVOMAX Releases", "global")
    assert cloud.get(f"{V2}/spaces/{space['id']}").json()["homepageId"] == space["homepageId"]
    parent = page_by_title(cloud, "Releases")
    assert parent["parentId"] == space["homepageId"]
    assert parent["version"]["authorId"] == ADMIN
    assert cloud.get(f"{V2}/spaces", params={"keys": "NOPE"}).json()["results"] == []


def test_reseeding_is_idempotent(tmp_path: Path) -> None:
    for _ in range(2):
        with Sandbox.start(tmp_path / "site.db", demo_seed("cloud")) as sandbox:
            site = Site(sandbox)
            assert len(site.get(f"{V2}/pages", params={"title": "Releases"}).json()["results"]) == 1
            assert len(site.get(f"{V2}/spaces").json()["results"]) == 1


def test_create_and_get_store_the_storage_body_as_confluence_rewrites_it(cloud: Site) -> None:
    body = (
        '<p>Ünïcode &amp; <ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">'
        "Green</ac:parameter></ac:structured-macro></p><![CDATA[ raw ]]>  \n"
    )
    parent = page_by_title(cloud, "Releases")
    created = create(cloud, "Plan A", body, parent=parent["id"])
    assert created.status_code == 200
    page = created.json()
    assert page["parentId"] == parent["id"] and page["version"]["number"] == 1
    got = cloud.get(f"{V2}/pages/{page['id']}", params={"body-format": "storage"}).json()
    stored = got["body"]["storage"]
    assert stored == page["body"]["storage"] and stored["representation"] == "storage"
    # Text and CDATA kept; the macro completed (storage_rewrite), the trailing whitespace gone.
    assert re.fullmatch(
        '<p>Ünïcode &amp; <ac:structured-macro ac:name="status" ac:schema-version="1" '
        'ac:macro-id="[0-9a-f-]{36}"><ac:parameter ac:name="colour">Green</ac:parameter>'
        r"</ac:structured-macro></p><!\[CDATA\[ raw \]\]>",
        stored["value"],
    )
    assert got["version"]["authorId"] == ADMIN
    assert got["_links"]["base"] == cloud.sandbox.confluence_url
    assert cloud.get(f"{V2}/pages/{page['id']}").json()["body"] == {}


def test_page_without_parent_goes_under_the_space_home(cloud: Site) -> None:
    page = create(cloud, "Loose").json()
    home = cloud.get(f"{V2}/spaces/{space_id(cloud)}").json()["homepageId"]
    assert page["parentId"] == home


def test_duplicate_title_in_a_space_is_400_case_insensitively(cloud: Site) -> None:
    assert create(cloud, "Release Notes").status_code == 200
    clash = create(cloud, "release notes")
    assert clash.status_code == 400
    error = clash.json()["errors"][0]
    assert error["code"] == "BAD_REQUEST"
    assert error["title"].startswith("A page with this title already exists")


def test_list_by_title_and_cursor_paging_via_links_and_header(cloud: Site) -> None:
    made = [create(cloud, f"Page {i}").json()["id"] for i in range(5)]
    params = {"space-id": space_id(cloud), "limit": 2}
    first = cloud.get(f"{V2}/pages", params=params)
    seen = [p["id"] for p in first.json()["results"]]
    next_link = first.json()["_links"]["next"]
    assert next_link.startswith("/wiki/api/v2/pages?") and "cursor=" in next_link
    assert first.headers["Link"].startswith(f'<{next_link}>; rel="next"')
    while next_link:
        page = cloud.get(next_link).json()
        assert len(page["results"]) <= 2
        seen += [p["id"] for p in page["results"]]
        next_link = page["_links"].get("next")
    assert seen == sorted(seen, key=int) and len(set(seen)) == len(seen)
    assert set(made) <= set(seen) and len(seen) == 5 + 2  # + home and parent page
    titled = cloud.get(f"{V2}/pages", params={"title": "Page 3", "body-format": "storage"})
    assert [p["id"] for p in titled.json()["results"]] == [made[3]]
    assert titled.json()["results"][0]["body"]["storage"]["value"] == "<p>x</p>"


def test_update_needs_the_next_version_else_409(cloud: Site) -> None:
    page = create(cloud, "Versioned").json()
    stale = update(cloud, page, 1, "<p>same number</p>")
    assert stale.status_code == 409
    assert stale.json()["errors"][0] == {
        "status": "409",
        "code": "CONFLICT",
        "title": "Version must be incremented when updating a page. "
        "Current Version: [1]. Provided version: [1]",
        "detail": None,
    }
    assert update(cloud, page, 3, "<p>skipping</p>").status_code == 409
    ok = update(cloud, page, 2, "<p>v2</p>")
    assert ok.status_code == 200 and ok.json()["version"]["number"] == 2
    got = cloud.get(f"{V2}/pages/{page['id']}", params={"body-format": "storage"}).json()
    assert got["body"]["storage"]["value"] == "<p>v2</p>"
    assert got["version"]["message"] == "edit"
    old = cloud.get(f"{V2}/pages/{page['id']}", params={"version": 1, "body-format": "storage"})
    assert old.json()["body"]["storage"]["value"] == "<p>x</p>"


def test_a_human_edit_is_authored_by_that_user(cloud: Site) -> None:
    page = create(cloud, "Shared").json()
    human = update(
        cloud, page, 2, "<p>typed by Dana</p>", session=as_user(cloud, "dana@example.com")
    )
    assert human.status_code == 200
    got = cloud.get(f"{V2}/pages/{page['id']}").json()
    assert (got["version"]["number"], got["version"]["authorId"]) == (2, DANA)
    assert got["authorId"] == ADMIN  # the creator stays
    versions = cloud.get(f"{V2}/pages/{page['id']}/versions").json()["results"]
    assert [(v["number"], v["authorId"]) for v in versions] == [(2, DANA), (1, ADMIN)]


def test_non_admin_tokens_are_checked(cloud: Site) -> None:
    wrong = requests.get(cloud.url(f"{V2}/spaces"), auth=("dana@example.com", "guess"), timeout=10)
    assert wrong.status_code == 401
    assert wrong.json()["errors"][0]["code"] == "UNAUTHORIZED"
    assert as_user(cloud, "dana@example.com").get(cloud.url(f"{V2}/spaces"), timeout=10).ok


def test_move_and_rename_on_update(cloud: Site) -> None:
    a = create(cloud, "A").json()
    b = create(cloud, "B").json()
    payload = {
        "id": b["id"],
        "status": "current",
        "title": "B renamed",
        "parentId": a["id"],
        "body": {"storage": {"representation": "storage", "value": "<p>b</p>"}},
        "version": {"number": 2},
    }
    moved = cloud.put(f"{V2}/pages/{b['id']}", json=payload)
    assert moved.status_code == 200
    assert (moved.json()["parentId"], moved.json()["title"]) == (a["id"], "B renamed")
    payload.update(parentId=b["id"], version={"number": 3})
    assert cloud.put(f"{V2}/pages/{b['id']}", json=payload).status_code == 400


def test_children_in_position_order_with_paging(cloud: Site) -> None:
    parent = create(cloud, "Parent").json()
    kids = [create(cloud, f"Kid {i}", parent=parent["id"]).json()["id"] for i in range(3)]
    first = cloud.get(f"{V2}/pages/{parent['id']}/children", params={"limit": 2}).json()
    assert [c["id"] for c in first["results"]] == kids[:2]
    rest = cloud.get(first["_links"]["next"]).json()
    assert [c["id"] for c in rest["results"]] == kids[2:] and "next" not in rest["_links"]
    direct = cloud.get(f"{V2}/pages/{parent['id']}/direct-children").json()["results"]
    assert [(c["id"], c["type"]) for c in direct] == [(k, "page") for k in kids]


def test_delete_trashes_then_purges(cloud: Site) -> None:
    page = create(cloud, "Doomed").json()
    assert cloud.delete(f"{V2}/pages/{page['id']}").status_code == 204
    assert cloud.get(f"{V2}/pages/{page['id']}").status_code == 404
    trashed = cloud.get(f"{V2}/pages/{page['id']}", params={"status": "trashed"})
    assert trashed.json()["status"] == "trashed"
    assert create(cloud, "Doomed").status_code == 200  # a trashed title is free again
    purge = cloud.delete(f"{V2}/pages/{page['id']}", params={"purge": "true"})
    assert purge.status_code == 204
    assert cloud.get(f"{V2}/pages/{page['id']}", params={"status": "trashed"}).status_code == 404


def test_unknown_ids_and_bad_bodies(cloud: Site) -> None:
    missing = cloud.get(f"{V2}/pages/999999")
    assert missing.status_code == 404 and missing.json()["errors"][0]["status"] == "404"
    assert cloud.get(f"{V2}/spaces/999999").status_code == 404
    no_space = cloud.post(f"{V2}/pages", json={"title": "x", "body": {}})
    assert no_space.status_code == 400
    wiki = create(cloud, "Wiki")
    assert wiki.status_code == 200
    page = wiki.json()
    payload = {
        **page,
        "body": {"representation": "wiki", "value": "h1. x"},
        "version": {"number": 2},
    }
    assert cloud.put(f"{V2}/pages/{page['id']}", json=payload).status_code == 400
    assert cloud.post(f"{V2}/pages", data="{", headers={"Content-Type": "application/json"}).json()[
        "errors"
    ]


def test_page_properties_round_trip_with_versions(cloud: Site) -> None:
    page = create(cloud, "Props").json()
    base = f"{V2}/pages/{page['id']}/properties"
    value = {"release": "acme-2026-12", "kind": "plan", "written": 3}
    created = cloud.post(base, json={"key": "nivosync", "value": value})
    assert created.status_code == 200
    prop = created.json()
    assert (prop["key"], prop["value"], prop["version"]["number"]) == ("nivosync", value, 1)
    assert cloud.post(base, json={"key": "nivosync", "value": 1}).status_code == 409
    listed = cloud.get(base, params={"key": "nivosync"}).json()["results"]
    assert [p["id"] for p in listed] == [prop["id"]]
    assert cloud.get(base, params={"key": "other"}).json()["results"] == []
    one = f"{base}/{prop['id']}"
    stale = cloud.put(one, json={"key": "nivosync", "value": 2, "version": {"number": 1}})
    assert stale.status_code == 409
    fresh = cloud.put(one, json={"key": "nivosync", "value": [2], "version": {"number": 2}})
    assert fresh.json()["value"] == [2] and fresh.json()["version"]["number"] == 2
    assert cloud.get(one).json()["value"] == [2]
    assert cloud.delete(one).status_code == 204
    assert cloud.get(one).status_code == 404


def test_property_listing_pages_with_a_cursor(cloud: Site) -> None:
    page = create(cloud, "Many props").json()
    base = f"{V2}/pages/{page['id']}/properties"
    for i in range(3):
        cloud.post(base, json={"key": f"k{i}", "value": i})
    first = cloud.get(base, params={"limit": 2}).json()
    second = cloud.get(first["_links"]["next"]).json()
    keys = [p["key"] for p in first["results"] + second["results"]]
    assert keys == ["k0", "k1", "k2"]


def test_v1_page_endpoints_are_gone_from_cloud(cloud: Site) -> None:
    gone = cloud.get("/wiki/rest/api/content", params={"spaceKey": "NIVO", "title": "Releases"})
    assert gone.status_code == 410 and "/wiki/api/v2/pages" in gone.json()["message"]
    assert cloud.put("/wiki/rest/api/content/65539", json={}).status_code == 410
    # Data Center's other v1 reads are not in the current Cloud v1 spec either.
    page = page_by_title(cloud, "Releases")["id"]
    for path in (f"{page}/property", f"{page}/property/k", f"{page}/history", f"{page}/child/page"):
        assert cloud.get(f"/wiki/rest/api/content/{path}").status_code == 410, path
    assert cloud.get("/wiki/rest/api/space/NIVO").status_code == 410


def test_v2_page_update_refuses_minor_edit(cloud: Site) -> None:
    page = create(cloud, "Minor").json()
    payload = {
        "id": page["id"],
        "status": "current",
        "title": "Minor",
        "body": {"representation": "storage", "value": "<p>y</p>"},
        "version": {"number": 2, "message": "nightly", "minorEdit": True},
    }
    refused = cloud.put(f"{V2}/pages/{page['id']}", json=payload)
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert (error["status"], error["code"]) == ("400", "BAD_REQUEST")
    assert "minorEdit" in error["title"]
    del payload["version"]["minorEdit"]
    payload["minorEdit"] = True
    assert cloud.put(f"{V2}/pages/{page['id']}", json=payload).status_code == 400
    assert cloud.get(f"{V2}/pages/{page['id']}").json()["version"]["number"] == 1
    assert update(cloud, page, 2, "<p>y</p>").status_code == 200


def test_editors_can_be_named_from_their_account_ids(cloud: Site) -> None:
    bulk = cloud.post(f"{V2}/users-bulk", json={"accountIds": [DANA, "712020:nobody"]})
    assert [(u["accountId"], u["displayName"]) for u in bulk.json()["results"]] == [
        (DANA, "Dana Delivery")
    ]
    one = cloud.get("/wiki/rest/api/user", params={"accountId": DANA}).json()
    assert (one["displayName"], one["type"]) == ("Dana Delivery", "known")
    assert cloud.get("/wiki/rest/api/user", params={"accountId": "x"}).status_code == 404
    me = as_user(cloud, "dana@example.com").get(cloud.url("/wiki/rest/api/user/current"))
    assert me.json()["accountId"] == DANA
