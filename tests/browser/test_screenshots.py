"""The Change Advisory and the UAT form as a browser shows them in the sandbox's HTML view.

Headless Chromium (over DevTools) opens each page at 1280 px, measures it — horizontal
overflow, dates and names that wrap, where the people's regions and the lozenges are and the
colours the stylesheet gives them — and takes a full-page screenshot, whose pixels must show
those frames and lozenges. `NIVOSYNC_UPDATE_SCREENSHOTS=1` writes the Cloud screenshots to
docs/screenshots/ (for the README); otherwise they go to the test's temporary folder.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from .chromium import Browser
from .conftest import Published

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "screenshots"
WIDTH, WINDOW = 1280, 900
MAX_HEIGHT = 8000  # a longer page is cut here (and fails the height check)
MAX_DOC_BYTES = 300_000
MEASURE = (Path(__file__).parent / "measure.js").read_text()
RGB = tuple[int, int, int]


@dataclass
class Shot:
    picture: Image.Image
    image: np.ndarray  # the picture's pixels: height x width x RGB
    page: dict[str, Any]  # what measure.js returned
    path: Path  # the screenshot, to look at when a check fails


def look_at(browser: Browser, site: Published, kind: str, tmp_path: Path) -> Shot:
    tab = browser.open(WIDTH, WINDOW, site.auth)
    tab.navigate(site.urls[kind])
    page = tab.evaluate(MEASURE)
    png = tab.screenshot(WIDTH, min(page["height"], MAX_HEIGHT))
    tab.call("Page.close")
    path = tmp_path / f"{kind}.png"
    path.write_bytes(png)
    picture = Image.open(io.BytesIO(png)).convert("RGB")
    return Shot(picture, np.asarray(picture), page, path)


def update_docs(shot: Shot, site: Published, name: str) -> None:
    """With NIVOSYNC_UPDATE_SCREENSHOTS=1, the Cloud screenshot (once its checks have passed)
    as docs/screenshots/<name>.png: 256 colours, a third of the size, nothing visible lost
    (maximum coverage keeps every colour within a few shades, the small lozenges' too)."""
    if os.environ.get("NIVOSYNC_UPDATE_SCREENSHOTS") != "1" or site.flavor != "cloud":
        return
    DOCS.mkdir(parents=True, exist_ok=True)
    quantize = Image.Quantize.MAXCOVERAGE
    small = shot.picture.quantize(colors=256, method=quantize, dither=Image.Dither.NONE)
    small.save(DOCS / f"{name}.png", optimize=True)
    assert (DOCS / f"{name}.png").stat().st_size < MAX_DOC_BYTES, "too large for the docs"


def colour(css: str) -> RGB:
    """'rgb(255, 171, 0)' (or rgba) → (255, 171, 0)."""
    r, g, b = (int(v) for v in re.findall(r"\d+", css)[:3])
    return r, g, b


def share(image: np.ndarray, box: tuple[int, int, int, int], wanted: RGB) -> float:
    """The share of the pixels of `box` (left, top, right, bottom) within a few shades of
    `wanted` (anti-aliasing)."""
    left, top, right, bottom = box
    pixels = image[top:bottom, left:right].astype(int)
    if not pixels.size:
        return 0.0
    return float((np.abs(pixels - wanted).max(axis=2) <= 12).mean())


def contrast(a: RGB, b: RGB) -> float:
    """WCAG 2 contrast ratio; 4.5 is the minimum for small text."""

    def luminance(c: RGB) -> float:
        lin = [(v / 255) / 12.92 if v <= 10 else (((v / 255) + 0.055) / 1.055) ** 2.4 for v in c]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def assert_readable_page(shot: Shot) -> None:
    """Width, not blank, no horizontal overflow, no date or person's name broken over lines."""
    page, image = shot.page, shot.image
    height, width, _ = image.shape
    assert width == WIDTH, shot.path
    assert page["height"] <= MAX_HEIGHT, f"{shot.path}: {page['height']} px long"
    whites = share(image, (0, 0, width, height), (255, 255, 255))
    assert 0.02 < 1 - whites < 0.6, f"{shot.path}: {1 - whites:.0%} of the pixels are not white"
    packed = image.astype(np.uint32) @ np.array([1 << 16, 1 << 8, 1], dtype=np.uint32)
    shades = np.unique(packed).size
    assert shades > 50, f"{shot.path}: {shades} colours: hardly anything drawn"
    assert page["scrollWidth"] <= page["viewport"] == WIDTH, f"{shot.path}: scrolls sideways"
    assert page["widest"] <= WIDTH, f"{shot.path}: content reaches {page['widest']} px"
    assert page["wrappedDates"] == [], f"{shot.path}: dates broken over two lines"
    broken = [m["text"] for m in page["mentions"] if m["lines"] > 1]
    assert broken == [], f"{shot.path}: names broken over two lines"


def assert_regions_framed(shot: Shot, at_least: int) -> None:
    """Every people's region has the view's frame drawn along its top and left edges."""
    regions = shot.page["regions"]
    assert len(regions) >= at_least, shot.path
    (frame,) = {colour(c) for c in shot.page["regionFrame"]}
    assert contrast(frame, (255, 255, 255)) > 1.8, f"frame {frame} hardly shows on white"
    for left, top, width, height in regions:
        x, y, w, h = round(left), round(top), int(width), int(height)
        top_edge = share(shot.image, (x, y, x + w, y + 3), frame)
        left_edge = share(shot.image, (x, y, x + 3, y + h), frame)
        where = f"{shot.path}: region at {x},{y}"
        assert top_edge > 0.3 and left_edge > 0.3, f"{where} is not framed"


def assert_lozenges_drawn(shot: Shot, titles: set[str]) -> None:
    """The lozenges titled `titles` are there; each is drawn in its colour, legibly."""
    lozenges = shot.page["lozenges"]
    assert titles <= {lz["text"].casefold() for lz in lozenges}, shot.path
    for lozenge in lozenges:
        left, top, width, height = (round(v) for v in lozenge["box"])
        background, text = colour(lozenge["background"]), colour(lozenge["color"])
        where = f"{shot.path}: lozenge {lozenge['text']!r} at {left},{top}"
        assert lozenge["lines"] == 1, f"{where} wraps"
        assert share(shot.image, (left, top, left + width, top + height), background) > 0.4, where
        assert contrast(background, text) >= 4.5, f"{where}: {text} on {background}"


def test_change_advisory(browser: Browser, published: Published, tmp_path: Path) -> None:
    shot = look_at(browser, published, "change-advisory", tmp_path)
    assert_readable_page(shot)
    # affected services, impact, rollback, downtime, communication … and the approvers' cells
    assert_regions_framed(shot, at_least=8)
    assert_lozenges_drawn(shot, {"to do"})
    update_docs(shot, published, "change-advisory")


def test_uat_form(browser: Browser, published: Published, tmp_path: Path) -> None:
    shot = look_at(browser, published, "uat", tmp_path)
    assert_readable_page(shot)
    # result, comments and defects of each of the 6 scenarios, the sign-off
    assert_regions_framed(shot, at_least=18)
    assert_lozenges_drawn(shot, {"pass", "fail", "blocked", "not tested", "pending"})
    shades = {lz["background"] for lz in shot.page["lozenges"]}
    assert len(shades) >= 4, f"{shot.path}: results not told apart by colour: {shades}"
    update_docs(shot, published, "uat-form")
