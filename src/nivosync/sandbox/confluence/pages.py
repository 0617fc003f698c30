"""Spaces, pages and page versions in the store (no HTTP here; both flavours use it)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from nivosync.sandbox.confluence.errors import Problem, not_found
from nivosync.sandbox.confluence.storage_rewrite import rewrite_storage

DUPLICATE_TITLE = (
    "A page with this title already exists: A page already exists with the same TITLE in this space"
)
_FIRST_ID = 65537


def timestamp(moment: datetime) -> str:
    """Confluence's instant format, e.g. ``2026-12-15T16:00:00.000Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass(frozen=True)
class Space:
    id: int
    key: str
    name: str
    homepage_id: int | None
    creator_id: int | None
    created: str


@dataclass(frozen=True)
class Page:
    id: int
    space: Space
    parent_id: int | None
    status: str
    title: str
    position: int
    creator_id: int | None
    created: str
    version: int


@dataclass(frozen=True)
class Version:
    number: int
    title: str
    body: str
    author_id: int | None
    created: str
    message: str
    minor_edit: bool


def allocate_id(conn: sqlite3.Connection) -> int:
    """The next content id (pages and attachments share one sequence, as in Confluence)."""
    row = conn.execute(
        "INSERT INTO conf_sequence (name, next) VALUES ('content', ?)"
        " ON CONFLICT (name) DO UPDATE SET next = next + 1 RETURNING next",
        (_FIRST_ID,),
    ).fetchone()
    return int(row[0])


def _space(row: sqlite3.Row) -> Space:
    return Space(
        row["id"], row["key"], row["name"], row["homepage_id"], row["creator_id"], row["created"]
    )


def space_by_key(conn: sqlite3.Connection, key: str) -> Space | None:
    row = conn.execute("SELECT * FROM conf_spaces WHERE key = ?", (key,)).fetchone()
    return _space(row) if row else None


def space_by_id(conn: sqlite3.Connection, space_id: int) -> Space | None:
    row = conn.execute("SELECT * FROM conf_spaces WHERE id = ?", (space_id,)).fetchone()
    return _space(row) if row else None


def list_spaces(
    conn: sqlite3.Connection,
    keys: Sequence[str],
    ids: Sequence[int],
    after_id: int,
    limit: int,
    excluded_ids: Sequence[int] = (),
) -> list[Space]:
    """Spaces by id order, filtered by key and id; `excluded_ids` are left out (hidden)."""
    sql = "SELECT * FROM conf_spaces WHERE id > ?"
    args: list[int | str] = [after_id]
    if keys:
        sql += f" AND key IN ({','.join('?' * len(keys))})"
        args += list(keys)
    if ids:
        sql += f" AND id IN ({','.join('?' * len(ids))})"
        args += list(ids)
    if excluded_ids:
        sql += f" AND id NOT IN ({','.join('?' * len(excluded_ids))})"
        args += list(excluded_ids)
    rows = conn.execute(sql + " ORDER BY id LIMIT ?", (*args, limit)).fetchall()
    return [_space(r) for r in rows]


def create_space(
    conn: sqlite3.Connection, key: str, name: str, creator_id: int | None, now: str
) -> Space:
    space_id = allocate_id(conn)
    conn.execute(
        "INSERT INTO conf_spaces (id, key, name, creator_id, created) VALUES (?, ?, ?, ?, ?)",
        (space_id, key, name, creator_id, now),
    )
    return Space(space_id, key, name, None, creator_id, now)


def set_homepage(conn: sqlite3.Connection, space: Space, page_id: int) -> None:
    conn.execute("UPDATE conf_spaces SET homepage_id = ? WHERE id = ?", (page_id, space.id))


_PAGE_SQL = (
    "SELECT p.*, s.key AS s_key, s.name AS s_name, s.homepage_id AS s_homepage_id,"
    " s.creator_id AS s_creator_id, s.created AS s_created"
    " FROM conf_pages p JOIN conf_spaces s ON s.id = p.space_id"
)


def _page(row: sqlite3.Row) -> Page:
    space = Space(
        row["space_id"],
        row["s_key"],
        row["s_name"],
        row["s_homepage_id"],
        row["s_creator_id"],
        row["s_created"],
    )
    return Page(
        row["id"],
        space,
        row["parent_id"],
        row["status"],
        row["title"],
        row["position"],
        row["creator_id"],
        row["created"],
        row["version"],
    )


def get_page(conn: sqlite3.Connection, page_id: int) -> Page | None:
    row = conn.execute(_PAGE_SQL + " WHERE p.id = ?", (page_id,)).fetchone()
    return _page(row) if row else None


def require_page(conn: sqlite3.Connection, page_id: int, statuses: Sequence[str] = ()) -> Page:
    """The page, or a 404 (also when its status is not among `statuses`, if given)."""
    page = get_page(conn, page_id)
    if page is None or (statuses and page.status not in statuses):
        raise not_found(page_id)
    return page


def pages_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, Page]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(_PAGE_SQL + f" WHERE p.id IN ({marks})", tuple(ids)).fetchall()
    return {row["id"]: _page(row) for row in rows}


def find_pages(
    conn: sqlite3.Connection,
    *,
    space_ids: Sequence[int] = (),
    excluded_space_ids: Sequence[int] = (),
    title: str | None = None,
    statuses: Sequence[str] = ("current",),
    after_id: int = 0,
    offset: int = 0,
    limit: int = 25,
) -> list[Page]:
    """Pages by id order, filtered (pages of `excluded_space_ids` are left out: hidden); page
    either by keyset (`after_id`) or by `offset`."""
    sql = _PAGE_SQL + f" WHERE p.id > ? AND p.status IN ({','.join('?' * len(statuses))})"
    args: list[object] = [after_id, *statuses]
    if space_ids:
        sql += f" AND p.space_id IN ({','.join('?' * len(space_ids))})"
        args += list(space_ids)
    if excluded_space_ids:
        sql += f" AND p.space_id NOT IN ({','.join('?' * len(excluded_space_ids))})"
        args += list(excluded_space_ids)
    if title is not None:
        sql += " AND p.title = ?"
        args.append(title)
    sql += " ORDER BY p.id LIMIT ? OFFSET ?"
    return [_page(r) for r in conn.execute(sql, (*args, limit, offset)).fetchall()]


def children(
    conn: sqlite3.Connection, parent_id: int, after: tuple[int, int] | None, offset: int, limit: int
) -> list[Page]:
    """Current child pages in position order; keyset paging on (position, id)."""
    sql = _PAGE_SQL + " WHERE p.parent_id = ? AND p.status = 'current'"
    args: list[object] = [parent_id]
    if after is not None:
        sql += " AND (p.position, p.id) > (?, ?)"
        args += list(after)
    sql += " ORDER BY p.position, p.id LIMIT ? OFFSET ?"
    return [_page(r) for r in conn.execute(sql, (*args, limit, offset)).fetchall()]


def ancestors(conn: sqlite3.Connection, page: Page) -> list[Page]:
    """From the root down to the page's parent."""
    chain: list[Page] = []
    parent_id = page.parent_id
    while parent_id is not None and len(chain) < 100:
        parent = get_page(conn, parent_id)
        if parent is None:
            break
        chain.append(parent)
        parent_id = parent.parent_id
    return list(reversed(chain))


def get_version(conn: sqlite3.Connection, page_id: int, number: int) -> Version | None:
    row = conn.execute(
        "SELECT * FROM conf_page_versions WHERE page_id = ? AND number = ?", (page_id, number)
    ).fetchone()
    if row is None:
        return None
    return Version(
        row["number"],
        row["title"],
        row["body"],
        row["author_id"],
        row["created"],
        row["message"],
        bool(row["minor_edit"]),
    )


def current_version(conn: sqlite3.Connection, page: Page) -> Version:
    version = get_version(conn, page.id, page.version)
    assert version is not None, f"page {page.id} lost its version {page.version}"
    return version


def versions(conn: sqlite3.Connection, page_id: int) -> list[Version]:
    numbers = conn.execute(
        "SELECT number FROM conf_page_versions WHERE page_id = ? ORDER BY number DESC", (page_id,)
    ).fetchall()
    found = (get_version(conn, page_id, row[0]) for row in numbers)
    return [v for v in found if v is not None]


def _check_title(conn: sqlite3.Connection, space_id: int, title: str, page_id: int) -> None:
    clash = conn.execute(
        "SELECT 1 FROM conf_pages WHERE space_id = ? AND title = ? AND status = 'current'"
        " AND id != ?",
        (space_id, title, page_id),
    ).fetchone()
    if clash:
        raise Problem(400, DUPLICATE_TITLE)


def _check_parent(conn: sqlite3.Connection, space: Space, parent_id: int, page_id: int) -> None:
    parent = get_page(conn, parent_id)
    if parent is None or parent.status != "current" or parent.space.id != space.id:
        raise Problem(404, f"No parent page found with id: {parent_id}")
    walk: Page | None = parent
    while walk is not None:
        if walk.id == page_id:
            raise Problem(400, "A page cannot become a descendant of itself")
        walk = get_page(conn, walk.parent_id) if walk.parent_id is not None else None


@dataclass(frozen=True)
class PageWrite:
    title: str
    body: str
    author_id: int | None
    now: str
    status: str = "current"
    parent_id: int | None = None
    message: str = ""
    minor_edit: bool = False
    # Store the body as Confluence would (macro ids, <br />, entities...; storage_rewrite);
    # off only for seeding or tests that need a body kept byte for byte.
    rewrite: bool = True


def create_page(conn: sqlite3.Connection, space: Space, write: PageWrite) -> Page:
    if not write.title.strip():
        raise Problem(400, "Title cannot be empty")
    page_id = allocate_id(conn)
    if write.status == "current":
        _check_title(conn, space.id, write.title, page_id)
    parent_id = write.parent_id
    if parent_id is not None:
        _check_parent(conn, space, parent_id, page_id)
    position = conn.execute(
        "SELECT COALESCE(MAX(position), -1) + 1 FROM conf_pages WHERE parent_id IS ?",
        (parent_id,),
    ).fetchone()[0]
    conn.execute(
        "INSERT INTO conf_pages (id, space_id, parent_id, status, title, position, creator_id,"
        " created, version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (
            page_id,
            space.id,
            parent_id,
            write.status,
            write.title,
            position,
            write.author_id,
            write.now,
            time.time(),  # real seconds, for the search index lag (`created` is sandbox time)
        ),
    )
    _add_version(conn, page_id, 1, write)
    return require_page(conn, page_id)


def update_page(conn: sqlite3.Connection, page: Page, number: int, write: PageWrite) -> Page:
    """Store version `number` (it must be the current one + 1, else 409 as on the real site)."""
    if number != page.version + 1:
        raise stale(page.version, number, "page")
    if not write.title.strip():
        raise Problem(400, "Title cannot be empty")
    if write.status == "current":
        _check_title(conn, page.space.id, write.title, page.id)
    if write.parent_id is not None and write.parent_id != page.parent_id:
        _check_parent(conn, page.space, write.parent_id, page.id)
    parent_id = write.parent_id if write.parent_id is not None else page.parent_id
    conn.execute(
        "UPDATE conf_pages SET title = ?, status = ?, parent_id = ?, version = ? WHERE id = ?",
        (write.title, write.status, parent_id, number, page.id),
    )
    _add_version(conn, page.id, number, write)
    return require_page(conn, page.id)


def stale(current: int, provided: int, what: str) -> Problem:
    """The 409 of an update whose version is not the current one + 1 (v2 and v1 wordings)."""
    return Problem(
        409,
        f"Version must be incremented when updating a {what}. "
        f"Current Version: [{current}]. Provided version: [{provided}]",
        f"Version must be incremented on update. Current version is: {current}",
    )


def _add_version(conn: sqlite3.Connection, page_id: int, number: int, write: PageWrite) -> None:
    """Store one version; the body as Confluence keeps it (a malformed one is a 400, and the
    transaction is rolled back)."""
    body = rewrite_storage(write.body, page_id) if write.rewrite else write.body
    conn.execute(
        "INSERT INTO conf_page_versions (page_id, number, title, body, author_id, created,"
        " message, minor_edit) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            page_id,
            number,
            write.title,
            body,
            write.author_id,
            write.now,
            write.message,
            int(write.minor_edit),
        ),
    )


def trash_page(conn: sqlite3.Connection, page: Page) -> None:
    """Move a current page to the trash (its children move up to its parent)."""
    conn.execute(
        "UPDATE conf_pages SET parent_id = ? WHERE parent_id = ?", (page.parent_id, page.id)
    )
    conn.execute("UPDATE conf_pages SET status = 'trashed' WHERE id = ?", (page.id,))


def purge_page(conn: sqlite3.Connection, page: Page) -> None:
    conn.execute("DELETE FROM conf_page_labels WHERE page_id = ?", (page.id,))
    conn.execute("DELETE FROM conf_pages WHERE id = ?", (page.id,))
