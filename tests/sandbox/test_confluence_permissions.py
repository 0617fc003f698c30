"""Confluence space permissions over real HTTP, both flavours: callers without ``view`` see
nothing of the space (404s as for missing content, empty listings), without ``add_page`` they
cannot write pages, labels or properties, without ``add_attachment`` they cannot upload (403s
in the product's shape); the operation checks list what each caller holds."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.sandbox import Sandbox
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import Flavor, SiteSeed, UserSeed, demo_seed

from .site import Site

V2 = "/wiki/api/v2"
NO_CHECK = {"X-Atlassian-Token": "no-check"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
PEOPLE = (
    UserSeed("Vera Viewer", "vera@example.com", "vera", space=frozenset({"view"})),
    UserSeed("Pat Pages", "pat@example.com", "pat", space=frozenset({"view", "add_page"})),
    UserSeed("Nora Nobody", "nora@example.com", "nora", space=frozenset()),
)
V2_CREATE = "You do not have permission to create pages in this space"
V2_EDIT = "You do not have permission to edit pages in this space"
V2_DELETE = "You do not have permission to delete pages in this space"
_ADD_PAGE = "in space 'NIVO': the 'Add Page' space permission is required"
V1_CREATE = f"User not permitted to create content {_ADD_PAGE}"
V1_EDIT = f"User not permitted to edit content {_ADD_PAGE}"
V1_DELETE = f"User not permitted to delete content {_ADD_PAGE}"
V1_ATTACH = (
    "User not permitted to add attachments in space 'NIVO': "
    "the 'Add Attachment' space permission is required"
)
ALL_PAGE_OPERATIONS = [
    {"operation": "read", "targetType": "page"},
    {"operation": "update", "targetType": "page"},
    {"operation": "delete", "targetType": "page"},
    {"operation": "create", "targetType": "page"},
    {"operation": "create", "targetType": "attachment"},
]


def restricted_seed(flavor: Flavor) -> SiteSeed:
    demo = demo_seed(flavor)
    return replace(demo, users=(*demo.users, *PEOPLE))


class Space(Site):
    """The restricted site, its seeded space and parent page, and a session per person."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__(sandbox)
        self.v1 = "/wiki/rest/api" if self.flavor == "cloud" else "/confluence/rest/api"
        self.root = "/wiki" if self.flavor == "cloud" else "/confluence"
        if self.flavor == "cloud":
            self.space_id = self.get(f"{V2}/spaces", params={"keys": "NIVO"}).json()["results"][0]
            self.space_id = str(self.space_id["id"])
            found = self.get(f"{V2}/pages", params={"title": "Releases"})
        else:
            self.space_id = "NIVO"
            found = self.get(f"{self.v1}/content", params={"spaceKey": "NIVO", "title": "Releases"})
        self.page_id = str(found.json()["results"][0]["id"])
        self.sessions: dict[str, requests.Session] = {}

    def as_(self, name: str) -> requests.Session:
        """A session authenticated as seeded user `name` (login: email on Cloud, username on
        Data Center)."""
        if name not in self.sessions:
            user = next(u for u in self.sandbox.seed.all_users() if u.username == name)
            session = requests.Session()
            login = user.email if self.flavor == "cloud" else user.username
            session.auth = (login, user_token(self.sandbox.seed, user.email))
            session.headers["Accept"] = "application/json"
            self.sessions[name] = session
        return self.sessions[name]

    def call(self, name: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.as_(name).request(method, self.url(path), **kwargs)

    def close(self) -> None:
        for session in (*self.sessions.values(), self.session):
            session.close()


def _start(tmp_path: Path, flavor: Flavor) -> Iterator[Space]:
    seed = restricted_seed(flavor)
    no_lag = {"index_lag_seconds": 0}
    with Sandbox.start(tmp_path / f"{flavor}.db", seed, faults=no_lag) as sandbox:
        space = Space(sandbox)
        yield space
        space.close()


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Space]:
    yield from _start(tmp_path, "cloud")


@pytest.fixture
def dc(tmp_path: Path) -> Iterator[Space]:
    yield from _start(tmp_path, "datacenter")


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Space]:
    yield from _start(tmp_path, request.param)


def upload(site: Space, who: str, page_id: str, path: str = "", method: str = "POST") -> Any:
    url = f"{site.v1}/content/{page_id}/child/attachment{path}"
    files = {"file": ("chart.png", PNG, "image/png")}
    return site.call(who, method, url, files=files, data={"comment": "c"}, headers=NO_CHECK)


def admin_attachment(site: Space) -> str:
    made = site.post(
        f"{site.v1}/content/{site.page_id}/child/attachment",
        files={"file": ("chart.png", PNG, "image/png")},
        headers=NO_CHECK,
    )
    assert made.status_code == 200, made.text
    return str(made.json()["results"][0]["id"])


def new_page(site: Space, who: str, title: str) -> requests.Response:
    body = {"representation": "storage", "value": "<p>x</p>"}
    if site.flavor == "cloud":
        payload: dict[str, Any] = {"spaceId": site.space_id, "title": title, "body": body}
        return site.call(who, "POST", f"{V2}/pages", json=payload)
    dc_body = {"storage": {"value": "<p>x</p>", "representation": "storage"}}
    payload = {"type": "page", "title": title, "space": {"key": "NIVO"}, "body": dc_body}
    return site.call(who, "POST", f"{site.v1}/content", json=payload)


def edit_page(site: Space, who: str, page_id: str, number: int) -> requests.Response:
    if site.flavor == "cloud":
        payload = {
            "id": page_id,
            "status": "current",
            "title": "Releases",
            "body": {"representation": "storage", "value": "<p>edited</p>"},
            "version": {"number": number},
        }
        return site.call(who, "PUT", f"{V2}/pages/{page_id}", json=payload)
    dc_payload = {
        "id": page_id,
        "type": "page",
        "title": "Releases",
        "body": {"storage": {"value": "<p>edited</p>", "representation": "storage"}},
        "version": {"number": number},
    }
    return site.call(who, "PUT", f"{site.v1}/content/{page_id}", json=dc_payload)


def page_version(site: Space, page_id: str) -> int:
    if site.flavor == "cloud":
        return int(site.get(f"{V2}/pages/{page_id}").json()["version"]["number"])
    found = site.get(f"{site.v1}/content/{page_id}", params={"expand": "version"})
    return int(found.json()["version"]["number"])


def assert_forbidden(site: Space, response: requests.Response, wording: str) -> None:
    """A refusal in the shape of the path's API with the message `wording`: 403 (v1 / DC);
    Cloud v2 answers a missing permission with 404, as its spec documents."""
    body = response.json()
    if "/wiki/api/v2/" in str(response.request.url):
        assert response.status_code == 404, response.text
        error = body["errors"][0]
        assert (error["status"], error["code"]) == ("404", "NOT_FOUND")
        assert error["title"] == wording
        return
    assert response.status_code == 403, response.text
    assert (body["statusCode"], body["reason"]) == (403, "Forbidden")
    assert body["data"]["authorized"] is False
    assert ("allowedInReadOnlyMode" in body["data"]) == (site.flavor == "datacenter")
    assert body["message"] == wording


def assert_missing(response: requests.Response, message: str) -> None:
    """A 404 exactly as for content that does not exist."""
    assert response.status_code == 404, response.text
    body = response.json()
    if "/wiki/api/v2/" in str(response.request.url):
        assert body["errors"][0]["title"] == message
    else:
        assert (body["statusCode"], body["message"]) == (404, message)


# --- view -------------------------------------------------------------------------------------


def _cloud_reads(site: Space, att: str) -> list[str]:
    page = f"{V2}/pages/{site.page_id}"
    return [
        page,
        f"{page}/children",
        f"{page}/direct-children",
        f"{page}/versions",
        f"{page}/labels",
        f"{page}/properties",
        f"{page}/attachments",
        f"{page}/operations",
        f"/wiki/rest/api/content/{site.page_id}/child/attachment/{att}/download",
        f"/wiki/download/attachments/{site.page_id}/chart.png",
    ]


def _dc_reads(site: Space) -> list[str]:
    page = f"{site.v1}/content/{site.page_id}"
    return [
        page,
        f"{page}/child/page",
        f"{page}/history",
        f"{page}/label",
        f"{page}/property",
        f"{page}/child/attachment",
        f"/confluence/download/attachments/{site.page_id}/chart.png",
    ]


def test_without_view_a_page_and_all_it_holds_are_missing(site: Space) -> None:
    att = admin_attachment(site)
    reads = _cloud_reads(site, att) if site.flavor == "cloud" else _dc_reads(site)
    for path in reads:
        assert site.get(path, allow_redirects=False).status_code in (200, 302), path
        hidden = site.call("nora", "GET", path, allow_redirects=False)
        assert hidden.status_code == 404, (path, hidden.status_code)
    assert_missing(
        site.call("nora", "GET", reads[0]),
        f"No content found with id: ContentId{{id={site.page_id}}}",
    )


def test_without_view_a_property_is_missing(site: Space) -> None:
    if site.flavor == "cloud":
        props = f"{V2}/pages/{site.page_id}/properties"
        made = site.post(props, json={"key": "nivosync", "value": 1}).json()
        one = f"{props}/{made['id']}"
    else:
        one = f"{site.v1}/content/{site.page_id}/property/nivosync"
        assert site.post(one, json={"value": 1}).ok
    assert site.call("vera", "GET", one).ok
    assert site.call("nora", "GET", one).status_code == 404


def test_without_view_the_space_is_missing(site: Space) -> None:
    if site.flavor == "cloud":
        path, message = f"{V2}/spaces/{site.space_id}", f"No space found with id: {site.space_id}"
    else:
        path, message = f"{site.v1}/space/NIVO", "No space with key : NIVO"
    assert site.call("vera", "GET", path).ok
    assert_missing(site.call("nora", "GET", path), message)


def test_without_view_listings_and_title_lookups_return_nothing(site: Space) -> None:
    if site.flavor == "cloud":
        lookups = [
            (f"{V2}/spaces", {}),
            (f"{V2}/spaces", {"keys": "NIVO"}),
            (f"{V2}/pages", {}),
            (f"{V2}/pages", {"space-id": site.space_id, "title": "Releases"}),
        ]
    else:
        lookups = [
            (f"{site.v1}/space", {}),
            (f"{site.v1}/space", {"spaceKey": "NIVO"}),
            (f"{site.v1}/content", {}),
            (f"{site.v1}/content", {"spaceKey": "NIVO", "title": "Releases"}),
        ]
    for path, params in lookups:
        assert site.call("vera", "GET", path, params=params).json()["results"], (path, params)
        assert site.call("nora", "GET", path, params=params).json()["results"] == [], (path, params)


def test_without_view_writes_are_404_not_403(site: Space) -> None:
    created = new_page(site, "nora", "Hidden")
    if site.flavor == "cloud":
        assert_missing(created, f"No space found with id: {site.space_id}")
    else:
        assert_missing(created, "No space with key : NIVO")
    assert edit_page(site, "nora", site.page_id, 2).status_code == 404
    assert upload(site, "nora", site.page_id).status_code == 404
    labels = f"{site.v1}/content/{site.page_id}/label"
    assert site.call("nora", "POST", labels, json=[{"name": "x"}]).status_code == 404
    assert page_version(site, site.page_id) == 1


# --- add_page ---------------------------------------------------------------------------------


def test_without_add_page_creating_a_page_is_403(site: Space) -> None:
    wording = V2_CREATE if site.flavor == "cloud" else V1_CREATE
    assert_forbidden(site, new_page(site, "vera", "Plan"), wording)
    assert new_page(site, "pat", "Plan").status_code == 200


def test_without_add_page_updating_and_deleting_a_page_is_403(site: Space) -> None:
    cloud = site.flavor == "cloud"
    edit, delete = (V2_EDIT, V2_DELETE) if cloud else (V1_EDIT, V1_DELETE)
    assert_forbidden(site, edit_page(site, "vera", site.page_id, 2), edit)
    assert page_version(site, site.page_id) == 1
    page = f"{V2}/pages/{site.page_id}" if cloud else f"{site.v1}/content/{site.page_id}"
    assert_forbidden(site, site.call("vera", "DELETE", page), delete)
    assert edit_page(site, "pat", site.page_id, 2).status_code == 200
    assert page_version(site, site.page_id) == 2


def test_without_add_page_label_writes_are_403(site: Space) -> None:
    labels = f"{site.v1}/content/{site.page_id}/label"
    assert site.post(labels, json=[{"prefix": "global", "name": "kept"}]).ok
    added = site.call("vera", "POST", labels, json=[{"prefix": "global", "name": "release"}])
    assert_forbidden(site, added, V1_EDIT)
    by_query = site.call("vera", "DELETE", labels, params={"name": "kept"})
    assert_forbidden(site, by_query, V1_EDIT)
    assert_forbidden(site, site.call("vera", "DELETE", f"{labels}/kept"), V1_EDIT)
    assert site.call("pat", "POST", labels, json=[{"name": "release"}]).ok


def test_without_add_page_cloud_property_writes_are_403(cloud: Space) -> None:
    props = f"{V2}/pages/{cloud.page_id}/properties"
    wording = V2_EDIT
    refused = cloud.call("vera", "POST", props, json={"key": "k", "value": 1})
    assert_forbidden(cloud, refused, wording)
    made = cloud.post(props, json={"key": "k", "value": 1}).json()
    one = f"{props}/{made['id']}"
    bump = {"key": "k", "value": 2, "version": {"number": 2}}
    assert_forbidden(cloud, cloud.call("vera", "PUT", one, json=bump), wording)
    assert_forbidden(cloud, cloud.call("vera", "DELETE", one), wording)
    assert cloud.call("vera", "GET", one).json()["value"] == 1
    assert cloud.call("pat", "PUT", one, json=bump).ok


def test_without_add_page_dc_property_writes_are_403(dc: Space) -> None:
    props = f"{dc.v1}/content/{dc.page_id}/property"
    wording = V1_EDIT
    assert_forbidden(dc, dc.call("vera", "POST", props, json={"key": "k", "value": 1}), wording)
    assert_forbidden(dc, dc.call("vera", "POST", f"{props}/k", json={"value": 1}), wording)
    assert dc.post(props, json={"key": "k", "value": 1}).ok
    bump = {"key": "k", "value": 2, "version": {"number": 2}}
    assert_forbidden(dc, dc.call("vera", "PUT", f"{props}/k", json=bump), wording)
    assert_forbidden(dc, dc.call("vera", "DELETE", f"{props}/k"), wording)
    assert dc.call("vera", "GET", f"{props}/k").json()["value"] == 1
    assert dc.call("pat", "PUT", f"{props}/k", json=bump).ok


# --- add_attachment ---------------------------------------------------------------------------


def test_without_add_attachment_uploads_are_403(site: Space) -> None:
    wording = V1_ATTACH
    assert_forbidden(site, upload(site, "pat", site.page_id), wording)
    att = admin_attachment(site)
    assert_forbidden(site, upload(site, "pat", site.page_id, f"/{att}/data"), wording)
    if site.flavor == "cloud":
        assert_forbidden(site, upload(site, "pat", site.page_id, method="PUT"), wording)
    assert_forbidden(site, upload(site, "vera", site.page_id), wording)
    assert upload(site, "nivobot", site.page_id, f"/{att}/data").status_code == 200


def test_the_xsrf_check_still_comes_from_the_upload(site: Space) -> None:
    files = {"file": ("chart.png", PNG, "image/png")}
    url = f"{site.v1}/content/{site.page_id}/child/attachment"
    refused = site.call("nivobot", "POST", url, files=files)
    assert (refused.status_code, refused.text) == (403, "XSRF check failed")


# --- operation checks -------------------------------------------------------------------------


def _ops(*pairs: str) -> list[dict[str, str]]:
    return [{"operation": p.split()[0], "targetType": p.split()[1]} for p in pairs]


def test_cloud_space_operations_list_what_the_caller_holds(cloud: Space) -> None:
    url = f"{V2}/spaces/{cloud.space_id}/operations"
    member = _ops("read space", "create page", "create attachment")
    assert cloud.get(url).json() == {"operations": [*member, *_ops("administer space")]}
    assert cloud.call("nivobot", "GET", url).json() == {"operations": member}
    assert cloud.call("vera", "GET", url).json() == {"operations": _ops("read space")}
    assert cloud.call("pat", "GET", url).json()["operations"] == _ops("read space", "create page")
    assert_missing(cloud.call("nora", "GET", url), f"No space found with id: {cloud.space_id}")
    assert_missing(cloud.get(f"{V2}/spaces/424242/operations"), "No space found with id: 424242")


def test_cloud_page_operations_list_what_the_caller_holds(cloud: Space) -> None:
    url = f"{V2}/pages/{cloud.page_id}/operations"
    assert cloud.get(url).json() == {"operations": ALL_PAGE_OPERATIONS}
    assert cloud.call("nivobot", "GET", url).json() == {"operations": ALL_PAGE_OPERATIONS}
    assert cloud.call("vera", "GET", url).json() == {"operations": _ops("read page")}
    pat = _ops("read page", "update page", "delete page", "create page")
    assert cloud.call("pat", "GET", url).json() == {"operations": pat}
    assert cloud.call("nora", "GET", url).status_code == 404
    missing = cloud.get(f"{V2}/pages/424242/operations")
    assert_missing(missing, "No content found with id: ContentId{id=424242}")


def test_dc_expand_operations_lists_what_the_caller_holds(dc: Space) -> None:
    url = f"{dc.v1}/content/{dc.page_id}"
    plain = dc.get(url).json()
    assert "operations" not in plain and plain["_expandable"]["operations"] == ""
    expand = {"expand": "operations"}
    assert dc.get(url, params=expand).json()["operations"] == ALL_PAGE_OPERATIONS
    assert dc.call("nivobot", "GET", url, params=expand).json()["operations"] == ALL_PAGE_OPERATIONS
    assert dc.call("vera", "GET", url, params=expand).json()["operations"] == _ops("read page")
    listed = dc.call("pat", "GET", f"{dc.v1}/content", params={"title": "Releases", **expand})
    pat = _ops("read page", "update page", "delete page", "create page")
    assert listed.json()["results"][0]["operations"] == pat
    assert dc.call("nora", "GET", url, params=expand).status_code == 404


def test_dc_space_homepage_for_a_viewer(dc: Space) -> None:
    space = dc.call("vera", "GET", f"{dc.v1}/space/NIVO", params={"expand": "homepage"}).json()
    assert space["homepage"]["title"] == "NIVOMAX Releases Home"
    assert "homepage" not in space["_expandable"]
    home = dc.call("vera", "GET", f"{dc.v1}/content/{space['homepage']['id']}").json()
    assert home["title"] == "NIVOMAX Releases Home"
    assert (
        dc.call("nora", "GET", f"{dc.v1}/space/NIVO", params={"expand": "homepage"}).status_code
        == 404
    )
