"""The release ledger: what `create` wrote, kept where Jira reads consistently, plus a lease.

Jira Cloud's search lags writes (seconds, sometimes minutes), so a label search alone cannot
say what exists right after a run. Each run records, on nivosync's own Jira user record (a user
property, read back with a consistent GET), the issues it created and the batch it is about to
create. The next run hands those ids to `reconcileIssues` (Cloud) or reads them directly (Data
Center); only a batch whose outcome is unknown (a crash, a lost answer) makes it wait out the
index lag before searching. The same record holds a lease, so two overlapping runs for one
release take turns instead of both creating.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from nivosync.app.site_reads import Send
from nivosync.errors import NivosyncError
from nivosync.jira.gateway import JiraGateway
from nivosync.log_setup import get_logger

log = get_logger(__name__)

EPIC = "(epic)"  # the ledger's name for the release epic; tasks are named by their task id
APPROVAL = "(approval) "  # + a role's slug: the ledger's name of that approver's sub-task


def approval_name(role_slug: str) -> str:
    return f"{APPROVAL}{role_slug}"


def approval_role(name: str) -> str | None:
    """The role slug of a ledger name that is an approval sub-task's (else None)."""
    return name.removeprefix(APPROVAL) if name.startswith(APPROVAL) else None


LEDGER_SCHEMA = 1


class LeaseHeld(NivosyncError):
    """Another run holds this release's lease for longer than this one may wait."""


@dataclass(frozen=True)
class Lease:
    owner: str  # a random token per run
    host: str
    pid: int
    expires: float  # epoch seconds

    def to_json(self) -> dict[str, Any]:
        return {"owner": self.owner, "host": self.host, "pid": self.pid, "expires": self.expires}


@dataclass
class LedgerState:
    created: dict[str, tuple[str, str]] = field(default_factory=dict)  # name → (key, id)
    pending: tuple[str, ...] = ()  # names being created when this was written
    pending_since: float | None = None
    lease: Lease | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": LEDGER_SCHEMA,
            "created": {name: {"key": k, "id": i} for name, (k, i) in self.created.items()},
            "pending": list(self.pending),
            "pending_since": self.pending_since,
            "lease": self.lease.to_json() if self.lease else None,
        }


def parse_state(value: object) -> LedgerState:
    """A stored ledger; anything unreadable (edited by hand, another tool) counts as empty."""
    if not isinstance(value, dict):
        return LedgerState()
    created: dict[str, tuple[str, str]] = {}
    for name, entry in (value.get("created") or {}).items():
        if isinstance(entry, dict) and entry.get("key") and entry.get("id"):
            created[str(name)] = (str(entry["key"]), str(entry["id"]))
    pending = value.get("pending")
    since = value.get("pending_since")
    return LedgerState(
        created=created,
        pending=tuple(str(p) for p in pending) if isinstance(pending, list) else (),
        pending_since=float(since) if isinstance(since, int | float) else None,
        lease=_lease(value.get("lease")),
    )


def _lease(value: object) -> Lease | None:
    if not isinstance(value, dict):
        return None
    try:
        return Lease(
            str(value["owner"]), str(value["host"]), int(value["pid"]), float(value["expires"])
        )
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class LedgerTiming:
    """How long to wait for what (injected so tests do not wait)."""

    index_lag: float = 30.0  # how far the site's search may trail a write
    lease_seconds: float = 600.0  # a lease not renewed for this long is free
    wait_seconds: float = 120.0  # how long a run waits for another run's lease
    # Between writing the lease and reading it back (at least the round trip of the read just
    # before the write): a racing run that read the ledger free writes its lease in this gap.
    settle: float = 0.15
    poll: float = 5.0
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep


def ledger_name(slug: str) -> str:
    return f"nivosync.release.{slug}"[:255]


def recorded_issues(jira: JiraGateway, slug: str) -> dict[str, tuple[str, str]]:
    """What runs recorded creating for the release (read-only; {} where there is no ledger)."""
    _allowed, value = jira.own_property(ledger_name(slug))
    return parse_state(value).created


class ReleaseLedger:
    """One release's ledger on nivosync's own user record (a no-op where the site refuses)."""

    def __init__(self, jira: JiraGateway, slug: str, timing: LedgerTiming | None = None) -> None:
        self.jira = jira
        self.name = ledger_name(slug)
        self.timing = timing or LedgerTiming()
        self.state = LedgerState()
        self.stored = LedgerState()  # as last read (`state` is what this run makes of it)
        self.usable = True
        self.holds = False
        self.loaded = False  # read this run (`load`)
        # Names some run was creating without finishing (or this run is creating): their
        # watchers may not all be added yet. Where there is no ledger, a label says so.
        self.unwatched: set[str] = set()
        self._lease = Lease(uuid.uuid4().hex, socket.gethostname(), os.getpid(), 0.0)

    def load(self) -> None:
        self.usable, value = self.jira.own_property(self.name)
        if not self.usable:
            log.warning(
                "this account may not keep properties on its own Jira user: back-to-back runs "
                "rely on Jira's search alone",
                ledger=self.name,
            )
        self.state, self.stored = parse_state(value), parse_state(value)
        self.loaded = True
        self.unwatched.update(self.state.pending)
        if self.state.pending and not self._ours(self.state.lease):
            # Another run was creating these (and may have crashed doing so): whatever it
            # wrote happened before now, so the index shows it once the lag has passed.
            self.state.pending_since = self.timing.clock()

    @property
    def blank(self) -> bool:
        """Whether no run of this account has recorded anything of the release: it is most
        likely new (or made before the ledger, or by another account)."""
        state = self.state
        return self.usable and not (state.created or state.pending or state.lease)

    @property
    def quiet(self) -> bool:
        """Whether no run was writing when the ledger was read (nothing pending, no lease):
        a search made just before that read shows what the ledger records, or misses some
        of it (the index lags), never a write in progress."""
        return not (self.state.pending or self.state.lease)

    def wait_for_pending(self, progress: Callable[[str], None]) -> None:
        """A batch whose outcome is unknown may exist unseen: wait until search shows it."""
        since = self.state.pending_since
        if not self.state.pending or since is None:
            return
        wait = since + self.timing.index_lag - self.timing.clock()
        if wait > 0:
            progress(f"an earlier write's outcome is unknown: waiting {wait:.0f} s for the index")
            self.timing.sleep(wait)

    def searched(self, found_names: dict[str, tuple[str, str]]) -> None:
        """After a search that the index lag no longer hides: what exists is recorded, and
        pending names it did not find were never created."""
        self.state.created.update(found_names)
        self.state.pending, self.state.pending_since = (), None

    def unsure(self) -> None:
        """A write's outcome is unknown: the next search waits for the index first."""
        self.state.pending_since = self.timing.clock()

    def acquire(self, pending: list[str], progress: Callable[[str], None]) -> bool:
        """Take the lease (waiting for another run's) and record that `pending` are about to be
        created; True when another run recorded issues meanwhile, so the caller must search
        again before writing."""
        if not self.usable:
            return False
        before = dict(self.state.created)
        waited = 0.0
        while not self.holds:
            lease = self.state.lease
            if lease is not None and self._foreign_lease():
                if waited >= self.timing.wait_seconds:
                    raise LeaseHeld(
                        f"another `nivosync create` for this release is running (host "
                        f"{lease.host}, pid {lease.pid}); try again when it has finished — a "
                        f"crashed run's lease frees itself after {self.timing.lease_seconds:.0f} s"
                    )
                progress(f"another run (host {lease.host}, pid {lease.pid}) is writing; waiting")
                self.timing.sleep(self.timing.poll)
                waited += self.timing.poll
                self.load()
                continue
            started = self.timing.clock()
            if self._read_again():
                return True  # another run recorded issues, or may have: search again
            round_trip = self.timing.clock() - started
            if self._foreign_lease():
                continue
            self.state.pending = tuple(pending)
            self.unwatched.update(pending)
            if not self._write(with_lease=True):
                return False
            # A run that read the ledger free (at most a round trip before our write landed)
            # has written its own lease by now: the read back shows whose lease stands.
            self.timing.sleep(max(self.timing.settle, round_trip))
            self.load()
            self.holds = self._ours(self.state.lease)
        self.state.pending = tuple(pending)
        return self.state.created != before

    def _read_again(self) -> bool:
        """Read the ledger once more, right before the lease is written (the caller's search
        used an earlier read): True when another run recorded issues since, or began some
        (a run that crashed, or whose lease is still live) — what the search may not show."""
        earlier, searched = self.stored, self.state
        self.load()
        latest = self.stored
        recorded = any(earlier.created.get(name) != ids for name, ids in latest.created.items())
        began = set(latest.pending) - set(earlier.pending)
        self.state.created = {**self.state.created, **searched.created}  # as the search found
        return recorded or (bool(began) and not self._foreign_lease())

    def _foreign_lease(self) -> bool:
        lease = self.state.lease
        return lease is not None and not self._ours(lease) and self._live(lease)

    def created(self, name: str, key: str, issue_id: str) -> None:
        self.state.created[name] = (key, issue_id)

    def watched(self, name: str) -> None:
        """Every watcher of `name` is added."""
        self.unwatched.discard(name)

    @property
    def marks_watchers(self) -> bool:
        """Whether this ledger records which issues wait for watchers (else: a label)."""
        return self.usable

    def release(self, send: Send | None = None) -> None:
        """Done: what was created is recorded, nothing is pending, the lease is free. `send`:
        where that write goes, behind the caller's next requests (the run is done with the
        ledger); None: in line."""
        if not self.holds:
            return
        self.holds = False  # nothing is written to the ledger after this, nor abandoned
        self.state.pending, self.state.pending_since = (), None
        write = partial(self._write, with_lease=False)
        if send is None:
            write()
        else:
            send(write)

    def abandon(self) -> None:
        """The run stops early (an error): free the lease, keep what is pending for the next
        run to wait out."""
        if self.holds:
            self._write(with_lease=False)
            self.holds = False

    def _ours(self, lease: Lease | None) -> bool:
        return lease is not None and lease.owner == self._lease.owner

    def _live(self, lease: Lease) -> bool:
        if lease.expires <= self.timing.clock():
            return False
        if lease.host == self._lease.host:
            # A crashed run on this machine holds nothing; nor does an earlier run of this
            # process (runs in one process follow each other: it failed to free its lease).
            return lease.pid != self._lease.pid and _process_alive(lease.pid)
        return True

    def _write(self, with_lease: bool) -> bool:
        if not self.usable:
            return False
        expires = self.timing.clock() + self.timing.lease_seconds
        lease = Lease(self._lease.owner, self._lease.host, self._lease.pid, expires)
        self.state.lease = lease if with_lease else None
        self.usable = self.jira.set_own_property(self.name, self.state.to_json())
        return self.usable


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
