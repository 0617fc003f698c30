"""Seeding Confluence from the site seed: the space, its home page and the parent page.

Idempotent: what exists (matched by space key and page title) is left alone. The admin creates
everything, so the first versions are authored by the admin.
"""

from __future__ import annotations

import sqlite3

from nivosync.sandbox.clock import Clock
from nivosync.sandbox.confluence.pages import (
    PageWrite,
    create_page,
    create_space,
    find_pages,
    set_homepage,
    space_by_key,
    timestamp,
)
from nivosync.sandbox.seed import SiteSeed


def homepage_title(seed: SiteSeed) -> str:
    # Cloud names a new space's home page after the space; Data Center appends " Home".
    return seed.space_name if seed.flavor == "cloud" else f"{seed.space_name} Home"


def seed_confluence(conn: sqlite3.Connection, seed: SiteSeed, clock: Clock) -> None:
    now = timestamp(clock.now())
    admin = conn.execute("SELECT id FROM users WHERE email = ?", (seed.admins[0].email,))
    row = admin.fetchone()
    admin_id = row[0] if row else None
    space = space_by_key(conn, seed.space_key)
    if space is None:
        space = create_space(conn, seed.space_key, seed.space_name, admin_id, now)
        home = create_page(
            conn, space, PageWrite(homepage_title(seed), "", admin_id, now, parent_id=None)
        )
        set_homepage(conn, space, home.id)
        space = space_by_key(conn, seed.space_key)
        assert space is not None
    if seed.parent_page and not find_pages(conn, space_ids=[space.id], title=seed.parent_page):
        write = PageWrite(seed.parent_page, "", admin_id, now, parent_id=space.homepage_id)
        create_page(conn, space, write)
