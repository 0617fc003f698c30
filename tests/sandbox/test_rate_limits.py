"""The sandbox's rate-limit signals, as Atlassian Cloud sends them: 429s, 503s and NearLimit."""

from __future__ import annotations

import pytest

from nivosync.sandbox.faults import Faults, FaultSpecError

from .site import Site


def faults(site: Site, *rules: dict, seed: int | None = None) -> dict:
    response = site.post("/_sandbox/faults", json={"seed": seed, "rules": list(rules)})
    assert response.status_code == 200, response.text
    return response.json()


def test_429_carries_the_rate_limit_headers(cloud: Site) -> None:
    cloud.post("/_sandbox/clock", json={"now": "2026-12-15T16:00:30Z"})
    faults(cloud, {"fault": "429", "retry_after": 90, "path": "myself$"})
    response = cloud.get("/rest/api/3/myself")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "90"
    assert response.headers["X-RateLimit-Limit"] == "100"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    # now + 90 s is 16:02:00; Atlassian writes the instant to the minute
    assert response.headers["X-RateLimit-Reset"] == "2026-12-15T16:02Z"
    assert response.headers["RateLimit-Reason"] == "jira-burst-based"
    assert "X-RateLimit-NearLimit" not in response.headers


def test_reset_is_rounded_up_never_before_the_retry_after(cloud: Site) -> None:
    cloud.post("/_sandbox/clock", json={"now": "2026-12-15T16:00:00Z"})
    faults(cloud, {"fault": "429", "retry_after": 60})
    assert cloud.get("/rest/api/3/myself").headers["X-RateLimit-Reset"] == "2026-12-15T16:01Z"
    faults(cloud, {"fault": "429"})  # the default Retry-After, 1 s
    response = cloud.get("/rest/api/3/myself")
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Reset"] == "2026-12-15T16:01Z"


def test_a_confluence_429_names_the_confluence_limit(site: Site) -> None:
    faults(site, {"fault": "429"})
    wiki = "/wiki/api/v2/spaces" if site.flavor == "cloud" else "/confluence/rest/api/space"
    response = site.get(wiki)
    assert response.status_code == 429
    assert response.headers["RateLimit-Reason"] == "confluence-burst-based"
    assert response.headers["Retry-After"] == "1"


def test_the_reason_can_be_chosen(cloud: Site) -> None:
    rule = {"fault": "429", "reason": "jira-quota-global-based", "retry_after": 3}
    assert faults(cloud, rule)["rules"][0]["reason"] == "jira-quota-global-based"
    response = cloud.get("/rest/api/3/serverInfo")
    assert response.headers["RateLimit-Reason"] == "jira-quota-global-based"


def test_503_carries_retry_after_only_when_the_rule_gives_one(cloud: Site) -> None:
    faults(cloud, {"fault": "503", "retry_after": 45})
    busy = cloud.get("/rest/api/3/myself")
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "45"
    assert "RateLimit-Reason" not in busy.headers  # a resource limit, not a rate limit
    faults(cloud, {"fault": "503"})
    assert "Retry-After" not in cloud.get("/rest/api/3/myself").headers


def test_near_limit_flags_the_real_answer(cloud: Site) -> None:
    cloud.delete("/_sandbox/requests")
    faults(cloud, {"fault": "near-limit", "path": "myself$"})
    flagged = cloud.get("/rest/api/3/myself")
    assert flagged.status_code == 200 and flagged.json()["emailAddress"]
    assert flagged.headers["X-RateLimit-NearLimit"] == "true"
    plain = cloud.get("/rest/api/3/serverInfo")
    assert plain.status_code == 200 and "X-RateLimit-NearLimit" not in plain.headers
    log = cloud.get("/_sandbox/requests").json()
    assert [(e["status"], e["fault"]) for e in log] == [(200, "near-limit"), (200, None)]


def test_a_near_limit_rule_leaves_the_other_draws_alone(cloud: Site) -> None:
    errors = {"fault": "500", "rate": 0.5}

    def statuses(*rules: dict) -> list[int]:
        faults(cloud, *rules, seed=7)
        return [cloud.get("/rest/api/3/serverInfo").status_code for _ in range(20)]

    assert statuses(errors) == statuses({"fault": "near-limit", "rate": 0.5}, errors)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"fault": "503", "reason": "jira-burst-based"}, "RateLimit-Reason of a 429"),
        ({"fault": "429", "reason": "Jira Burst"}, "as Atlassian does"),
        ({"fault": "429", "reason": 7}, "a string"),
    ],
)
def test_invalid_reasons_are_refused(rule: dict, message: str) -> None:
    with pytest.raises(FaultSpecError, match=message):
        Faults().configure({"rules": [rule]})


def test_invalid_reason_is_a_400(cloud: Site) -> None:
    bad = cloud.post("/_sandbox/faults", json={"rules": [{"fault": "500", "reason": "x"}]})
    assert bad.status_code == 400
