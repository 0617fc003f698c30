"""Seeding Jira from the site seed (idempotent)."""

from __future__ import annotations

import sqlite3

from nivosync.sandbox.clock import Clock
from nivosync.sandbox.seed import SiteSeed


def seed_jira(conn: sqlite3.Connection, seed: SiteSeed, clock: Clock) -> None:
    """Create the seed's project if it is missing (users come from the shared directory)."""
    if conn.execute("SELECT 1 FROM jira_projects WHERE key = ?", (seed.project_key,)).fetchone():
        return
    lead = conn.execute("SELECT id FROM users WHERE email = ?", (seed.admins[0].email,)).fetchone()
    next_id = conn.execute("SELECT COALESCE(MAX(id), 9999) + 1 FROM jira_projects").fetchone()[0]
    conn.execute(
        "INSERT INTO jira_projects (id, key, name, lead_id) VALUES (?, ?, ?, ?)",
        (next_id, seed.project_key, seed.project_name, lead[0] if lead else None),
    )
