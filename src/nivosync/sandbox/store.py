"""SQLite persistence shared by every side of the sandbox.

One database file, WAL mode, a small pool of connections shared by the server's threads. A new
database file is its owner's only (0600, and so are SQLite's -wal/-shm files), and so are the
folders created for it (0700).
Each side declares its tables as an ordered list of migrations under its own namespace;
`Store.migrate(namespace, migrations)` applies the ones not yet applied, so adding a table later
means appending a migration, never editing an applied one.

Reads: ``with store.read() as conn: ...``. Writes: ``with store.write() as conn: ...`` runs in
one ``BEGIN IMMEDIATE`` transaction, committed on exit and rolled back on an exception.
"""

from __future__ import annotations

import os
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
        private_dir(self.db_path.parent)
        _create_private(self.db_path)
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


def private_dir(path: Path) -> None:
    """Create `path` and any missing parents, each readable by its owner only (0700).

    Folders that already exist keep their mode: only what the sandbox creates is its to set."""
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue  # made meanwhile by another process: its mode is not ours to change
        os.chmod(folder, 0o700)  # the umask could have taken bits off


def _create_private(db_path: Path) -> None:
    """Create an empty database file readable by its owner only (0600) unless one exists.

    SQLite creates the -wal and -shm side files with the database file's mode, so they are
    private too; an empty file is a valid, empty database."""
    try:
        fd = os.open(db_path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(fd)


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
