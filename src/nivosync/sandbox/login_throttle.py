"""Throttling of failed logins, per client address.

After `LIMIT` failed authentications from one address within `WINDOW_SECONDS`, every request from
that address that carries credentials is answered 429 (with Retry-After) until the window since
the last counted failure has passed — right credentials too, or a guesser would learn which guess
was right. A success resets nothing: failures age out of the window on their own, so neither one
user's logins nor another address's clear the count.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

LIMIT = 10
WINDOW_SECONDS = 60.0


class LoginThrottle:
    """Counts failed logins per client address; `now` is a monotonic clock in seconds."""

    def __init__(
        self,
        limit: int = LIMIT,
        window_seconds: float = WINDOW_SECONDS,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._now = now
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, address: str) -> int | None:
        """Seconds `address` must wait before authenticating again, or None when it may now."""
        with self._lock:
            moment = self._now()
            failures = self._recent(address, moment)
            if len(failures) < self.limit:
                return None
            wait = failures[-1] + self.window_seconds - moment
        return max(1, math.ceil(wait))

    def failed(self, address: str) -> None:
        """Count one failed authentication from `address`."""
        with self._lock:
            moment = self._now()
            failures = self._recent(address, moment)
            failures.append(moment)
            self._failures[address] = failures
            stale = [a for a, times in self._failures.items() if not self._within(times, moment)]
            for other in stale:
                del self._failures[other]

    def _within(self, failures: deque[float], moment: float) -> bool:
        return bool(failures) and failures[-1] > moment - self.window_seconds

    def _recent(self, address: str, moment: float) -> deque[float]:
        """The failures of `address` within the window ending at `moment` (older ones dropped).

        While the address is locked out its whole run of failures is kept, so the lock lasts a
        full window after the last failure."""
        failures = self._failures.get(address, deque())
        if len(failures) >= self.limit and self._within(failures, moment):
            return failures
        while failures and failures[0] <= moment - self.window_seconds:
            failures.popleft()
        return failures
