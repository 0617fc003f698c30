"""Issue 14, the terminal, against the sandbox: `releases` and `status` (reads only, the
searches `sync` makes), summary lines, JSON action objects, colour and progress."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

from nivosync.cli import main

from .conftest import E2ESite
from .test_sync import ACME, create, night_passes

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
GLOBEX = ["--customer", "Globex Logistics", "--release", "1.0.0"]


def cli(site: E2ESite, *args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args], env=env)


def calls(site: E2ESite) -> list[tuple[str, str, str]]:
    return sorted((r["method"], r["path"], r["query"] or "") for r in site.requests())


def test_releases_lists_from_jira_with_the_searches_sync_makes(site: E2ESite):
    create(site)
    made = cli(site, "create", *GLOBEX, "--start", "2026-12-07", "--no-publish")
    assert made.exit_code == 0, made.output
    cancelled = cli(site, "cancel", *GLOBEX, "--reason", "customer withdrew")
    assert cancelled.exit_code == 0, cancelled.output
    night_passes(site)
    site.clear()
    listed = cli(site, "releases", "--json")
    assert listed.exit_code == 0, listed.output
    reads = calls(site)
    assert site.writes() == []
    site.clear()
    assert cli(site, "sync", "--all", "--no-publish", "--json").exit_code == 0
    assert reads == calls(site)  # the same searches (and Data Center's property reads)
    document = json.loads(listed.stdout)
    assert document["schema"] == "nivosync.releases/1"
    rows = {r["customer"]: r for r in document["releases"]}
    acme, globex = rows["Acme Health"], rows["Globex Logistics"]
    assert (acme["status"], acme["planned_go_live"], acme["epic"]) == (
        "running",
        "2027-01-07",
        "NVX-1",
    )
    assert acme["forecast_go_live"] >= "2027-01-07" and acme["health"] in (
        "on_track",
        "at_risk",
        "slipping",
    )
    assert globex["status"] == "cancelled" and globex["forecast_go_live"] is None
    table = cli(site, "releases", env={"COLUMNS": "70"}).stdout
    assert "1 running, 1 done or cancelled in the last 14 days" in " ".join(table.split())
    assert max(len(line) for line in table.splitlines()) <= 70
    assert table.index("NVX-1 ") < table.index(globex["epic"])  # rows in key order
    parsed = list(csv.DictReader(io.StringIO(cli(site, "releases", "--format", "csv").stdout)))
    assert [(r["Epic"], r["Status"]) for r in parsed] == [
        ("NVX-1", "running"),
        (globex["epic"], "cancelled"),
    ]


def test_status_is_syncs_measurement_and_writes_nothing(site: E2ESite):
    create(site)
    site.clear()
    shown = cli(site, "status", *ACME, "--as-of", "2026-12-16", "--json")
    assert shown.exit_code == 0, shown.output
    assert site.writes() == []
    status = json.loads(shown.stdout)
    assert status["schema"] == "nivosync.status/1" and status["as_of"] == "2026-12-16"
    synced = json.loads(
        cli(site, "sync", *ACME, "--as-of", "2026-12-16", "--no-publish", "--json").stdout
    )["releases"][0]
    for key in ("status", "slip_days", "projected_go_live", "critical_path", "tasks"):
        assert status[key] == synced[key], key
    site.clear()
    text = cli(site, "status", *ACME, "--as-of", "2026-12-16", env={"COLUMNS": "100"})
    assert site.writes() == []
    assert "== Acme Health 2.4.0 (NVX-1): SLIPPING" in text.stdout
    assert "(read only: nothing was written)" in text.stdout
    assert max(len(line) for line in text.stdout.splitlines()) <= 100
    rows = list(
        csv.DictReader(io.StringIO(cli(site, *["status", *ACME, "--format", "csv"]).stdout))
    )
    keys = [r["Key"] for r in rows]
    assert len(rows) == 15 and keys == sorted(keys, key=lambda k: int(k.split("-")[1]))
    plain = cli(site, "status", *ACME, "--format", "plain").stdout.splitlines()
    assert all(len(line.split("\t")) == 9 for line in plain)


def test_summary_lines_and_action_objects(cloud_site: E2ESite):
    site = cloud_site
    start = ["--start", "2026-12-07"]
    dry = cli(site, "create", *ACME, *start, "--dry-run")
    assert dry.stdout.strip().endswith(
        "Plan: 19 issues to create, 0 to update, 0 unchanged; 4 pages to create, 0 to update, "
        "0 unchanged."
    )
    actions = json.loads(cli(site, "create", *ACME, *start, "--dry-run", "--json").stdout)[
        "actions"
    ]
    kinds = [a["kind"] for a in actions]
    assert kinds.count("create-epic") == 1 and kinds.count("create-issue") == 15
    assert kinds.count("create-sub-task") == 3 and kinds.count("add-watcher") == 1
    watcher = next(a for a in actions if a["kind"] == "add-watcher")
    assert watcher | {"text": ""} == {
        "kind": "add-watcher",
        "key": None,
        "task_id": "production-deployment",
        "field": "watchers",
        "from": None,
        "to": "dev@example.com",
        "text": "",
    }
    assert watcher["text"] == 'add watcher dev@example.com to "Production Deployment"'
    made = cli(site, "create", *ACME, *start)
    assert made.stdout.strip().endswith(
        "Applied: 19 issues created, 0 updated, 0 unchanged; 4 pages created, 0 updated, "
        "0 unchanged."
    )
    again = cli(site, "create", *ACME, *start)
    assert "Applied: 0 issues created, 0 updated, 19 unchanged; 0 pages created" in again.stdout
    published = cli(site, "publish", *ACME, "--dry-run")
    assert published.stdout.strip().endswith("Plan: 0 pages to create, 0 to update, 4 unchanged.")
    moved = cli(site, "replan", *ACME, "--start", "2027-01-04", "--reason", "freeze", "--dry-run")
    assert "Plan: 1 baseline to write; 16 issues to update;" in moved.stdout, moved.output
    cancel = json.loads(cli(site, "cancel", *ACME, "--reason", "x", "--dry-run", "--json").stdout)
    assert cancel["actions"][0] | {"text": ""} == {
        "kind": "record-cancellation",
        "key": "NVX-1",
        "task_id": None,
        "field": "nivosync.lifecycle",
        "from": None,
        "to": None,
        "text": "",
    }
    assert {"transition", "leave-open", "publish-page"} <= {a["kind"] for a in cancel["actions"]}


@pytest.fixture
def terminal(monkeypatch):
    """stdout and stderr taken for a terminal (the CLI reads the environment once, here)."""
    monkeypatch.setattr("nivosync.cli_output._is_terminal", lambda _stream: True)


def test_colour_on_a_terminal_only_without_no_color_or_json_logs(cloud_site: E2ESite, terminal):
    site = cloud_site
    create(site)
    args = ["status", *ACME, "--as-of", "2026-12-16"]
    coloured = cli(site, *args, env={"COLUMNS": "120"})
    assert "\x1b[1;31mSLIPPING\x1b[0m" in coloured.stdout
    assert max(len(ANSI.sub("", line)) for line in coloured.stdout.splitlines()) <= 120
    assert not ANSI.search(cli(site, *args, env={"NO_COLOR": "1"}).stdout)
    assert not ANSI.search(cli(site, "--log-format", "json", *args).stdout)
    assert not ANSI.search(cli(site, *args, "--format", "csv").stdout)


def test_progress_on_stderr_of_a_terminal_never_in_the_json(cloud_site: E2ESite, monkeypatch):
    site = cloud_site
    create(site)
    quiet = cli(site, "sync", "--all", "--json")
    assert "status pages" not in quiet.stderr  # not a terminal: no progress
    monkeypatch.setattr("nivosync.cli_output._is_terminal", lambda _stream: True)
    shown = cli(site, "sync", "--all", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["releases"][0]["customer"] == "Acme Health"
    assert "finding the releases in Jira" in shown.stderr
    assert "publishing status pages" in shown.stderr
    logged = cli(site, "--log-format", "json", "sync", "--all", "--json")
    assert "publishing status pages" not in logged.stderr
