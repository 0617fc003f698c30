"""Issue 15: a table without colour whose columns fit is laid out without importing rich —
exactly as rich lays it out, which these tests compare over any text, rich being the judge."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from nivosync.views.style import OutputStyle, status_cell
from nivosync.views.table import _rich_table, _widths, text_table

PLAIN = OutputStyle()
# Letters, digits, punctuation, a few symbols nivosync prints (— … ✓ ·), accents, wide CJK,
# an emoji, combining marks, control and zero-width characters, tabs, spaces.
ALPHABET = st.sampled_from(
    list("abcXYZ019 -_.:/@()#$%") + list("—…✓·éßØ") + list("漢字") + ["😀", "\u0301", "\u200b"]
    + ["\t", "\x07", "\u00a0"]
)  # fmt: skip
ANY_TEXT = st.text(ALPHABET, min_size=0, max_size=14)
# what tables mostly hold, where the layout without rich is used
WORDS = st.text(st.sampled_from(list("abcXYZ019 -_.:/@—…✓é")), min_size=1, max_size=14)


def tables(text: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[list[str], list[list[str]]]]:
    return st.integers(min_value=1, max_value=5).flatmap(
        lambda n: st.tuples(
            st.lists(text, min_size=n, max_size=n),
            st.lists(st.lists(text, min_size=n, max_size=n), max_size=6),
        )
    )


def by_rich(headers: list[str], rows: list[list[object]], style: OutputStyle) -> str:
    cells = [[str(v) if v not in (None, "") else "—" for v in row] for row in rows]
    return _rich_table(headers, cells, rows, _widths(headers, cells, style), style)


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(tables(WORDS), tables(ANY_TEXT), tables(st.one_of(WORDS, ANY_TEXT))),
    st.sampled_from([None, 30, 60, 100]),
)
@example((["Task", "Key"], [["kickoff", "NVX-2"], ["uat", None]]), None)
@example((["Key"], [["NVX-2"]]), None)
def test_the_table_is_what_rich_prints(table, width):
    headers, rows = table
    style = OutputStyle(width=width)
    assert text_table(headers, rows, style) == by_rich(headers, rows, style)


def test_a_painted_status_is_its_word_without_colour():
    rows = [["NVX-2", status_cell("In Progress")], ["NVX-10", status_cell("Done")]]
    assert text_table(["Key", "Status"], rows, PLAIN) == by_rich(["Key", "Status"], rows, PLAIN)
    coloured = OutputStyle(color=True)
    assert "\x1b[" in text_table(["Key", "Status"], rows, coloured)  # rich paints it


def test_a_table_that_fits_imports_no_rich():
    code = (
        "import sys\nfrom nivosync.views.style import OutputStyle\n"
        "from nivosync.views.table import text_table\n"
        "text_table(['Task', 'Key'], [['kickoff', 'NVX-2'], ['uat — day 1', None]], "
        "OutputStyle())\nprint(any(m.split('.')[0] == 'rich' for m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "False"
