"""A page nivosync wrote before, read back: the people's regions kept, an edit of nivosync's
own part found and named.

The page property `nivosync` records, besides the body's hash, `regions` (region id → the hash
of what nivosync last put in it: content that differs is a person's) and `sections` (heading →
hash of nivosync's part of each section, the people's regions emptied). Only a difference there
is a conflict; whatever people write in their regions never is, and never causes a write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nivosync.core.regions import (
    TOP_OF_PAGE,
    RegionScan,
    changed_sections,
    outside_regions,
    scan_regions,
    sections,
)
from nivosync.core.storage_shape import shape_hash
from nivosync.render.regions import KEPT_HEADING, Merged, merge_regions

TITLE = "the title"


@dataclass(frozen=True)
class Reading:
    """What a page holds now, and the body nivosync would write over it."""

    merged: Merged  # nivosync's new body with the people's content of the page in it
    edited: tuple[str, ...] | None  # nivosync's sections a person changed; None: cannot tell
    missing: tuple[str, ...] = ()  # regions whose marker is gone from the page

    @property
    def body(self) -> str:
        return self.merged.body

    @property
    def conflict(self) -> bool:
        return self.edited is None or bool(self.edited) or bool(self.missing)


def read_page(current: str, rendered: str, recorded: Mapping[str, Any]) -> Reading:
    """`current`: the page's body as stored; `rendered`: nivosync's new body; `recorded`: the
    page property's value."""
    scan = scan_regions(current)
    regions = recorded_regions(recorded)
    merged = merge_regions(rendered, scan, regions)
    missing = tuple(i for i in regions if scan is None or i not in scan.regions)
    return Reading(merged, _edited(current, scan, recorded, merged.body), missing)


def recorded_regions(recorded: Mapping[str, Any]) -> dict[str, str]:
    regions = recorded.get("regions")
    if not isinstance(regions, dict):
        return {}
    return {str(k): str(v) for k, v in regions.items()}


def region_record(body: str, defaults: Mapping[str, str]) -> dict[str, Any]:
    """What the page property keeps about the regions of `body` (as written, or as found)."""
    return {
        "regions": dict(defaults),
        "sections": [list(item) for item in nivosync_sections(body, scan_regions(body))],
    }


def nivosync_sections(body: str, scan: RegionScan | None) -> list[tuple[str, str]]:
    """(heading, hash) of nivosync's part of each section: the people's regions emptied, and
    the section of kept regions (theirs to tidy up) left out."""
    if scan is None:
        return [(TOP_OF_PAGE, shape_hash(body))]
    return [s for s in sections(outside_regions(body, scan)) if s[0] != KEPT_HEADING]


def _edited(
    current: str, scan: RegionScan | None, recorded: Mapping[str, Any], merged: str
) -> tuple[str, ...] | None:
    before = recorded.get("sections")
    if not isinstance(before, list):
        return None  # recorded before pages had regions: any edit may be in nivosync's part
    then = [
        (str(item[0]), str(item[1]))
        for item in before
        if isinstance(item, list | tuple) and len(item) == 2
    ]
    now = nivosync_sections(current, scan)
    if now == then or now == nivosync_sections(merged, scan_regions(merged)):
        return ()  # as nivosync wrote it (last time, or just now: its record then was lost)
    return tuple(changed_sections(now, then))


def edited_message(
    title: str, editor: str, versions: str, kind: str, reading: Reading, title_edited: bool
) -> str:
    """Why a page is kept as it is, and what to do: the editor, the sections, the markers."""
    parts = list(reading.edited or ())
    if title_edited:
        parts.insert(0, TITLE)
    force = "--force" if kind in ("status", "portfolio") else f"--force {kind}"
    said = f"'{title}' was edited in Confluence by {editor} since nivosync wrote it ({versions})"
    if reading.missing:
        named = ", ".join(f"'{m}'" for m in reading.missing)
        return (
            f"{said}: the marker of the people's region {named} was deleted, so what is "
            "written there can no longer be told from nivosync's text; kept as it is. Restore "
            f"that panel or cell from the page history, or use {force} to rewrite the page "
            "(that text is then lost; the other regions are kept)"
        )
    where = (
        "in nivosync's part of the page: " + ", ".join(f"'{p}'" for p in parts)
        if parts
        else "before its people's regions were recorded"
    )
    return (
        f"{said}, {where}; kept as it is. Write in the panels and cells marked for people "
        f"(nivosync keeps those), or use {force} to overwrite nivosync's part (what people "
        "wrote in theirs is kept)"
    )
