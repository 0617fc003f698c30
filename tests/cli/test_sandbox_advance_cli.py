"""A newcomer's first hour on the embedded sandbox (`jira.url: sandbox`, a tmp database):
create a release, play it forward with a late kickoff, and see `sync` report it slipping."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from nivosync.cli import main

REPO = Path(__file__).resolve().parents[2]
ACME = ["--customer", "Acme Health", "--release", "2.4.0"]


def test_create_advance_with_a_late_kickoff_then_sync_sees_the_slip(tmp_path, monkeypatch):
    monkeypatch.delenv("NIVOSYNC_JIRA_TOKEN", raising=False)
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["sandbox"]["db"] = str(tmp_path / "sandbox.db")
    config = tmp_path / "nivosync.yaml"
    config.write_text(yaml.safe_dump(data, sort_keys=False))

    def run(*args: str):
        result = CliRunner().invoke(main, ["--config", str(config), *args])
        assert "Traceback" not in result.output
        return result

    assert run("create", *ACME, "--start", "2026-12-07").exit_code == 0
    played = run("sandbox", "advance", "--to", "2026-12-16", "--late", "upgrade-release-kickoff")
    assert played.exit_code == 0, played.output
    assert "upgrade-release-kickoff (3 days late)" in played.stdout
    assert "The sandbox's day is now 2026-12-16." in played.stdout
    synced = run("sync", *ACME, "--json")
    assert synced.exit_code == 0, synced.output
    report = json.loads(synced.stdout)
    assert report["as_of"] == "2026-12-16"
    (release,) = report["releases"]
    assert release["status"] == "slipping"
    assert release["projected_go_live"] > release["planned_go_live"] == "2027-01-07"
    kickoff = next(t for t in release["tasks"] if t["task_id"] == "upgrade-release-kickoff")
    assert (kickoff["resolved"], kickoff["slip_days"]) == ("2026-12-10", 3)
