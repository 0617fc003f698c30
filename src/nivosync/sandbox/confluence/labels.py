"""Page labels (v1 ``/content/{id}/label`` on both flavours, v2 ``/pages/{id}/labels``)."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass

from nivosync.sandbox.confluence.errors import Problem

_PREFIXES = ("global", "my", "team")


@dataclass(frozen=True)
class Label:
    id: int
    prefix: str
    name: str


def page_labels(
    conn: sqlite3.Connection, page_id: int, offset: int = 0, limit: int = 200
) -> list[Label]:
    rows = conn.execute(
        "SELECT l.* FROM conf_page_labels pl JOIN conf_labels l ON l.id = pl.label_id"
        " WHERE pl.page_id = ? ORDER BY l.name, l.id LIMIT ? OFFSET ?",
        (page_id, limit, offset),
    ).fetchall()
    return [Label(r["id"], r["prefix"], r["name"]) for r in rows]


def normalise(prefix: object, name: object) -> tuple[str, str]:
    """Confluence lower-cases label names and refuses blanks and whitespace inside them."""
    if not isinstance(name, str) or not name.strip():
        raise Problem(400, "Label name must not be empty")
    clean = name.strip().lower()
    if any(ch.isspace() for ch in clean) or any(ch in clean for ch in ":;,.?&[]()#^*@!\"'<>"):
        raise Problem(400, f"Invalid label name: {name}")
    prefix = prefix or "global"
    if prefix not in _PREFIXES:
        raise Problem(400, f"Invalid label prefix: {prefix}")
    return str(prefix), clean


def add_label(conn: sqlite3.Connection, page_id: int, prefix: object, name: object) -> None:
    clean_prefix, clean_name = normalise(prefix, name)
    row = conn.execute(
        "INSERT INTO conf_labels (prefix, name) VALUES (?, ?)"
        " ON CONFLICT (prefix, name) DO UPDATE SET name = excluded.name RETURNING id",
        (clean_prefix, clean_name),
    ).fetchone()
    # added_at (real seconds) lets CQL search lag the label as the real index does; adding a
    # label the page already has keeps the first time.
    conn.execute(
        "INSERT INTO conf_page_labels (page_id, label_id, added_at) VALUES (?, ?, ?)"
        " ON CONFLICT DO NOTHING",
        (page_id, row[0], time.time()),
    )


def remove_label(conn: sqlite3.Connection, page_id: int, name: str) -> None:
    """Remove label `name` (any prefix); a label the page does not have is a 404."""
    removed = conn.execute(
        "DELETE FROM conf_page_labels WHERE page_id = ? AND label_id IN"
        " (SELECT id FROM conf_labels WHERE name = ?)",
        (page_id, name.strip().lower()),
    ).rowcount
    if not removed:
        raise Problem(404, f"Label '{name}' not found on content {page_id}")
