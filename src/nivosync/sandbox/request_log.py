"""The log of API requests served (``GET /_sandbox/requests``)."""

from __future__ import annotations

import threading
from typing import Any


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(
        self, method: str, path: str, query: str, status: int | None, fault: str | None
    ) -> None:
        entry = {"method": method, "path": path, "query": query, "status": status, "fault": fault}
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
