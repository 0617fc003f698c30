"""Rows for the terminal, through rich: a table that fits the style's width (long cells wrap,
dates and keys do not), tab-separated plain text, or CSV; and statuses painted in colour.

Only here does a view talk to rich; every other view builds headers and rows. rich is imported
only where it draws: a table without colour whose columns all fit at their natural widths is
laid out here as rich lays it out (`_aligned`, checked against rich in the tests) — importing
rich costs a short command ~10% of its CPU (issue 15)."""

from __future__ import annotations

import csv
import io
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING

from nivosync.views.style import TONE_STYLES, Format, OutputStyle, Painted

if TYPE_CHECKING:
    from rich.box import Box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

Row = Sequence[object]
UNWRAPPED = 100_000  # "no width": wider than any row, so nothing wraps
NO_WRAP_UP_TO = 12  # a column of short words (dates, keys, counts) never wraps
WORD_CAPS = (24, 16, 12, 8, 4)  # a longer word (a URL, an email) may fold inside its column
GAP = 2  # between columns
# Characters rich gives one cell each, as `len` counts them (wide, combining, control: rich).
_ONE_CELL = frozenset({"Na", "N", "A"})


def rule_under_header() -> Box:
    """A rule of dashes under the header, the columns apart by two spaces (as before rich)."""
    from rich.box import Box

    return Box("    \n    \n -  \n    \n    \n    \n    \n    \n", ascii=True)


def console(style: OutputStyle) -> Console:
    """A console writing to memory, set by the style alone: nothing from the environment."""
    from rich.console import Console

    return Console(
        file=io.StringIO(),
        width=style.width or UNWRAPPED,
        color_system="standard" if style.color else None,
        force_terminal=style.color,
        no_color=not style.color,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        _environ={},
    )


def text_table(headers: Sequence[str], rows: Sequence[Row], style: OutputStyle) -> str:
    """Left-aligned columns under a rule, fitting `style.width` (no line is longer)."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = _widths(headers, cells, style)
    if not style.color and all(w is None for w in widths):
        aligned = _aligned(headers, cells, style.width or UNWRAPPED)
        if aligned is not None:
            return aligned
    return _rich_table(headers, cells, rows, widths, style)


def _aligned(headers: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str | None:
    """The table as rich prints it with each column at its natural width and no colour; None
    where they do not fit in `width`, or a cell holds what rich would measure or break
    otherwise (rich then draws the table)."""
    texts = [*headers, *(text for row in cells for text in row)]
    if not all(text and text.strip() == text and _one_cell_each(text) for text in texts):
        return None
    widths = [max(map(len, column)) for column in zip(headers, *cells, strict=True)]
    if sum(widths) + GAP * (len(widths) - 1) > width:
        return None
    rule = " ".join("-" * (w + 1) for w in widths[:-1]) + " " * (len(widths) > 1)
    lines = [_line(headers, widths), rule + "-" * widths[-1]]
    lines += [_line(row, widths) for row in cells]
    return "\n".join(lines)


def _line(texts: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(t.ljust(w) for t, w in zip(texts, widths, strict=True)).rstrip()


def _one_cell_each(text: str) -> bool:
    if text.isascii():
        return text.isprintable()
    return all(
        c.isprintable()
        and unicodedata.east_asian_width(c) in _ONE_CELL
        and not unicodedata.combining(c)
        for c in text
    )


def _rich_table(
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    rows: Sequence[Row],
    widths: Sequence[int | None],
    style: OutputStyle,
) -> str:
    from rich.table import Table

    table = Table(
        box=rule_under_header(),
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
        header_style="bold" if style.color else "",
    )
    for header, width in zip(headers, widths, strict=True):
        table.add_column(header, overflow="fold", width=width)
    for row, values in zip(cells, rows, strict=True):
        table.add_row(*(_text(text, value, style) for text, value in zip(row, values, strict=True)))
    return _rendered(table, style)


def _rendered(table: Table, style: OutputStyle) -> str:
    out = console(style)
    out.print(table)
    text: str = out.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines())


def _widths(
    headers: Sequence[str], cells: Sequence[Sequence[str]], style: OutputStyle
) -> list[int | None]:
    """Each column's width; None: its natural width (all fits), or rich's own squeeze.

    Short columns (dates, keys, counts) keep their values whole (a header may wrap). The
    others get at least their longest word (up to a cap, lowered until they fit) — columns of
    short words whole first, so an email does not fold while a long task id might — and share
    the room left in proportion to what they would like."""
    columns = [[header, *(row[index] for row in cells)] for index, header in enumerate(headers)]
    natural = [max(len(text) for text in column) for column in columns]
    words = [max((len(w) for t in column for w in t.split()), default=1) for column in columns]
    values = [max((len(text) for text in column[1:]), default=0) for column in columns]
    heads = [max((len(w) for w in header.split()), default=0) for header in headers]
    room = (style.width or UNWRAPPED) - GAP * (len(headers) - 1)
    if sum(natural) <= room:
        return [None] * len(headers)
    for cap in WORD_CAPS:
        least = [
            max(v, h) if v <= NO_WRAP_UP_TO else min(w, cap, n)
            for n, w, v, h in zip(natural, words, values, heads, strict=True)
        ]
        if sum(least) <= room:
            return list[int | None](_share(least, natural, words, room))
    return [None] * len(headers)  # rich folds what it must


def _share(least: list[int], natural: list[int], words: list[int], room: int) -> list[int]:
    """Widths from the least ones: whole words first (shortest first), then the rest shared."""
    widths = list(least)
    for index in sorted(range(len(widths)), key=lambda i: words[i]):
        whole = min(words[index], natural[index])
        if whole > widths[index] and sum(widths) - widths[index] + whole <= room:
            widths[index] = whole
    wants = [n - w for n, w in zip(natural, widths, strict=True)]
    spare = room - sum(widths)
    if sum(wants) > 0:
        widths = [w + spare * want // sum(wants) for w, want in zip(widths, wants, strict=True)]
    return widths


def pairs_text(pairs: Sequence[tuple[str, str]], style: OutputStyle) -> str:
    """Label and value lines ('Release   Acme Health 2.4.0'), the values wrapped to the width."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in pairs:
        grid.add_row(Text(label), Text(value))
    return _rendered(grid, style)


def plain_table(headers: Sequence[str], rows: Sequence[Row]) -> str:
    """Tab-separated, a header line first; never wrapped (for `cut`, `awk`, spreadsheets)."""
    lines = ["\t".join(headers)]
    lines += ["\t".join(_flat(_cell(v, empty="")) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def csv_table(headers: Sequence[str], rows: Sequence[Row]) -> str:
    """RFC 4180 CSV with a header row (Python's csv module: quoting as spreadsheets expect)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([_cell(v, empty="") for v in row] for row in rows)
    return buffer.getvalue()


def rows_output(
    headers: Sequence[str], rows: Sequence[Row], fmt: Format, style: OutputStyle
) -> str:
    """The rows in `fmt` (table, plain or csv; json is each command's own document)."""
    if fmt == "plain":
        return plain_table(headers, rows)
    if fmt == "csv":
        return csv_table(headers, rows)
    return text_table(headers, rows, style) + "\n"


def paint(value: Painted, style: OutputStyle) -> str:
    """The value in its colour (ANSI, through rich) when the style has colour; else as it is."""
    if not style.color or value.tone is None:
        return value.text
    from rich.text import Text

    out = console(style)
    out.print(Text(value.text, style=TONE_STYLES[value.tone]), end="")
    return out.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def fit(text: str, style: OutputStyle) -> str:
    """Free text (not a table) wrapped to the style's width, each continuation indented under
    its line; unchanged without a width."""
    if style.width is None:
        return text
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= style.width:
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        wrapped = textwrap.wrap(
            line, style.width, subsequent_indent=indent + "  ", break_on_hyphens=False
        )
        lines += wrapped or [line]
    return "\n".join(lines)


def key_order(key: str | None) -> tuple[int, str, int]:
    """Sorts Jira keys as people do (NVX-2 before NVX-10); no key last."""
    if not key:
        return (1, "", 0)
    project, _, number = key.rpartition("-")
    return (0, project, int(number)) if number.isdigit() else (0, key, 0)


def _text(text: str, value: object, style: OutputStyle) -> Text:
    from rich.text import Text

    tone = value.tone if isinstance(value, Painted) else None
    return Text(text, style=TONE_STYLES[tone] if tone and style.color else "")


def _cell(value: object, empty: str = "—") -> str:
    return empty if value is None or value == "" else str(value)


def _flat(text: str) -> str:
    """One plain-text field: no tab or line break inside it."""
    return " ".join(text.split()) if any(c in text for c in "\t\n\r") else text
