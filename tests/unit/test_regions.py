"""People's regions, pure: found in a body, cut out byte for byte, merged into a new body."""

from __future__ import annotations

import pytest

from nivosync.app.page_regions import read_page, region_record
from nivosync.core.regions import (
    TOP_OF_PAGE,
    changed_sections,
    outside_regions,
    region_id,
    scan_regions,
    sections,
    splice,
)
from nivosync.core.storage_shape import same_storage, shape_hash
from nivosync.render.regions import (
    KEPT_HEADING,
    is_peoples,
    merge_regions,
    region_cell,
    region_panel,
    source_line,
)
from nivosync.render.storage import heading, p, render, table
from nivosync.sandbox.confluence.storage_rewrite import rewrite_storage

ANCHOR = (
    '<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">nivosync-region-{}'
    "</ac:parameter></ac:structured-macro>"
)


def cell(ident: str, content: str = "") -> str:
    return f"<td>{ANCHOR.format(ident)}{content}</td>"


def rendered(impact: str = "Restart & wait", rows: tuple[str, ...] = ("s1",)) -> str:
    return render(
        heading(2, "Impact"),
        region_panel("ca-impact", p(impact)),
        source_line("Change Advisory file ca.yaml"),
        heading(2, "Results"),
        table(("ID", "Result"), [[r, region_cell(r, "Not tested")] for r in rows]),
    )


def written(body: str, contents: dict[str, str]) -> str:
    """A person's save: their contents in the regions, the body as Confluence keeps it."""
    scan = scan_regions(body)
    assert scan is not None
    return rewrite_storage(splice(body, contents, scan), 7)


# --- finding ---------------------------------------------------------------------------------


def test_a_region_is_what_follows_its_anchor_in_a_cell_or_a_macro_body():
    body = rendered()
    scan = scan_regions(body)
    assert scan is not None
    assert list(scan.regions) == ["ca-impact", "s1"]
    impact, result = scan.regions["ca-impact"], scan.regions["s1"]
    assert (impact.block, impact.content) == (True, "<p>Restart &amp; wait</p>\n")
    assert (result.block, result.content) == (False, "Not tested")
    assert body.encode()[result.start : result.end].decode() == ANCHOR.format("s1") + "Not tested"


def test_offsets_are_right_after_entities_and_multibyte_text():
    body = "<p>é&nbsp;ü — &rsquo;</p>" + cell("x", "<p>ça&nbsp;va — ok</p>") + cell("y", "€")
    scan = scan_regions(body)
    assert scan is not None
    assert scan.regions["x"].content == "<p>ça&nbsp;va — ok</p>"
    assert scan.regions["y"].content == "€"


def test_an_editors_wrapping_and_a_marker_moved_inside_its_container_are_tolerated():
    wrapped = f"<td><p>{ANCHOR.format('a')}</p><p>mine</p></td>"
    later = f"<td><p>Pass {ANCHOR.format('b')}</p></td>"
    empty = (
        '<td><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">'
        "nivosync-region-c</ac:parameter></ac:structured-macro><br/></td>"
    )
    scan = scan_regions(wrapped + later + empty)
    assert scan is not None
    assert scan.regions["a"].content == "<p>mine</p>"  # the `<p>` the anchor filled is its
    assert scan.regions["b"].content == "<p>Pass </p>"
    assert scan.regions["c"].content == "<br/>"


def test_markers_out_of_place_twice_or_nested_are_told_apart():
    outside = f"<p>{ANCHOR.format('loose')}</p>"
    second = f"<td>{ANCHOR.format('one')}{ANCHOR.format('two')}</td>"
    twice = cell("dup", "first") + cell("dup", "second")
    nested = (
        '<ac:structured-macro ac:name="panel"><ac:rich-text-body>'
        f"{ANCHOR.format('outer')}<table><tbody><tr>{cell('inner', 'x')}</tr></tbody></table>"
        "</ac:rich-text-body></ac:structured-macro>"
    )
    scan = scan_regions(outside + second + twice + nested)
    assert scan is not None
    assert scan.misplaced == ("loose", "two")
    assert scan.duplicates == ("dup",)
    assert scan.regions["dup"].content == "first"
    assert "inner" not in scan.regions and "nivosync-region-inner" in scan.regions["outer"].content


def test_a_body_that_does_not_parse_has_no_regions():
    assert scan_regions("<p>unclosed") is None
    assert scan_regions("").regions == {}


def test_region_ids_are_readable_slugs():
    assert region_id("uat", "S1", "result") == "uat-s1-result"
    assert region_id("ca-approval", "Client SME Teams") == "ca-approval-client-sme-teams"
    assert region_id("uat-sign-off", "", "decision") == "uat-sign-off-decision"


# --- nivosync's part ---------------------------------------------------------------------------


def test_nivosyncs_part_is_the_body_with_regions_emptied_markers_and_all():
    body = rendered()
    scan = scan_regions(body)
    assert scan is not None
    outside = outside_regions(body, scan)
    assert "Restart" not in outside and "nivosync-region" not in outside
    edited = written(body, {"ca-impact": "<p>Dana's impact</p>", "s1": "PASS"})
    rescan = scan_regions(edited)
    assert rescan is not None
    assert sections(outside_regions(edited, rescan)) == sections(outside)  # though rewritten


def test_sections_name_what_changed():
    before = sections("<p>top</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p>")
    assert [t for t, _ in before] == [TOP_OF_PAGE, "A", "B"]
    after = sections("<p>top</p><h2>A</h2><p>a, edited</p><h2>C</h2><p>c</p>")
    assert changed_sections(after, before) == ["A", "C", "B"]
    assert changed_sections(before, before) == []


def test_shapes_set_aside_what_confluence_changes_on_save():
    sent = '<p>a&nbsp;b<br/><b>x</b></p><ac:structured-macro ac:name="status" />'
    stored = rewrite_storage(sent, 3)
    assert stored != sent and same_storage(stored, sent)
    assert shape_hash(stored) == shape_hash(sent)
    assert shape_hash("<p>a</p>") != shape_hash("<p>b</p>")


# --- merging -----------------------------------------------------------------------------------


def test_untouched_regions_take_the_new_default_peoples_are_kept_byte_for_byte():
    old = rendered()
    defaults = merge_regions(old, scan_regions(old), {}).defaults
    mine = "<p>Dana: <strong>billing</strong> pauses&nbsp;10 min</p>"
    stored = written(rewrite_storage(old, 7), {"ca-impact": mine})
    merged = merge_regions(rendered("Restart twice"), scan_regions(stored), defaults)
    assert merged.kept == ("ca-impact",)
    scan = scan_regions(merged.body)
    assert scan is not None
    assert scan.regions["ca-impact"].content == scan_regions(stored).regions["ca-impact"].content
    assert "Source: written on this page (it takes precedence over: Change Advisory file" in (
        merged.body
    )
    untouched = merge_regions(
        rendered("Restart twice"), scan_regions(rewrite_storage(old, 7)), defaults
    )
    assert untouched.kept == () and "Restart twice" in untouched.body
    assert "Source: Change Advisory file ca.yaml" in untouched.body


def test_without_a_record_content_other_than_the_new_default_is_a_persons():
    old = rendered()
    stored = written(old, {"s1": "PASS"})
    merged = merge_regions(rendered(), scan_regions(stored), {})
    assert merged.kept == ("s1",)
    assert is_peoples("", None) is False and is_peoples("<p>x</p>", None) is True


def test_a_persons_region_without_a_place_is_kept_at_the_end():
    old = rendered(rows=("s1", "s2"))
    defaults = merge_regions(old, scan_regions(old), {}).defaults
    stored = written(old, {"s2": "FAIL <em>NVX-9</em>", "s1": "PASS"})
    merged = merge_regions(rendered(rows=("s1",)), scan_regions(stored), defaults)
    assert merged.orphans == ("s2",) and merged.kept == ("s1",)
    assert merged.body.index(KEPT_HEADING) > merged.body.index("Results")
    assert scan_regions(merged.body).regions["s2"].content == "FAIL <em>NVX-9</em>"
    dropped = merge_regions(rendered(rows=("s1",)), scan_regions(old), defaults)
    assert dropped.orphans == () and KEPT_HEADING not in dropped.body  # nothing of people's


def test_text_that_looks_like_markup_or_a_marker_stays_the_persons_text():
    tricky = "<p>&lt;/td&gt; nivosync-region-s1 &lt;/ac:rich-text-body&gt; ]]&gt;</p>"
    stored = written(rendered(), {"ca-impact": tricky})
    merged = merge_regions(rendered("new"), scan_regions(stored), {})
    scan = scan_regions(merged.body)
    assert scan is not None and list(scan.regions) == ["ca-impact", "s1"]
    assert scan.regions["ca-impact"].content == tricky
    assert scan.regions["s1"].content == "Not tested"


# --- reading a page back -----------------------------------------------------------------------


@pytest.fixture
def record() -> dict:
    body = rendered()
    return region_record(body, merge_regions(body, scan_regions(body), {}).defaults)


def test_a_region_edit_is_no_conflict_an_edit_of_nivosyncs_part_is_named(record):
    body = rendered()
    theirs = written(body, {"ca-impact": "<p>mine</p>"})
    reading = read_page(theirs, body, record)
    assert reading.edited == () and not reading.conflict and reading.merged.kept == ("ca-impact",)
    outside = theirs.replace("ID</th>", "Scenario</th>")
    assert read_page(outside, body, record).edited == ("Results",)


def test_a_deleted_marker_is_missing(record):
    body = rendered()
    scan = scan_regions(body)
    start, end = scan.regions["ca-impact"].marker
    data = body.encode()
    reading = read_page((data[:start] + data[end:]).decode(), body, record)
    assert reading.missing == ("ca-impact",) and reading.conflict


def test_a_page_recorded_before_regions_cannot_tell_where_it_was_edited():
    body = rendered()
    assert read_page(body, body, {"hash": "x"}).edited is None
