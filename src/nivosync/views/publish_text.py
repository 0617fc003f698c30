"""The terminal and JSON views of published pages (`publish`, `create`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nivosync.app.publisher import PageResult
from nivosync.views.table import text_table

PUBLISH_JSON_SCHEMA = "nivosync.publish/1"


def publish_json(results: Sequence[PageResult], dry_run: bool) -> dict[str, Any]:
    return {
        "schema": PUBLISH_JSON_SCHEMA,
        "dry_run": dry_run,
        "pages": [pages_json(r) for r in results],
    }


def pages_json(result: PageResult) -> dict[str, Any]:
    return {
        "kind": result.kind,
        "title": result.title,
        "id": result.page_id,
        "url": result.url,
        "action": result.action,
        "message": result.message or None,
    }


def pages_text(results: Sequence[PageResult]) -> str:
    rows = [[r.title, r.action, r.url or ""] for r in results]
    lines = [text_table(["Page", "Action", "URL"], rows)]
    lines += [f"{r.action}: {r.message}" for r in results if r.message]
    return "\n".join(lines) + "\n"
