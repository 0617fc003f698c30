"""The retry policy and the ambiguous-write rule, with responses standing in for Jira."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import requests
import responses

from nivosync.http import (
    AmbiguousWrite,
    Credentials,
    HttpError,
    RetryPolicy,
    RetryWaitTooLong,
    Transport,
)

BASE = "https://jira.example.com"
NOW = datetime(2026, 12, 15, 16, 0, tzinfo=UTC)  # the policy's clock in these tests
# Atlassian Cloud's 429: the wait, the window's numbers and which limit was hit.
RATE_LIMITED = {
    "Retry-After": "120",
    "X-RateLimit-Limit": "100",
    "X-RateLimit-Remaining": "0",
    "X-RateLimit-Reset": "2026-12-15T16:02Z",
    "RateLimit-Reason": "jira-burst-based",
}


@pytest.fixture
def slept() -> list[float]:
    return []


def policy(slept: list[float], **kw) -> RetryPolicy:
    kw.setdefault("jitter", 0.5)
    return RetryPolicy(sleep=slept.append, clock=NOW.timestamp, **kw)


@pytest.fixture
def transport(slept) -> Transport:
    retry = policy(slept, attempts=4, initial_wait=0.5)
    return Transport(BASE, Credentials("me@example.com", "s3cret"), retry=retry)


@responses.activate
def test_429_honours_retry_after_for_any_method(transport, slept):
    url = f"{BASE}/rest/api/3/issue"
    responses.post(url, status=429, headers={"Retry-After": "3"})
    responses.post(url, status=201, json={"key": "NVX-1"})
    assert transport.request("POST", "/rest/api/3/issue", json={}).status_code == 201
    assert len(slept) == 1 and 3.0 <= slept[0] <= 3.5  # the wait asked for, plus jitter


@responses.activate
def test_retry_after_over_a_minute_is_honoured(transport, slept):
    url = f"{BASE}/rest/api/3/issue/bulk"
    responses.post(url, status=429, headers=RATE_LIMITED)
    responses.post(url, status=201, json={"issues": [], "errors": []})
    assert transport.request("POST", "/rest/api/3/issue/bulk", json={}).status_code == 201
    assert len(slept) == 1 and 120.0 <= slept[0] <= 120.5
    assert len(responses.calls) == 2  # a 429 was not processed: re-sending the POST is safe


@responses.activate
def test_retry_after_as_an_http_date(transport, slept):
    url = f"{BASE}/rest/api/3/myself"
    later = NOW.replace(minute=1, second=30)
    responses.get(url, status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    responses.get(url, status=200, json={})
    transport.request("GET", "/rest/api/3/myself")
    assert len(slept) == 1 and 90.0 <= slept[0] <= 90.5


@responses.activate
def test_ratelimit_reset_is_the_wait_when_retry_after_is_missing(transport, slept):
    url = f"{BASE}/rest/api/3/myself"
    responses.get(url, status=429, headers={"X-RateLimit-Reset": "2026-12-15T16:01Z"})
    responses.get(url, status=200, json={})
    transport.request("GET", "/rest/api/3/myself")
    assert len(slept) == 1 and 60.0 <= slept[0] <= 60.5


@responses.activate
def test_retry_after_over_the_cap_fails_at_once_naming_the_setting(slept):
    transport = Transport(BASE, Credentials("u", "t"), retry=policy(slept, max_wait=300))
    quota = {"Retry-After": "3600", "RateLimit-Reason": "jira-quota-tenant-based"}
    responses.get(f"{BASE}/rest/api/3/myself", status=429, headers=quota)
    with pytest.raises(RetryWaitTooLong) as caught:
        transport.request("GET", "/rest/api/3/myself")
    message = str(caught.value)
    assert message.startswith(
        f"{BASE} asked to wait 3600 s before retrying GET /rest/api/3/myself "
        "(HTTP 429, jira-quota-tenant-based)"
    )
    assert "http.max_retry_wait_seconds (300 s)" in message and "raise" in message
    assert caught.value.status == 429 and isinstance(caught.value, HttpError)
    assert slept == [] and len(responses.calls) == 1  # no point waiting to fail later


@responses.activate
def test_retries_stop_when_the_time_budget_is_spent(slept):
    transport = Transport(BASE, Credentials("u", "t"), retry=policy(slept, budget=600, jitter=0))
    responses.get(f"{BASE}/rest/api/3/myself", status=429, headers=RATE_LIMITED)
    with pytest.raises(HttpError) as caught:
        transport.request("GET", "/rest/api/3/myself")
    assert slept == [120.0] * 5  # a sixth wait would pass 600 s
    message = str(caught.value)
    assert "rate limit still exceeded after 6 attempts and 600 s of waiting" in message
    assert "jira-burst-based" in message and "http.retry_budget_seconds (600 s)" in message


@responses.activate
def test_exhausted_rate_limit_is_explained(transport):
    responses.get(f"{BASE}/rest/api/3/myself", status=429)
    with pytest.raises(HttpError, match="rate limit still exceeded after 4 attempts"):
        transport.request("GET", "/rest/api/3/myself")
    assert len(responses.calls) == 4


@responses.activate
def test_near_limit_pauses_before_the_next_request(slept):
    transport = Transport(BASE, Credentials("u", "t"), retry=policy(slept, near_limit_pause=1.5))
    url = f"{BASE}/rest/api/3/myself"
    responses.get(url, json={}, headers={"X-RateLimit-NearLimit": "true"})
    responses.get(url, json={})
    transport.request("GET", "/rest/api/3/myself")
    assert slept == []  # the answer is returned at once; only the next request waits
    transport.request("GET", "/rest/api/3/myself")
    assert slept == [1.5]
    transport.request("GET", "/rest/api/3/myself")
    assert slept == [1.5]  # that answer was not near the limit


@responses.activate
def test_503_with_retry_after_is_retried_for_a_read_but_ambiguous_for_a_post(transport, slept):
    busy = {"Retry-After": "45"}
    responses.get(f"{BASE}/rest/api/3/project/NVX", status=503, headers=busy)
    responses.get(f"{BASE}/rest/api/3/project/NVX", json={"key": "NVX"})
    assert transport.request("GET", "/rest/api/3/project/NVX").json() == {"key": "NVX"}
    assert len(slept) == 1 and 45.0 <= slept[0] <= 45.5
    responses.post(f"{BASE}/rest/api/3/issue", status=503, headers=busy)
    with pytest.raises(AmbiguousWrite, match="HTTP 503"):
        transport.request("POST", "/rest/api/3/issue", json={})
    assert [c.request.method for c in responses.calls].count("POST") == 1  # never re-sent
    assert len(slept) == 1


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_gateway_errors_retried_for_reads_with_backoff(transport, slept, status):
    url = f"{BASE}/rest/api/3/project/NVX"
    responses.get(url, status=status)
    responses.get(url, status=status)
    responses.get(url, status=200, json={"key": "NVX"})
    assert transport.request("GET", "/rest/api/3/project/NVX").json() == {"key": "NVX"}
    assert len(slept) == 2
    assert 0.5 <= slept[0] <= 1.0 and 1.0 <= slept[1] <= 1.5  # exponential, with jitter


@responses.activate
@pytest.mark.parametrize("status", [500, 502, 503])
def test_post_that_fails_with_5xx_is_ambiguous_and_never_resent(transport, status):
    responses.post(f"{BASE}/rest/api/3/issue/bulk", status=status)
    with pytest.raises(AmbiguousWrite):
        transport.request("POST", "/rest/api/3/issue/bulk", json={})
    assert len(responses.calls) == 1


@responses.activate
def test_post_connection_reset_is_ambiguous(transport):
    responses.post(
        f"{BASE}/rest/api/3/issue",
        body=requests.ConnectionError("Connection aborted: reset by peer"),
    )
    with pytest.raises(AmbiguousWrite, match="may have reached the server"):
        transport.request("POST", "/rest/api/3/issue", json={})
    assert len(responses.calls) == 1


@responses.activate
def test_post_timeout_is_ambiguous_but_idempotent_post_is_retried(transport):
    url = f"{BASE}/rest/api/3/search/jql"
    responses.post(url, body=requests.ReadTimeout("read timed out"))
    responses.post(url, json={"issues": []})
    response = transport.request("POST", "/rest/api/3/search/jql", json={}, idempotent=True)
    assert response.json() == {"issues": []}
    responses.post(f"{BASE}/rest/api/3/issue", body=requests.ReadTimeout("read timed out"))
    with pytest.raises(AmbiguousWrite, match="timed out"):
        transport.request("POST", "/rest/api/3/issue", json={})


def test_refused_connection_is_retried_even_for_post(slept):
    retry = RetryPolicy(attempts=3, sleep=slept.append)
    transport = Transport("http://127.0.0.1:9", Credentials("u", "t"), retry=retry, timeout=2)
    with pytest.raises(HttpError, match="failed 3 times"):
        transport.request("POST", "/rest/api/3/issue", json={})
    assert len(slept) == 2


@responses.activate
def test_4xx_is_returned_not_retried(transport):
    responses.get(f"{BASE}/rest/api/3/project/NOPE", status=404, json={"errorMessages": ["x"]})
    assert transport.request("GET", "/rest/api/3/project/NOPE").status_code == 404
    assert len(responses.calls) == 1


def test_secret_is_not_in_repr():
    credentials = Credentials("me@example.com", "s3cret-value")
    assert "s3cret-value" not in repr(credentials)


@responses.activate
def test_bearer_and_basic_auth_headers():
    responses.get(f"{BASE}/rest/api/2/myself", json={})
    Transport(BASE, Credentials("me", "pat", bearer=True)).request("GET", "/rest/api/2/myself")
    assert responses.calls[0].request.headers["Authorization"] == "Bearer pat"
    Transport(BASE, Credentials("me", "tok")).request("GET", "/rest/api/2/myself")
    assert responses.calls[1].request.headers["Authorization"].startswith("Basic ")


def test_concurrent_requests_keep_their_connections_open():
    """Issue 15: a nightly sync's page workers share one Jira client; requests keeps only 10
    connections per host unless told, so each request past the tenth would open (on a real
    site: handshake) a connection of its own. Twenty requests in flight, twice: twenty
    connections in all."""
    import http.server
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from nivosync.http import KEPT_CONNECTIONS, Credentials, Transport

    opened: list[object] = []
    arrived = threading.Barrier(20, timeout=10)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            opened.append(self.request)
            super().setup()

        def do_GET(self) -> None:
            arrived.wait()  # all twenty in flight at once
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        transport = Transport(f"http://127.0.0.1:{server.server_port}", Credentials("u", "s"))
        assert KEPT_CONNECTIONS >= 20
        with ThreadPoolExecutor(20) as pool:
            for _ in range(2):
                answers = list(pool.map(lambda n: transport.request("GET", f"/r/{n}"), range(20)))
                assert {a.status_code for a in answers} == {200}
                arrived.reset()
        assert len(opened) == 20
        transport.close()
    finally:
        server.shutdown()
        server.server_close()
