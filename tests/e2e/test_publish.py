"""`nivosync publish` with notes and Change Advisory files, against both sandbox flavours."""

from __future__ import annotations

import json
from pathlib import Path

import requests
from click.testing import CliRunner

from nivosync.app.sites import confluence_gateway_for, open_sites
from nivosync.cli import main
from nivosync.inputs.config import load_config

from .conftest import E2ESite
from .test_publishing import attachment_version, v1_listing_status

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def cli(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def files(tmp_path: Path, title: str = "Bulk export") -> tuple[Path, Path]:
    (tmp_path / "img").mkdir(exist_ok=True)
    (tmp_path / "img" / "export.png").write_bytes(PNG)
    notes = tmp_path / "notes.yaml"
    notes.write_text(
        "summary: Highlights of 2.4.0.\n"
        "items:\n"
        f"  - section: features\n    title: {title} <script>alert(1)</script>\n"
        "    description: Export many records at once.\n"
        "    screenshots: [img/export.png]\n"
        "  - section: fixes\n    title: Login after password change\n"
    )
    advisory = tmp_path / "ca.yaml"
    advisory.write_text(
        "impact: Restart of the app servers.\nrollback_plan: Redeploy 2.3.1 from the archive.\n"
        "downtime: Up to 30 minutes.\n"
    )
    return notes, advisory


def publish(site: E2ESite, *extra: str) -> tuple[int, dict]:
    result = cli(site, "publish", *ACME, "--json", *extra)
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else {}


def test_publish_with_files_then_nothing_to_write(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    notes, advisory = files(tmp_path)
    code, result = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert code == 0, result
    assert [p["action"] for p in result["pages"]] == ["created"] * 4
    assert [p["kind"] for p in result["pages"]] == ["plan", "notes", "change-advisory", "uat"]
    notes_page = result["pages"][1]
    with open_sites(load_config(site.config_path)) as sites:
        gateway = confluence_gateway_for(sites, load_config(site.config_path))
        assert [a.title for a in gateway.attachments(notes_page["id"])] == ["export.png"]
        body = gateway.page(notes_page["id"]).body
    assert 'ri:filename="export.png"' in body
    assert "&lt;script&gt;" in body and "<script>" not in body
    site.clear()
    code, again = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert [p["action"] for p in again["pages"]] == ["unchanged"] * 4
    assert site.writes() == []
    notes, _ = files(tmp_path, title="Bulk export and import")
    code, changed = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    actions = {p["kind"]: p["action"] for p in changed["pages"]}
    assert actions == {
        "plan": "unchanged",
        "notes": "updated",
        "change-advisory": "updated",
        "uat": "unchanged",
    }


def test_one_page_and_dry_run(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, "--start", "2026-12-07").exit_code == 0
    site.clear()
    code, result = publish(site, "--page", "uat", "--dry-run")
    assert code == 0
    assert [(p["kind"], p["action"]) for p in result["pages"]] == [("uat", "unchanged")]
    assert site.writes() == []


def test_bad_notes_file_is_exit_2_with_nothing_written(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    bad = tmp_path / "notes.yaml"
    bad.write_text("items:\n  - section: feechers\n    title: x\n")
    site.clear()
    result = cli(site, "publish", *ACME, "--notes", str(bad))
    assert result.exit_code == 2
    assert "notes.yaml:2" in result.stderr
    assert site.requests() == []  # checked before any request


def test_publish_before_create_is_explained(site: E2ESite):
    result = cli(site, "publish", *ACME)
    assert result.exit_code == 2
    assert "run `nivosync create` first" in result.stderr


def test_lost_answer_to_a_property_put_then_409_still_publishes(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    notes, advisory = files(tmp_path)
    code, _ = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert code == 0
    notes, _ = files(tmp_path, title="Bulk export and import")
    # The first property PUT commits but its answer is lost; its replay is answered 409.
    rule = {"fault": "commit-then-reset", "rate": 0.5, "method": "PUT"}
    rule["path"] = r"^/(wiki|confluence)/.*/propert(y|ies)/[^/]+$"
    site.sandbox.faults.configure({"seed": 1, "rules": [rule]})  # seed 1 draws: fire, then not
    site.clear()
    result = cli(site, "publish", *ACME, "--json", "--notes", str(notes))
    site.sandbox.faults.clear()
    assert "Traceback" not in result.output and "unexpected" not in result.stderr
    assert result.exit_code == 0, result.stderr
    assert {"commit-then-reset"} == {r["fault"] for r in site.requests()} - {None}
    assert 409 in {r["status"] for r in site.requests() if r["method"] == "PUT"}
    actions = {p["kind"]: p["action"] for p in json.loads(result.stdout)["pages"]}
    assert actions["notes"] == "updated"
    code, again = publish(site, "--notes", str(notes))
    assert {p["kind"]: p["action"] for p in again["pages"]}["notes"] == "unchanged"


def test_changed_screenshot_is_republished_with_the_410s_on(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    notes, advisory = files(tmp_path)
    code, result = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert code == 0, result
    notes_id = result["pages"][1]["id"]
    assert v1_listing_status(site, notes_id) == (410 if site.flavor == "cloud" else 200)
    (tmp_path / "img" / "export.png").write_bytes(PNG + b"changed")
    site.clear()
    code, changed = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert code == 0, changed
    assert {p["kind"]: p["action"] for p in changed["pages"]}["notes"] == "updated"
    assert 410 not in {r["status"] for r in site.requests()}
    assert attachment_version(site, notes_id, "export.png") == 2


def test_nightly_status_page_with_a_changed_chart_is_published(site: E2ESite):
    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    first = cli(site, "sync", *ACME, "--as-of", "2026-12-14", "--json")
    assert first.exit_code == 0, first.output
    page_id = json.loads(first.stdout)["releases"][0]["status_page"]["id"]
    site.clear()
    later = cli(site, "sync", *ACME, "--as-of", "2026-12-16", "--json")
    assert later.exit_code == 0, later.output  # the night the v1 listing's 410 broke
    assert json.loads(later.stdout)["releases"][0]["status_page"]["action"] == "updated"
    assert 410 not in {r["status"] for r in site.requests()}
    assert attachment_version(site, page_id, "slippage.png") == 2
    if site.flavor == "datacenter":
        # A routine update is a minor edit (no watcher e-mails); one that worsens the release
        # (here: now slipping) is a normal edit, so that its watchers hear of it.
        change = json.loads(later.stdout)["releases"][0]["change"]["kind"]
        url = f"{site.sandbox.confluence_url}/rest/api/content/{page_id}"
        read = requests.get(url, params={"expand": "version"}, auth=site.sandbox.auth, timeout=10)
        assert read.json()["version"]["minorEdit"] is (change == "changed"), change


def page_labels(site: E2ESite, page_id: str) -> set[str]:
    base = site.sandbox.confluence_url
    found = requests.get(
        f"{base}/rest/api/content/{page_id}/label", auth=site.sandbox.auth, timeout=10
    )
    if found.status_code == 410:  # Cloud: the v2 listing
        found = requests.get(
            f"{base}/api/v2/pages/{page_id}/labels", auth=site.sandbox.auth, timeout=10
        )
    return {item.get("name") for item in found.json().get("results", [])}


def test_a_page_created_just_before_a_crash_gets_its_labels_on_the_next_run(site: E2ESite):
    """Issue 11, item 8: the page was made, then the run died before its labels and property;
    the next run adopts it and completes both."""
    import yaml

    assert cli(site, "create", *ACME, "--start", "2026-12-07", "--no-publish").exit_code == 0
    data = yaml.safe_load(site.config_path.read_text())
    data["http"] = {"max_retry_wait_seconds": 1, "retry_budget_seconds": 2}  # give up quickly
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    refuse = {"fault": "500", "rate": 1.0, "method": "POST", "path": r"/label$"}
    site.sandbox.faults.configure({"rules": [refuse]})
    code, _ = publish(site, "--page", "uat")
    assert code == 1
    site.sandbox.faults.clear()
    code, report = publish(site, "--page", "uat")
    assert code == 0, report
    page = report["pages"][0]
    assert page["action"] == "unchanged"  # adopted: the body was already right
    assert {"nivosync", "nivosync-acme-health--2_4_0"} <= page_labels(site, page["id"])
    site.clear()
    code, again = publish(site, "--page", "uat")
    assert (code, again["pages"][0]["action"], site.writes()) == (0, "unchanged", [])
