"""Content properties of pages (Cloud v2 ``/pages/{id}/properties``, DC ``/property``)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.pages import stale


@dataclass(frozen=True)
class Property:
    id: int
    page_id: int
    key: str
    value: Any
    version: int
    author_id: int | None
    created: str
    message: str
    minor_edit: bool


def _property(row: sqlite3.Row) -> Property:
    return Property(
        row["id"],
        row["page_id"],
        row["key"],
        json.loads(row["value"]),
        row["version"],
        row["author_id"],
        row["created"],
        row["message"],
        bool(row["minor_edit"]),
    )


def list_properties(
    conn: sqlite3.Connection, page_id: int, key: str | None, after_id: int, offset: int, limit: int
) -> list[Property]:
    sql = "SELECT * FROM conf_properties WHERE page_id = ? AND id > ?"
    args: list[int | str] = [page_id, after_id]
    if key is not None:
        sql += " AND key = ?"
        args.append(key)
    rows = conn.execute(sql + " ORDER BY id LIMIT ? OFFSET ?", (*args, limit, offset)).fetchall()
    return [_property(r) for r in rows]


def property_by_key(conn: sqlite3.Connection, page_id: int, key: str) -> Property | None:
    row = conn.execute(
        "SELECT * FROM conf_properties WHERE page_id = ? AND key = ?", (page_id, key)
    ).fetchone()
    return _property(row) if row else None


def property_by_id(conn: sqlite3.Connection, page_id: int, property_id: int) -> Property | None:
    row = conn.execute(
        "SELECT * FROM conf_properties WHERE page_id = ? AND id = ?", (page_id, property_id)
    ).fetchone()
    return _property(row) if row else None


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > 255:
        raise Problem(400, "Property key must be a non-empty string of at most 255 characters")
    return key


def create_property(
    conn: sqlite3.Connection, page_id: int, key: object, value: Any, author_id: int | None, now: str
) -> Property:
    key = _check_key(key)
    if property_by_key(conn, page_id, key) is not None:
        raise Problem(
            409, f"Cannot create property with key '{key}': a property with this key exists"
        )
    conn.execute(
        "INSERT INTO conf_properties (page_id, key, value, version, author_id, created)"
        " VALUES (?, ?, ?, 1, ?, ?)",
        (page_id, key, json.dumps(value), author_id, now),
    )
    found = property_by_key(conn, page_id, key)
    assert found is not None
    return found


def update_property(
    conn: sqlite3.Connection,
    current: Property,
    value: Any,
    number: int,
    author_id: int | None,
    now: str,
    message: str = "",
    key: str | None = None,
) -> Property:
    if number != current.version + 1:
        raise stale(current.version, number, "property")
    new_key = _check_key(key) if key is not None else current.key
    if new_key != current.key and property_by_key(conn, current.page_id, new_key) is not None:
        raise Problem(409, f"A property with key '{new_key}' already exists")
    conn.execute(
        "UPDATE conf_properties SET key = ?, value = ?, version = ?, author_id = ?, created = ?,"
        " message = ? WHERE id = ?",
        (new_key, json.dumps(value), number, author_id, now, message, current.id),
    )
    found = property_by_id(conn, current.page_id, current.id)
    assert found is not None
    return found


def delete_property(conn: sqlite3.Connection, current: Property) -> None:
    conn.execute("DELETE FROM conf_properties WHERE id = ?", (current.id,))
