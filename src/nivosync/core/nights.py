"""The nights `sync --all` recorded every running release (pure): one record instead of one
write per release per night.

A release's history (`core.changes`) keeps one entry per state run, whose `last_seen` is the
last night that state was measured. Extending it on every epic costs a read and a write per
release per night, although nothing changed. Instead, a `sync --all` that recorded every
running release keeps one `SyncNight` — the night, and the releases it did *not* record
(an error, a page not published, a look back) — on nivosync's own Jira user. Reading a release's
history, its latest state counts as seen on that night too, when:

- the release is not among those left out that night, and
- the state was seen before that night (`last_seen` earlier): a state that began that night
  was written that night; one from before was still the state then, or that night's run
  would have written a new one (states are written before the night is).

The caller applies it only to releases running tonight: a release done or cancelled is not
measured, so no night after its end covers it. A release whose epic Jira's search did not yet
show that night has no state seen before it (its first state is from a later night). Nights
are written after every release's history, so a crash in between extends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from nivosync.core.changes import HISTORY_LIMIT, bounded, read_history

MAX_LEFT_OUT = 400  # beyond this, the record would near Jira's 32 KB: not kept that night


@dataclass(frozen=True)
class SyncNight:
    """The latest night `sync --all` recorded every running release except `left_out`."""

    night: date
    left_out: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        return {"schema": 1, "night": self.night.isoformat(), "left_out": sorted(self.left_out)}

    @classmethod
    def from_json(cls, value: object) -> SyncNight | None:
        """None when unset or damaged (then no night extends anything: the safe reading)."""
        if not isinstance(value, Mapping):
            return None
        try:
            night = date.fromisoformat(str(value["night"]))
            left_out = value.get("left_out") or []
            if not isinstance(left_out, list):
                return None
            return cls(night, frozenset(str(s) for s in left_out))
        except (KeyError, ValueError, TypeError):
            return None


def covered(history: Sequence[object], slug: str, night: SyncNight | None) -> list[Any]:
    """`history` (as stored) with its latest state seen on `night` too, where the night
    covers it (see the module docstring); else `history` unchanged."""
    if night is None or slug in night.left_out:
        return list(history)
    entries = read_history(history)
    if not entries or entries[-1].last_seen >= night.night:
        return list(history)
    entries[-1] = replace(entries[-1], last_seen=night.night)
    return bounded(entries, HISTORY_LIMIT)


def only_seen_again(stored: Sequence[object], merged: Sequence[object]) -> bool:
    """Whether `merged` differs from `stored` only in its latest state's `last_seen` (the
    write a recorded night makes unnecessary)."""
    before, after = read_history(stored), read_history(merged)
    if not before or len(before) != len(after):
        return False
    latest = replace(after[-1], last_seen=before[-1].last_seen)
    return [*after[:-1], latest] == before


def tonight_record(
    night: date, left_out: Iterable[str], previous: SyncNight | None
) -> SyncNight | None:
    """What to keep after tonight's run; None when it must not be kept: a look back (a
    night before the recorded one) or too many releases left out to list."""
    missing = frozenset(left_out)
    if previous is not None and night < previous.night:
        return None
    if len(missing) > MAX_LEFT_OUT:
        return None
    return SyncNight(night, missing)
