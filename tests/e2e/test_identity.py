"""Issue 11, item 1: customers whose names share a slug never write into each other's release."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nivosync.cli import main

from .conftest import E2ESite

CAFE = ["--customer", "Café Olé", "--release", "2.4.0"]
TWIN = ["--customer", "Cafe Ole", "--release", "2.4.0"]


def cli(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def test_a_slug_twin_is_refused_by_every_command_that_writes(site: E2ESite):
    first = cli(site, "create", *CAFE, "--start", "2026-12-07", "--json")
    assert first.exit_code == 0, first.output
    site.sandbox.faults.configure({"index_lag_seconds": 0})
    site.clear()
    for command in (
        ["create", *TWIN, "--start", "2026-12-07"],
        ["create", *TWIN, "--start", "2026-12-07", "--update"],
        ["publish", *TWIN],
        ["sync", *TWIN],
    ):
        result = cli(site, *command)
        assert result.exit_code == 2, (command, result.output)
        assert "Café Olé" in result.stderr and "collides" in result.stderr, result.stderr
        assert "Traceback" not in result.output
    assert site.writes() == []
    again = cli(site, "sync", *CAFE, "--json")
    assert again.exit_code in (0, 3), again.output
    assert json.loads(again.stdout)["releases"][0]["customer"] == "Café Olé"


ACME = ["--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]


def test_removed_labels_neither_duplicate_nor_orphan_and_are_put_back(site: E2ESite):
    """Issue 11, item 11: a person removes a task's release and task labels and the epic's
    `nivosync-epic`; the next `create` finds both through their property (and the ledger),
    creates nothing and puts the labels back."""
    from .conftest import reader

    first = cli(site, "create", *ACME, "--json", "--no-publish")
    assert first.exit_code == 0, first.output
    body = json.loads(first.stdout)
    task_key, epic_key = body["issues"][3]["key"], body["epic"]["key"]
    client = reader(site)
    task = client.issue(task_key)
    task.update(fields={"labels": ["nivosync"]})
    epic = client.issue(epic_key)
    epic.update(fields={"labels": [x for x in epic.fields.labels if x != "nivosync-epic"]})
    again = cli(site, "create", *ACME, "--json", "--no-publish")
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert second["epic"]["key"] == epic_key
    assert {i["action"] for i in second["issues"]} == {"existing"}
    assert sorted(n.split()[0] for n in second["notes"]) == sorted([task_key, epic_key])
    assert "nivosync-acme-health--2.4.0" in client.issue(task_key).fields.labels
    assert "nivosync-epic" in client.issue(epic_key).fields.labels
    site.clear()
    third = cli(site, "create", *ACME, "--json", "--no-publish")
    assert json.loads(third.stdout)["notes"] == [] and site.writes() == []
