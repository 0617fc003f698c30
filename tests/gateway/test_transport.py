"""The retry policy and the ambiguous-write rule, with responses standing in for Jira."""

from __future__ import annotations

import pytest
import requests
import responses

from nivosync.http import AmbiguousWrite, Credentials, HttpError, RetryPolicy, Transport

BASE = "https://jira.example.com"


@pytest.fixture
def slept() -> list[float]:
    return []


@pytest.fixture
def transport(slept) -> Transport:
    policy = RetryPolicy(attempts=4, initial_wait=0.5, max_wait=8, sleep=slept.append)
    return Transport(BASE, Credentials("me@example.com", "s3cret"), retry=policy)


@responses.activate
def test_429_honours_retry_after_for_any_method(transport, slept):
    url = f"{BASE}/rest/api/3/issue"
    responses.post(url, status=429, headers={"Retry-After": "3"})
    responses.post(url, status=201, json={"key": "NVX-1"})
    assert transport.request("POST", "/rest/api/3/issue", json={}).status_code == 201
    assert slept == [3.0]


@responses.activate
def test_retry_after_is_capped(transport, slept):
    url = f"{BASE}/rest/api/3/myself"
    responses.get(url, status=429, headers={"Retry-After": "3600"})
    responses.get(url, status=200, json={})
    transport.request("GET", "/rest/api/3/myself")
    assert slept == [8.0]


@responses.activate
def test_exhausted_rate_limit_is_explained(transport):
    responses.get(f"{BASE}/rest/api/3/myself", status=429)
    with pytest.raises(HttpError, match="rate limit still exceeded after 4 attempts"):
        transport.request("GET", "/rest/api/3/myself")
    assert len(responses.calls) == 4


@responses.activate
@pytest.mark.parametrize("status", [502, 503, 504])
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
    policy = RetryPolicy(attempts=3, sleep=slept.append)
    transport = Transport("http://127.0.0.1:9", Credentials("u", "t"), retry=policy, timeout=2)
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
