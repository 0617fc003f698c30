"""Reading Confluence's tables for the browsing view: the page tree, one page, attachments."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

MAX_PAGES = 2000


@dataclass
class TreeNode:
    id: int
    title: str
    children: list[TreeNode] = field(default_factory=list)


@dataclass(frozen=True)
class SpaceTree:
    key: str
    name: str
    roots: list[TreeNode]


def has_confluence(conn: sqlite3.Connection) -> bool:
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'conf_pages'"
    ).fetchone()
    return found is not None


def space_trees(conn: sqlite3.Connection) -> list[SpaceTree]:
    if not has_confluence(conn):
        return []
    trees = []
    for space in conn.execute("SELECT id, key, name FROM conf_spaces ORDER BY key").fetchall():
        rows = conn.execute(
            "SELECT id, parent_id, title FROM conf_pages WHERE space_id = ? AND status = 'current'"
            " ORDER BY position, id LIMIT ?",
            (space["id"], MAX_PAGES),
        ).fetchall()
        nodes = {r["id"]: TreeNode(r["id"], r["title"]) for r in rows}
        roots: list[TreeNode] = []
        for r in rows:
            parent = nodes.get(r["parent_id"]) if r["parent_id"] is not None else None
            (parent.children if parent is not None else roots).append(nodes[r["id"]])
        trees.append(SpaceTree(space["key"], space["name"], roots))
    return trees


def page_id_by_title(conn: sqlite3.Connection, space_id: int, title: str) -> int | None:
    row = conn.execute(
        "SELECT id FROM conf_pages WHERE space_id = ? AND title = ? AND status = 'current'",
        (space_id, title),
    ).fetchone()
    return int(row[0]) if row else None


def attachment_names(conn: sqlite3.Connection, page_id: int) -> set[str]:
    rows = conn.execute("SELECT title FROM conf_attachments WHERE page_id = ?", (page_id,))
    return {r[0] for r in rows}
