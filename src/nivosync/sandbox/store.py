"""SQLite persistence shared by every side of the sandbox.

One database file, WAL mode, a small pool of connections shared by the server's threads.
Each side declares its tables as an ordered list of migrations under its own namespace;
`Store.migrate(namespace, migrations)` applies the ones not yet applied, so adding a table later
means appending a migration, never editing an applied one.

Reads: ``with store.read() as conn: ...``. Writes: ``with store.write() as conn: ...`` runs in
one ``BEGIN IMMEDIATE`` transaction, committed on exit and rolled back on an exception.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

_CORE_DDL = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    namespace TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (namespace, version)
);
"""


class Store:
    """A pool of SQLite connections on one database file."""

    def __init__(self, db_path: Path, pool_size: int = 8) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._pool: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._pool_size = pool_size
        self._closed = False
        with self.write() as conn:
            conn.execute(_CORE_DDL)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.db_path, isolation_level=None, check_same_thread=False, timeout=30.0
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        return conn

    @contextmanager
    def _borrow(self) -> Iterator[sqlite3.Connection]:
        if self._closed:
            raise RuntimeError("the sandbox store is closed")
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = self._connect()
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            if self._pool.qsize() < self._pool_size and not self._closed:
                self._pool.put(conn)
            else:
                with self._lock:
                    self._all.remove(conn)
                conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (autocommit; each statement sees committed data)."""
        with self._borrow() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A connection inside one write transaction."""
        with self._borrow() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def migrate(self, namespace: str, migrations: Sequence[str]) -> None:
        """Apply, in order, each migration (an SQL script) of `namespace` not yet applied."""
        with self.write() as conn:
            done = {
                row[0]
                for row in conn.execute(
                    "SELECT version FROM schema_migrations WHERE namespace = ?", (namespace,)
                )
            }
            for version, script in enumerate(migrations, start=1):
                if version in done:
                    continue
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations (namespace, version) VALUES (?, ?)",
                    (namespace, version),
                )

    def close(self) -> None:
        self._closed = True
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()


def _statements(script: str) -> list[str]:
    """Split a DDL script on ';' (executescript would commit our open transaction)."""
    parts, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            parts.append(current.strip())
            current = ""
    if current.strip():
        parts.append(current.strip())
    return [p for p in parts if p.rstrip(";").strip()]


def reset_db(db_path: Path) -> None:
    """Delete the sandbox database (and its WAL side files)."""
    path = Path(db_path)
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        candidate.unlink(missing_ok=True)
