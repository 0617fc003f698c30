"""The status page's chart: planned vs forecast / actual dates per task and milestone (PNG).

Like the page, the chart shows what was measured and not the night it was measured: it never
reads `as_of` (an unchanged measurement must give the same bytes, or its attachment would be
rewritten). Each task has two bars: its planned start → due, and under it its forecast start →
forecast finish (open) or actual finish (done), coloured by whether it is late; tasks on the
critical path (float 0) have a red edge and a bold red label.

What is drawn is laid out first as plain shapes (`slip_chart_layout`: pure, tested, and what
`chart_digest` hashes, so a sync knows the chart is unchanged without drawing it), then painted
with Pillow as a palette PNG: ~2.5 ms a chart where matplotlib took ~300 ms and an RGB PNG ~24 ms
(each label's letters are drawn and shaded once per process: that took two thirds of the ~10 ms
before). Pillow is imported only when a chart is painted.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from nivosync.core.slippage import MilestoneSlippage, ReleaseSlippage, TaskSlippage
from nivosync.render.status_page import short_name

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage
    from PIL.ImageDraw import ImageDraw
    from PIL.ImageFont import FreeTypeFont, ImageFont

PLANNED = "#B3D4FF"
FORECAST = "#4C9AFF"  # open, forecast to finish by its due
PROJECTED = "#FFAB00"  # open, forecast to finish after its due
ON_TIME = "#36B37E"  # done by its due
LATE = "#FF5630"  # done after its due
CRITICAL = "#BF2600"
MILESTONE = "#6554C0"
INK, GRID, FRAME = "#172B4D", "#DFE1E6", "#6B778C"
# What a chart digest covers besides the layout: a new look draws every chart once again
# (3: a palette PNG, see `paint`).
RENDERER = "nivosync-slip-chart/3"
BACKGROUND = "#FFFFFF"
TEXT_LEVELS = 64  # shades of each text colour over the background (its letters' soft edges)
WIDTH, LEFT, RIGHT = 1000, 360, 980  # the plot spans LEFT..RIGHT
TOP, ROW, BAR = 40, 30, 10  # rows of ROW px; each of a task's two bars is BAR px high
LABEL_CHARS = 64  # a longer row label is cut (with …, its slip kept) left of the plot
# Month names are never the locale's.
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class TaskBar:
    """One task as the chart draws it (pure, so that what is drawn can be tested)."""

    label: str
    planned: tuple[date, date]
    forecast: tuple[date, date]  # forecast start → forecast finish, or actual finish if done
    colour: str
    critical: bool


@dataclass(frozen=True)
class Box:
    """A filled rectangle (left, top, right, bottom), with an edge when `edge` is set."""

    box: tuple[int, int, int, int]
    fill: str
    edge: str | None = None
    edge_width: int = 0


@dataclass(frozen=True)
class Rule:
    """A straight line."""

    start: tuple[int, int]
    end: tuple[int, int]
    colour: str
    width: int = 1


@dataclass(frozen=True)
class Diamond:
    """A milestone marker centred on `at`."""

    at: tuple[int, int]
    colour: str
    radius: int = 6


@dataclass(frozen=True)
class Label:
    """Text anchored at `at` (Pillow anchors: "rm" right-middle, "mm" centre, "lm" left)."""

    at: tuple[int, int]
    text: str
    colour: str = INK
    bold: bool = False
    size: int = 10
    anchor: str = "rm"


Shape = Box | Rule | Diamond | Label


@dataclass(frozen=True)
class ChartLayout:
    """Everything the chart shows, in painting order."""

    size: tuple[int, int]
    shapes: tuple[Shape, ...]

    def labels(self) -> list[Label]:
        return [s for s in self.shapes if isinstance(s, Label)]

    def boxes(self) -> list[Box]:
        return [s for s in self.shapes if isinstance(s, Box)]


def task_bar(task: TaskSlippage, release_title: str) -> TaskBar:
    """Planned vs forecast (open) or actual (done, by its resolution date) for one task."""
    if task.done:
        end = task.actual_finish or task.projected_finish
        colour = LATE if task.slip_days > 0 else ON_TIME
    else:
        end = task.projected_finish
        colour = PROJECTED if task.slip_days > 0 else FORECAST
    name = short_name(task.summary or task.task_id, release_title)
    name += "  (missing in Jira)" if task.missing else ""
    return TaskBar(
        label=name + (f"  (+{task.slip_days})" if task.slip_days > 0 else ""),
        planned=(task.planned_start, task.planned_end),
        forecast=(min(task.projected_start, end), end),
        colour=colour,
        critical=task.critical,
    )


def slip_chart_png(slippage: ReleaseSlippage, title: str) -> bytes:
    """The chart as PNG bytes: the same measurement always gives the same bytes."""
    return paint(slip_chart_layout(slippage, title))


def chart_digest(slippage: ReleaseSlippage, title: str) -> str:
    """What identifies the chart without drawing it: equal digests, equal PNGs."""
    layout = slip_chart_layout(slippage, title)
    return hashlib.sha256(f"{RENDERER}|{layout!r}".encode()).hexdigest()


def slip_chart_layout(slippage: ReleaseSlippage, title: str) -> ChartLayout:
    """A Gantt-like chart: per milestone its tasks' two bars, then its planned (and, when
    later, projected) end as diamonds; Monday grid lines, a title and a legend."""
    rows: list[TaskBar | MilestoneSlippage] = []
    for milestone in slippage.milestones:
        rows += [task_bar(t, title) for t in slippage.tasks if t.milestone == milestone.id]
        rows.append(milestone)
    scale = _Scale.of(rows)
    bottom = TOP + ROW * len(rows)
    shapes: list[Shape] = [*_grid(scale, bottom)]
    for n, row in enumerate(rows):
        middle = TOP + ROW * n + ROW // 2
        if isinstance(row, TaskBar):
            shapes += _task_shapes(scale, middle, row)
        else:
            shapes += _milestone_shapes(scale, middle, row)
    shapes.append(Box((LEFT, TOP - 6, RIGHT, bottom + 6), "", FRAME, 1))  # the plot's frame
    heading = f"{title} — planned vs forecast / actual"
    shapes.append(Label(((LEFT + RIGHT) // 2, 18), heading, size=12, anchor="mm"))
    shapes += _legend(bottom + 40)
    return ChartLayout((WIDTH, bottom + 86), tuple(shapes))


@dataclass(frozen=True)
class _Scale:
    """Dates → x pixels over the plot (a day is a column; both ends of a bar included)."""

    first: date
    days: int

    @classmethod
    def of(cls, rows: Sequence[TaskBar | MilestoneSlippage]) -> _Scale:
        dates: list[date] = []
        for row in rows:
            if isinstance(row, TaskBar):
                dates += [*row.planned, *row.forecast]
            else:
                dates += [row.planned_end, row.projected_end]
        if not dates:  # a template without milestones: an empty plot, a week wide
            return cls(date(2000, 1, 3), 7)
        first, last = min(dates), max(dates)
        return cls(first, (last - first).days + 1)

    def x(self, day: date) -> int:
        return LEFT + round((day - self.first).days * (RIGHT - LEFT) / self.days)

    def span(self, start: date, end: date) -> tuple[int, int]:
        return self.x(start), max(self.x(end + timedelta(days=1)) - 1, self.x(start) + 1)


def _grid(scale: _Scale, bottom: int) -> list[Shape]:
    """A line and a date under each Monday."""
    shapes: list[Shape] = []
    monday = scale.first + timedelta(days=-scale.first.weekday() % 7)
    while (monday - scale.first).days < scale.days:
        x = scale.x(monday)
        shapes.append(Rule((x, TOP - 6), (x, bottom + 6), GRID))
        text = f"{_MONTHS[monday.month - 1]} {monday.day:02d}"
        shapes.append(Label((x, bottom + 18), text, FRAME, anchor="mm"))
        monday += timedelta(days=7)
    return shapes


def _task_shapes(scale: _Scale, middle: int, bar: TaskBar) -> list[Shape]:
    (left, right), (f_left, f_right) = scale.span(*bar.planned), scale.span(*bar.forecast)
    edge = (CRITICAL, 2) if bar.critical else (None, 0)
    text = _fitted(bar.label)
    return [
        Box((left, middle - BAR, right, middle - 1), PLANNED),
        Box((f_left, middle, f_right, middle + BAR - 1), bar.colour, *edge),
        Label((LEFT - 8, middle), text, CRITICAL if bar.critical else INK, bar.critical),
    ]


def _milestone_shapes(scale: _Scale, middle: int, milestone: MilestoneSlippage) -> list[Shape]:
    planned = sum(scale.span(milestone.planned_end, milestone.planned_end)) // 2
    projected = sum(scale.span(milestone.projected_end, milestone.projected_end)) // 2
    shapes: list[Shape] = []
    if milestone.projected_end != milestone.planned_end:
        shapes.append(Rule((planned, middle), (projected, middle), LATE))
        shapes.append(Diamond((projected, middle), LATE))
    shapes.append(Diamond((planned, middle), MILESTONE))
    name = f"◆ {milestone.name}" + ("  (missed)" if milestone.missed else "")
    return [*shapes, Label((LEFT - 8, middle), _fitted(name))]


def _fitted(label: str) -> str:
    """`label` cut to LABEL_CHARS, keeping what follows the name ("  (missing in Jira)  (+3)")."""
    if len(label) <= LABEL_CHARS:
        return label
    name, cut, rest = label.partition("  (")
    tail = cut + rest
    return name[: max(LABEL_CHARS - len(tail) - 1, 8)] + "…" + tail


LEGEND: tuple[tuple[str, str, str | None], ...] = (
    # (text, fill, edge); a diamond for the milestones
    ("planned", PLANNED, None),
    ("forecast, on time", FORECAST, None),
    ("forecast, late", PROJECTED, None),
    ("done on time", ON_TIME, None),
    ("done late", LATE, None),
    ("critical path", "#FFFFFF", CRITICAL),
    ("milestone planned", MILESTONE, "diamond"),
    ("milestone projected", LATE, "diamond"),
)


def _legend(top: int) -> list[Shape]:
    """Every entry always, whatever the data (the legend never moves the drawing): two rows
    of four under the plot."""
    shapes: list[Shape] = []
    for n, (text, fill, edge) in enumerate(LEGEND):
        x, y = LEFT + (n % 4) * 155, top + (n // 4) * 18
        if edge == "diamond":
            shapes.append(Diamond((x + 9, y), fill, 5))
        else:
            shapes.append(Box((x, y - 5, x + 18, y + 5), fill, edge, 2 if edge else 0))
        shapes.append(Label((x + 24, y), text, size=9, anchor="lm"))
    return shapes


def paint(layout: ChartLayout) -> bytes:
    """The layout as PNG bytes (deterministic: no metadata, no time stamp).

    A palette PNG: each pixel is painted as the index of its colour in `_Palette` — a
    shape's own (Pillow draws shapes without anti-aliasing), or for the soft edge of a letter
    one of TEXT_LEVELS shades of its colour over the background. An RGB PNG cost ~14 ms a
    chart to encode (Pillow filters each row of an RGB image, not of a palette one) and was
    twice the size; this one ~2 ms (the letters, drawn and shaded once per process, are
    pasted: `_lettering`)."""
    from PIL import Image, ImageDraw

    colours = _palette(*_colours(layout))
    image = Image.new("L", layout.size, colours.index(BACKGROUND))  # indices, until the end
    draw = ImageDraw.Draw(image)
    labels: list[Label] = []
    for shape in layout.shapes:
        if isinstance(shape, Box):
            _paint_box(draw, shape, colours)
        elif isinstance(shape, Rule):
            line = colours.index(shape.colour)
            draw.line([shape.start, shape.end], fill=line, width=shape.width)
        elif isinstance(shape, Diamond):
            (x, y), r = shape.at, shape.radius
            corners = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
            draw.polygon(corners, fill=colours.index(shape.colour))
        else:
            labels.append(shape)
    # Text goes over the shapes (they never overlap it, nor one label another): each pixel of
    # its letters as its shade of the ink.
    for label in labels:
        shaded, inked, (left, top) = _lettering(
            label.text, label.bold, label.size, label.anchor, label.colour, colours
        )
        image.paste(shaded, (label.at[0] + left, label.at[1] + top), inked)
    image.putpalette(colours.flat())  # the indices become colours: a "P" image
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)  # 6+ costs more CPU than it saves bytes
    return out.getvalue()


def _colours(layout: ChartLayout) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The colours `layout` paints: (of shapes, of text), each once, background first."""
    own: list[str] = [BACKGROUND]
    inks: list[str] = []
    for shape in layout.shapes:
        if isinstance(shape, Box):
            own += [c for c in (shape.fill, shape.edge) if c]
        elif isinstance(shape, Label):
            inks.append(shape.colour)
        else:
            own.append(shape.colour)
    return tuple(dict.fromkeys(own)), tuple(dict.fromkeys(inks))


@functools.lru_cache(maxsize=16)  # every chart has the same colours: one palette, read-only
def _palette(own: tuple[str, ...], inks: tuple[str, ...]) -> _Palette:
    return _Palette(own, inks)


class _Palette:
    """A chart's colours by index: the background, every shape's and text's colour, then per
    text colour its shades over the background, for letters' anti-aliased edges."""

    def __init__(self, own: Sequence[str], inks: Sequence[str]) -> None:
        self.rgb: list[tuple[int, int, int]] = []
        self._at: dict[tuple[int, int, int], int] = {}
        self._named = {c: self._add(_rgb(c)) for c in dict.fromkeys([*own, *inks])}
        # as many shades as fit the 256 entries of a PNG palette (TEXT_LEVELS for this chart)
        self.levels = max(2, min(TEXT_LEVELS, (256 - len(self.rgb)) // max(len(inks), 1) + 1))
        self._shades = {ink: self._shade_table(ink) for ink in inks}
        # which coverage of a letter's pixel is painted at all (0 and 255 only: a paste mask)
        self.inked = [255 if round(v * self.levels / 255) else 0 for v in range(256)]
        if len(self.rgb) > 256:
            raise ValueError(f"the chart has {len(self.rgb)} colours: a PNG palette holds 256")

    def _add(self, rgb: tuple[int, int, int]) -> int:
        if rgb not in self._at:
            self._at[rgb] = len(self.rgb)
            self.rgb.append(rgb)
        return self._at[rgb]

    def _shade_table(self, ink: str) -> list[int]:
        """Coverage (0..255) of a pixel by a letter in `ink` → the index of its shade."""
        paper, full = _rgb(BACKGROUND), _rgb(ink)
        steps = [self.index(BACKGROUND)]
        for level in range(1, self.levels):
            mixed = [
                round(p + (f - p) * level / self.levels) for p, f in zip(paper, full, strict=True)
            ]
            steps.append(self._add((mixed[0], mixed[1], mixed[2])))
        steps.append(self.index(ink))
        return [steps[round(v * self.levels / 255)] for v in range(256)]

    def index(self, colour: str) -> int:
        return self._named[colour]

    def shades(self, ink: str) -> list[int]:
        return self._shades[ink]

    def flat(self) -> list[int]:
        return [value for rgb in self.rgb for value in rgb]


def _paint_box(draw: ImageDraw, box: Box, colours: _Palette) -> None:
    left, top, right, bottom = box.box
    fill = colours.index(box.fill) if box.fill else None
    edge = colours.index(box.edge) if box.edge else None
    draw.rectangle((left, top, right, bottom), fill=fill, outline=edge, width=box.edge_width)


def _rgb(colour: str) -> tuple[int, int, int]:
    """ "#RRGGBB" → (r, g, b)."""
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


@functools.lru_cache(maxsize=1024)  # the same labels, dates and captions in every chart
def _lettering(
    text: str, bold: bool, size: int, anchor: str, ink: str, colours: _Palette
) -> tuple[PILImage, PILImage, tuple[int, int]]:
    """`text`'s letters ready to paste: each pixel of their box as the palette index of its
    shade of `ink`, the mask of the pixels they cover at all, and where the box lies from the
    anchor point. Made once per process (FreeType drawing the letters, and shading them on
    chart-sized layers, were two thirds of a chart's ~10 ms)."""
    coverage, offset = _glyphs(text, bold, size, anchor)
    return coverage.point(colours.shades(ink)), coverage.point(colours.inked), offset


def _glyphs(text: str, bold: bool, size: int, anchor: str) -> tuple[PILImage, tuple[int, int]]:
    """How much `text`'s letters cover each pixel of their box (0..255), and where that box
    lies from the anchor point. A position in whole pixels renders the same letters wherever
    it is, so they are drawn once, at the box's corner."""
    from PIL import Image, ImageDraw

    font = _font(bold, size)  # this call's own: FreeType faces are not shared between threads
    left, top, right, bottom = (int(edge) for edge in font.getbbox(text, anchor=anchor))
    coverage = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(coverage).text((-left, -top), text, fill=255, font=font, anchor=anchor)
    return coverage, (left, top)


def _font(bold: bool, size: int) -> FreeTypeFont | ImageFont:
    """DejaVu Sans (it has ◆, — and accented letters), as matplotlib ships it — found without
    importing matplotlib — else Pillow's own font. A font object per chart (FreeType faces
    are not shared between threads); only where its file is, is remembered."""
    from PIL import ImageFont

    path = _font_file(bold)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size)


@functools.cache  # finding matplotlib's folder took ~1 ms a chart
def _font_file(bold: bool) -> str | None:
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder, "mpl-data", "fonts", "ttf", f"DejaVuSans{'-Bold' if bold else ''}.ttf")
        if path.is_file():
            return str(path)
    return None
