"""The sides of a site (the shared directory, Jira, Confluence) and how they are loaded.

A side is a package under ``nivosync.sandbox`` that exposes ``SIDE: Side``:
- ``migrations``: its SQL migrations (append-only), applied under ``namespace``;
- ``seed(conn, seed, clock)``: add what the seed describes and is missing (idempotent), inside
  one write transaction;
- ``register(router, seed)``: add its routes for the seed's flavor (see `routing.py`).
The HTML browsing view ``nivosync.sandbox.web`` is a side too (routes only, no tables).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nivosync.sandbox import directory
from nivosync.sandbox.clock import Clock
from nivosync.sandbox.routing import Router
from nivosync.sandbox.seed import SiteSeed


@dataclass(frozen=True)
class Side:
    namespace: str
    migrations: Sequence[str]
    seed: Callable[[sqlite3.Connection, SiteSeed, Clock], None]
    register: Callable[[Router, SiteSeed], None]


def _no_routes(router: Router, seed: SiteSeed) -> None:
    return None


DIRECTORY_SIDE = Side(
    namespace="directory",
    migrations=directory.MIGRATIONS,
    seed=lambda conn, seed, clock: directory.seed_users(conn, seed),
    register=_no_routes,
)


def load_sides() -> list[Side]:
    # Imported here: each side module imports `Side` from this one.
    from nivosync.sandbox import confluence, jira, web

    return [DIRECTORY_SIDE, jira.SIDE, confluence.SIDE, web.SIDE]
