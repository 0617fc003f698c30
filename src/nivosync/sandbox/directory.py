"""The site's user directory (shared by Jira and Confluence) and the admin credentials."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from nivosync.sandbox.seed import SiteSeed, account_id_for

MIGRATIONS = (
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        account_id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        username TEXT NOT NULL UNIQUE COLLATE NOCASE,
        display_name TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1
    );
    CREATE INDEX users_display_name ON users (display_name COLLATE NOCASE);
    """,
)


@dataclass(frozen=True)
class User:
    id: int
    account_id: str
    email: str
    username: str
    display_name: str
    active: bool

    @property
    def key(self) -> str:
        """Jira DC's user key (JIRAUSER<id>, as for users created after Jira 8)."""
        return f"JIRAUSER{10000 + self.id}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> User:
        return cls(
            id=row["id"],
            account_id=row["account_id"],
            email=row["email"],
            username=row["username"],
            display_name=row["display_name"],
            active=bool(row["active"]),
        )


def seed_users(conn: sqlite3.Connection, seed: SiteSeed) -> None:
    """Add the seed's users that are missing (matched by email); never duplicates."""
    for user in seed.all_users():
        conn.execute(
            "INSERT INTO users (account_id, email, username, display_name) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (account_id_for(user.email), user.email, user.username, user.name),
        )


def user_by(conn: sqlite3.Connection, column: str, value: str) -> User | None:
    """Look a user up by `account_id`, `email`, `username` or `id`."""
    if column not in ("account_id", "email", "username", "id"):
        raise ValueError(column)
    row = conn.execute(f"SELECT * FROM users WHERE {column} = ?", (value,)).fetchone()
    return User.from_row(row) if row else None


def search_users(conn: sqlite3.Connection, text: str, limit: int) -> list[User]:
    """Users whose email, username or display name starts with `text` (case-insensitive)."""
    pattern = _like_prefix(text)
    rows = conn.execute(
        "SELECT * FROM users WHERE active = 1 AND ("
        " email LIKE ? ESCAPE '\\' OR username LIKE ? ESCAPE '\\'"
        " OR display_name LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\')"
        " ORDER BY display_name COLLATE NOCASE, id LIMIT ?",
        (pattern, pattern, pattern, "% " + pattern, limit),
    ).fetchall()
    return [User.from_row(r) for r in rows]


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"
