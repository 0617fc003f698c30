"""What a night's measurement changed (pure): the history of states kept on a release's epic, the
digest of a measurement, and the change a new one makes — worse, better, done, or nothing.

The history records *changes*: one entry per run of identical measurements, with the first and
the last night it was seen (`nivosync.history` on the epic, newest last). Old histories, one row
per night, are still read: consecutive equal rows collapse into one run.

A change *notifies* when it is one of (issue 12, item 7):
- worsened: the status becomes worse (on track → at risk → slipping; done → anything else), the
  projected go-live moves later, or a milestone is newly missed (its planned end passed, not
  done). Tasks newly late are named in the message, but alone they notify nothing (the release's
  status or go-live says whether they matter);
- improved: the status becomes better, or the projected go-live moves earlier;
- completed: the release becomes done.
Anything else that changed the measurement (a task done on time, an assignee) only updates the
page. The first measurement of a release is compared with its plan (on track, go-live as
planned), so a release that is already late when first measured notifies too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from nivosync.core.slippage import ReleaseSlippage, slippage_to_json

WORSENED, IMPROVED, COMPLETED = "worsened", "improved", "completed"
CHANGED, UNCHANGED = "changed", "unchanged"
PAST = "before-history"  # measured before the latest recorded night: neither recorded nor told
NOTIFYING = frozenset({WORSENED, IMPROVED, COMPLETED})
RANK = {"done": 0, "on_track": 0, "at_risk": 1, "slipping": 2}
WORDS = {"done": "done", "on_track": "on track", "at_risk": "at risk", "slipping": "slipping"}
HISTORY_LIMIT = 120  # state runs kept on the epic
HISTORY_MAX_BYTES = 30_000  # Jira keeps at most 32 KB in one entity property
MESSAGE_MAX = 200


class HistoryOutOfOrder(ValueError):
    """A state measured before the latest recorded night: writing it would reorder history."""


@dataclass(frozen=True)
class HistoryEntry:
    """One run of identical measurements of a release: its state and the nights it was seen.

    `digest` identifies the whole measurement (None in entries written before changes were
    recorded); `late` (task ids) and `missed` (milestone ids) are kept on the newest entry only,
    to compare the next measurement with (None: not known). `change`/`message` say what this
    state changed when it began; `pending` lists notifications still owed for it."""

    first_seen: date
    last_seen: date
    status: str
    slip_days: int
    projected_go_live: date
    digest: str | None = None
    late: tuple[str, ...] | None = None
    missed: tuple[str, ...] | None = None
    change: str = ""
    message: str = ""
    pending: tuple[str, ...] = ()

    @property
    def as_of(self) -> date:
        """The latest night this state was measured."""
        return self.last_seen

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "first_seen": self.first_seen.isoformat(),
            "last_seen": self.last_seen.isoformat(),
            "status": self.status,
            "slip_days": self.slip_days,
            "projected_go_live": self.projected_go_live.isoformat(),
        }
        if self.digest is not None:
            data["digest"] = self.digest
        for name in ("late", "missed"):
            value = getattr(self, name)
            if value is not None:
                data[name] = list(value)
        if self.change:
            data["change"] = self.change
        if self.message:
            data["message"] = self.message
        if self.pending:
            data["pending"] = list(self.pending)
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HistoryEntry:
        """An entry in either shape: a state run, or an old nightly row (`as_of`)."""
        first = data.get("first_seen", data.get("as_of"))
        last = data.get("last_seen", first)
        return cls(
            first_seen=date.fromisoformat(str(first)),
            last_seen=date.fromisoformat(str(last)),
            status=str(data["status"]),
            slip_days=int(str(data["slip_days"])),
            projected_go_live=date.fromisoformat(str(data["projected_go_live"])),
            digest=str(data["digest"]) if data.get("digest") else None,
            late=_names(data.get("late")),
            missed=_names(data.get("missed")),
            change=str(data.get("change") or ""),
            message=str(data.get("message") or ""),
            pending=_names(data.get("pending")) or (),
        )

    def summary(self) -> tuple[str, int, date]:
        return (self.status, self.slip_days, self.projected_go_live)


def _names(value: object) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    return tuple(str(v) for v in value)


def same_state(a: HistoryEntry, b: HistoryEntry) -> bool:
    """Digests decide when both have one; two old rows compare by what they recorded."""
    if a.digest is not None and b.digest is not None:
        return a.digest == b.digest
    return a.digest is None and b.digest is None and a.summary() == b.summary()


def read_history(items: Iterable[object]) -> list[HistoryEntry]:
    """The stored history, oldest first, one entry per state run; damaged items are skipped
    (one must not hide the others) and old nightly rows are collapsed."""
    entries: list[HistoryEntry] = []
    for item in items:
        try:
            entries.append(HistoryEntry.from_json(item))  # type: ignore[arg-type]
        except (KeyError, ValueError, TypeError, AttributeError):
            continue
    runs: list[HistoryEntry] = []
    for entry in sorted(entries, key=lambda e: (e.first_seen, e.last_seen)):
        if runs and same_state(runs[-1], entry):
            runs[-1] = _joined(runs[-1], entry)
        else:
            runs.append(entry)
    return runs


def _joined(run: HistoryEntry, later: HistoryEntry) -> HistoryEntry:
    """One run of two entries of the same state: the change that began it, the later details."""
    return replace(
        later,
        first_seen=min(run.first_seen, later.first_seen),
        last_seen=max(run.last_seen, later.last_seen),
        change=run.change or later.change,
        message=run.message or later.message,
    )


def merge_history(
    stored: Sequence[object], entry: HistoryEntry, limit: int = HISTORY_LIMIT
) -> list[dict[str, Any]] | None:
    """`stored` (as the epic holds it now) with `entry` — tonight's state — merged in: the same
    state extends its run, a new one is appended. None when nothing would change (no write).

    Raises HistoryOutOfOrder for a state measured before the latest recorded night."""
    entries = read_history(stored)
    latest = entries[-1] if entries else None
    if latest is not None:
        if entry.last_seen < latest.last_seen:
            raise HistoryOutOfOrder(
                f"as of {entry.last_seen.isoformat()} is before the latest recorded night "
                f"({latest.last_seen.isoformat()})"
            )
        if same_state(latest, entry):
            entry = replace(_joined(latest, entry), pending=entry.pending)
            entries = entries[:-1]
        elif entry.first_seen < latest.last_seen:
            raise HistoryOutOfOrder(
                f"a state first seen {entry.first_seen.isoformat()} would precede the latest "
                f"recorded night ({latest.last_seen.isoformat()})"
            )
    merged = bounded([*entries, entry], limit)
    return None if merged == list(stored) else merged


def bounded(entries: Sequence[HistoryEntry], limit: int) -> list[dict[str, Any]]:
    """The newest `limit` entries as JSON, details kept on the newest only, within 30 KB."""
    kept = list(entries[-limit:])
    older = [
        replace(e, late=None, missed=None, pending=(), message=e.message[:MESSAGE_MAX])
        for e in kept[:-1]
    ]
    out = [e.to_json() for e in [*older, *kept[-1:]]]
    while len(out) > 1 and len(json.dumps(out).encode()) > HISTORY_MAX_BYTES:
        out.pop(0)
    return out


# --- a measurement as a state ----------------------------------------------------------------


def measurement_digest(slippage: ReleaseSlippage, context: str = "") -> str:
    """Identifies everything measured — not the date it was measured — plus `context` (what
    else the page shows: title, links, layout version)."""
    state = slippage_to_json(slippage, "", "", "")
    for name in ("customer", "release", "epic"):
        state.pop(name, None)
    text = json.dumps([context, _without_dates_of_run(state)], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _without_dates_of_run(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_dates_of_run(v) for k, v in value.items() if k != "as_of"}
    if isinstance(value, list):
        return [_without_dates_of_run(v) for v in value]
    return value


def observe(slippage: ReleaseSlippage, digest: str) -> HistoryEntry:
    """Tonight's measurement as a new state run (first and last seen tonight)."""
    return HistoryEntry(
        first_seen=slippage.as_of,
        last_seen=slippage.as_of,
        status=str(slippage.status),
        slip_days=slippage.slip_days,
        projected_go_live=slippage.projected_go_live,
        digest=digest,
        late=tuple(t.task_id for t in slippage.tasks if t.late),
        missed=tuple(
            m.id
            for m in slippage.milestones
            if m.status != "done" and m.planned_end < slippage.as_of
        ),
    )


def planned(slippage: ReleaseSlippage) -> HistoryEntry:
    """The state a release starts from before its first measurement: its plan."""
    day = slippage.as_of
    return HistoryEntry(day, day, "on_track", 0, slippage.planned_go_live, late=(), missed=())


# --- what changed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What tonight's measurement changed, in words; `marker` names this transition (from the
    previous state run to the new state) so that a notice about it is given once."""

    kind: str
    message: str = ""
    marker: str = ""

    @property
    def notifies(self) -> bool:
        return self.kind in NOTIFYING


@dataclass(frozen=True)
class Tonight:
    """A measurement placed in its release's history."""

    state: HistoryEntry  # tonight's state run: a new one, or the latest extended to tonight
    change: Change
    earlier: list[HistoryEntry]  # the states recorded before it


def tonight(
    history: Sequence[HistoryEntry], slippage: ReleaseSlippage, digest: str, title: str
) -> Tonight:
    """Tonight's measurement (`digest`, see `measurement_digest`) against `history`."""
    fresh = observe(slippage, digest)
    latest = history[-1] if history else None
    if latest is not None and slippage.as_of < latest.last_seen:
        why = f"measured as of {slippage.as_of.isoformat()}, before the latest recorded night"
        earlier = [h for h in history if h.last_seen < slippage.as_of]
        return Tonight(fresh, Change(PAST, why), earlier)
    if latest is not None and same_state(latest, fresh):
        earlier = list(history[:-1])
        marker = transition_marker(earlier[-1] if earlier else None, latest)
        state = replace(latest, last_seen=slippage.as_of)
        return Tonight(state, Change(UNCHANGED, latest.message, marker), earlier)
    change = detect_change(latest, fresh, slippage, title)
    state = replace(fresh, change=change.kind, message=change.message)
    return Tonight(state, change, list(history))


def detect_change(
    previous: HistoryEntry | None, current: HistoryEntry, slippage: ReleaseSlippage, title: str
) -> Change:
    """How `current` (tonight's state) differs from `previous` (None: the plan); `title` is the
    release's, which its tasks' summaries begin with."""
    marker = transition_marker(previous, current)
    if previous is not None and same_state(previous, current):
        return Change(UNCHANGED, marker=marker)
    before = previous or planned(slippage)
    details = _details(before, current, slippage, title)
    if current.status == "done" and before.status != "done":
        return Change(COMPLETED, _completed(current), marker)
    worse = _worse(before, current)
    if worse or _new(before.missed, current.missed):
        return Change(WORSENED, _sentence(worse, details), marker)
    better = _better(before, current)
    if better:
        return Change(IMPROVED, _sentence(better, details), marker)
    return Change(CHANGED, _sentence([], details), marker)


def transition_marker(previous: HistoryEntry | None, current: HistoryEntry) -> str:
    """The same for every run that sees this transition, whatever night it runs."""
    origin = "plan"
    if previous is not None:
        origin = f"{previous.first_seen.isoformat()}:{previous.digest or previous.summary()}"
    text = f"{origin}>{current.digest or current.summary()}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _rank(status: str) -> int:
    return RANK.get(status, RANK["slipping"])


def _days(n: int) -> str:
    return f"{n} working day{'s' if n != 1 else ''}"


def _worse(before: HistoryEntry, current: HistoryEntry) -> list[str]:
    parts = []
    if before.status == "done" and current.status != "done":
        parts.append(f"reopened, now {WORDS.get(current.status, current.status)}")
    elif _rank(current.status) > _rank(before.status):
        parts.append(f"now {WORDS.get(current.status, current.status)}")
    if current.projected_go_live > before.projected_go_live:
        more = current.slip_days - before.slip_days
        if more > 0:
            again = " more" if before.slip_days > 0 else ""
            parts.append(f"slipped {more}{again} working day{'s' if more != 1 else ''}")
        else:
            parts.append(f"projected go-live moved to {current.projected_go_live.isoformat()}")
    return parts


def _better(before: HistoryEntry, current: HistoryEntry) -> list[str]:
    parts = []
    if _rank(current.status) < _rank(before.status):
        word = WORDS.get(current.status, current.status)
        parts.append("back on track" if current.status == "on_track" else f"now {word}")
    if current.projected_go_live < before.projected_go_live:
        fewer = before.slip_days - current.slip_days
        if fewer > 0:
            parts.append(f"recovered {_days(fewer)}")
        else:
            parts.append(f"projected go-live moved to {current.projected_go_live.isoformat()}")
    return parts


def _new(before: tuple[str, ...] | None, now: tuple[str, ...] | None) -> list[str]:
    """Ids in `now` and not in `before`; none when `before` is unknown (an entry written before
    changes were recorded: upgrading must not announce what was already so)."""
    if before is None:
        return []
    return [i for i in now or () if i not in set(before)]


def _details(
    before: HistoryEntry, current: HistoryEntry, slippage: ReleaseSlippage, title: str
) -> list[str]:
    tasks = {t.task_id: _short(t.summary or t.task_id, title) for t in slippage.tasks}
    milestones = {m.id: m.name for m in slippage.milestones}
    out = []
    late = [tasks.get(i, i) for i in _new(before.late, current.late)]
    if late:
        shown = ", ".join(late[:3]) + (f" and {len(late) - 3} more" if len(late) > 3 else "")
        out.append(f"{shown} late")
    out += [f"milestone {milestones.get(i, i)} missed" for i in _new(before.missed, current.missed)]
    return out


def _short(summary: str, title: str) -> str:
    return summary.removeprefix(f"{title}: ")


def _sentence(head: Sequence[str], details: Sequence[str]) -> str:
    text = ", ".join(head)
    if details:
        text = f"{text}: {'; '.join(details)}" if text else "; ".join(details)
    return text[:MESSAGE_MAX]


def _completed(current: HistoryEntry) -> str:
    if current.slip_days > 0:
        return (
            f"completed, {_days(current.slip_days)} late "
            f"(go-live {current.projected_go_live.isoformat()})"
        )
    return f"completed on plan (go-live {current.projected_go_live.isoformat()})"
