"""What a sandbox exposes beyond its API: forged browser writes (XSRF), the test endpoints,
guessing tokens, and who may read its files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.app.sites import open_sites
from nivosync.inputs.config import load_config
from nivosync.sandbox import Sandbox
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import demo_seed

from .jira_payloads import issue_fields
from .site import Site

REPO = Path(__file__).resolve().parents[2]
XSRF = "XSRF check failed"
NO_CHECK = {"X-Atlassian-Token": "no-check"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def issue_body(site: Site, summary: str) -> str:
    return json.dumps({"fields": issue_fields(site, summary)})


def issue_count(site: Site) -> int:
    path = "search/jql" if site.flavor == "cloud" else "search"
    found = site.get(site.rest(path), params={"jql": "project = NIVO", "maxResults": 100})
    assert found.status_code == 200, found.text
    return len(found.json()["issues"])


def assert_xsrf_refused(response: requests.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.text == XSRF
    assert response.headers["Content-Type"].startswith("text/plain")


# --- XSRF --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        None,
    ],
)
def test_a_write_a_browser_form_could_send_is_refused_json_is_not(
    site: Site, content_type: str | None
) -> None:
    before = issue_count(site)
    headers = {"Content-Type": content_type} if content_type else {}
    body = issue_body(site, "Forged").encode()
    assert_xsrf_refused(site.post(site.rest("issue"), data=body, headers=headers))
    assert issue_count(site) == before
    as_json = {"Content-Type": "application/json"}
    created = site.post(site.rest("issue"), data=body, headers=as_json)
    assert created.status_code == 201, created.text
    assert issue_count(site) == before + 1


def _with_property(site: Site) -> str:
    """A new issue with the property ``p``; the property's path."""
    key = site.post(site.rest("issue"), json={"fields": issue_fields(site, "P")}).json()["key"]
    path = site.rest(f"issue/{key}/properties/p")
    assert site.put(path, json={"v": 1}).status_code in (200, 201)
    return path


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://localhost:1"])
def test_a_write_from_a_foreign_origin_is_refused_from_its_own_not(site: Site, origin: str) -> None:
    before = issue_count(site)
    fields = {"fields": issue_fields(site, "Cross-site")}
    assert_xsrf_refused(site.post(site.rest("issue"), json=fields, headers={"Origin": origin}))
    assert issue_count(site) == before
    own = {"Origin": site.sandbox.base_url}
    assert site.post(site.rest("issue"), json=fields, headers=own).status_code == 201

    prop = _with_property(site)
    assert_xsrf_refused(site.delete(prop, headers={"Origin": origin}))
    # reads are not writes: a foreign Origin may look (the browser keeps the answer from it)
    assert site.get(prop, headers={"Origin": origin}).json()["value"] == {"v": 1}
    # a bodyless write needs no JSON content type
    deleted = site.delete(prop, headers={**own, "Content-Type": "text/plain"})
    assert deleted.status_code == 204, deleted.text
    assert site.get(prop).status_code == 404


def _pages_root(site: Site) -> str:
    return "/wiki/rest/api" if site.flavor == "cloud" else "/confluence/rest/api"


def _releases_page(site: Site) -> str:
    if site.flavor == "cloud":
        found = site.get("/wiki/api/v2/pages", params={"title": "Releases"})
    else:
        params = {"spaceKey": "NIVO", "title": "Releases"}
        found = site.get(f"{_pages_root(site)}/content", params=params)
    return str(found.json()["results"][0]["id"])


def upload(site: Site, headers: dict[str, str]) -> requests.Response:
    url = f"{_pages_root(site)}/content/{_releases_page(site)}/child/attachment"
    files = {"file": ("chart.png", PNG, "image/png")}
    return site.post(url, files=files, data={"comment": "c"}, headers=headers)


def test_an_upload_with_no_check_is_accepted_without_it_refused(site: Site) -> None:
    assert_xsrf_refused(upload(site, {}))
    assert upload(site, NO_CHECK).status_code == 200
    assert_xsrf_refused(upload(site, {**NO_CHECK, "Origin": "https://evil.example"}))


def test_a_text_plain_confluence_label_write_is_refused(site: Site) -> None:
    url = f"{_pages_root(site)}/content/{_releases_page(site)}/label"
    body = json.dumps([{"prefix": "global", "name": "forged"}])
    assert_xsrf_refused(site.post(url, data=body, headers={"Content-Type": "text/plain"}))
    assert site.post(url, json=[{"prefix": "global", "name": "fine"}]).status_code == 200


# --- the test endpoints -------------------------------------------------------------------------


def _as_bot(site: Site) -> tuple[str, str]:
    login = "bot@example.com" if site.flavor == "cloud" else "nivobot"
    return (login, user_token(site.sandbox.seed, "bot@example.com"))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/_sandbox/requests", None),
        ("DELETE", "/_sandbox/requests", None),
        ("GET", "/_sandbox/clock", None),
        ("POST", "/_sandbox/clock", {"now": "2030-01-01T00:00:00Z"}),
        ("GET", "/_sandbox/faults", None),
        ("POST", "/_sandbox/faults", {"rules": [{"fault": "500"}]}),
        ("DELETE", "/_sandbox/faults", None),
    ],
)
def test_only_site_admins_drive_the_test_endpoints(
    site: Site, method: str, path: str, body: Any
) -> None:
    bot = _as_bot(site)
    assert site.get(site.rest("myself"), auth=bot).status_code == 200  # a working login
    refused = site.request(method, path, json=body, auth=bot)
    assert refused.status_code == 403, refused.text
    assert site.get("/_sandbox/clock").json()["frozen"] is False
    assert site.get("/_sandbox/faults").json()["rules"] == []
    assert site.request(method, path, json=body).status_code in (200, 204)


# --- failed logins ------------------------------------------------------------------------------


class _Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _fake_clock(site: Site) -> _Ticks:
    from nivosync.sandbox.login_throttle import LoginThrottle  # new: keep the other tests apart

    ticks = _Ticks()
    site.sandbox.app.logins = LoginThrottle(now=ticks)
    return ticks


def _wrong(site: Site) -> int:
    login = site.sandbox.auth[0]
    return site.get(site.rest("myself"), auth=(login, "guess")).status_code


def test_ten_failed_logins_lock_the_address_out_for_a_minute(site: Site) -> None:
    ticks = _fake_clock(site)
    assert [_wrong(site) for _ in range(10)] == [401] * 10
    locked = site.get(site.rest("myself"))  # the right token too: no oracle for the guesser
    assert locked.status_code == 429
    assert 50 <= int(locked.headers["Retry-After"]) <= 60
    assert _wrong(site) == 429
    ticks.now += 59
    assert site.get(site.rest("myself")).status_code == 429
    ticks.now += 2
    assert site.get(site.rest("myself")).status_code == 200


def test_throttling_needs_no_fake_clock_to_start(cloud: Site) -> None:
    assert [_wrong(cloud) for _ in range(10)] == [401] * 10
    locked = cloud.get(cloud.rest("myself"))
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1


def test_a_success_resets_no_count_and_anonymous_requests_are_no_failures(cloud: Site) -> None:
    _fake_clock(cloud)
    anonymous = requests.get(cloud.url(cloud.rest("myself")), timeout=10)
    assert anonymous.status_code == 401
    assert all(
        requests.get(cloud.url(cloud.rest("myself")), timeout=10).status_code == 401
        for _ in range(15)
    )
    assert [_wrong(cloud) for _ in range(9)] == [401] * 9
    assert cloud.get(cloud.rest("myself"), auth=_as_bot(cloud)).status_code == 200
    assert cloud.get(cloud.rest("myself")).status_code == 200
    assert _wrong(cloud) == 401  # the tenth
    assert cloud.get(cloud.rest("myself")).status_code == 429


def test_failures_age_out_and_each_address_counts_alone() -> None:
    from nivosync.sandbox.login_throttle import LoginThrottle

    ticks = _Ticks()
    throttle = LoginThrottle(now=ticks)
    for _ in range(9):
        throttle.failed("10.0.0.1")
    ticks.now += 61  # those nine are out of the window
    for _ in range(9):
        throttle.failed("10.0.0.1")
        throttle.failed("10.0.0.2")
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 60
    assert throttle.retry_after("10.0.0.2") is None  # one address's lock is not another's
    ticks.now += 30
    assert throttle.retry_after("10.0.0.1") == 30
    ticks.now += 30
    assert throttle.retry_after("10.0.0.1") is None
    assert throttle.retry_after("10.0.0.2") is None


# --- files --------------------------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)  # what most systems use: files 0644 and folders 0755 by default
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.usefixtures("umask_022")
def test_the_database_and_its_folders_are_the_owners_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    db = home / "project" / ".nivosync" / "sandbox.db"
    with Sandbox.start(db, demo_seed("cloud")) as sandbox:
        response = requests.get(sandbox.base_url + "/rest/api/3/myself", auth=sandbox.auth)
        assert response.status_code == 200
        side_files = [db.with_name(db.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(p.exists() for p in side_files)
        assert [mode(p) for p in (db, *side_files)] == [0o600, 0o600, 0o600]
    assert (mode(db.parent), mode(db.parent.parent)) == (0o700, 0o700)
    assert mode(home) == 0o755  # a folder that was there keeps its mode


@pytest.mark.usefixtures("umask_022")
def test_the_embedded_sandbox_folder_is_the_owners_only(tmp_path: Path) -> None:
    config_path = tmp_path / "nivosync.yaml"
    shutil.copy(REPO / "config.example.yaml", config_path)
    config = load_config(config_path)
    with open_sites(config, {}):
        pass
    assert mode(tmp_path / ".nivosync") == 0o700
    assert mode(tmp_path / ".nivosync" / "sandbox.db") == 0o600
