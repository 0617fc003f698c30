"""Every Confluence route the sandbox serves, in both flavours, validated against the official
spec of its API (requests and responses):

- Cloud ``/wiki/api/v2/...``: the Cloud v2 file;
- Cloud ``/wiki/rest/api/...``: the current Cloud v1 file for what it lists (attachment uploads
  and downloads, label writes, users); every other v1 route the sandbox knows (the DC ones
  included) answers 410 Gone on Cloud, checked against the 2024-10 v1 file, which still lists
  them (`_relax_cloud_v1_2024` declares the 410), and `_assert_410_exactly_where_removed`
  checks that the 410s are exactly the operations the current file no longer has;
- DC ``/confluence/rest/api/...``: the DC 10.0.3 file.

Download links (``<context>/download/attachments/...``) are the attachment servlet, in no spec:
they are exercised and their bytes checked, not validated. Each relaxation of a spec defect is
in a ``_relax_*`` function below, next to the loader that applies it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests
from openapi_core import OpenAPI

from nivosync.sandbox import Sandbox
from nivosync.sandbox.app import GENERIC_ERRORS
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.confluence import SIDE as CONFLUENCE
from nivosync.sandbox.routing import Router
from nivosync.sandbox.seed import Flavor, SiteSeed, UserSeed, demo_seed
from sandbox.site import Site

from .oas import SPECS, ContractRecorder, load_spec

pytestmark = pytest.mark.contract

CLOUD_V2 = "confluence-cloud-v2.openapi-v2.v3.json"
CLOUD_V1 = "confluence-cloud-v1.swagger.v3.json"
CLOUD_V1_2024 = "confluence-cloud-v1.2024-10.swagger.v3.json"
DC = "confluence-dc-10.0.3.openapi.json"
SERVER = "http://127.0.0.1:{port}"
NO_CHECK = {"X-Atlassian-Token": "no-check"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 8
# Besides the demo seed's people: a viewer and a user without any permission in the space.
VIEWER = UserSeed("Vera Viewer", "vera@example.com", "vera", space=frozenset({"view"}))
OUTSIDER = UserSeed("Nora Nobody", "nora@example.com", "nora", space=frozenset())


def contract_seed(flavor: Flavor) -> SiteSeed:
    demo = demo_seed(flavor)
    return replace(demo, users=(*demo.users, VIEWER, OUTSIDER))


_V2_ERROR = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["status", "code", "title"],
                "properties": {
                    "status": {"type": "string"},
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "detail": {"type": "string", "nullable": True},
                },
            },
        }
    },
}
_V1_ERROR = {
    "type": "object",
    "required": ["statusCode", "message"],
    "properties": {
        "statusCode": {"type": "integer"},
        "data": {"type": "object"},
        "message": {"type": "string"},
        "reason": {"type": "string"},
    },
}


def _declare_empty_bodies(spec: dict[str, Any], error: dict[str, Any]) -> None:
    """Both Cloud files declare many responses as ``"content": {}``:
    - on a 204 it means "no body", but openapi-core then demands a body ("Missing response
      data"): drop the empty map;
    - on a 4xx the real body is the API's error envelope, which the file never spells out:
      declare that envelope (`_V2_ERROR` / `_V1_ERROR`, as documented by Atlassian) so error
      bodies are still validated rather than skipped.
    """
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if response.get("content") != {}:
                    continue
                if status == "204":
                    del response["content"]
                elif status.startswith("4"):
                    response["content"] = {"application/json": {"schema": error}}


def _declare_status(
    spec: dict[str, Any], path: str, method: str, status: str, schema: dict[str, Any]
) -> None:
    responses = spec["paths"][path][method]["responses"]
    assert status not in responses, f"{method} {path} now documents {status}: drop the patch"
    responses[status] = {
        "description": "sandbox contract patch",
        "content": {"application/json": {"schema": schema}},
    }


def _relax_cloud_v2(spec: dict[str, Any]) -> None:
    """Cloud v2 defects:
    - ``PageCreateRequest.body`` / ``PageUpdateRequest.body`` are a ``oneOf`` whose two branches
      (``PageBodyWrite`` / ``PageNestedBodyWrite``) both match any body, so every valid request
      fails "valid under each of": make it ``anyOf`` (PROVENANCE.md);
    - empty response bodies: `_declare_empty_bodies`;
    - the 409 CONFLICT the real Cloud answers to a stale page or property version and to a
      property key that exists (verbatim bodies in clients' fixtures) is not listed: declare it
      with the v2 error envelope.
    """
    bodies = spec["components"]["requestBodies"]
    for name in ("PageCreateRequest", "PageUpdateRequest"):
        schema = bodies[name]["content"]["application/json"]["schema"]
        body = schema["properties"]["body"]
        body["anyOf"] = body.pop("oneOf")
    _declare_empty_bodies(spec, _V2_ERROR)
    _declare_status(spec, "/pages/{id}", "put", "409", _V2_ERROR)
    _declare_status(spec, "/pages/{page-id}/properties", "post", "409", _V2_ERROR)
    _declare_status(spec, "/pages/{page-id}/properties/{property-id}", "put", "409", _V2_ERROR)


def _relax_cloud_v1(spec: dict[str, Any]) -> None:
    """Cloud v1 defects: empty response bodies only (`_declare_empty_bodies`)."""
    _declare_empty_bodies(spec, _V1_ERROR)


def _relax_cloud_v1_2024(spec: dict[str, Any]) -> None:
    """The 2024-10 Cloud v1 file, used only for the operations the current file no longer
    lists:
    - it predates their removal, so it does not list the 410 Gone (v1 error envelope) that
      Cloud answers them today: declare it on each such operation;
    - array query parameters (``status``) carry their ``enum`` on the array instead of on its
      items, so their own default (``["current"]``, filled in by openapi-core when the
      parameter is absent) is invalid: move the enum to the items;
    - plus `_relax_cloud_v1`.
    """
    _relax_cloud_v1(spec)
    current = _spec_paths(CLOUD_V1)
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema") or {}
                if schema.get("type") == "array" and "enum" in schema:
                    schema["items"]["enum"] = schema.pop("enum")
            if method not in current.get(path, {}):
                _declare_status(spec, path, method, "410", _V1_ERROR)


_METHODS = ("get", "put", "post", "delete", "patch")


def _spec_paths(filename: str) -> dict[str, Any]:
    return dict(json.loads((SPECS / filename).read_text(encoding="utf-8"))["paths"])


def _lists(paths: dict[str, Any], method: str, path: str) -> bool:
    """Whether a spec's `paths` has an operation for this concrete request."""
    for template, item in paths.items():
        parts = re.split(r"(\{[^}]+\})", template)
        pattern = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
        if method.lower() in item and re.fullmatch(pattern, path):
            return True
    return False


def _relax_dc(spec: dict[str, Any]) -> None:
    """DC 10.0.3 defects:
    - ``GET /rest/api/content/{id}/child/attachment`` documents its success as 201 although the
      real server (and every client) answers 200: declare the same body under 200;
    - ``ValidationResult.errors`` (the ``data.errors`` of every error body) is typed as an
      object; the real server sends a list (``"errors": []``), as Cloud's v1 does;
    - ``POST /rest/api/content`` → 400 (duplicate title) and ``PUT /rest/api/content/{id}`` →
      409 (stale version) are what the server answers but are not listed: declare them with
      the file's own ``RestError``;
    - so is the 403 of both when the caller lacks the space's Add Page permission (the server's
      ``PermissionException``, e.g. "Could not update Content of type ... with id ..."):
      declared likewise;
    - ``GET /rest/api/content/search`` documents an invalid or missing CQL as a 404, but the
      server answers 400 (``BadRequestException``: "Could not parse cql : ...", "CQL query
      parameter is required but was empty", as clients report, e.g. atlassian-python-api
      issue #104): the 400 is declared with ``RestError`` too (the 404 is kept).
    """
    listing = spec["paths"]["/rest/api/content/{id}/child/attachment"]["get"]["responses"]
    listing.setdefault("200", listing["201"])
    spec["components"]["schemas"]["ValidationResult"]["properties"]["errors"] = {"type": "array"}
    rest_error = {"$ref": "#/components/schemas/RestError"}
    _declare_status(spec, "/rest/api/content", "post", "400", rest_error)
    _declare_status(spec, "/rest/api/content/{contentId}", "put", "409", rest_error)
    _declare_status(spec, "/rest/api/content", "post", "403", rest_error)
    _declare_status(spec, "/rest/api/content/{contentId}", "put", "403", rest_error)
    _declare_status(spec, "/rest/api/content/search", "get", "400", rest_error)


@pytest.fixture(scope="session")
def cloud_v2_spec() -> OpenAPI:
    return load_spec(CLOUD_V2, SERVER + "/wiki/api/v2", patch=_relax_cloud_v2)


@pytest.fixture(scope="session")
def cloud_v1_spec() -> OpenAPI:
    return load_spec(CLOUD_V1, SERVER, patch=_relax_cloud_v1)


@pytest.fixture(scope="session")
def cloud_v1_2024_spec() -> OpenAPI:
    return load_spec(CLOUD_V1_2024, SERVER, patch=_relax_cloud_v1_2024)


@pytest.fixture(scope="session")
def cloud_v1_paths() -> dict[str, Any]:
    return _spec_paths(CLOUD_V1)


@pytest.fixture(scope="session")
def dc_spec() -> OpenAPI:
    return load_spec(DC, SERVER + "/confluence", patch=_relax_dc)


class Dispatch:
    """Sends each response to the recorder of its API; remembers what was exercised."""

    def __init__(self, pick: Callable[[str, str], ContractRecorder | None]) -> None:
        self.pick = pick
        self.seen: list[tuple[str, str, int]] = []
        self.recorders: list[ContractRecorder] = []

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        method = str(response.request.method)
        path = re.sub(r"^https?://[^/]+", "", str(response.request.url)).split("?")[0]
        self.seen.append((method, path, response.status_code))
        recorder = self.pick(method, path)
        if recorder is None:
            return
        if recorder not in self.recorders:
            self.recorders.append(recorder)
        recorder.check(response)

    def assert_clean(self) -> None:
        for recorder in self.recorders:
            recorder.assert_clean()


class ConfluenceSite(Site):
    def __init__(self, sandbox: Sandbox, dispatch: Dispatch) -> None:
        super().__init__(sandbox)
        self.dispatch = dispatch
        self.session.hooks["response"].append(dispatch.hook)

    def as_user(self, email: str, login: str) -> requests.Session:
        session = requests.Session()
        session.auth = (login, user_token(self.sandbox.seed, email))
        session.hooks["response"].append(self.dispatch.hook)
        return session


def _xsrf_refusal(response: requests.Response) -> bool:
    """Uploads without ``X-Atlassian-Token`` are refused by Confluence's XSRF filter (403, plain
    text) before the REST API: no spec covers that answer, so only the request is validated."""
    return response.status_code == 403 and response.text == "XSRF check failed"


@pytest.fixture
def cloud(
    tmp_path: Path,
    cloud_v2_spec: OpenAPI,
    cloud_v1_spec: OpenAPI,
    cloud_v1_2024_spec: OpenAPI,
    cloud_v1_paths: dict[str, Any],
) -> Iterator[ConfluenceSite]:
    v2 = ContractRecorder(cloud_v2_spec)
    v1 = ContractRecorder(cloud_v1_spec, skip_response=_xsrf_refusal)
    v1_removed = ContractRecorder(cloud_v1_2024_spec)

    def pick(method: str, path: str) -> ContractRecorder | None:
        if path.startswith("/wiki/api/v2/"):
            return v2
        if not path.startswith("/wiki/rest/api/"):
            return None
        return v1 if _lists(cloud_v1_paths, method, path) else v1_removed

    with Sandbox.start(tmp_path / "cloud.db", contract_seed("cloud")) as sandbox:
        dispatch = Dispatch(pick)
        yield ConfluenceSite(sandbox, dispatch)
        dispatch.assert_clean()


@pytest.fixture
def dc(tmp_path: Path, dc_spec: OpenAPI) -> Iterator[ConfluenceSite]:
    recorder = ContractRecorder(dc_spec, skip_response=_xsrf_refusal)

    def pick(method: str, path: str) -> ContractRecorder | None:
        return recorder if path.startswith("/confluence/rest/api/") else None

    with Sandbox.start(tmp_path / "dc.db", contract_seed("datacenter")) as sandbox:
        dispatch = Dispatch(pick)
        yield ConfluenceSite(sandbox, dispatch)
        dispatch.assert_clean()


def _upload(site: Site, url: str, name: str, data: bytes, method: str = "POST", **kw: Any) -> Any:
    files = {"file": (name, data, "image/png")}
    form = {"comment": "chart"}
    if site.flavor == "cloud":
        # Cloud's file requires minorEdit; DC's makes it an optional boolean, which openapi-core
        # cannot read from a multipart text field, so the DC scenario leaves it out.
        form["minorEdit"] = "true"
    headers = kw.pop("headers", NO_CHECK)
    return site.request(method, url, files=files, data=form, headers=headers)


def cloud_scenario(site: ConfluenceSite) -> None:
    v2, v1 = "/wiki/api/v2", "/wiki/rest/api"
    spaces = site.get(f"{v2}/spaces", params={"keys": "NIVO", "limit": 5}).json()["results"]
    space_id = spaces[0]["id"]
    assert site.get(f"{v2}/spaces/{space_id}").ok
    assert site.get(f"{v2}/spaces/424242").status_code == 404
    parent = site.get(
        f"{v2}/pages", params={"space-id": space_id, "title": "Releases", "status": "current"}
    ).json()["results"][0]
    body = {"representation": "storage", "value": "<p>plan</p>"}
    made = site.post(
        f"{v2}/pages",
        json={
            "spaceId": space_id,
            "status": "current",
            "title": "Plan",
            "parentId": parent["id"],
            "body": body,
        },
    )
    assert made.status_code == 200
    page = made.json()
    assert (
        site.post(
            f"{v2}/pages",
            json={"spaceId": space_id, "status": "current", "title": "Plan", "body": body},
        ).status_code
        == 400
    )
    for i in range(2):
        site.post(
            f"{v2}/pages",
            json={"spaceId": space_id, "title": f"Kid {i}", "parentId": page["id"], "body": body},
        )
    listed = site.get(
        f"{v2}/pages", params={"space-id": space_id, "limit": 2, "body-format": "storage"}
    )
    assert site.get(listed.json()["_links"]["next"]).ok
    assert site.get(
        f"{v2}/pages/{page['id']}", params={"body-format": "storage", "include-version": "true"}
    ).ok
    assert site.get(f"{v2}/pages/424242").status_code == 404
    update = {
        "id": page["id"],
        "status": "current",
        "title": "Plan",
        "body": {"representation": "storage", "value": "<p>v2</p>"},
        "version": {"number": 2, "message": "nightly"},
    }
    assert site.put(f"{v2}/pages/{page['id']}", json=update).status_code == 200
    assert site.put(f"{v2}/pages/{page['id']}", json=update).status_code == 409
    # v2 versions have no minorEdit (v1 / DC have): refused, not silently dropped.
    minor = {**update, "version": {"number": 3, "message": "nightly", "minorEdit": True}}
    assert site.put(f"{v2}/pages/{page['id']}", json=minor).status_code == 400
    human = site.as_user("dana@example.com", "dana@example.com")
    update["version"] = {"number": 3, "message": "by hand"}
    assert human.put(site.url(f"{v2}/pages/{page['id']}"), json=update, timeout=10).ok
    versions = site.get(f"{v2}/pages/{page['id']}/versions", params={"limit": 1}).json()
    editor = versions["results"][0]["authorId"]
    assert site.post(f"{v2}/users-bulk", json={"accountIds": [editor]}).ok
    assert site.get(f"{v1}/user", params={"accountId": editor}).ok
    assert site.get(f"{v1}/user", params={"accountId": "no-such-account"}).status_code == 404
    assert site.get(f"{v1}/user/current").ok
    assert site.get(f"{v2}/pages/{page['id']}/children", params={"limit": 1}).ok
    assert site.get(f"{v2}/pages/{page['id']}/direct-children").ok

    props = f"{v2}/pages/{page['id']}/properties"
    prop = site.post(props, json={"key": "nivosync", "value": {"kind": "plan"}}).json()
    assert site.post(props, json={"key": "nivosync", "value": 1}).status_code == 409
    assert site.get(props, params={"key": "nivosync"}).ok
    one = f"{props}/{prop['id']}"
    assert site.get(one).ok
    bump = {"key": "nivosync", "value": {"kind": "plan", "v": 2}, "version": {"number": 2}}
    assert site.put(one, json=bump).ok
    assert site.put(one, json=bump).status_code == 409
    assert site.delete(one).status_code == 204

    files = f"{v1}/content/{page['id']}/child/attachment"
    att = _upload(site, files, "chart.png", PNG).json()["results"][0]
    assert _upload(site, files, "chart.png", PNG).status_code == 400
    assert _upload(site, files, "x.png", PNG, headers={}).status_code == 403
    assert _upload(site, files, "chart.png", PNG + b"2", method="PUT").ok
    assert _upload(site, f"{files}/{att['id']}/data", "chart.png", PNG + b"3").ok
    hop = site.get(f"{files}/{att['id']}/download", allow_redirects=False)
    assert hop.status_code == 302
    assert site.session.get(hop.headers["Location"], timeout=10).content == PNG + b"3"
    assert _upload(site, files, "plot.png", PNG).ok
    _v2_attachments(site, page["id"])

    labels = f"{v1}/content/{page['id']}/label"
    assert site.post(
        labels, json=[{"prefix": "global", "name": "release"}, {"prefix": "global", "name": "acme"}]
    ).ok
    assert site.get(f"{v2}/pages/{page['id']}/labels").ok
    _search_calls(site, "/wiki", page["id"])
    assert site.delete(labels, params={"name": "acme"}).status_code == 204
    assert site.delete(f"{labels}/release").status_code == 204

    _cloud_permission_calls(site, space_id, page["id"])
    _removed_v1_calls(site, page["id"])
    assert site.delete(f"{v2}/pages/{page['id']}").status_code == 204
    assert site.delete(f"{v2}/pages/{page['id']}", params={"purge": "true"}).status_code == 204


def _v2_attachments(site: ConfluenceSite, page_id: str) -> None:
    """Cloud's attachment listing (v2): cursor paging by the ``Link`` header, filters, sort."""
    url = f"/wiki/api/v2/pages/{page_id}/attachments"
    first = site.get(url, params={"limit": 1, "sort": "-modified-date", "status": "current"})
    assert [a["title"] for a in first.json()["results"]] == ["plot.png"]
    rest = site.get(first.links["next"]["url"])  # relative to the host, as Cloud sends it
    assert [a["title"] for a in rest.json()["results"]] == ["chart.png"]
    one = site.get(url, params={"filename": "chart.png", "mediaType": "image/png"})
    assert [a["version"]["number"] for a in one.json()["results"]] == [3]
    assert site.get(url, params={"cursor": "not-a-cursor"}).status_code == 400
    assert site.get("/wiki/api/v2/pages/424242/attachments").status_code == 404


def _cloud_permission_calls(site: ConfluenceSite, space_id: str, page_id: str) -> None:
    """The operation checks (admin, member, viewer, outsider) and the 403s of the v1 writes
    a viewer may not make (the v2 file documents a missing create or update permission as a
    404, so the v2 403s are left to tests/sandbox/test_confluence_permissions.py)."""
    v2, v1 = "/wiki/api/v2", "/wiki/rest/api"
    viewer = site.as_user(VIEWER.email, VIEWER.email)
    outsider = site.as_user(OUTSIDER.email, OUTSIDER.email)
    member = site.as_user("bot@example.com", "bot@example.com")
    for what in (f"spaces/{space_id}", f"pages/{page_id}"):
        url = site.url(f"{v2}/{what}/operations")
        held = [len(s.get(url, timeout=10).json()["operations"]) for s in (member, viewer)]
        assert site.session.get(url, timeout=10).ok and held[0] > held[1] == 1
        assert outsider.get(url, timeout=10).status_code == 404
    assert site.get(f"{v2}/spaces/424242/operations").status_code == 404
    assert site.get(f"{v2}/pages/424242/operations").status_code == 404
    label = [{"prefix": "global", "name": "nope"}]
    assert viewer.post(site.url(f"{v1}/content/{page_id}/label"), json=label).status_code == 403
    files = {"file": ("no.png", PNG, "image/png")}
    form = {"comment": "no", "minorEdit": "true"}
    upload = site.url(f"{v1}/content/{page_id}/child/attachment")
    refused = viewer.post(upload, files=files, data=form, headers=NO_CHECK, timeout=10)
    assert refused.status_code == 403


def _removed_v1_calls(site: ConfluenceSite, page_id: str) -> None:
    """What a client written for the old Cloud v1 API sends: each is answered 410 Gone."""
    storage = {"storage": {"value": "<p>old</p>", "representation": "storage"}}
    page = {"type": "page", "title": "Old", "space": {"key": "NIVO"}, "body": storage}
    prop = {"value": {"kind": "plan"}, "version": {"number": 2}}
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/content", {"params": {"spaceKey": "NIVO", "title": "Plan"}}),
        ("POST", "/content", {"json": page}),
        ("GET", f"/content/{page_id}", {"params": {"expand": "body.storage,version"}}),
        ("PUT", f"/content/{page_id}", {"json": {**page, "version": {"number": 9}}}),
        ("DELETE", f"/content/{page_id}", {}),
        ("GET", f"/content/{page_id}/child/attachment", {"params": {"filename": "chart.png"}}),
        ("GET", f"/content/{page_id}/child/page", {"params": {"limit": 5}}),
        ("GET", f"/content/{page_id}/history", {}),
        ("GET", f"/content/{page_id}/label", {}),
        ("GET", f"/content/{page_id}/property", {}),
        ("POST", f"/content/{page_id}/property", {"json": {"key": "k", **prop}}),
        ("GET", f"/content/{page_id}/property/k", {}),
        ("POST", f"/content/{page_id}/property/k", {"json": {"value": prop["value"]}}),
        ("PUT", f"/content/{page_id}/property/k", {"json": {"key": "k", **prop}}),
        ("DELETE", f"/content/{page_id}/property/k", {}),
        ("GET", "/space", {"params": {"spaceKey": "NIVO"}}),
        ("GET", "/space/NIVO", {}),
    ]
    for method, path, kwargs in calls:
        gone = site.request(method, "/wiki/rest/api" + path, **kwargs)
        assert gone.status_code == 410, (method, path, gone.text)
        assert "This deprecated endpoint has been removed" in gone.json()["message"]


def _search_calls(site: ConfluenceSite, context: str, page_id: str) -> None:
    """CQL content search (both flavours): a page of results with expansions, the next page
    (Cloud: by cursor, and back by ``prev``; DC: by start), a label search, and the 400s.

    The index lag is set to 0 first: the scenario searches for what it just wrote (the lag is
    tested in tests/sandbox/test_confluence_cql.py). A request without ``cql`` is sent on DC
    only: the Cloud file makes ``cql`` required, so on Cloud the request itself is off-spec
    (its 400 is tested in tests/sandbox)."""
    site.sandbox.faults.configure({"index_lag_seconds": 0})
    url = f"{context}/rest/api/content/search"
    expand = "metadata.labels,version,body.storage,space,history,ancestors"
    first = site.get(url, params={"cql": "type = page AND space = NIVO", "limit": 1})
    assert first.ok and first.json()["size"] == 1
    second = site.get(context + first.json()["_links"]["next"])
    assert second.ok and second.json()["results"][0]["id"] != first.json()["results"][0]["id"]
    if context == "/wiki":
        assert site.get(context + second.json()["_links"]["prev"]).json()["size"] == 1
    labelled = site.get(url, params={"cql": 'label = "release"', "expand": expand})
    assert [item["id"] for item in labelled.json()["results"]] == [page_id]
    bad = site.get(url, params={"cql": "label = release ORDER BY"})
    assert bad.status_code == 400 and "Could not parse cql" in bad.json()["message"]
    assert site.get(url, params={"cql": "type = page", "limit": 0}).status_code == 400
    if context == "/confluence":
        assert site.get(url).status_code == 400


def dc_scenario(site: ConfluenceSite) -> None:
    api = "/confluence/rest/api"
    assert site.get(f"{api}/space/NIVO", params={"expand": "homepage"}).ok
    assert site.get(f"{api}/space", params={"spaceKey": "NIVO"}).ok
    assert site.get(f"{api}/space/NOPE").status_code == 404
    parent = site.get(
        f"{api}/content", params={"spaceKey": "NIVO", "title": "Releases", "type": "page"}
    ).json()["results"][0]
    create = {
        "type": "page",
        "title": "Plan",
        "space": {"key": "NIVO"},
        "ancestors": [{"id": parent["id"]}],
        "body": {"storage": {"value": "<p>plan</p>", "representation": "storage"}},
    }
    page = site.post(f"{api}/content", json=create).json()
    assert site.post(f"{api}/content", json=create).status_code == 400
    site.post(f"{api}/content", json={**create, "title": "Kid", "ancestors": [{"id": page["id"]}]})
    assert site.get(
        f"{api}/content", params={"spaceKey": "NIVO", "start": 0, "limit": 2, "expand": "version"}
    ).ok
    expand = "body.storage,version,ancestors,history,space,metadata.labels,children.page"
    assert site.get(f"{api}/content/{page['id']}", params={"expand": expand}).ok
    assert site.get(f"{api}/content/424242").status_code == 404
    update = {
        "id": page["id"],
        "type": "page",
        "title": "Plan",
        "version": {"number": 2, "minorEdit": True},
        "body": {"storage": {"value": "<p>v2</p>", "representation": "storage"}},
    }
    assert site.put(f"{api}/content/{page['id']}", json=update).ok
    minor = site.get(f"{api}/content/{page['id']}", params={"expand": "version"}).json()
    assert minor["version"]["minorEdit"] is True  # DC records it (Version.minorEdit)
    assert site.put(f"{api}/content/{page['id']}", json=update).status_code == 409
    human = site.as_user("dana@example.com", "dana")
    update["version"] = {"number": 3}
    assert human.put(site.url(f"{api}/content/{page['id']}"), json=update, timeout=10).ok
    by = site.get(f"{api}/content/{page['id']}/history").json()["lastUpdated"]["by"]
    assert site.get(f"{api}/user", params={"username": by["username"]}).ok
    assert site.get(f"{api}/user", params={"key": by["userKey"]}).ok
    # What a mention needs on DC: the user key of a username (the Jira one), or 404.
    assert site.get(f"{api}/user", params={"username": "dana"}).json()["userKey"]
    assert site.get(f"{api}/user", params={"username": "ghost"}).status_code == 404
    assert site.get(f"{api}/user/current").ok
    assert site.get(f"{api}/content/{page['id']}/child/page", params={"limit": 5}).ok
    _dc_permission_calls(site, page["id"], update)

    props = f"{api}/content/{page['id']}/property"
    assert site.post(props, json={"key": "nivosync", "value": {"kind": "plan"}}).ok
    assert site.post(f"{props}/other", json={"value": {"n": 1}}).ok
    assert site.get(props).ok
    assert site.get(f"{props}/nivosync").ok
    bump = {"key": "nivosync", "value": {"kind": "plan"}, "version": {"number": 2}}
    assert site.put(f"{props}/nivosync", json=bump).ok
    assert site.put(f"{props}/nivosync", json=bump).status_code == 409
    assert site.delete(f"{props}/other").status_code == 204
    assert site.get(f"{props}/other").status_code == 404

    files = f"{api}/content/{page['id']}/child/attachment"
    att = _upload(site, files, "chart.png", PNG).json()["results"][0]
    assert _upload(site, files, "x.png", PNG, headers={}).status_code == 403
    assert _upload(site, f"{files}/{att['id']}/data", "chart.png", PNG + b"2").ok
    listed = site.get(files, params={"expand": "version"}).json()["results"]
    download = site.get("/confluence" + listed[0]["_links"]["download"])
    assert download.content == PNG + b"2"

    labels = f"{api}/content/{page['id']}/label"
    assert site.post(labels, json={"prefix": "global", "name": "release"}).ok
    assert site.post(labels, json=[{"prefix": "global", "name": "acme"}]).ok
    _search_calls(site, "/confluence", page["id"])
    assert site.get(labels).ok
    assert site.delete(labels, params={"name": "acme"}).status_code == 204
    assert site.delete(f"{labels}/release").status_code == 204
    assert site.delete(f"{api}/content/{page['id']}").status_code == 204
    assert (
        site.delete(f"{api}/content/{page['id']}", params={"status": "trashed"}).status_code == 204
    )


def _dc_permission_calls(site: ConfluenceSite, page_id: str, update: dict[str, Any]) -> None:
    """``expand=operations`` (admin, viewer), a page an outsider cannot see, and the 403s of
    the writes a viewer may not make."""
    api = "/confluence/rest/api"
    viewer = site.as_user(VIEWER.email, VIEWER.username)
    outsider = site.as_user(OUTSIDER.email, OUTSIDER.username)
    page = site.url(f"{api}/content/{page_id}")
    expand = {"expand": "operations,version"}
    assert len(site.session.get(page, params=expand, timeout=10).json()["operations"]) > 1
    assert len(viewer.get(page, params=expand, timeout=10).json()["operations"]) == 1
    assert outsider.get(page, params=expand, timeout=10).status_code == 404
    assert outsider.get(site.url(f"{api}/space/NIVO"), timeout=10).status_code == 404
    create = {"type": "page", "title": "Nope", "space": {"key": "NIVO"}}
    assert viewer.post(site.url(f"{api}/content"), json=create, timeout=10).status_code == 403
    assert (
        viewer.put(page, json={**update, "version": {"number": 9}}, timeout=10).status_code == 403
    )
    prop = {"key": "nope", "value": 1}
    assert viewer.post(f"{page}/property", json=prop, timeout=10).status_code == 403
    files = {"file": ("no.png", PNG, "image/png")}
    upload = f"{page}/child/attachment"
    refused = viewer.post(upload, files=files, data={"comment": "no"}, headers=NO_CHECK, timeout=10)
    assert refused.status_code == 403


def _unexercised(site: ConfluenceSite, prefix: str) -> list[tuple[str, str]]:
    router = site.sandbox.app.router
    served = {(r, m) for r, methods in router.api_rules() for m in methods if r.startswith(prefix)}
    exercised = {(router.rule_of(path, m), m) for m, path, _ in site.dispatch.seen}
    return sorted(served - exercised)


def _shape(rule: str) -> str:
    return re.sub(r"<[^>]+>", "{}", rule)


def _assert_410_exactly_where_removed(site: ConfluenceSite, current: dict[str, Any]) -> None:
    """Cloud answers a v1 request 410 exactly when the current Cloud v1 file has no such
    operation (and the 2024-10 file had it); and every v1 route of the DC flavour is routed on
    Cloud too, served or refused, never an unknown-route 404."""
    old = _spec_paths(CLOUD_V1_2024)
    for method, path, status in site.dispatch.seen:
        if not path.startswith("/wiki/rest/api/"):
            continue
        listed = _lists(current, method, path)
        assert (status == 410) != listed, f"{method} {path} answered {status}"
        assert listed or _lists(old, method, path), f"{method} {path} is in neither v1 file"
    router = site.sandbox.app.router
    on_cloud = {(_shape(r), m) for r, methods in router.api_rules() for m in methods}
    dc = Router(GENERIC_ERRORS)
    CONFLUENCE.register(dc, demo_seed("datacenter"))
    for rule, methods in dc.api_rules():
        if rule.startswith("/confluence/rest/api/"):
            cloud_rule = _shape(rule.replace("/confluence/", "/wiki/", 1))
            for method in methods:
                assert (cloud_rule, method) in on_cloud, f"{method} {rule} unknown on Cloud"


def test_cloud_routes_match_the_cloud_specs(
    cloud: ConfluenceSite, cloud_v1_paths: dict[str, Any]
) -> None:
    cloud_scenario(cloud)
    assert not _unexercised(cloud, "/wiki/")
    _assert_410_exactly_where_removed(cloud, cloud_v1_paths)


def test_dc_routes_match_the_dc_spec(dc: ConfluenceSite) -> None:
    dc_scenario(dc)
    assert not _unexercised(dc, "/confluence/")
