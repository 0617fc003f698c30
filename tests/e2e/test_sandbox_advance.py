"""`nivosync sandbox advance` (both flavours), while a served sandbox runs on the same file.

The fixture's sandbox plays `nivosync sandbox serve`: a separate site on the same database.
`advance` runs with a config on the embedded sandbox (`url: sandbox`, that database): its
moves, and the clock it leaves on --to, are what the served site shows and what a later
`sync` measures against.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner, Result

from nivosync.cli import main

from .conftest import E2ESite, reader

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
KICKOFF = "upgrade-release-kickoff"
WEEK_ONE = ["release-schedule-sharing", "release-documentation-and-demo-scheduling"]


def cli(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--config", str(config), *args])


def embedded_config(site: E2ESite) -> Path:
    """The site's config, on the embedded sandbox over the served site's database."""
    data = yaml.safe_load(site.config_path.read_text())
    data["jira"]["url"] = data["confluence"]["url"] = "sandbox"
    data["sandbox"]["db"] = str(site.config_path.parent / "site.db")
    path = site.config_path.with_name("embedded.yaml")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def create(site: E2ESite) -> dict[str, str]:
    result = cli(site.config_path, "create", *ACME, "--start", "2026-12-07", "--json")
    assert result.exit_code == 0, result.output
    return {i["task_id"]: i["key"] for i in json.loads(result.stdout)["issues"]}


def resolved(site: E2ESite, key: str) -> tuple[str, str | None]:
    fields = reader(site).issue(key).fields
    return fields.status.name, (fields.resolutiondate or "")[:10] or None


def test_advance_plays_the_release_to_a_day_late_as_asked(site: E2ESite):
    keys = create(site)
    config = embedded_config(site)
    result = cli(config, "sandbox", "advance", "--to", "2026-12-16", "--late", KICKOFF)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert (
        lines[0].startswith("Sandbox played from ")
        and "to 2026-12-16: Acme Health 2.4.0" in lines[0]
    )
    assert f"  2026-12-10  done: {keys[KICKOFF]} {KICKOFF} (3 days late)" in lines
    waited = f"{keys[WEEK_ONE[0]]} {WEEK_ONE[0]} (3 days late, waited for {keys[KICKOFF]})"
    assert any(line.startswith("  2026-12-16  done: ") and waited in line for line in lines)
    assert "The sandbox's day is now 2026-12-16." in lines
    assert f"Next: nivosync --config {config} sync --all" in lines
    # The served site (another site on the same file) is on that day too, and shows the work.
    assert site.sandbox.clock.now().date() == date(2026, 12, 16)
    assert resolved(site, keys[KICKOFF]) == ("Done", "2026-12-10")
    assert resolved(site, keys[WEEK_ONE[1]]) == ("Done", "2026-12-16")
    assert reader(site).issue(keys["release-notes-document"]).fields.status.name == "In Progress"
    assert reader(site).issue(keys["uat-form-preparation"]).fields.status.name == "To Do"
    kickoff = reader(site).issue(keys[KICKOFF], expand="changelog")
    authors = {h.author.displayName for h in kickoff.changelog.histories}
    assert authors == {"Dana Delivery"}  # its assignee did the work, not nivosync's account

    synced = cli(config, "sync", *ACME, "--json", "--no-publish")
    assert synced.exit_code == 0, synced.output
    report = json.loads(synced.stdout)
    assert report["as_of"] == "2026-12-16"  # the sandbox's day is "today" for its config
    (release,) = report["releases"]
    assert release["status"] == "slipping" and release["slip_days"] > 0

    again = cli(config, "sandbox", "advance", "--to", "2026-12-15")
    assert again.exit_code == 2
    assert again.stderr.strip().splitlines() == [
        "error: the sandbox is on 2026-12-16: advance never moves its clock back "
        "(--to 2026-12-15 is earlier)"
    ]


def test_a_late_task_past_the_day_stays_open_and_the_approvers_approve(site: E2ESite):
    keys = create(site)
    config = embedded_config(site)
    result = cli(
        config, "sandbox", "advance", "--to", "2027-01-06", "--late", "production-deployment:2"
    )
    assert result.exit_code == 0, result.output
    assert "  2027-01-06  done: " in result.stdout
    assert f"{keys['change-advisory-approval']} change-advisory-approval (on time)" in result.stdout
    assert resolved(site, keys["change-advisory-approval"]) == ("Done", "2027-01-06")
    jql = 'labels = "nivosync-approval-delivery-supervisor"'
    (approval,) = reader(site).search_issues(jql, expand="changelog")
    assert approval.fields.status.name == "Done"
    assert approval.fields.resolutiondate.startswith("2027-01-06")
    author = approval.changelog.histories[-1].author.displayName
    assert author == "Dana Delivery"  # the Delivery Supervisor approved on their sub-task

    later = cli(
        config, "sandbox", "advance", "--to", "2027-01-08", "--late", "production-deployment:2"
    )
    assert later.exit_code == 0, later.output
    left = (
        f"{keys['production-deployment']} production-deployment stays open: it finishes 2027-01-11"
    )
    assert left + " (2 working days late), after --to" in later.stdout
    assert reader(site).issue(keys["production-deployment"]).fields.status.name == "In Progress"


def test_advance_refuses_what_it_cannot_play(site: E2ESite):
    create(site)
    remote = cli(site.config_path, "sandbox", "advance", "--to", "2026-12-16")
    assert remote.exit_code == 2
    assert "advance only plays the embedded sandbox forward" in remote.stderr
    config = embedded_config(site)
    unknown = cli(config, "sandbox", "advance", "--to", "2026-12-16", "--late", "kickoff")
    assert unknown.exit_code == 2
    said = unknown.stderr.strip()
    assert said.startswith("error: --late kickoff: no release in play has that task; its task ids")
    assert f"{KICKOFF}, release-schedule-sharing," in said and "\n" not in said
    bad = cli(config, "sandbox", "advance", "--to", "2026-12-16", "--late", f"{KICKOFF}:soon")
    assert bad.exit_code == 2 and "--late 'upgrade-release-kickoff:soon'" in bad.stderr
    assert site.sandbox.clock.frozen_at is None  # nothing moved
