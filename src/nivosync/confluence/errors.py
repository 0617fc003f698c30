"""Confluence's error answers, translated into what a user should check or ask for."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from nivosync.http import SiteWords, explain_status

# Confluence's space permissions nivosync needs ("Add Page" also lets one edit pages).
ADD_PAGE = "Add Page"
ADD_ATTACHMENT = "Add Attachment"
PAGE_PERMISSIONS = f"the '{ADD_PAGE}' and '{ADD_ATTACHMENT}' permissions"


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


def explain(
    status: int,
    body: Any,
    what: str,
    words: SiteWords,
    permission: str | None = None,
    refused: Collection[int] = (403,),
) -> str:
    ask = f"the '{permission}' permission" if permission else PAGE_PERMISSIONS
    return explain_status(status, messages(body), what, words, ask, refused)
