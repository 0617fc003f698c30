"""The sandbox core over real HTTP: start/stop, seeding, auth, clock, request log, faults."""

from __future__ import annotations

import base64
import http.client
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from nivosync.sandbox import AdminCredential, Sandbox, SiteSeed, UserSeed, reset_db
from nivosync.sandbox.seed import account_id_for, demo_seed

from .site import Site


def test_urls_per_flavor(tmp_path: Path) -> None:
    with Sandbox.start(tmp_path / "c.db", demo_seed("cloud")) as cloud:
        assert cloud.base_url.startswith("http://127.0.0.1:")
        assert cloud.jira_url == cloud.base_url
        assert cloud.confluence_url == cloud.base_url + "/wiki"
    with Sandbox.start(tmp_path / "d.db", demo_seed("datacenter")) as dc:
        assert dc.confluence_url == dc.base_url + "/confluence"
        assert dc.flavor == "datacenter"


def test_state_persists_and_reseeding_is_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    seed = demo_seed("cloud")
    with Sandbox.start(db, seed) as first:
        site = Site(first)
        assert site.get("/rest/api/3/user/search", params={"query": "dana"}).json()
    bigger = SiteSeed(
        **{**seed.__dict__, "users": (*seed.users, UserSeed("Neo", "neo@x.io", "neo"))}
    )
    with Sandbox.start(db, bigger) as second:
        site = Site(second)
        assert len(site.get("/rest/api/3/user/search", params={"query": "dana"}).json()) == 1
        assert len(site.get("/rest/api/3/user/search", params={"query": "neo"}).json()) == 1
    reset_db(db)
    assert not db.exists()


def test_account_ids_are_stable_and_distinct() -> None:
    assert account_id_for("Dana@Example.com") == account_id_for("dana@example.com")
    assert account_id_for("dana@example.com") != account_id_for("sam@example.com")


@pytest.mark.parametrize(
    "auth",
    [None, ("admin@example.com", "wrong"), ("nobody@example.com", "sandbox-token")],
)
def test_bad_auth_is_401_in_the_flavor_shape(site: Site, auth: tuple[str, str] | None) -> None:
    response = requests.get(site.url(site.rest("myself")), auth=auth, timeout=10)
    assert response.status_code == 401
    if site.flavor == "cloud":
        assert response.text == "Client must be authenticated to access this resource."
    else:
        assert response.json()["errorMessages"]


def test_basic_auth_by_email_or_username_and_bearer_on_dc(dc: Site) -> None:
    url = dc.url("/rest/api/2/myself")
    for login in ("admin@example.com", "admin"):
        assert (
            requests.get(url, auth=(login, "sandbox-token"), timeout=10).json()["name"] == "admin"
        )
    bearer = {"Authorization": "Bearer sandbox-token"}
    assert requests.get(url, headers=bearer, timeout=10).status_code == 200
    assert (
        requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401
    )


def test_bearer_is_not_accepted_on_cloud(cloud: Site) -> None:
    bearer = {"Authorization": "Bearer sandbox-token"}
    assert (
        requests.get(cloud.url("/rest/api/3/myself"), headers=bearer, timeout=10).status_code == 401
    )


def test_several_admin_credentials(tmp_path: Path) -> None:
    seed = SiteSeed(
        "cloud",
        "P",
        "Project",
        "S",
        "Space",
        None,
        admins=(AdminCredential("j@x.io", "j", "jt"), AdminCredential("c@x.io", "c", "ct")),
    )
    with Sandbox.start(tmp_path / "s.db", seed) as sandbox:
        for login, token, email in (("j@x.io", "jt", "j@x.io"), ("c@x.io", "ct", "c@x.io")):
            me = requests.get(
                sandbox.base_url + "/rest/api/3/myself", auth=(login, token), timeout=10
            )
            assert me.json()["emailAddress"] == email
        wrong = requests.get(
            sandbox.base_url + "/rest/api/3/myself", auth=("j@x.io", "ct"), timeout=10
        )
        assert wrong.status_code == 401


def test_malformed_basic_header_is_401(cloud: Site) -> None:
    junk = {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()}
    assert (
        requests.get(cloud.url("/rest/api/3/myself"), headers=junk, timeout=10).status_code == 401
    )


def test_clock(cloud: Site) -> None:
    frozen = cloud.post("/_sandbox/clock", json={"now": "2026-12-15T16:00:00Z"}).json()
    assert frozen == {"now": "2026-12-15T16:00:00Z", "frozen": True}
    assert (
        cloud.get("/rest/api/3/serverInfo").json()["serverTime"] == "2026-12-15T16:00:00.000+0000"
    )
    assert cloud.post("/_sandbox/clock", json={"now": None}).json()["frozen"] is False
    assert cloud.post("/_sandbox/clock", json={"now": "yesterday"}).status_code == 400


def test_test_endpoints_need_auth(cloud: Site) -> None:
    assert requests.get(cloud.url("/_sandbox/requests"), timeout=10).status_code == 401


def test_request_log_records_api_calls_only_in_order(cloud: Site) -> None:
    cloud.delete("/_sandbox/requests")
    cloud.get("/rest/api/3/serverInfo", params={"a": "1"})
    cloud.get("/rest/api/3/nope")
    requests.get(cloud.url("/rest/api/3/myself"), timeout=10)
    cloud.get("/_sandbox/faults")
    assert cloud.get("/_sandbox/requests").json() == [
        {
            "method": "GET",
            "path": "/rest/api/3/serverInfo",
            "query": "a=1",
            "status": 200,
            "fault": None,
        },
        {"method": "GET", "path": "/rest/api/3/nope", "query": "", "status": 404, "fault": None},
        {"method": "GET", "path": "/rest/api/3/myself", "query": "", "status": 401, "fault": None},
    ]
    assert cloud.delete("/_sandbox/requests").status_code == 204
    assert cloud.get("/_sandbox/requests").json() == []


@pytest.mark.parametrize("fault,status", [("429", 429), ("500", 500), ("502", 502), ("503", 503)])
def test_status_faults(cloud: Site, fault: str, status: int) -> None:
    rule = {"fault": fault, "rate": 1, "retry_after": 3, "path": "^/rest/api/3/myself$"}
    assert cloud.post("/_sandbox/faults", json={"rules": [rule]}).status_code == 200
    response = cloud.get("/rest/api/3/myself")
    assert response.status_code == status
    assert response.json()["errorMessages"]
    if status == 429:
        assert response.headers["Retry-After"] == "3"
    assert cloud.get("/rest/api/3/serverInfo").status_code == 200  # path narrows the rule
    log = cloud.get("/_sandbox/requests").json()
    assert [e["fault"] for e in log] == [fault, None]
    cloud.delete("/_sandbox/faults")
    assert cloud.get("/rest/api/3/myself").status_code == 200


def test_faults_method_filter_and_invalid_spec(cloud: Site) -> None:
    rule = {"fault": "503", "method": "POST"}
    cloud.post("/_sandbox/faults", json={"rules": [rule]})
    assert cloud.get("/rest/api/3/myself").status_code == 200
    assert cloud.post("/rest/api/3/issue", json={}).status_code == 503
    bad = cloud.post("/_sandbox/faults", json={"rules": [{"fault": "teapot"}]})
    assert bad.status_code == 400
    assert (
        cloud.post("/_sandbox/faults", json={"rules": [{"fault": "500", "rate": 2}]}).status_code
        == 400
    )


def test_reset_drops_the_connection_without_answer(cloud: Site) -> None:
    cloud.post("/_sandbox/faults", json={"rules": [{"fault": "reset", "path": "myself"}]})
    with pytest.raises(requests.ConnectionError):
        requests.get(cloud.url("/rest/api/3/myself"), auth=cloud.sandbox.auth, timeout=10)
    assert cloud.get("/_sandbox/requests").json()[-1] == {
        "method": "GET",
        "path": "/rest/api/3/myself",
        "query": "",
        "status": None,
        "fault": "reset",
    }
    assert cloud.get("/rest/api/3/serverInfo").status_code == 200


def test_seeded_draws_are_repeatable(cloud: Site) -> None:
    spec = {"seed": 7, "rules": [{"fault": "500", "rate": 0.5}]}

    def run() -> list[int]:
        cloud.post("/_sandbox/faults", json=spec)
        return [cloud.get("/rest/api/3/serverInfo").status_code for _ in range(20)]

    first = run()
    assert first == run()
    assert {200, 500} == set(first)


def test_latency_is_applied(cloud: Site) -> None:
    assert cloud.post("/_sandbox/faults", json={"latency_ms": 30}).json()["latency_ms"] == 30
    response = cloud.get("/rest/api/3/serverInfo")
    assert response.elapsed.total_seconds() >= 0.03


def test_faults_given_at_start(tmp_path: Path) -> None:
    spec = {"rules": [{"fault": "502"}]}
    with Sandbox.start(tmp_path / "f.db", demo_seed("cloud"), faults=spec) as sandbox:
        response = requests.get(
            sandbox.base_url + "/rest/api/3/serverInfo", auth=sandbox.auth, timeout=10
        )
        assert response.status_code == 502


def test_unknown_route_is_a_jira_404(site: Site) -> None:
    response = site.get(site.rest("nothing/here"))
    assert response.status_code == 404
    assert response.json() == {"errorMessages": ["Not Found"], "errors": {}}


def test_unsupported_method_is_405(site: Site) -> None:
    assert site.delete(site.rest("serverInfo")).status_code == 405


def test_commit_then_reset_stores_the_write_but_never_answers(cloud: Site) -> None:
    rule = {"fault": "commit-then-reset", "method": "POST", "path": "^/rest/api/3/issue$"}
    cloud.post("/_sandbox/faults", json={"rules": [rule]})
    fields = {"project": {"key": "NIVO"}, "issuetype": {"name": "Task"}, "summary": "ghost"}
    with pytest.raises(requests.ConnectionError):
        requests.post(
            cloud.url("/rest/api/3/issue"),
            json={"fields": fields},
            auth=cloud.sandbox.auth,
            timeout=10,
        )
    cloud.delete("/_sandbox/faults")
    assert cloud.get("/rest/api/3/issue/NIVO-1").json()["fields"]["summary"] == "ghost"
    first = cloud.get("/_sandbox/requests").json()[0]
    assert (first["status"], first["fault"]) == (201, "commit-then-reset")


def test_serve_prints_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    script = (
        "import sys; from pathlib import Path\n"
        "from nivosync.sandbox import serve\n"
        "from nivosync.sandbox.seed import demo_seed\n"
        "serve(Path(sys.argv[1]), demo_seed('cloud'), '127.0.0.1', 0, None,\n"
        "      lambda url: print(url, flush=True))\n"
        "print('stopped', flush=True)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "serve.db")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        response = requests.get(
            url + "/rest/api/3/serverInfo", auth=("admin", "sandbox-token"), timeout=10
        )
        assert response.json()["deploymentType"] == "Cloud"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read().strip() == "stopped"
    finally:
        if proc.poll() is None:
            proc.kill()


def test_answers_on_one_kept_alive_connection_as_atlassian_does(cloud: Site) -> None:
    """Issue 15: HTTP/1.1 keep-alive. One connection carries a read, a write whose body the
    route never reads (404), a HEAD and a read again; each answer says its length."""
    host, port = cloud.sandbox.base_url.removeprefix("http://").split(":")
    login, token = cloud.sandbox.auth
    auth = "Basic " + base64.b64encode(f"{login}:{token}".encode()).decode()
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        answers = []
        for method, path, body in [
            ("GET", "/rest/api/3/myself", None),
            ("POST", "/rest/api/3/no/such/route", b'{"a": "' + b"x" * 5000 + b'"}'),
            ("HEAD", "/rest/api/3/myself", None),
            ("GET", "/rest/api/3/serverInfo", None),
        ]:
            headers = {"Authorization": auth, "Content-Type": "application/json"}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            answers.append((response.status, response.getheader("Connection"), len(data)))
            assert response.getheader("Content-Length") is not None
        socket_after = connection.sock
    finally:
        connection.close()
    assert [status for status, _, _ in answers] == [200, 404, 200, 200]
    assert all(kept != "close" for _, kept, _ in answers), answers
    assert answers[2][2] == 0  # HEAD: the length of the body, no body
    assert socket_after is not None  # never closed by the server: the same socket throughout


def test_a_reset_on_a_kept_connection_leaves_the_next_one_working(cloud: Site) -> None:
    session = requests.Session()
    session.auth = cloud.sandbox.auth
    assert session.get(cloud.url("/rest/api/3/serverInfo"), timeout=10).status_code == 200
    cloud.post("/_sandbox/faults", json={"rules": [{"fault": "reset", "path": "myself"}]})
    with pytest.raises(requests.ConnectionError):
        session.get(cloud.url("/rest/api/3/myself"), timeout=10)
    assert session.get(cloud.url("/rest/api/3/serverInfo"), timeout=10).status_code == 200
