"""Page attachments and their versions (the bytes live in SQLite)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.pages import allocate_id


@dataclass(frozen=True)
class Attachment:
    id: int
    page_id: int
    title: str
    status: str
    file_id: str
    creator_id: int | None
    created: str
    version: int
    media_type: str
    size: int
    comment: str
    minor_edit: bool
    author_id: int | None
    modified: str


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
    media_type: str
    comment: str
    minor_edit: bool
    author_id: int | None
    now: str


_SQL = (
    "SELECT a.*, v.media_type, length(v.data) AS size, v.comment, v.minor_edit, v.author_id,"
    " v.created AS modified FROM conf_attachments a JOIN conf_attachment_versions v"
    " ON v.attachment_id = a.id AND v.number = a.version"
)


def _attachment(row: sqlite3.Row) -> Attachment:
    return Attachment(
        row["id"],
        row["page_id"],
        row["title"],
        row["status"],
        row["file_id"],
        row["creator_id"],
        row["created"],
        row["version"],
        row["media_type"],
        row["size"],
        row["comment"],
        bool(row["minor_edit"]),
        row["author_id"],
        row["modified"],
    )


# v2 ``sort`` values: the column, ties broken by id in the same direction.
SORTS = {"created-date": "a.created", "modified-date": "v.created"}


def list_attachments(
    conn: sqlite3.Connection,
    page_id: int,
    *,
    filename: str | None = None,
    media_type: str | None = None,
    statuses: Sequence[str] = (),
    sort: str | None = None,
    after_id: int = 0,
    offset: int = 0,
    limit: int = 50,
) -> list[Attachment]:
    """A page's attachments, by id unless `sort` is a `SORTS` key (``-`` first: descending)."""
    sql = _SQL + " WHERE a.page_id = ? AND a.id > ?"
    args: list[int | str] = [page_id, after_id]
    if filename is not None:
        sql += " AND a.title = ?"
        args.append(filename)
    if media_type is not None:
        sql += " AND v.media_type = ?"
        args.append(media_type)
    if statuses:
        sql += f" AND a.status IN ({','.join('?' * len(statuses))})"
        args += list(statuses)
    rows = conn.execute(sql + _order(sort) + " LIMIT ? OFFSET ?", (*args, limit, offset))
    return [_attachment(r) for r in rows.fetchall()]


def _order(sort: str | None) -> str:
    if sort is None:
        return " ORDER BY a.id"
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f" ORDER BY {SORTS[sort.lstrip('-')]} {direction}, a.id {direction}"


def attachment_by_id(conn: sqlite3.Connection, attachment_id: int) -> Attachment | None:
    row = conn.execute(_SQL + " WHERE a.id = ?", (attachment_id,)).fetchone()
    return _attachment(row) if row else None


def attachment_by_name(conn: sqlite3.Connection, page_id: int, filename: str) -> Attachment | None:
    row = conn.execute(_SQL + " WHERE a.page_id = ? AND a.title = ?", (page_id, filename))
    found = row.fetchone()
    return _attachment(found) if found else None


def attachment_data(
    conn: sqlite3.Connection, attachment_id: int, number: int | None = None
) -> tuple[bytes, str] | None:
    """The bytes and media type of a version (default: the current one)."""
    row = conn.execute(
        "SELECT v.data, v.media_type FROM conf_attachment_versions v"
        " JOIN conf_attachments a ON a.id = v.attachment_id"
        " WHERE v.attachment_id = ? AND v.number = COALESCE(?, a.version)",
        (attachment_id, number),
    ).fetchone()
    return (bytes(row[0]), row[1]) if row else None


def create_attachment(conn: sqlite3.Connection, page_id: int, upload: Upload) -> Attachment:
    if attachment_by_name(conn, page_id, upload.filename) is not None:
        raise Problem(
            400,
            "Cannot add a new attachment with same file name as an existing attachment: "
            + upload.filename,
        )
    attachment_id = allocate_id(conn)
    conn.execute(
        "INSERT INTO conf_attachments (id, page_id, title, file_id, creator_id, created, version)"
        " VALUES (?, ?, ?, ?, ?, ?, 1)",
        (attachment_id, page_id, upload.filename, str(uuid.uuid4()), upload.author_id, upload.now),
    )
    _add_version(conn, attachment_id, 1, upload)
    found = attachment_by_id(conn, attachment_id)
    assert found is not None
    return found


def add_version(conn: sqlite3.Connection, current: Attachment, upload: Upload) -> Attachment:
    """New data for an existing attachment (version + 1); it keeps its id and file name."""
    number = current.version + 1
    _add_version(conn, current.id, number, upload)
    conn.execute("UPDATE conf_attachments SET version = ? WHERE id = ?", (number, current.id))
    found = attachment_by_id(conn, current.id)
    assert found is not None
    return found


def _add_version(conn: sqlite3.Connection, attachment_id: int, number: int, upload: Upload) -> None:
    conn.execute(
        "INSERT INTO conf_attachment_versions (attachment_id, number, data, media_type, comment,"
        " minor_edit, author_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            attachment_id,
            number,
            upload.data,
            upload.media_type,
            upload.comment,
            int(upload.minor_edit),
            upload.author_id,
            upload.now,
        ),
    )
