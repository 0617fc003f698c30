"""Whether a release is still running: its completion or cancellation (pure).

A release is *active* until it is done (every task done, seen by a sync) or cancelled
(`nivosync cancel`) — never because a date passed. Both are recorded on the epic twice, each
backing the other: a label (`nivosync-done` / `nivosync-cancelled`), which keeps the nightly
search to the releases still running, and the `nivosync.lifecycle` property with the details
(when, why, who, the actual go-live and end). This module owns that property's schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from nivosync.core.identity import CANCELLED_LABEL, DONE_LABEL

LIFECYCLE_PROPERTY = "nivosync.lifecycle"
FINISHED_LABELS = (DONE_LABEL, CANCELLED_LABEL)
LIFECYCLE_SCHEMA = 1

State = Literal["done", "cancelled"]


@dataclass(frozen=True)
class Finish:
    """How a release ended: `on` is the day (the sync's as-of date, or the day of the cancel);
    None when only the epic's label says so (its property is missing or damaged)."""

    state: State
    on: date | None
    reason: str | None = None
    by: str | None = None
    actual_go_live: date | None = None
    actual_end: date | None = None
    open_tasks: tuple[str, ...] = ()  # cancelled: the keys of the tasks still open then

    @property
    def label(self) -> str:
        return DONE_LABEL if self.state == "done" else CANCELLED_LABEL

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": LIFECYCLE_SCHEMA,
            "state": self.state,
            "on": _iso(self.on),
            "reason": self.reason,
            "by": self.by,
            "actual_go_live": _iso(self.actual_go_live),
            "actual_end": _iso(self.actual_end),
            "open_tasks": list(self.open_tasks),
        }


class LifecycleError(ValueError):
    """The `nivosync.lifecycle` property is not one nivosync wrote."""


def finish_from_json(value: object) -> Finish:
    """Parse the property; raises `LifecycleError` naming the first bad field."""
    if not isinstance(value, Mapping):
        raise LifecycleError(f"expected an object, got {type(value).__name__}")
    state = value.get("state")
    if state not in ("done", "cancelled"):
        raise LifecycleError(f"state: expected 'done' or 'cancelled', got {state!r}")
    open_tasks = value.get("open_tasks") or []
    if not isinstance(open_tasks, list):
        raise LifecycleError("open_tasks: expected a list of issue keys")
    return Finish(
        state=state,
        on=_date(value, "on"),
        reason=_text(value, "reason"),
        by=_text(value, "by"),
        actual_go_live=_date(value, "actual_go_live"),
        actual_end=_date(value, "actual_end"),
        open_tasks=tuple(str(k) for k in open_tasks),
    )


def finished_label(labels: Iterable[str]) -> State | None:
    """What the epic's labels say: 'cancelled' wins over 'done' (a cancel is the later act)."""
    found = set(labels)
    if CANCELLED_LABEL in found:
        return "cancelled"
    return "done" if DONE_LABEL in found else None


def _text(value: Mapping[str, Any], key: str) -> str | None:
    item = value.get(key)
    if item is None:
        return None
    if not isinstance(item, str):
        raise LifecycleError(f"{key}: expected text, got {type(item).__name__}")
    return item


def _date(value: Mapping[str, Any], key: str) -> date | None:
    item = value.get(key)
    if item is None:
        return None
    try:
        return date.fromisoformat(str(item))
    except ValueError:
        raise LifecycleError(f"{key}: expected an ISO date, got {item!r}") from None


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
