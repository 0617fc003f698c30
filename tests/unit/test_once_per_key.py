"""The per-run memo the sync's worker threads share (`app.once`): each key worked out once,
callers of the same key wait for that answer, other keys are not held up, a failure is not
remembered."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from nivosync.app.once import OncePerKey


def test_many_threads_asking_for_one_key_work_it_out_once():
    memo: OncePerKey[str, int] = OncePerKey()
    calls: list[str] = []
    started = threading.Barrier(8)

    def ask(_n: int) -> int:
        started.wait()  # all eight ask at the same moment

        def work() -> int:
            calls.append("dana")
            threading.Event().wait(0.05)  # slow: the others arrive while it works
            return 42

        return memo.get("dana", work)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, range(8)))
    assert answers == [42] * 8
    assert calls == ["dana"]
    assert "dana" in memo and "olive" not in memo


def test_a_slow_key_does_not_hold_up_another():
    memo: OncePerKey[str, str] = OncePerKey()
    release = threading.Event()
    slow_started = threading.Event()

    def slow() -> str:
        slow_started.set()
        assert release.wait(5)
        return "slow"

    with ThreadPoolExecutor(max_workers=2) as pool:
        waiting = pool.submit(memo.get, "a", slow)
        assert slow_started.wait(5)
        assert memo.get("b", lambda: "fast") == "fast"  # answered while "a" is still worked out
        assert not waiting.done()
        release.set()
        assert waiting.result(5) == "slow"


def test_a_failure_is_not_remembered():
    memo: OncePerKey[str, str] = OncePerKey()

    def fails() -> str:
        raise ConnectionError("site down")

    with pytest.raises(ConnectionError):
        memo.get("dana", fails)
    assert "dana" not in memo
    assert memo.get("dana", lambda: "acc-dana") == "acc-dana"
    assert memo.get("dana", fails) == "acc-dana"  # known now: not asked again
