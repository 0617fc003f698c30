"""A per-run memo shared by worker threads: each key is worked out once, however many threads
ask for it at the same time (the others wait for that answer); different keys in parallel."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class OncePerKey(Generic[K, V]):
    """`get(key, work)`: `work()`'s answer for `key`, asked once per key for the run. A `work`
    that raises remembers nothing: the next caller asks again (a failed lookup is retried)."""

    def __init__(self) -> None:
        self._known: dict[K, V] = {}
        self._lock = threading.Lock()  # guards both dicts, held only briefly
        self._asking: dict[K, threading.Lock] = {}  # held while that key is worked out

    def get(self, key: K, work: Callable[[], V]) -> V:
        with self._lock:
            if key in self._known:
                return self._known[key]
            asking = self._asking.setdefault(key, threading.Lock())
        with asking:  # another thread working this key out: its answer is waited for
            with self._lock:
                if key in self._known:
                    return self._known[key]
            value = work()
            with self._lock:
                self._known[key] = value
                del self._asking[key]
            return value

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._known
