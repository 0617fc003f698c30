"""How independent requests are sent: at once (`settled`, `at_once`, `alongside`, `both`) or
behind the caller's next ones (`behind`), each in a copy of the caller's logging context; and
the rule for the reads made before a run's first write (`refused_is_bad_input`): a 4xx answer
means the input asked for something the site refuses, so it is exit 2 with nothing written."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar, cast

from nivosync.errors import InvalidInput, NivosyncError
from nivosync.http import HttpError
from nivosync.log_setup import get_logger

log = get_logger(__name__)

# Requests in flight at once: independent round trips are sent together (requests keeps
# 10 connections per host, and Jira's burst limits are per second, not per connection).
AT_ONCE = 10
T = TypeVar("T")
U = TypeVar("U")


def settled(calls: Sequence[Callable[[], T]]) -> list[T | Exception]:
    """Run independent calls (each one round trip, or a short chain of them) at once and wait
    for all of them: each one's result, or what it raised."""
    if len(calls) < 2:
        return [_settle(call) for call in calls]
    with ThreadPoolExecutor(max_workers=min(AT_ONCE, len(calls))) as pool:
        # Each call sees the caller's logging context (structlog's contextvars).
        futures = [pool.submit(contextvars.copy_context().run, _settle, c) for c in calls]
        return [f.result() for f in futures]


def _settle(call: Callable[[], T]) -> T | Exception:
    try:
        return call()
    except Exception as exc:  # handed back to the caller, who raises it
        return exc


def at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """`settled`, raising the first failure (in the calls' order) once all have finished."""
    results = settled(calls)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results  # type: ignore[return-value]  # no exception among them


def alongside(main: Callable[[], T], *others: Callable[[], object]) -> T:
    """`main`'s result, with `others` sent at the same time (their failures raised after
    main's)."""
    results = at_once([main, *others])
    return results[0]  # type: ignore[return-value]


def both(first: Callable[[], T], second: Callable[[], U]) -> tuple[T, U]:
    """Two independent calls' results, sent at once (failures as `at_once`)."""
    a, b = at_once([first, second])
    return cast(T, a), cast(U, b)


Send = Callable[[Callable[[], object]], "Future[object]"]


def ahead_or_none(what: str, read: Callable[[], T]) -> T | None:
    """A read made before it is needed: its result, or None if it failed — the read is then
    made again when needed, and its failure reported there (`what` is logged)."""
    try:
        return read()
    except (HttpError, NivosyncError) as exc:
        log.info("not read ahead: read again when needed", what=what, error=str(exc))
        return None


@contextmanager
def behind() -> Iterator[Send]:
    """A `send(call)` that starts `call` (a short chain of dependent requests, e.g. a page's
    labels then its record) while the caller goes on to its next requests, and hands back
    its Future. All have finished when the block ends; then the first failure among them (in
    the order sent) is raised — unless the block raised, whose own failure is the one that
    propagates."""
    futures: list[Future[object]] = []
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:

        def send(call: Callable[[], object]) -> Future[object]:
            futures.append(pool.submit(contextvars.copy_context().run, call))
            return futures[-1]

        yield send
    for future in futures:
        future.result()


@contextmanager
def refused_is_bad_input() -> Iterator[None]:
    """A read before the first write answered 4xx: InvalidInput (exit 2), its one line."""
    try:
        yield
    except HttpError as exc:
        if exc.status is not None and 400 <= exc.status < 500:
            raise InvalidInput(str(exc)) from None
        raise
