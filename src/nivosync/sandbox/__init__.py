"""nivosync's embedded sandbox: a local, SQLite-backed Jira + Confluence site on real HTTP.

It is the other side of the wire: nothing here imports from the rest of nivosync.
"""

from nivosync.sandbox.seed import (
    MEMBER_PERMISSIONS,
    PROJECT_ADMIN,
    AdminCredential,
    FieldSeed,
    ScreenSeed,
    SiteSeed,
    UserSeed,
)
from nivosync.sandbox.server import Sandbox, serve
from nivosync.sandbox.store import private_dir, reset_db

__all__ = [
    "MEMBER_PERMISSIONS",
    "PROJECT_ADMIN",
    "AdminCredential",
    "FieldSeed",
    "Sandbox",
    "ScreenSeed",
    "SiteSeed",
    "UserSeed",
    "private_dir",
    "reset_db",
    "serve",
]
