"""Issue descriptions as a tiny document model, rendered to ADF (Cloud) or wiki markup (DC)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


Block = Heading | Paragraph | Bullets
Document = tuple[Block, ...]


def to_adf(document: Document) -> dict[str, Any]:
    """Atlassian Document Format, as Jira Cloud's /rest/api/3 expects for descriptions."""
    return {"type": "doc", "version": 1, "content": [_adf_block(b) for b in document]}


def _adf_text(text: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text}] if text else []


def _adf_block(block: Block) -> dict[str, Any]:
    if isinstance(block, Heading):
        return {"type": "heading", "attrs": {"level": 3}, "content": _adf_text(block.text)}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "content": _adf_text(block.text)}
    return {
        "type": "bulletList",
        "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": _adf_text(item)}]}
            for item in block.items
        ],
    }


# Characters that start wiki-markup effects (links, macros, tables, emphasis, images...).
_WIKI_SPECIAL = re.compile(r"([\\{}\[\]|*_+^~?!#-])")


def escape_wiki(text: str) -> str:
    """Text that Jira's wiki renderer shows literally."""
    return _WIKI_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def to_wiki(document: Document) -> str:
    """Jira wiki markup, as Jira Data Center's /rest/api/2 expects for descriptions."""
    parts = []
    for block in document:
        if isinstance(block, Heading):
            parts.append(f"h3. {escape_wiki(block.text)}")
        elif isinstance(block, Paragraph):
            parts.append(escape_wiki(block.text))
        else:
            parts.append("\n".join(f"* {escape_wiki(item)}" for item in block.items))
    return "\n\n".join(parts)
