"""People's regions end to end (issue 13, defect 4): what testers and the CAB write on the pages
is kept at every publish; only an edit of nivosync's part keeps a page as it is, and
`--force KIND` rewrites that one page kind (still keeping the people's regions)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from nivosync.app.publisher import PROPERTY_KEY
from nivosync.app.sites import confluence_gateway_for, open_sites
from nivosync.cli import main
from nivosync.core.regions import scan_regions, splice
from nivosync.core.storage_shape import same_storage
from nivosync.inputs.config import load_config

from .conftest import E2ESite, reader
from .test_publishing import human_edit

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
PASS = (
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter>'
    '<ac:parameter ac:name="title">Pass</ac:parameter></ac:structured-macro>'
)
DANA = "Dana"  # the sandbox's dana@example.com, who edits pages as a person


def cli(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def publish(site: E2ESite, *extra: str) -> dict[str, dict]:
    result = cli(site, "publish", *ACME, "--json", *extra)
    assert result.exit_code == 0, result.output
    return {p["kind"]: p for p in json.loads(result.stdout)["pages"]}


def create(site: E2ESite) -> dict[str, str]:
    """The release and its four pages: task id → Jira key."""
    result = cli(site, "create", *ACME, "--start", "2026-12-07", "--json")
    assert result.exit_code == 0, result.output
    return {i["task_id"]: i["key"] for i in json.loads(result.stdout)["issues"]}


class Pages:
    """The release's pages as a person sees and edits them (through the sandbox's REST)."""

    def __init__(self, site: E2ESite) -> None:
        self.site = site
        config = load_config(site.config_path)
        self._sites = open_sites(config)
        self.gateway = confluence_gateway_for(self._sites.__enter__(), config)

    def close(self) -> None:
        self._sites.__exit__(None, None, None)

    def id_of(self, title_part: str) -> str:
        found = self.gateway.find_page(self.gateway.space(), f"Acme Health 2.4.0 — {title_part}")
        assert found is not None, title_part
        return found.id

    def body(self, page_id: str) -> str:
        page = self.gateway.page(page_id)
        assert page is not None
        return page.body

    def regions(self, page_id: str) -> dict[str, str]:
        scan = scan_regions(self.body(page_id))
        assert scan is not None
        return {ident: region.content for ident, region in scan.regions.items()}

    def write_in(self, page_id: str, contents: dict[str, str]) -> str:
        """A person types `contents` into those regions; the body as the site then keeps it."""
        body = self.body(page_id)
        scan = scan_regions(body)
        assert scan is not None and set(contents) <= set(scan.regions), set(scan.regions)
        self.edit(page_id, splice(body, contents, scan))
        return self.body(page_id)

    def edit(self, page_id: str, body: str) -> None:
        human_edit(self.site, self.gateway, page_id, body)

    def recorded(self, page_id: str) -> dict:
        prop = self.gateway.page_property(page_id, PROPERTY_KEY)
        assert prop is not None
        return prop.value


def move_task(site: E2ESite, key: str) -> None:
    """A person moves a task on in Jira (its status, shown on the release plan, changes)."""
    client = reader(site)
    names = [t["name"].lower() for t in client.transitions(key)]
    step = next(n for n in ("in progress", "done") if n in names)
    transition = next(t["id"] for t in client.transitions(key) if t["name"].lower() == step)
    client.transition_issue(key, transition)


def add_uat_scenario(site: E2ESite, number: int) -> None:
    """The customer's own UAT scenarios grow: the UAT form is rewritten around the results."""
    data = yaml.safe_load(site.config_path.read_text())
    scenarios = data["customers"]["Acme Health"].setdefault("uat_scenarios", [])
    scenarios.append(
        {
            "id": f"acme-extra-{number}",
            "title": f"Acme check {number}",
            "steps": ["Do it."],
            "expected": "Done.",
        }
    )
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))


def confluence_writes(site: E2ESite) -> list[str]:
    return [w["path"] for w in site.writes() if w["path"].startswith(("/wiki", "/confluence"))]


def test_uat_results_survive_ten_republishes_with_changing_jira_data(site: E2ESite):
    keys = create(site)
    pages = Pages(site)
    try:
        uat = pages.id_of("UAT Form")
        typed = {
            "uat-deployment-result": PASS,
            "uat-deployment-comments": "<p>Deployed by Kim at 09:12 &amp; checked — ok</p>",
            "uat-deployment-defects": "<p>NVX-901, NVX-902</p>",
            "uat-sign-off-testing-team-decision": PASS,
        }
        after_edit = pages.write_in(uat, typed)
        kept = {k: v for k, v in pages.regions(uat).items() if k in typed}
        assert "Kim at 09:12" in after_edit and kept.keys() == typed.keys()
        tasks = [k for t, k in keys.items() if t != "epic"][:10]
        for round_ in range(10):
            move_task(site, tasks[round_])
            add_uat_scenario(site, round_)
            actions = {k: p["action"] for k, p in publish(site).items()}
            assert actions["plan"] == "updated" and actions["uat"] == "updated", (round_, actions)
            now = pages.regions(uat)
            for region, before in kept.items():
                # Byte for byte; a lozenge's macro id aside, which the sandbox (like
                # Confluence) may give anew on save when another macro already has it.
                exact = "ac:macro-id" not in before
                assert now[region] == before if exact else same_storage(now[region], before)
            assert f"uat-acme-extra-{round_}-result" in now
        assert pages.body(uat).count("Kim at 09:12") == 1
    finally:
        pages.close()


def ca_file(tmp_path: Path, rollback: str = "Redeploy 2.3.1 from the archive.") -> Path:
    path = tmp_path / "ca.yaml"
    path.write_text(
        "impact: Restart of the app servers.\n"
        f"rollback_plan: {rollback}\n"
        "downtime: Up to 30 minutes.\n"
    )
    return path


def test_a_cab_edit_is_kept_while_nivosyncs_regions_update(site: E2ESite, tmp_path):
    create(site)
    assert (
        publish(site, "--change-advisory", str(ca_file(tmp_path)))["change-advisory"]["action"]
        == "updated"
    )
    pages = Pages(site)
    try:
        ca = pages.id_of("Change Advisory")
        cab = {
            "ca-impact": "<p>CAB: the <strong>billing</strong> jobs pause for 10 minutes.</p>",
            "ca-approval-development-team": "<p>OK if the backout is rehearsed.</p>",
        }
        pages.write_in(ca, cab)
        written = {k: v for k, v in pages.regions(ca).items() if k in cab}
        site.clear()
        again = publish(site, "--change-advisory", str(ca_file(tmp_path)))
        # The people's text is kept; nivosync corrects the line under it, which still named
        # the file as the impact's source: one write, then none.
        assert again["change-advisory"]["action"] == "updated"
        assert "Source: written on this page" in pages.body(ca)
        assert {k: v for k, v in pages.regions(ca).items() if k in cab} == written
        site.clear()
        third = publish(site, "--change-advisory", str(ca_file(tmp_path)))
        assert third["change-advisory"]["action"] == "unchanged"
        assert confluence_writes(site) == []
        changed = ca_file(tmp_path, rollback="Restore the snapshot, then redeploy 2.3.1.")
        assert publish(site, "--change-advisory", str(changed))["change-advisory"]["action"] == (
            "updated"
        )
        body = pages.body(ca)
        assert "Restore the snapshot, then redeploy 2.3.1." in body  # nivosync's default moved
        assert {k: v for k, v in pages.regions(ca).items() if k in cab} == written
        assert "Restart of the app servers." not in body  # the person's text wins over the file
        assert "Source: written on this page" in body
        assert "Source: Change Advisory file" in body  # for the values still from the file
    finally:
        pages.close()


def test_an_edit_of_nivosyncs_part_is_named_and_force_kind_overrides_only_that_page(
    site: E2ESite, tmp_path
):
    create(site)
    pages = Pages(site)
    try:
        ca, uat = pages.id_of("Change Advisory"), pages.id_of("UAT Form")
        pages.write_in(uat, {"uat-deployment-result": PASS})
        pages.write_in(ca, {"ca-impact": "<p>CAB impact text</p>"})
        for page_id, old, new in (
            (ca, "Schedule regular check-ins", "Dana scheduled check-ins"),
            (uat, "Software deployed to the UAT environment", "Deployed (Dana)"),
        ):
            body = pages.body(page_id)
            assert old in body, old
            pages.edit(page_id, body.replace(old, new))
        file = str(ca_file(tmp_path))
        first = publish(site, "--change-advisory", file)
        assert first["change-advisory"]["action"] == "skipped-edited"
        message = first["change-advisory"]["message"]
        assert DANA in message and "'Risk assessment'" in message, message
        assert "--force change-advisory" in message
        assert first["uat"]["action"] == "skipped-edited"
        assert "'Test scenarios'" in first["uat"]["message"]
        forced = publish(site, "--change-advisory", file, "--force", "change-advisory")
        assert forced["change-advisory"]["action"] == "updated"
        assert forced["uat"]["action"] == "skipped-edited"  # one page kind at a time
        body = pages.body(ca)
        assert "Dana scheduled check-ins" not in body and "CAB impact text" in body
        assert "Deployed (Dana)" in pages.body(uat)
        assert publish(site, "--change-advisory", file)["change-advisory"]["action"] == (
            "unchanged"
        )
        result = cli(site, "publish", *ACME, "--force")  # the bare flag is gone: say which page
        assert result.exit_code == 2 and "--force" in result.output
    finally:
        pages.close()


def test_a_region_only_edit_with_nothing_new_makes_zero_writes(site: E2ESite):
    create(site)
    pages = Pages(site)
    try:
        for title, region in (
            ("UAT Form", "uat-deployment-result"),
            ("Release Plan", "plan-notes"),
        ):
            pages.write_in(pages.id_of(title), {region: PASS if "uat" in region else "<p>n</p>"})
        site.clear()
        actions = {k: p["action"] for k, p in publish(site).items()}
        # The UAT result is the Change Advisory's test evidence: that page follows it.
        assert actions == {
            "plan": "unchanged",
            "notes": "unchanged",
            "change-advisory": "updated",
            "uat": "unchanged",
        }
        ca = pages.body(pages.id_of("Change Advisory")).replace("\u2011", "-")
        assert "1 of 6 scenarios passed" in ca, ca
        site.clear()
        actions = {k: p["action"] for k, p in publish(site).items()}
        assert actions == dict.fromkeys(("plan", "notes", "change-advisory", "uat"), "unchanged")
        assert site.writes() == []
        uat = pages.id_of("UAT Form")
        reads = [r for r in site.requests() if r["method"] == "GET" and r["path"].endswith(uat)]
        assert len(reads) == 1, reads  # read for the evidence, and that read published it
    finally:
        pages.close()


def test_a_deleted_region_marker_is_reported_not_silently_lost(site: E2ESite, tmp_path):
    create(site)
    pages = Pages(site)
    try:
        ca = pages.id_of("Change Advisory")
        body = pages.write_in(ca, {"ca-impact": "<p>Our careful impact analysis</p>"})
        scan = scan_regions(body)
        assert scan is not None
        start, end = scan.regions["ca-impact"].marker
        data = body.encode()
        pages.edit(ca, (data[:start] + data[end:]).decode())  # the anchor deleted, text left
        file = str(ca_file(tmp_path))
        result = publish(site, "--change-advisory", file)["change-advisory"]
        assert result["action"] == "skipped-edited"
        assert "'ca-impact'" in result["message"] and "marker" in result["message"]
        assert "Our careful impact analysis" in pages.body(ca)
        assert "ca-impact" in pages.recorded(ca)["regions"]
    finally:
        pages.close()


def test_a_status_page_edit_is_said_in_the_sync_output_and_notes_are_kept(site: E2ESite):
    create(site)
    site.sandbox.faults.configure({"index_lag_seconds": 0})  # nights later: the index caught up
    first = cli(site, "sync", *ACME, "--as-of", "2026-12-14", "--json")
    assert first.exit_code == 0, first.output
    page_id = json.loads(first.stdout)["releases"][0]["status_page"]["id"]
    pages = Pages(site)
    try:
        pages.write_in(page_id, {"status-notes": "<p>Go-live call moved to 10:00.</p>"})
        later = cli(site, "sync", *ACME, "--as-of", "2026-12-16", "--json")
        assert json.loads(later.stdout)["releases"][0]["status_page"]["action"] == "updated"
        assert "Go-live call moved to 10:00." in pages.body(page_id)
        pages.write_in(page_id, {"status-notes": "<p>Go-live call moved to 10:00 (Zoom).</p>"})
        site.clear()
        quiet = cli(site, "sync", *ACME, "--as-of", "2026-12-16", "--json")
        assert json.loads(quiet.stdout)["releases"][0]["status_page"]["action"] == "unchanged", (
            site.writes()
        )
        assert confluence_writes(site) == []  # a night with only people's notes writes nothing
        body = pages.body(page_id)
        pages.edit(page_id, body.replace("<h2>History</h2>", "<h2>History (Dana)</h2>"))
        frozen = cli(site, "sync", *ACME, "--as-of", "2026-12-17")
        assert "Status page NOT UPDATED" in frozen.output and DANA in frozen.output
        report = cli(site, "sync", *ACME, "--as-of", "2026-12-17", "--json")
        page = json.loads(report.stdout)["releases"][0]["status_page"]
        assert page["action"] == "skipped-edited" and "'History (Dana)'" in page["message"]
        forced = cli(site, "sync", *ACME, "--as-of", "2026-12-17", "--json", "--force")
        assert json.loads(forced.stdout)["releases"][0]["status_page"]["action"] == "updated"
        body = pages.body(page_id)
        assert "History (Dana)" not in body and "moved to 10:00 (Zoom)." in body
    finally:
        pages.close()
