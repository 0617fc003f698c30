"""Jira's error answers, translated into what a user should check or ask for."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from nivosync.http import SiteWords, explain_status


def explain(
    status: int,
    body: Any,
    what: str,
    words: SiteWords,
    permission: str | None = None,
    refused: Collection[int] = (403,),
) -> str:
    """One line: what failed, the likely cause, and what to check."""
    ask = f"the '{permission}' permission" if permission else "access"
    return explain_status(status, messages(body), what, words, ask, refused)


def messages(body: Any) -> list[str]:
    """Jira's `errorMessages` and field `errors`, as 'field: message' strings."""
    if not isinstance(body, Mapping):
        return []
    found = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        found += [f"{field}: {message}" for field, message in errors.items()]
    return found
