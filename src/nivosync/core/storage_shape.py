"""Storage bodies compared as Confluence keeps them, not as text (pure).

Confluence re-serialises storage on save (macro ids and schema versions added, ``<br />``,
attribute order, entities as characters, whitespace between tags dropped), so a body read back
differs from the one sent though nothing changed. Its *shape* sets those differences aside: two
bodies with the same shape are the same page content.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from html.entities import name2codepoint
from typing import Any

STORAGE_NS = {
    "ac": "http://atlassian.com/content",
    "ri": "http://atlassian.com/resource/identifier",
}
# Attributes an editor or the save itself adds: never a change of content.
_ADDED_ON_SAVE = {
    f"{{{STORAGE_NS[prefix]}}}{name}"
    for prefix, name in (
        ("ac", "macro-id"),
        ("ac", "schema-version"),
        ("ac", "local-id"),
        ("ri", "version-at-save"),
    )
} | {"local-id", "data-layout", "data-local-id", "data-table-width"}
_SAVED_AS = {"b": "strong", "i": "em"}
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


def same_storage(stored: str, sent: str) -> bool:
    """Whether `stored` (read back from Confluence) is `sent` as Confluence keeps it. A body
    that does not parse is compared as text."""
    if stored == sent:
        return True
    ours = storage_shape(sent)
    return ours is not None and ours == storage_shape(stored)


def shape_hash(fragment: str) -> str:
    """A short hash of a storage fragment's shape (of its text, when it does not parse)."""
    shape = storage_shape(fragment)
    basis = repr(shape) if shape is not None else "text:" + fragment
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def storage_shape(body: str) -> tuple[Any, ...] | None:
    """The shape of `body` under one root; None when it is not well-formed."""
    root = parse_fragment(body)
    return None if root is None else element_shape(root)


def parse_fragment(body: str) -> ET.Element | None:
    """`body` parsed under a root declaring `ac` and `ri` (HTML entities made numeric);
    None when it is not well-formed or declares a DOCTYPE."""
    if "<!DOCTYPE" in body.upper():
        return None
    declared = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in STORAGE_NS.items())
    numeric = _NAMED_ENTITY.sub(
        lambda m: f"&#{name2codepoint[m[1]]};" if m[1] in name2codepoint else m[0], body
    )
    try:
        return ET.fromstring(f"<root {declared}>{numeric}</root>")
    except ET.ParseError:
        return None


def element_shape(element: ET.Element) -> tuple[Any, ...]:
    """Tag, attributes (sorted, minus those added on save), text and children; whitespace-only
    text is left out."""
    attrs = sorted((k, v) for k, v in element.attrib.items() if k not in _ADDED_ON_SAVE)
    parts: list[Any] = [_SAVED_AS.get(element.tag, element.tag), tuple(attrs)]
    if element.text and element.text.strip():
        parts.append(element.text)
    for child in element:
        parts.append(element_shape(child))
        if child.tail and child.tail.strip():
            parts.append(child.tail)
    return tuple(parts)
