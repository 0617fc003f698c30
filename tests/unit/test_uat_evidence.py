"""Reading what testers wrote on the UAT form (the Change Advisory's test evidence)."""

from nivosync.core.regions import scan_regions
from nivosync.core.template import UatScenarioSpec
from nivosync.core.uat_evidence import cell_text, read_evidence, scenario_region, sign_off_region
from nivosync.render.regions import region_cell
from nivosync.render.storage import element, p, render, status, table


def scenario(ident: str, roles: list[str]) -> UatScenarioSpec:
    return UatScenarioSpec(
        id=ident, title=ident.title(), steps=["Do it."], expected="Done.", roles=roles
    )


def form(cells: dict[str, object]) -> str:
    return render(table(("Cell",), [[region_cell(ident, value)] for ident, value in cells.items()]))


def test_results_and_sign_offs_are_read_from_the_peoples_cells():
    scenarios = [scenario("uat-a", ["Testers"]), scenario("b", ["Client"]), scenario("c", [])]
    body = form(
        {
            scenario_region("uat-a", "result"): status("Pass", "Green"),
            scenario_region("b", "result"): p("failed: see NVX-9"),
            scenario_region("c", "result"): status("Not tested"),
            sign_off_region("Testers", "decision"): status("Approved", "Green"),
            sign_off_region("Testers", "date"): p("2027-01-04"),
            sign_off_region("Client", "decision"): status("Pending"),
        }
    )
    scan = scan_regions(body)
    assert scan is not None
    found = read_evidence(scan, scenarios)
    assert [(r.id, r.result) for r in found.results] == [
        ("uat-a", "passed"),
        ("b", "failed"),
        ("c", "not tested"),
    ]
    assert [(s.role, s.decision, s.on) for s in found.sign_offs] == [
        ("Testers", "signed off", "2027-01-04"),
        ("Client", "pending", ""),
    ]
    assert not found.signed_off and found.count("passed") == 1


def test_a_cell_is_read_as_a_lozenge_title_or_its_words():
    assert cell_text(render(status("Blocked", "Yellow"))) == "Blocked"
    assert cell_text(render(p("  Rejected", element("br"), "by  QA "))) == "Rejectedby QA"
    assert cell_text("<p>not well formed") == ""
