"""nivosync's embedded sandbox: a local, SQLite-backed Jira + Confluence site on real HTTP.

It is the other side of the wire: nothing here imports from the rest of nivosync.
"""

from typing import TYPE_CHECKING, Any

from nivosync.sandbox.clock import stored_moment
from nivosync.sandbox.seed import (
    MEMBER_PERMISSIONS,
    PROJECT_ADMIN,
    AdminCredential,
    FieldSeed,
    ScreenSeed,
    SiteSeed,
    UserSeed,
)
from nivosync.sandbox.store import private_dir, reset_db

if TYPE_CHECKING:
    from nivosync.sandbox.server import Sandbox, serve

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
    "stored_moment",
]


def __getattr__(name: str) -> Any:
    """`Sandbox` and `serve`, imported with the server (werkzeug and every route) when a
    sandbox is started, not by each command that reads only the sandbox's clock or seed."""
    if name in ("Sandbox", "serve"):
        from nivosync.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
