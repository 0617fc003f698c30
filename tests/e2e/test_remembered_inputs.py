"""Issue 13, defects 2 and 3: what a release's pages and epic remember, on both flavours.

The notes and Change Advisory pages remember the last --notes / --change-advisory file (text
and hash, in their `nivosync.inputs` property), so a run given no file keeps what they show;
the epic remembers the template's name, file and hash, so `--template PATH` works after
`create`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nivosync.app.remembered import INPUTS_KEY
from nivosync.app.sites import confluence_gateway_for, open_sites
from nivosync.inputs.config import load_config

from .conftest import REPO, E2ESite
from .test_publish import ACME, cli, files, publish
from .test_publishing import attachment_version

START = ["--start", "2026-12-07"]


def bodies(site: E2ESite, pages: list[dict]) -> dict[str, str]:
    config = load_config(site.config_path)
    with open_sites(config) as sites:
        gateway = confluence_gateway_for(sites, config)
        return {p["kind"]: gateway.page(p["id"]).body for p in pages if p["id"]}


def inputs_property(site: E2ESite, page_id: str):
    config = load_config(site.config_path)
    with open_sites(config) as sites:
        prop = confluence_gateway_for(sites, config).page_property(page_id, INPUTS_KEY)
    return prop.value if prop else None


def published_with_files(site: E2ESite, tmp_path: Path) -> dict:
    assert cli(site, "create", *ACME, *START, "--no-publish").exit_code == 0
    notes, advisory = files(tmp_path)
    code, result = publish(site, "--notes", str(notes), "--change-advisory", str(advisory))
    assert code == 0, result
    assert {u["input"]: u["action"] for u in result["inputs"]} == {
        "notes": "remembered",
        "change-advisory": "remembered",
    }
    return result


def test_publish_without_files_keeps_what_they_published(site: E2ESite, tmp_path):
    first = published_with_files(site, tmp_path)
    notes_id = first["pages"][1]["id"]
    remembered = inputs_property(site, notes_id)
    assert remembered["file"].endswith("notes.yaml") and len(remembered["sha256"]) == 64
    assert "Export many records at once." in remembered["text"]
    # No local file is needed any more: the screenshot is the page's attachment already.
    for name in ("notes.yaml", "ca.yaml", "img/export.png"):
        (tmp_path / name).unlink()
    site.clear()
    text = cli(site, "publish", *ACME)
    assert text.exit_code == 0, text.output
    assert "release notes: kept the inputs of " in text.stdout
    assert "notes.yaml, sha256 " in text.stdout and "--forget-notes drops them" in text.stdout
    assert "Change Advisory: kept the inputs of " in text.stdout
    assert site.writes() == []  # the same pages as before: nothing to write
    code, again = publish(site)
    assert code == 0
    assert {p["action"] for p in again["pages"]} == {"unchanged"}
    assert {u["input"]: u["action"] for u in again["inputs"]} == {
        "notes": "kept",
        "change-advisory": "kept",
    }
    body = bodies(site, again["pages"])
    assert "Restart of the app servers." in body["change-advisory"]
    assert "Redeploy 2.3.1 from the archive." in body["change-advisory"]
    assert "Up to 30 minutes." in body["change-advisory"]
    assert "Login after password change" in body["notes"]
    assert 'ri:filename="export.png"' in body["notes"]
    assert attachment_version(site, notes_id, "export.png") == 1  # never uploaded again


def test_replan_republishes_from_the_remembered_inputs(site: E2ESite, tmp_path):
    published_with_files(site, tmp_path)
    result = cli(site, "replan", *ACME, "--start", "2026-12-14", "--reason", "late", "--json")
    assert result.exit_code == 0, result.output
    outcome = json.loads(result.stdout)
    actions = {p["kind"]: p["action"] for p in outcome["pages"]}
    assert actions["change-advisory"] == "updated"  # its dates moved
    assert "notes" in actions
    assert not [n for n in outcome["notes"] if "not republished" in n]
    assert any("republished from the inputs it remembers" in n for n in outcome["notes"])
    body = bodies(site, outcome["pages"])
    assert "Restart of the app servers." in body["change-advisory"]
    assert "Bulk export" in body["change-advisory"]  # the notes items, remembered too


def test_forget_notes_drops_them_and_only_them(site: E2ESite, tmp_path):
    published_with_files(site, tmp_path)
    notes, _ = files(tmp_path)
    both = cli(site, "publish", *ACME, "--notes", str(notes), "--forget-notes")
    assert both.exit_code == 2 and "not both" in both.stderr
    other_page = cli(site, "publish", *ACME, "--page", "plan", "--forget-notes")
    assert other_page.exit_code == 2 and "--page notes" in other_page.stderr
    code, result = publish(site, "--forget-notes")
    assert code == 0, result
    uses = {u["input"]: u["action"] for u in result["inputs"]}
    assert uses == {"notes": "forgotten", "change-advisory": "kept"}
    actions = {p["kind"]: p["action"] for p in result["pages"]}
    assert actions["notes"] == actions["change-advisory"] == "updated"
    body = bodies(site, result["pages"])
    assert "Login after password change" not in body["notes"]
    assert "Restart of the app servers." in body["change-advisory"]
    site.clear()
    code, again = publish(site)
    assert [u["input"] for u in again["inputs"]] == ["change-advisory"]
    assert {p["action"] for p in again["pages"]} == {"unchanged"}
    assert site.writes() == []
    code, nothing = publish(site, "--forget-notes")
    assert nothing["inputs"][0]["action"] == "nothing to forget"


def test_a_changed_notes_file_replaces_what_is_remembered(site: E2ESite, tmp_path):
    published_with_files(site, tmp_path)
    notes, _ = files(tmp_path, title="Bulk export and import")
    code, result = publish(site, "--notes", str(notes))
    assert code == 0, result
    assert {u["input"]: u["action"] for u in result["inputs"]} == {
        "notes": "remembered",
        "change-advisory": "kept",
    }
    code, again = publish(site)
    assert {p["action"] for p in again["pages"]} == {"unchanged"}
    assert "Bulk export and import" in bodies(site, again["pages"])["notes"]
    code, same = publish(site, "--notes", str(notes))
    assert {u["input"]: u["action"] for u in same["inputs"]}["notes"] == "already remembered"


def test_a_file_too_large_to_remember_is_refused_before_any_request(site: E2ESite, tmp_path):
    assert cli(site, "create", *ACME, *START, "--no-publish").exit_code == 0
    notes = tmp_path / "notes.yaml"
    long = "A long description. " * 2000  # 40 KB: larger than a page property holds
    notes.write_text(f"items:\n  - section: features\n    title: Big\n    description: {long}\n")
    site.clear()
    result = cli(site, "publish", *ACME, "--notes", str(notes))
    assert result.exit_code == 2
    assert "too large to remember" in result.stderr and "32 KB" in result.stderr
    assert site.requests() == []


# --- the template, by path ----------------------------------------------------------------


@pytest.fixture
def own_template(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped template under another name, given as `./acme-plan.yaml`."""
    shipped = (REPO / "plan_templates" / "nivomax-5-week.yaml").read_text()
    (tmp_path / "work").mkdir()
    path = tmp_path / "work" / "acme-plan.yaml"
    path.write_text(shipped.replace("name: nivomax-5-week", "name: acme-plan"))
    monkeypatch.chdir(tmp_path / "work")
    return path


def test_create_with_a_template_path_then_publish_and_sync_without_it(
    site: E2ESite, own_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    created = cli(site, "create", *ACME, *START, "--template", "./acme-plan.yaml", "--json")
    assert created.exit_code == 0, created.output
    pages = json.loads(created.stdout)["pages"]
    assert [p["action"] for p in pages] == ["created"] * 4
    monkeypatch.chdir(tmp_path)  # another folder: the template is found by its recorded path
    code, result = publish(site)
    assert code == 0, result
    assert {p["action"] for p in result["pages"]} == {"unchanged"}
    assert result["notes"] == []
    synced = cli(site, "sync", *ACME, "--as-of", "2026-12-14", "--json")
    assert synced.exit_code == 0, synced.output

    own_template.write_text(
        own_template.read_text().replace("title: NIVOMAX Release", "title: ACME Release")
    )
    code, changed = publish(site)
    assert code == 0, changed
    (note,) = changed["notes"]
    assert "acme-plan" in note and "changed since the release was created" in note
    moved = cli(site, "replan", *ACME, "--start", "2026-12-14", "--reason", "later", "--json")
    assert moved.exit_code == 0, moved.output
    assert any(
        "changed since the release was created" in n for n in json.loads(moved.stdout)["notes"]
    )

    own_template.unlink()
    lost = cli(site, "publish", *ACME)
    assert lost.exit_code == 2
    assert "acme-plan.yaml" in lost.stderr and "--template PATH" in lost.stderr
