"""The sandbox's clock: real time unless a test sets it (``POST /_sandbox/clock``)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime


class Clock:
    """Thread-safe settable clock; `now()` is always timezone-aware UTC."""

    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            fixed = self._fixed
        return fixed if fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        """Freeze the clock at `moment` (naive means UTC), or return to real time with None."""
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        with self._lock:
            self._fixed = moment.astimezone(UTC) if moment is not None else None

    @property
    def frozen_at(self) -> datetime | None:
        with self._lock:
            return self._fixed


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant such as ``2026-12-15T16:00:00Z``."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
