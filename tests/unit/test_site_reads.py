"""Issue 15: independent requests sent at once, and chains sent behind the caller's next ones."""

from __future__ import annotations

import threading

import pytest

from nivosync.app.site_reads import at_once, behind


def test_at_once_runs_the_calls_together_and_keeps_their_order():
    barrier = threading.Barrier(3, timeout=5)  # each call waits for the other two
    calls = [lambda n=n: (barrier.wait(), n)[1] for n in range(3)]
    assert at_once(calls) == [0, 1, 2]


def test_at_once_raises_the_first_failure_after_all_finished():
    done: list[str] = []

    def slow_ok() -> str:
        done.append("ok")
        return "ok"

    def fails(message: str) -> str:
        raise ValueError(message)

    with pytest.raises(ValueError, match="first"):
        at_once([lambda: fails("first"), slow_ok, lambda: fails("second")])
    assert done == ["ok"]


def test_behind_lets_the_caller_go_on_and_waits_at_the_end():
    started = threading.Event()
    release = threading.Event()
    finished: list[str] = []

    def chain() -> None:
        started.set()
        assert release.wait(5)
        finished.append("chain")

    with behind() as send:
        send(chain)
        assert started.wait(5)  # running while the block goes on
        finished.append("caller")
        release.set()
    assert finished == ["caller", "chain"]  # the block's end waited for it


def test_behind_raises_a_chains_failure_when_the_block_ends():
    with pytest.raises(RuntimeError, match="labels"), behind() as send:
        send(lambda: (_ for _ in ()).throw(RuntimeError("labels refused")))


def test_behind_keeps_the_blocks_own_failure_first():
    with pytest.raises(KeyError), behind() as send:
        send(lambda: (_ for _ in ()).throw(RuntimeError("later")))
        raise KeyError("the caller's own")
