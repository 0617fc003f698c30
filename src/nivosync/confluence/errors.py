"""Confluence's error answers, translated into what a user should check or ask for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def messages(body: Any) -> list[str]:
    """The human text in either error shape (v2 `errors[]`, v1/DC `message`)."""
    if not isinstance(body, Mapping):
        return []
    found = [
        str(e.get("detail") or e.get("title") or "")
        for e in body.get("errors") or []
        if isinstance(e, Mapping)
    ]
    if body.get("message"):
        found.append(str(body["message"]))
    return [m for m in found if m]


def explain(status: int, body: Any, what: str, words: Mapping[str, str]) -> str:
    details = "; ".join(messages(body))
    site, user, space = words["site"], words["user"], words["space"]
    if status == 401:
        return (
            f"Confluence at {site} rejected the credentials of {user} (HTTP 401): check that "
            f"{words['secret']} holds a valid token for that user"
        )
    if status == 403:
        return (
            f"{user} may not change the {what} in space {space} (HTTP 403): ask a space admin "
            f"for the 'Add Pages' and 'Add Attachments' permissions in {space}"
            + (f" ({details})" if details else "")
        )
    if status == 404 and what == "space":
        return (
            f"space {space} not found at {site} (or {user} cannot view it): check confluence.space"
        )
    if status == 400:
        return f"Confluence refused the {what} (HTTP 400): {details or 'no details given'}"
    return f"Confluence answered HTTP {status} for the {what}" + (f": {details}" if details else "")
