"""Confluence Data Center over real HTTP: content, expansions, versions, properties, spaces."""

from __future__ import annotations

from typing import Any

import requests

from nivosync.sandbox.auth import user_token

from .site import Site

API = "/confluence/rest/api"


def find(site: Site, title: str, **params: Any) -> dict[str, Any]:
    found = site.get(f"{API}/content", params={"spaceKey": "NIVO", "title": title, **params})
    assert len(found.json()["results"]) == 1, found.text
    return found.json()["results"][0]


def create(site: Site, title: str, body: str = "<p>x</p>", parent: str | None = None) -> Any:
    payload: dict[str, Any] = {
        "type": "page",
        "title": title,
        "space": {"key": "NIVO"},
        "body": {"storage": {"value": body, "representation": "storage"}},
    }
    if parent is not None:
        payload["ancestors"] = [{"id": parent}]
    return site.post(f"{API}/content", json=payload)


def update(site: Site, page_id: str, number: int, body: str, session: Any = None) -> Any:
    payload = {
        "id": page_id,
        "type": "page",
        "title": "Plan",
        "body": {"storage": {"value": body, "representation": "storage"}},
        "version": {"number": number},
    }
    return (session or site.session).put(site.url(f"{API}/content/{page_id}"), json=payload)


def test_space_lookup_by_key_and_query(dc: Site) -> None:
    space = dc.get(f"{API}/space/NIVO", params={"expand": "homepage"}).json()
    assert (space["key"], space["name"]) == ("NIVO", "NIVOMAX Releases")
    assert space["homepage"]["title"] == "NIVOMAX Releases Home"
    listed = dc.get(f"{API}/space", params={"spaceKey": "NIVO"}).json()
    assert [s["key"] for s in listed["results"]] == ["NIVO"] and listed["size"] == 1
    missing = dc.get(f"{API}/space/NOPE")
    assert missing.status_code == 404
    assert missing.json()["statusCode"] == 404 and missing.json()["reason"] == "Not Found"


def test_create_under_an_ancestor_and_expand(dc: Site) -> None:
    parent = find(dc, "Releases")
    body = '<table><tr><td>Ü &amp; <ac:emoticon ac:name="tick" /></td></tr></table>'
    created = create(dc, "Plan", body, parent=parent["id"])
    assert created.status_code == 200
    page = created.json()
    assert page["body"]["storage"]["value"] == body
    assert [a["title"] for a in page["ancestors"]] == ["NIVOMAX Releases Home", "Releases"]
    assert page["version"]["by"]["username"] == "admin" and page["version"]["number"] == 1
    plain = dc.get(f"{API}/content/{page['id']}").json()
    assert {"space", "history", "version"} <= set(plain) and "body" not in plain
    assert "body" in plain["_expandable"]
    full = dc.get(
        f"{API}/content/{page['id']}",
        params={"expand": "body.storage,version,ancestors,history.lastUpdated,metadata.labels"},
    ).json()
    assert full["body"]["storage"]["value"] == body
    assert full["history"]["lastUpdated"]["by"]["username"] == "admin"
    assert full["metadata"]["labels"]["results"] == []


def test_list_by_space_and_title_with_start_limit(dc: Site) -> None:
    for i in range(3):
        create(dc, f"Note {i}")
    first = dc.get(f"{API}/content", params={"spaceKey": "NIVO", "limit": 2}).json()
    assert (first["start"], first["limit"], first["size"]) == (0, 2, 2)
    assert "start=2" in first["_links"]["next"] and "spaceKey=NIVO" in first["_links"]["next"]
    titles = [p["title"] for p in first["results"]]
    start = 2
    while True:
        page = dc.get(f"{API}/content", params={"spaceKey": "NIVO", "limit": 2, "start": start})
        titles += [p["title"] for p in page.json()["results"]]
        if "next" not in page.json()["_links"]:
            break
        start += 2
    assert titles == ["NIVOMAX Releases Home", "Releases", "Note 0", "Note 1", "Note 2"]
    assert find(dc, "Note 1", expand="body.storage")["body"]["storage"]["value"] == "<p>x</p>"
    assert dc.get(f"{API}/content", params={"spaceKey": "NOPE"}).json()["results"] == []


def test_duplicate_title_is_400_in_the_v1_shape(dc: Site) -> None:
    assert create(dc, "Plan").status_code == 200
    clash = create(dc, "PLAN")
    assert clash.status_code == 400
    assert clash.json()["message"].startswith("A page with this title already exists")
    assert clash.json()["statusCode"] == 400


def test_update_with_next_version_and_409_when_stale(dc: Site) -> None:
    page_id = create(dc, "Plan").json()["id"]
    stale = update(dc, page_id, 1, "<p>again</p>")
    assert stale.status_code == 409
    assert stale.json()["message"] == "Version must be incremented on update. Current version is: 1"
    ok = update(dc, page_id, 2, "<p>v2</p>")
    assert ok.status_code == 200 and ok.json()["version"]["number"] == 2
    got = dc.get(f"{API}/content/{page_id}", params={"expand": "body.storage,version"}).json()
    assert got["body"]["storage"]["value"] == "<p>v2</p>"
    v1 = dc.get(f"{API}/content/{page_id}", params={"expand": "body.storage", "version": 1})
    assert v1.json()["body"]["storage"]["value"] == "<p>x</p>"


def test_a_human_edit_by_basic_or_pat_is_authored_by_that_user(dc: Site) -> None:
    page_id = create(dc, "Plan").json()["id"]
    token = user_token(dc.sandbox.seed, "dana@example.com")
    human = requests.Session()
    human.auth = ("dana", token)
    assert update(dc, page_id, 2, "<p>Dana</p>", session=human).status_code == 200
    pat = requests.Session()
    pat.headers["Authorization"] = f"Bearer {user_token(dc.sandbox.seed, 'sam@example.com')}"
    assert update(dc, page_id, 3, "<p>Sam</p>", session=pat).status_code == 200
    history = dc.get(f"{API}/content/{page_id}/history").json()
    assert history["createdBy"]["username"] == "admin"
    assert history["lastUpdated"]["by"]["username"] == "sam"
    assert history["lastUpdated"]["number"] == 3
    got = dc.get(f"{API}/content/{page_id}", params={"expand": "version"}).json()
    assert got["version"]["by"]["displayName"] == "Sam Support"


def test_child_pages(dc: Site) -> None:
    parent_id = create(dc, "Parent").json()["id"]
    kids = [create(dc, f"Kid {i}", parent=parent_id).json()["id"] for i in range(3)]
    first = dc.get(f"{API}/content/{parent_id}/child/page", params={"limit": 2}).json()
    second = dc.get(f"{API}/content/{parent_id}/child/page", params={"start": 2}).json()
    assert [p["id"] for p in first["results"] + second["results"]] == kids
    assert dc.get(f"{API}/content/999999/child/page").status_code == 404


def test_content_properties(dc: Site) -> None:
    page_id = create(dc, "Plan").json()["id"]
    base = f"{API}/content/{page_id}/property"
    made = dc.post(base, json={"key": "nivosync", "value": {"kind": "plan"}})
    assert made.status_code == 200 and made.json()["version"]["number"] == 1
    assert dc.post(base, json={"key": "nivosync", "value": {}}).status_code == 409
    assert dc.get(f"{base}/nivosync").json()["value"] == {"kind": "plan"}
    stale = dc.put(
        f"{base}/nivosync", json={"key": "nivosync", "value": {}, "version": {"number": 1}}
    )
    assert stale.status_code == 409
    bumped = dc.put(
        f"{base}/nivosync", json={"key": "nivosync", "value": {"v": 2}, "version": {"number": 2}}
    )
    assert bumped.json()["value"] == {"v": 2} and bumped.json()["version"]["number"] == 2
    upsert = dc.put(f"{base}/fresh", json={"key": "fresh", "value": 1, "version": {"number": 1}})
    assert upsert.status_code == 200
    assert dc.post(f"{base}/keyed", json={"value": [1]}).json()["key"] == "keyed"
    keys = [p["key"] for p in dc.get(base).json()["results"]]
    assert keys == ["nivosync", "fresh", "keyed"]
    assert dc.delete(f"{base}/fresh").status_code == 204
    assert dc.get(f"{base}/fresh").status_code == 404


def test_delete_trashes_and_unknown_ids_are_404(dc: Site) -> None:
    page_id = create(dc, "Doomed").json()["id"]
    assert dc.delete(f"{API}/content/{page_id}").status_code == 204
    assert dc.get(f"{API}/content/{page_id}").status_code == 404
    assert dc.get(f"{API}/content/{page_id}", params={"status": "trashed"}).ok
    assert dc.delete(f"{API}/content/{page_id}", params={"status": "trashed"}).status_code == 204
    missing = dc.get(f"{API}/content/424242")
    assert missing.json()["message"] == "No content found with id: ContentId{id=424242}"


def test_bad_payloads_are_400(dc: Site) -> None:
    no_space = dc.post(f"{API}/content", json={"type": "page", "title": "x"})
    assert no_space.status_code == 400
    blog = dc.post(
        f"{API}/content", json={"type": "blogpost", "title": "x", "space": {"key": "NIVO"}}
    )
    assert blog.status_code == 400
    page_id = create(dc, "Plan").json()["id"]
    no_version = dc.put(f"{API}/content/{page_id}", json={"type": "page", "title": "Plan"})
    assert no_version.status_code == 400


def test_unauthenticated_is_401(dc: Site) -> None:
    response = requests.get(dc.url(f"{API}/space/NIVO"), timeout=10)
    assert response.status_code == 401 and response.json()["statusCode"] == 401


def test_users_by_username_key_and_current(dc: Site) -> None:
    dana = dc.get(f"{API}/user", params={"username": "dana"}).json()
    assert (dana["username"], dana["displayName"]) == ("dana", "Dana Delivery")
    by_key = dc.get(f"{API}/user", params={"key": dana["userKey"]}).json()
    assert by_key["username"] == "dana"
    assert dc.get(f"{API}/user", params={"username": "ghost"}).status_code == 404
    assert dc.get(f"{API}/user/current").json()["username"] == "admin"


def test_minor_edit_is_recorded_on_the_version(dc: Site) -> None:
    page = create(dc, "Plan").json()
    payload = {
        "id": page["id"],
        "type": "page",
        "title": "Plan",
        "body": {"storage": {"value": "<p>2</p>", "representation": "storage"}},
        "version": {"number": 2, "message": "nightly", "minorEdit": True},
    }
    updated = dc.put(f"{API}/content/{page['id']}", json=payload, params={"expand": "version"})
    assert updated.status_code == 200
    assert (updated.json()["version"]["number"], updated.json()["version"]["minorEdit"]) == (
        2,
        True,
    )
    assert dc.get(f"{API}/content/{page['id']}").json()["version"]["minorEdit"] is True
    history = dc.get(f"{API}/content/{page['id']}/history").json()
    assert history["lastUpdated"]["minorEdit"] is True
    assert update(dc, page["id"], 3, "<p>3</p>").json()["version"]["minorEdit"] is False
    payload["version"] = {"number": 4, "minorEdit": "sometimes"}
    assert dc.put(f"{API}/content/{page['id']}", json=payload).status_code == 400


def test_a_user_key_mention_and_unbreakable_dates_are_kept_and_shown(dc: Site) -> None:
    """What a status page writes on Data Center: a mention by the user key `GET /user` gives,
    and dates with non-breaking hyphens (sent as a reference, stored as the character, as
    Confluence does); the view shows the person's name, not the key."""
    key = dc.get(f"{API}/user", params={"username": "dana"}).json()["userKey"]
    mention = f'<ac:link><ri:user ri:userkey="{key}" /></ac:link>'
    body = (
        f"<table><tbody><tr><td>{mention}</td><td>2027&#8209;01&#8209;07</td></tr></tbody></table>"
    )
    created = create(dc, "Status", body, parent=find(dc, "Releases")["id"])
    assert created.status_code == 200, created.text
    stored = created.json()["body"]["storage"]["value"]
    assert stored == body.replace("&#8209;", "\u2011")
    view = dc.get(
        "/confluence" + created.json()["_links"]["webui"], headers={"Accept": "text/html"}
    )
    assert '<span class="mention">@Dana Delivery</span>' in view.text
    assert key not in view.text
