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


def test_a_deleted_epic_is_replaced_and_its_tasks_linked_to_the_new_one(site: E2ESite):
    """Issue 11, item 11: the 15 tasks no longer stay unlinked after someone deletes the epic."""
    import requests

    from .conftest import reader

    first = json.loads(cli(site, "create", *ACME, "--json", "--no-publish").stdout)
    old_epic = first["epic"]["key"]
    api = "3" if site.flavor == "cloud" else "2"
    gone = requests.delete(
        f"{site.sandbox.jira_url}/rest/api/{api}/issue/{old_epic}",
        auth=site.sandbox.auth,
        timeout=10,
    )
    assert gone.status_code == 204, gone.text
    reader(site)  # the index has caught up with the deletion
    again = cli(site, "create", *ACME, "--json", "--no-publish")
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    new_epic = second["epic"]["key"]
    assert new_epic != old_epic and second["epic"]["action"] == "created"
    assert {i["action"] for i in second["issues"]} == {"existing"}
    assert any(
        n.startswith(f"the release epic was gone: {new_epic} replaces it") for n in second["notes"]
    )
    client = reader(site)
    jql = f"parent = {new_epic}" if site.flavor == "cloud" else f'"Epic Link" = {new_epic}'
    assert len(client.search_issues(jql, maxResults=100)) == 15
    third = json.loads(cli(site, "create", *ACME, "--json", "--no-publish").stdout)
    assert third["drift"] == [] and third["notes"] == []


def test_a_deleted_task_is_re_created_with_links_to_its_dependents(site: E2ESite):
    """Issue 11, item 11: the issues a deleted task blocked get their link back from its
    replacement (no drift left, no --update needed)."""
    import requests

    from .conftest import reader

    first = json.loads(cli(site, "create", *ACME, "--json", "--no-publish").stdout)
    keys = {i["task_id"]: i["key"] for i in first["issues"]}
    api = "3" if site.flavor == "cloud" else "2"
    url = f"{site.sandbox.jira_url}/rest/api/{api}/issue/{keys['change-advisory-approval']}"
    assert requests.delete(url, auth=site.sandbox.auth, timeout=10).status_code == 204
    reader(site)  # the index has caught up with the deletion
    again = json.loads(cli(site, "create", *ACME, "--json", "--no-publish").stdout)
    replacement = {i["task_id"]: i for i in again["issues"]}["change-advisory-approval"]
    assert replacement["action"] == "created"
    client = reader(site)
    deploy = client.issue(keys["production-deployment"])
    blockers = [
        link.inwardIssue.key for link in deploy.fields.issuelinks if hasattr(link, "inwardIssue")
    ]
    assert blockers == [replacement["key"]]
    third = json.loads(cli(site, "create", *ACME, "--json", "--no-publish").stdout)
    assert third["drift"] == []
