"""Injected faults (``POST /_sandbox/faults``): latency, error statuses, dropped connections and
the rate-limit signals of Atlassian Cloud.

A ``429`` answers the way Cloud's rate limiter does: ``Retry-After`` (the rule's ``retry_after``,
default 1 s), ``X-RateLimit-Limit``, ``X-RateLimit-Remaining: 0``, ``X-RateLimit-Reset`` (an
ISO-8601 instant, ``yyyy-MM-ddTHH:mmZ`` as Atlassian documents it, rounded up to the minute) and
``RateLimit-Reason`` (the rule's ``reason``, default ``jira-burst-based`` or
``confluence-burst-based``: API-token traffic, which nivosync sends, is governed by the burst
limits). A ``503`` carries ``Retry-After`` when its rule gives ``retry_after`` (Cloud's answer to
a resource limit). ``near-limit`` changes no answer: it adds ``X-RateLimit-NearLimit: true`` to
the real one, as Cloud does when less than a fifth of the budget remains.

Draws come from one RNG seeded by ``seed`` so a scenario replays identically for the same
sequence of requests; ``near-limit`` rules draw from a second RNG (seeded from the same
``seed``), so adding one never changes which requests the other rules hit.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

STATUS_FAULTS = {"429": 429, "500": 500, "502": 502, "503": 503}
DROP_FAULTS = ("reset", "commit-then-reset")
NEAR_LIMIT = "near-limit"  # the real answer, flagged X-RateLimit-NearLimit: true
FAULT_KINDS = (*STATUS_FAULTS, *DROP_FAULTS, NEAR_LIMIT)
DEFAULT_RETRY_AFTER = 1
RATE_LIMIT = 100  # the X-RateLimit-Limit reported (Atlassian does not publish its limits)
REASON = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class FaultSpecError(ValueError):
    """The fault configuration is invalid (answered with a 400)."""


@dataclass(frozen=True)
class FaultRule:
    fault: str
    rate: float = 1.0
    retry_after: int | None = None
    method: str | None = None
    path: re.Pattern[str] | None = None
    reason: str | None = None  # RateLimit-Reason of a 429 (default: the product's burst limit)

    def applies_to(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or self.path.search(path) is not None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"fault": self.fault, "rate": self.rate}
        if self.retry_after is not None:
            body["retry_after"] = self.retry_after
        if self.method is not None:
            body["method"] = self.method
        if self.path is not None:
            body["path"] = self.path.pattern
        if self.reason is not None:
            body["reason"] = self.reason
        return body

    def headers(self, path: str, now: datetime) -> dict[str, str]:
        """The headers this status fault answers with (`path` tells Jira from Confluence)."""
        wait = self.retry_after
        if self.fault == "503":
            return {} if wait is None else {"Retry-After": str(wait)}
        if self.fault != "429":
            return {}
        wait = DEFAULT_RETRY_AFTER if wait is None else wait
        return {
            "Retry-After": str(wait),
            "X-RateLimit-Limit": str(RATE_LIMIT),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": _reset_instant(now, wait),
            "RateLimit-Reason": self.reason or f"{product_of(path)}-burst-based",
        }


def product_of(path: str) -> str:
    """The product a sandbox path belongs to: Confluence lives under /wiki (Cloud) or
    /confluence (Data Center), Jira everywhere else."""
    first = path.lstrip("/").split("/", 1)[0]
    return "confluence" if first in ("wiki", "confluence") else "jira"


def _reset_instant(now: datetime, wait: int) -> str:
    """`now + wait` as Atlassian writes X-RateLimit-Reset (minutes), rounded up: a client that
    waits for it never comes back before the Retry-After has passed."""
    moment = now + timedelta(seconds=wait)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return moment.strftime("%Y-%m-%dT%H:%MZ")


DEFAULT_INDEX_LAG_SECONDS = 2.0  # Jira Cloud's search index lags writes by seconds


class Faults:
    def __init__(self, index_lag_seconds: float = DEFAULT_INDEX_LAG_SECONDS) -> None:
        self._lock = threading.Lock()
        self._index_lag = index_lag_seconds
        self._latency_ms: float = 0
        self._seed: int | None = None
        self._rules: tuple[FaultRule, ...] = ()
        self._rng = random.Random()
        self._near_rng = random.Random()  # its own draws: a near-limit rule moves no other fault

    def configure(self, spec: dict[str, Any]) -> None:
        """Replace the configuration with `spec` (the ``/_sandbox/faults`` body).

        `index_lag_seconds` is kept as it is when the body does not name it: the index lag is a
        property of the site, not a fault that a test clears."""
        if not isinstance(spec, dict):
            raise FaultSpecError("the fault configuration must be a JSON object")
        lag = spec.get("index_lag_seconds", self.index_lag_seconds)
        if not isinstance(lag, int | float) or isinstance(lag, bool) or not 0 <= lag <= 3600:
            raise FaultSpecError("index_lag_seconds must be a number of seconds from 0 to 3600")
        latency = spec.get("latency_ms", 0) or 0
        if not isinstance(latency, int | float) or latency < 0:
            raise FaultSpecError("latency_ms must be a non-negative number")
        seed = spec.get("seed")
        if seed is not None and not isinstance(seed, int):
            raise FaultSpecError("seed must be an integer")
        rules = tuple(_parse_rule(r) for r in spec.get("rules") or ())
        with self._lock:
            self._index_lag = float(lag)
            self._latency_ms = latency
            self._seed = seed
            self._rules = rules
            self._rng = random.Random(seed)
            self._near_rng = random.Random(None if seed is None else f"{NEAR_LIMIT}:{seed}")

    def clear(self) -> None:
        self.configure({})

    @property
    def index_lag_seconds(self) -> float:
        """How long a written issue stays out of search results (its id in reconcileIssues,
        or a GET of the issue, sees it at once)."""
        with self._lock:
            return self._index_lag

    @property
    def latency_seconds(self) -> float:
        with self._lock:
            return self._latency_ms / 1000.0

    def draw(self, method: str, path: str) -> FaultRule | None:
        """The fault to inject for this request, if any (first matching rule that fires);
        never a `near-limit` rule (see `near_limit`)."""
        return self._first(method, path, near_limit=False)

    def near_limit(self, method: str, path: str) -> bool:
        """Whether the answer to this request carries ``X-RateLimit-NearLimit: true``."""
        return self._first(method, path, near_limit=True) is not None

    def _first(self, method: str, path: str, near_limit: bool) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if (rule.fault == NEAR_LIMIT) != near_limit or not rule.applies_to(method, path):
                    continue
                if (self._near_rng if near_limit else self._rng).random() < rule.rate:
                    return rule
        return None

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "index_lag_seconds": self._index_lag,
                "latency_ms": self._latency_ms,
                "seed": self._seed,
                "rules": [r.to_json() for r in self._rules],
            }


def _parse_rule(raw: Any) -> FaultRule:
    if not isinstance(raw, dict):
        raise FaultSpecError("each rule must be a JSON object")
    fault = str(raw.get("fault"))
    if fault not in FAULT_KINDS:
        raise FaultSpecError(f"unknown fault {raw.get('fault')!r}; expected one of {FAULT_KINDS}")
    rate = raw.get("rate", 1.0)
    if not isinstance(rate, int | float) or not 0 <= rate <= 1:
        raise FaultSpecError("rate must be a number between 0 and 1")
    retry_after = raw.get("retry_after")
    if retry_after is not None and (not isinstance(retry_after, int) or retry_after < 0):
        raise FaultSpecError("retry_after must be a non-negative integer (seconds)")
    reason = raw.get("reason")
    if reason is not None and (fault != "429" or not isinstance(reason, str)):
        raise FaultSpecError("reason is the RateLimit-Reason of a 429 fault: a string")
    if reason is not None and not REASON.match(reason):
        raise FaultSpecError(f"reason {reason!r}: write it as Atlassian does (jira-burst-based)")
    method = raw.get("method")
    try:
        path = re.compile(raw["path"]) if raw.get("path") else None
    except (re.error, TypeError) as exc:
        raise FaultSpecError(f"path is not a valid regular expression: {exc}") from exc
    return FaultRule(
        fault=fault,
        rate=float(rate),
        retry_after=retry_after,
        method=str(method).upper() if method else None,
        path=path,
        reason=reason,
    )
