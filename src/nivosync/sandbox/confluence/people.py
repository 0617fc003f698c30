"""How users appear in Confluence JSON: Cloud accountIds, DC usernames and user keys."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable
from typing import Any

from nivosync.sandbox.directory import User
from nivosync.sandbox.seed import Flavor


def dc_user_key(user: User) -> str:
    """A Confluence DC user key (32 hex digits), stable for an email."""
    return hashlib.sha1(user.email.lower().encode()).hexdigest()[:32]


def user_by_key(conn: sqlite3.Connection, key: str) -> User | None:
    """The user whose DC user key is `key` (keys are derived, so every user is looked at)."""
    rows = conn.execute("SELECT * FROM users ORDER BY id").fetchall()
    return next((u for u in map(User.from_row, rows) if dc_user_key(u) == key), None)


def users_by_ids(conn: sqlite3.Connection, ids: Iterable[int | None]) -> dict[int, User]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    rows = conn.execute(
        f"SELECT * FROM users WHERE id IN ({','.join('?' * len(wanted))})", wanted
    ).fetchall()
    return {row["id"]: User.from_row(row) for row in rows}


def account_id(user: User | None) -> str:
    return user.account_id if user is not None else ""


def v1_user(user: User | None, flavor: Flavor, root: str) -> dict[str, Any]:
    """A user as the v1 REST API shows it (``version.by``, ``history.createdBy``)."""
    if user is None:
        return {"type": "anonymous", "displayName": "Anonymous"}
    if flavor == "cloud":
        return {
            "type": "known",
            "accountId": user.account_id,
            "accountType": "atlassian",
            "email": user.email,
            "publicName": user.display_name,
            "profilePicture": _picture("/wiki/aa-avatar/default.png"),
            "displayName": user.display_name,
            "isExternalCollaborator": False,
            "_expandable": {"operations": "", "personalSpace": ""},
            "_links": {"self": f"{root}/rest/api/user?accountId={user.account_id}"},
        }
    key = dc_user_key(user)
    return {
        "type": "known",
        "username": user.username,
        "userKey": key,
        "profilePicture": _picture("/confluence/images/icons/profilepics/default.svg"),
        "displayName": user.display_name,
        "_links": {"self": f"{root}/rest/api/user?key={key}"},
        "_expandable": {"status": ""},
    }


def _picture(path: str) -> dict[str, Any]:
    return {"path": path, "width": 48, "height": 48, "isDefault": True}
