"""The sides of a site (the shared directory, Jira, Confluence) and how they are loaded.

A side is a package under ``nivosync.sandbox`` that exposes ``SIDE: Side``:
- ``migrations``: its SQL migrations (append-only), applied under ``namespace``;
- ``seed(conn, seed, clock)``: add what the seed describes and is missing (idempotent), inside
  one write transaction;
- ``register(router, seed)``: add its routes for the seed's flavor (see `routing.py`).
The Confluence side is picked up automatically once ``nivosync.sandbox.confluence/__init__.py``
exists (it must then define ``SIDE``); so is the HTML browsing view ``nivosync.sandbox.web``
(routes only, no tables).
"""

from __future__ import annotations

import importlib
import importlib.util
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nivosync.sandbox import directory
from nivosync.sandbox.clock import Clock
from nivosync.sandbox.routing import Router
from nivosync.sandbox.seed import SiteSeed

_OPTIONAL_SIDES = ("nivosync.sandbox.jira", "nivosync.sandbox.confluence", "nivosync.sandbox.web")


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
    sides = [DIRECTORY_SIDE]
    for name in _OPTIONAL_SIDES:
        spec = importlib.util.find_spec(name)
        # No __init__.py yet (a namespace package) means a side still being written: skip it.
        if spec is not None and spec.origin is not None:
            sides.append(importlib.import_module(name).SIDE)
    return sides
