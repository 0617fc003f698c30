"""The publisher and people's regions against the sandbox: a region the new body has no place
for is kept at the end, a person's write racing nivosync's (409) is merged, the page property
records the regions and sections."""

from __future__ import annotations

from nivosync.app.publisher import PROPERTY_KEY, PageSpec, publish_all
from nivosync.core.regions import scan_regions, splice
from nivosync.render.regions import KEPT_HEADING, region_cell, region_panel
from nivosync.render.storage import heading, p, render, table

from .conftest import E2ESite
from .test_publishing import gateway, human_edit, publisher, root

__all__ = ["gateway"]  # the fixture, used by name

TITLE = "Acme Health 2.4.0 — UAT Form"


def uat(*scenarios: str, note: str = "one") -> list[PageSpec]:
    body = render(
        heading(2, "Overview"),
        p(f"nivosync's text {note}"),
        heading(2, "Results"),
        table(("ID", "Result"), [[s, region_cell(f"r-{s}", "Not tested")] for s in scenarios]),
        heading(2, "Notes"),
        region_panel("notes", p("To be completed by the release team")),
    )
    return [PageSpec("uat", TITLE, body)]


def person_writes(site: E2ESite, gateway, page_id: str, contents: dict[str, str]) -> None:
    body = gateway.page(page_id).body
    scan = scan_regions(body)
    assert scan is not None
    human_edit(site, gateway, page_id, splice(body, contents, scan))


def regions(gateway, page_id: str) -> dict[str, str]:
    scan = scan_regions(gateway.page(page_id).body)
    assert scan is not None
    return {ident: r.content for ident, r in scan.regions.items()}


def test_a_region_without_a_place_is_kept_at_the_end_and_comes_back(site: E2ESite, gateway):
    (made,) = publish_all(publisher(gateway), uat("a", "b"), root(gateway), {})
    person_writes(site, gateway, made.page_id, {"r-a": "<p>pass</p>", "r-b": "<p>fail: NVX-9</p>"})
    known = {"uat": made.page_id}
    (less,) = publish_all(publisher(gateway), uat("a", note="two"), root(gateway), known)
    assert less.action == "updated"
    body = gateway.page(made.page_id).body
    assert KEPT_HEADING in body and body.index(KEPT_HEADING) > body.index("nivosync's text two")
    assert regions(gateway, made.page_id)["r-b"] == "<p>fail: NVX-9</p>"
    again = publish_all(publisher(gateway), uat("a", note="two"), root(gateway), known)
    assert again[0].action == "unchanged"
    (back,) = publish_all(publisher(gateway), uat("a", "b", note="three"), root(gateway), known)
    assert back.action == "updated"
    body = gateway.page(made.page_id).body
    assert KEPT_HEADING not in body
    assert regions(gateway, made.page_id) == {
        "r-a": "<p>pass</p>",
        "r-b": "<p>fail: NVX-9</p>",
        "notes": "<p>To be completed by the release team</p>",
    }


def test_deleting_a_kept_region_is_not_an_edit_of_nivosyncs_part(site: E2ESite, gateway):
    (made,) = publish_all(publisher(gateway), uat("a", "b"), root(gateway), {})
    person_writes(site, gateway, made.page_id, {"r-b": "<p>fail</p>"})
    known = {"uat": made.page_id}
    publish_all(publisher(gateway), uat("a", note="two"), root(gateway), known)
    body = gateway.page(made.page_id).body
    human_edit(site, gateway, made.page_id, body[: body.index(f"<h2>{KEPT_HEADING}")])
    (after,) = publish_all(publisher(gateway), uat("a", note="three"), root(gateway), known)
    assert after.action == "updated"
    assert KEPT_HEADING not in gateway.page(made.page_id).body


def test_a_person_writing_in_a_region_during_the_update_is_merged_in(
    site: E2ESite, gateway, monkeypatch
):
    (made,) = publish_all(publisher(gateway), uat("a"), root(gateway), {})
    real_update = type(gateway).update_page
    calls = []

    def racing(self, page, title, body, message, **kwargs):
        calls.append(page.version)
        if len(calls) == 1:  # a tester saves the form just before nivosync's write
            person_writes(site, gateway, made.page_id, {"r-a": "<p>pass, just now</p>"})
        return real_update(self, page, title, body, message, **kwargs)

    monkeypatch.setattr(type(gateway), "update_page", racing)
    (again,) = publish_all(
        publisher(gateway), uat("a", note="two"), root(gateway), {"uat": made.page_id}
    )
    assert again.action == "updated" and len(calls) == 2
    page = gateway.page(made.page_id)
    assert "nivosync's text two" in page.body
    assert regions(gateway, made.page_id)["r-a"] == "<p>pass, just now</p>"


def test_the_property_records_regions_and_sections(site: E2ESite, gateway):
    (made,) = publish_all(publisher(gateway), uat("a"), root(gateway), {})
    recorded = gateway.page_property(made.page_id, PROPERTY_KEY).value
    assert set(recorded["regions"]) == {"r-a", "notes"}
    assert [title for title, _ in recorded["sections"]] == [
        "(top of the page)",
        "Overview",
        "Results",
        "Notes",
    ]
    assert recorded["title"] == TITLE
