"""The sandbox's clock: real time unless someone sets it (``POST /_sandbox/clock``).

A site's clock lives in its database (`StoredClock`): every process on the same file reads the
same time. `nivosync sandbox serve` and each nivosync command that starts the embedded sandbox
on that file are separate processes, and a clock held in one's memory would leave the others
on another day. `Clock` is the in-memory one, for a site that shares its file with nobody.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

from nivosync.sandbox.store import Store

NAMESPACE = "clock"
MIGRATIONS = (
    """
    CREATE TABLE sandbox_clock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        frozen_at TEXT
    );
    """,
)


class Clock:
    """Thread-safe settable clock; `now()` is always timezone-aware UTC."""

    def __init__(self) -> None:
        self._fixed: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        fixed = self.frozen_at
        return fixed if fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        """Freeze the clock at `moment` (naive means UTC), or return to real time with None."""
        with self._lock:
            self._fixed = _utc(moment)

    @property
    def frozen_at(self) -> datetime | None:
        with self._lock:
            return self._fixed


class StoredClock(Clock):
    """The clock kept in the site's database: set by one process, read by all (one indexed
    row per read, cheap next to any request)."""

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    def set(self, moment: datetime | None) -> None:
        stamp = _stamp(_utc(moment))
        with self._store.write() as conn:
            conn.execute(
                "INSERT INTO sandbox_clock (id, frozen_at) VALUES (1, ?)"
                " ON CONFLICT (id) DO UPDATE SET frozen_at = excluded.frozen_at",
                (stamp,),
            )

    @property
    def frozen_at(self) -> datetime | None:
        with self._store.read() as conn:
            row = conn.execute("SELECT frozen_at FROM sandbox_clock WHERE id = 1").fetchone()
        return _parse(row[0] if row else None)


def stored_moment(db_path: Path) -> datetime | None:
    """The moment the site stored at `db_path` is frozen at, read without opening the site
    (None: it runs on real time, or there is no site there yet)."""
    if not Path(db_path).is_file():
        return None
    conn = sqlite3.connect(db_path, timeout=30.0)
    try:
        row = conn.execute("SELECT frozen_at FROM sandbox_clock WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # a site made before its clock was kept (or none yet)
        return None
    finally:
        conn.close()
    return _parse(row[0] if row else None)


def parse_instant(text: str) -> datetime:
    """Parse an ISO-8601 instant such as ``2026-12-15T16:00:00Z``."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parse(stamp: str | None) -> datetime | None:
    return _utc(datetime.fromisoformat(stamp)) if stamp else None
