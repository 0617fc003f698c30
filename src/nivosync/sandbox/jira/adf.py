"""Minimal Atlassian Document Format helpers (Cloud stores rich text as ADF)."""

from __future__ import annotations

from typing import Any


def is_adf_document(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and value.get("type") == "doc"
        and isinstance(value.get("content", []), list)
    )


def text_to_adf(text: str) -> dict[str, Any]:
    """Plain text (what a v2 client sends) as an ADF document, one paragraph per line block."""
    paragraphs = [p for p in text.split("\n\n")] if text else []
    content = [
        {"type": "paragraph", "content": [{"type": "text", "text": p}]}
        if p
        else {"type": "paragraph", "content": []}
        for p in paragraphs
    ]
    return {"type": "doc", "version": 1, "content": content}


def adf_to_text(node: Any) -> str:
    """A readable plain-text rendering of an ADF document (what Cloud's v2 API returns)."""
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    children = [adf_to_text(child) for child in node.get("content", []) or []]
    kind = node.get("type")
    if kind == "doc":
        return "\n\n".join(c for c in children)
    if kind in ("bulletList", "orderedList"):
        marker = "*" if kind == "bulletList" else "#"
        return "\n".join(f"{marker} {c}" for c in children)
    return "".join(children)
