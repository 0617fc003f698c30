"""The people's regions of a page: their markup, and a new body merged with a page's (pure).

A region is a container whose first child is the anchor macro ``nivosync-region-<id>``
(see `nivosync.core.regions`):

- a block region is a dashed `panel` macro titled "For people to fill in …", its body the
  anchor and then the region's content (an anchor is kept by every Confluence editor, a macro
  parameter of our own is not; a plain panel body nests no other bodied macro, which Cloud's
  editor refuses);
- a cell region is a table cell whose first child is the anchor.

nivosync renders each region with its default content (a value from the configuration or a
file, or the statement of who is to write it). When it republishes a page, each region a
person wrote in keeps their content byte for byte; an untouched one gets the new default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from nivosync.core.regions import REGION_PREFIX, RegionScan, scan_regions, splice
from nivosync.core.storage_shape import shape_hash
from nivosync.render.storage import Content, Element, em, heading, macro, p, render

HUMAN_TITLE = "For people to fill in — nivosync keeps what is written here"
KEPT_HEADING = "Kept from an earlier version"
NOTES_HEADING = "Notes"
WRITTEN_HERE = "written on this page"
_PANEL = {"borderStyle": "dashed", "borderColor": "#FFAB00", "bgColor": "#FFFCF2"}
_EMPTY = shape_hash("")


def marker(region_id: str) -> Element:
    """The anchor that names a region (invisible when the page is viewed)."""
    return macro("anchor", {"": REGION_PREFIX + region_id})


def region_panel(region_id: str, *default: Content, title: str = HUMAN_TITLE) -> Element:
    """A block region: a dashed panel whose body is the marker, then `default`."""
    return macro("panel", {"title": title, **_PANEL}, [marker(region_id), *default])


def region_cell(region_id: str, *default: Content) -> list[Content]:
    """The content of a table cell that is a region: the marker, then `default`."""
    return [marker(region_id), *default]


def to_fill_in(who: Content, *what: Content) -> Element:
    """A region's default when nothing was given: who is to write what (for the reader);
    `who` may hold a mention of the person."""
    return p(em("To be completed by ", who), *([": ", *what] if what else []))


def source_line(source: str) -> Element:
    """Where the value above came from, for the reader (right after its region)."""
    return p(em(f"Source: {source}"))


def notes_section(region_id: str, who: str = "the release team") -> list[Content]:
    """A page's "Notes" section: a region for whatever its readers should know besides."""
    what = "anything readers of this page should know that it does not say."
    return [heading(2, NOTES_HEADING), region_panel(region_id, to_fill_in(who, what))]


# --- merging -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Merged:
    """The body to write, and what its regions hold."""

    body: str
    kept: tuple[str, ...] = ()  # regions whose page content (a person's) was kept
    orphans: tuple[str, ...] = ()  # a person's regions the new body has no place for
    defaults: dict[str, str] = field(default_factory=dict)  # region id → nivosync's content hash
    sourced: tuple[str, ...] = ()  # kept regions whose source line says a person wrote them


def is_peoples(content: str, default_hash: str | None) -> bool:
    """Whether a region's content is a person's: not what nivosync put there (nor empty,
    when what nivosync put there is not known)."""
    return shape_hash(content) != (_EMPTY if default_hash is None else default_hash)


def merge_regions(rendered: str, page: RegionScan | None, recorded: Mapping[str, str]) -> Merged:
    """`rendered` (nivosync's new body) with the people's content of `page` in its regions.

    `recorded`: region id → hash of what nivosync last put in that region; a region whose
    content differs is a person's and is kept byte for byte (their text wins over a value from
    the configuration or a file, and the region's source line says so); the others take the new
    default. A person's region the new body lacks is kept at the end, under KEPT_HEADING."""
    ours = scan_regions(rendered)
    if ours is None:  # not ours to fail on: nivosync's renderers are well-formed
        return Merged(rendered)
    defaults = {ident: shape_hash(r.content) for ident, r in ours.regions.items()}
    theirs = page.regions if page is not None else {}
    kept = tuple(
        ident
        for ident in ours.regions
        if ident in theirs
        and is_peoples(theirs[ident].content, recorded.get(ident, defaults[ident]))
    )
    orphans = tuple(
        ident
        for ident, region in theirs.items()
        if ident not in ours.regions and is_peoples(region.content, recorded.get(ident))
    )
    body, sourced = _sourced(rendered, ours, kept)
    if orphans:
        body += "\n" + render(kept_section(orphans, {i: theirs[i].block for i in orphans}))
    scan = scan_regions(body)
    assert scan is not None
    contents = {ident: theirs[ident].content for ident in (*kept, *orphans)}
    return Merged(splice(body, contents, scan), kept, orphans, defaults, sourced)


def kept_section(orphans: Sequence[str], blocks: Mapping[str, bool]) -> list[Content]:
    """Where a person's regions without a place on the new page go (never lost)."""
    return [
        heading(2, KEPT_HEADING),
        p(
            "These were written on this page in parts that nivosync no longer shows. Copy what "
            "is still needed elsewhere; a panel deleted here is not missed."
        ),
        [
            region_panel(ident, title=f"Kept: {_readable(ident, blocks[ident])}")
            for ident in orphans
        ],
    ]


def _readable(region_id: str, block: bool) -> str:
    return region_id + ("" if block else " (a table cell)")


_AFTER_PANEL = re.compile(
    rb"</ac:rich-text-body>\s*</ac:structured-macro>\s*(<p><em>Source: ([^<]*)</em></p>)"
)


def _sourced(rendered: str, scan: RegionScan, kept: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """`rendered` with the source line after each kept region saying that a person wrote it,
    and those regions."""
    data = rendered.encode()
    sourced = []
    for ident in sorted(kept, key=lambda i: scan.regions[i].end, reverse=True):
        found = _AFTER_PANEL.match(data, scan.regions[ident].end)
        if found is not None:
            line = render(source_line(_written_here(found.group(2).decode()))).encode()
            data = data[: found.start(1)] + line + data[found.end(1) :]
            sourced.append(ident)
    return data.decode(), tuple(sorted(sourced))


def _written_here(before: str) -> str:
    # `before` is storage text, escaped: unescaped here, as `render` escapes it again.
    earlier = before.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return f"{WRITTEN_HERE} (it takes precedence over: {earlier})"
