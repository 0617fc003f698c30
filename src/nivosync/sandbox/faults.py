"""Injected faults (``POST /_sandbox/faults``): latency, error statuses and dropped connections.

Draws come from one RNG seeded by ``seed`` so a scenario replays identically for the same
sequence of requests.
"""

from __future__ import annotations

import random
import re
import threading
from dataclasses import dataclass
from typing import Any

STATUS_FAULTS = {"429": 429, "500": 500, "502": 502, "503": 503}
DROP_FAULTS = ("reset", "commit-then-reset")
FAULT_KINDS = (*STATUS_FAULTS, *DROP_FAULTS)


class FaultSpecError(ValueError):
    """The fault configuration is invalid (answered with a 400)."""


@dataclass(frozen=True)
class FaultRule:
    fault: str
    rate: float = 1.0
    retry_after: int | None = None
    method: str | None = None
    path: re.Pattern[str] | None = None

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
        return body


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._latency_ms: float = 0
        self._seed: int | None = None
        self._rules: tuple[FaultRule, ...] = ()
        self._rng = random.Random()

    def configure(self, spec: dict[str, Any]) -> None:
        """Replace the configuration with `spec` (the ``/_sandbox/faults`` body)."""
        if not isinstance(spec, dict):
            raise FaultSpecError("the fault configuration must be a JSON object")
        latency = spec.get("latency_ms", 0) or 0
        if not isinstance(latency, int | float) or latency < 0:
            raise FaultSpecError("latency_ms must be a non-negative number")
        seed = spec.get("seed")
        if seed is not None and not isinstance(seed, int):
            raise FaultSpecError("seed must be an integer")
        rules = tuple(_parse_rule(r) for r in spec.get("rules") or ())
        with self._lock:
            self._latency_ms = latency
            self._seed = seed
            self._rules = rules
            self._rng = random.Random(seed)

    def clear(self) -> None:
        self.configure({})

    @property
    def latency_seconds(self) -> float:
        with self._lock:
            return self._latency_ms / 1000.0

    def draw(self, method: str, path: str) -> FaultRule | None:
        """The fault to inject for this request, if any (first matching rule that fires)."""
        with self._lock:
            for rule in self._rules:
                if rule.applies_to(method, path) and self._rng.random() < rule.rate:
                    return rule
        return None

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
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
    )
