"""The search index lags writes, as on real Jira (Cloud's search/jql above all).

A written issue stays out of search results for `index_lag_seconds` (real time), unless its id
is in Cloud's `reconcileIssues`; `GET /issue/{key}` is always consistent.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from nivosync.sandbox import Sandbox
from nivosync.sandbox.faults import DEFAULT_INDEX_LAG_SECONDS, Faults, FaultSpecError
from nivosync.sandbox.seed import demo_seed

from .jira_payloads import create
from .site import Site

LAG = 0.6


@pytest.fixture(params=["cloud", "datacenter"])
def lagging(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    faults = {"index_lag_seconds": LAG}
    with Sandbox.start(tmp_path / "lag.db", demo_seed(request.param), faults=faults) as sandbox:
        site = Site(sandbox)
        yield site
        site.session.close()


def search(site: Site, jql: str, reconcile: list[int] | None = None) -> list[str]:
    if site.flavor == "cloud":
        body: dict = {"jql": jql, "fields": ["summary"]}
        if reconcile:
            body["reconcileIssues"] = reconcile
        answer = site.post("/rest/api/3/search/jql", json=body)
    else:
        answer = site.post("/rest/api/2/search", json={"jql": jql, "fields": ["summary"]})
    assert answer.status_code == 200, answer.text
    return [i["key"] for i in answer.json()["issues"]]


def test_a_new_issue_is_found_only_once_the_index_caught_up(lagging: Site):
    made = create(lagging, "fresh")
    jql = f"project = {made['key'].split('-')[0]} AND summary ~ fresh"
    assert search(lagging, jql) == []
    assert lagging.get(lagging.rest(f"issue/{made['key']}")).status_code == 200  # consistent
    time.sleep(LAG + 0.2)
    assert search(lagging, jql) == [made["key"]]


def test_an_edited_issue_drops_out_of_search_for_the_lag(lagging: Site):
    made = create(lagging, "edited")
    time.sleep(LAG + 0.2)
    key = made["key"]
    answer = lagging.put(lagging.rest(f"issue/{key}"), json={"fields": {"summary": "edited 2"}})
    assert answer.status_code == 204
    assert search(lagging, f"key = {key}") == []


def test_reconcile_issues_sees_known_ids_at_once_on_cloud(tmp_path: Path):
    faults = {"index_lag_seconds": 60}
    with Sandbox.start(tmp_path / "c.db", demo_seed("cloud"), faults=faults) as sandbox:
        site = Site(sandbox)
        made = create(site, "known")
        jql = f"project = {made['key'].split('-')[0]} AND summary ~ known ORDER BY key ASC"
        assert search(site, jql) == []
        assert search(site, jql, reconcile=[int(made["id"])]) == [made["key"]]
        too_many = site.post(
            "/rest/api/3/search/jql", json={"jql": jql, "reconcileIssues": list(range(1, 52))}
        )
        assert too_many.status_code == 400
        assert "at most 50" in too_many.text


def test_the_lag_is_a_site_property_that_clearing_faults_keeps():
    faults = Faults()
    assert faults.index_lag_seconds == DEFAULT_INDEX_LAG_SECONDS > 0  # realistic by default
    faults.configure({"index_lag_seconds": 5})
    faults.clear()
    assert faults.index_lag_seconds == 5
    assert faults.to_json()["index_lag_seconds"] == 5
    with pytest.raises(FaultSpecError, match="index_lag_seconds"):
        faults.configure({"index_lag_seconds": -1})
