"""The people's regions of a page body: found, cut out and compared (pure).

A region is the inside of a container — a table cell (`td`/`th`) or a macro's
`ac:rich-text-body` — that holds the anchor macro ``nivosync-region-<id>``. nivosync writes the
anchor as the container's first child; an editor may wrap it in a `<p>` of its own (that `<p>`
counts as the marker), a person may type before it: the nearest container holding it is the
region either way. The inside less the marker belongs to people; nivosync takes it byte for byte
from the page it reads and never compares it with what it writes. Everything else is nivosync's.

Offsets are byte offsets into the UTF-8 body, as expat reports them; HTML named entities
(``&nbsp;``), which Confluence accepts, are declared to the parser so that nothing shifts.
"""

from __future__ import annotations

import functools
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html.entities import name2codepoint
from xml.parsers import expat

from nivosync.core.storage_shape import element_shape, parse_fragment, shape_hash

REGION_PREFIX = "nivosync-region-"
REGION_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
CONTAINERS = frozenset({"td", "th", "ac:rich-text-body"})
TOP_OF_PAGE = "(top of the page)"
_ROOT = "nivosync-regions-root"
_ENTITIES = "".join(
    f'<!ENTITY {name} "&#{code};">'
    for name, code in name2codepoint.items()
    if name not in {"amp", "lt", "gt", "quot", "apos"}
)
_PREFIX = f"<!DOCTYPE {_ROOT} [{_ENTITIES}]><{_ROOT}>".encode()
_SUFFIX = f"</{_ROOT}>".encode()


def region_id(*parts: str) -> str:
    """A region id from readable parts ('uat', 'S1', 'result' → 'uat-s1-result')."""
    text = "-".join(parts).casefold()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-")
    return slug or "region"


@dataclass(frozen=True)
class Region:
    id: str
    start: int  # byte offsets of the container's inside (marker included)
    end: int
    marker: tuple[int, int]  # where the marker is (with the `<p>` it alone fills, if so)
    block: bool  # in a macro body (True) or a table cell (False)
    content: str  # the people's content: the inside without the marker, exactly as it is


@dataclass(frozen=True)
class RegionScan:
    """The regions of one body, by id (the first of duplicates), and markers out of place."""

    regions: dict[str, Region]
    misplaced: tuple[str, ...] = ()  # a marker in no container, or a container's second one
    duplicates: tuple[str, ...] = ()


@functools.lru_cache(maxsize=16)  # each step that reads or records a page scans its body
def scan_regions(body: str) -> RegionScan | None:
    """The regions of `body`; None when the body is not well-formed. (The scan is shared by
    its callers: none of them changes it.)"""
    data = body.encode()
    finder = _Finder(_PREFIX + data + _SUFFIX)
    try:
        finder.parse()
    except expat.ExpatError:
        return None
    found: dict[str, Region] = {}
    duplicates: list[str] = []
    for span in _outermost(finder.found):
        ident, start, end, (m_start, m_end), block = span
        if ident in found:
            duplicates.append(ident)
            continue
        content = (data[start:m_start] + data[m_end:end]).decode()
        found[ident] = Region(ident, start, end, (m_start, m_end), block, content)
    return RegionScan(found, tuple(finder.misplaced), tuple(duplicates))


_Span = tuple[str, int, int, tuple[int, int], bool]


def _outermost(spans: Iterable[_Span]) -> list[_Span]:
    """Regions in document order, leaving out those inside another region (a panel pasted
    into a region is that region's content)."""
    kept: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s[1], -s[2])):
        if kept and span[1] < kept[-1][2]:
            continue
        kept.append(span)
    return kept


@dataclass(eq=False)
class _Frame:
    name: str
    start: int
    attrs: dict[str, str]
    inside: int = 0  # where its content starts (after the start tag)
    elements: int = 0  # element children seen so far
    text: bool = False  # non-blank text seen directly inside
    param_text: str = ""  # an anchor macro's parameter, as it is read
    # A container's marker: (region id, start, end, the `<p>` holding it, if any).
    marker: tuple[str, int, int, _Frame | None] | None = None


class _Finder:
    """Walks the body with expat, noting each container's region marker."""

    def __init__(self, source: bytes) -> None:
        self.source = source
        self.stack: list[_Frame] = []
        self.found: list[_Span] = []
        self.misplaced: list[str] = []
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text

    def parse(self) -> None:
        self.parser.Parse(self.source, True)

    def _at(self) -> int:
        return self.parser.CurrentByteIndex - len(_PREFIX)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.stack:
            self.stack[-1].elements += 1
        at = self._at()
        self.stack.append(_Frame(name, at, attrs, inside=self._start_tag_end(at)))

    def text(self, data: str) -> None:
        if not self.stack:
            return
        frame = self.stack[-1]
        if frame.name == "ac:parameter":
            frame.param_text += data
        if data.strip():
            frame.text = True

    def end(self, name: str) -> None:
        frame = self.stack.pop()
        after = self._end_of(frame)
        parent = self.stack[-1] if self.stack else None
        if name == "ac:parameter" and parent is not None and not frame.attrs.get("ac:name"):
            parent.param_text = frame.param_text
        elif name == "ac:structured-macro" and parent is not None:
            self._anchor(frame, parent, after)
        elif name == "p" and parent is not None and frame.elements == 1 and not frame.text:
            self._widen(frame, after)
        if frame.marker is not None and frame.name in CONTAINERS:
            ident, m_start, m_end, _p = frame.marker
            block = frame.name == "ac:rich-text-body"
            self.found.append((ident, frame.inside, self._at(), (m_start, m_end), block))

    def _start_tag_end(self, at: int) -> int:
        """Just after the start tag that begins at `at` (quoted values may hold '>')."""
        data, index, quote = self.source, at + len(_PREFIX), 0
        while True:
            byte = data[index]
            if quote:
                quote = 0 if byte == quote else quote
            elif byte in b"\"'":
                quote = byte
            elif byte == ord(">"):
                return index + 1 - len(_PREFIX)
            index += 1

    def _end_of(self, frame: _Frame) -> int:
        """Where the element ends: after its end tag, or after the tag itself when it is an
        empty-element tag (expat then reports the end just after its "/>")."""
        at = self._at()
        if at == frame.inside and self.source[at + len(_PREFIX) - 2 : at + len(_PREFIX)] == b"/>":
            return at
        return self.source.index(b">", at + len(_PREFIX)) + 1 - len(_PREFIX)

    def _anchor(self, macro: _Frame, parent: _Frame, after: int) -> None:
        name = macro.param_text.strip()
        if macro.attrs.get("ac:name") != "anchor" or not name.startswith(REGION_PREFIX):
            return
        ident = name[len(REGION_PREFIX) :]
        holder = next((f for f in reversed(self.stack) if f.name in CONTAINERS), None)
        if holder is None or holder.marker is not None or not REGION_ID.match(ident):
            self.misplaced.append(ident)
            return
        paragraph = parent if parent.name == "p" else None
        holder.marker = (ident, macro.start, after, paragraph)

    def _widen(self, paragraph: _Frame, after: int) -> None:
        """A `<p>` holding nothing but a marker (an editor's wrapping) is part of it."""
        holder = next((f for f in reversed(self.stack) if f.name in CONTAINERS), None)
        if holder is not None and holder.marker is not None and holder.marker[3] is paragraph:
            holder.marker = (holder.marker[0], paragraph.start, after, None)


# --- nivosync's part of a body -----------------------------------------------------------------


def outside_regions(body: str, scan: RegionScan) -> str:
    """`body` with every region's container emptied (its marker too, wherever an editor put
    it): what nivosync wrote, and only that."""
    return _replace_insides(body, {ident: b"" for ident in scan.regions}, scan)


def splice(body: str, contents: Mapping[str, str], scan: RegionScan) -> str:
    """`body` (nivosync's own, its markers first in their containers) with the content of
    each region named in `contents` replaced, after its marker."""
    data = body.encode()
    insides = {
        r.id: data[r.marker[0] : r.marker[1]] + contents[r.id].encode()
        for r in scan.regions.values()
        if r.id in contents
    }
    return _replace_insides(body, insides, scan)


def _replace_insides(body: str, insides: Mapping[str, bytes], scan: RegionScan) -> str:
    data = body.encode()
    chosen = sorted(
        (r for r in scan.regions.values() if r.id in insides), key=lambda r: r.start, reverse=True
    )
    for region in chosen:
        data = data[: region.start] + insides[region.id] + data[region.end :]
    return data.decode()


def sections(body: str) -> list[tuple[str, str]]:
    """(heading, hash) of each top-level part of `body`, split at its `h1`/`h2` headings (the
    part before the first: TOP_OF_PAGE); a body that does not parse is one part."""
    root = parse_fragment(body)
    if root is None:
        return [(TOP_OF_PAGE, shape_hash(body))]
    parts: list[tuple[str, list[object]]] = [(TOP_OF_PAGE, [])]
    if root.text and root.text.strip():
        parts[0][1].append(root.text)
    for child in root:
        if child.tag in ("h1", "h2"):
            parts.append((_text(child), []))
        parts[-1][1].append(element_shape(child))
        if child.tail and child.tail.strip():
            parts[-1][1].append(child.tail)
    return [(t, _digest(repr(shapes))) for n, (t, shapes) in enumerate(parts) if shapes or n]


def sections_digest(found: Iterable[tuple[str, str]]) -> str:
    return _digest(repr([list(item) for item in found]))


def changed_sections(
    now: Iterable[tuple[str, str]], before: Iterable[tuple[str, str]]
) -> list[str]:
    """The headings of the parts that differ: changed, added or removed."""
    now, before = list(now), list(before)
    changed = [title for title, h in now if (title, h) not in before]
    changed += [title for title, _ in before if title not in {t for t, _ in now}]
    return list(dict.fromkeys(changed))


def _text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split()) or "(untitled)"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
