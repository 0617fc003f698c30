"""The nightly status page names people as Confluence users (Cloud: the Jira account, no
lookup; Data Center: the user key Confluence gives for the Jira username, looked up once per
person), links the release plan and names the next milestone's owner."""

from __future__ import annotations

from datetime import date

from nivosync.app.planning import compute_plan
from nivosync.inputs.config import load_config
from nivosync.inputs.templates import load_template, shipped_templates_dir
from nivosync.sandbox.confluence.people import dc_user_key
from nivosync.sandbox.directory import User
from nivosync.sandbox.seed import account_id_for

from .conftest import E2ESite
from .test_sync import create, page_body, sync


def user_lookups(site: E2ESite) -> list[dict]:
    return [r for r in site.requests() if r["method"] == "GET" and r["path"].endswith("/user")]


def expected_mention(site: E2ESite, person: str) -> str:
    """The mention Confluence itself would write for the person (the sandbox's directory)."""
    seeded = next(u for u in site.sandbox.seed.users if person in (u.email, u.username))
    account = account_id_for(seeded.email)
    if site.flavor == "cloud":
        return f'<ac:link><ri:user ri:account-id="{account}" /></ac:link>'
    user = User(0, account, seeded.email, seeded.username, seeded.name, True)
    return f'<ac:link><ri:user ri:userkey="{dc_user_key(user)}" /></ac:link>'


def assignee(site: E2ESite, task_id: str) -> str:
    """The person the config puts on a task (its first role's)."""
    config = load_config(site.config_path)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    plan = compute_plan(config, template, "Acme Health", "2.4.0", date(2026, 12, 7))
    person = plan.task(task_id).assignee
    assert person is not None
    return person


def test_status_page_mentions_people_and_links_the_plan(site: E2ESite):
    create(site)
    site.clear()
    code, report = sync(site, "--all", "--as-of", "2026-12-14")
    assert code == 0, report
    page = report["releases"][0]["status_page"]
    body = page_body(site, page["id"])
    # The kickoff milestone is next; its owner is its last task's assignee.
    owner = expected_mention(site, assignee(site, "environment-review"))
    assert f"<th>Milestone owner</th><td>{owner}</td>" in body
    kickoff = expected_mention(site, assignee(site, "upgrade-release-kickoff"))
    assert f"<td>{kickoff}</td>" in body  # the tasks table's assignees too
    assert "@example.com" not in body
    assert 'ri:content-title="Acme Health 2.4.0 — Release Plan"' in body
    lookups = user_lookups(site)
    if site.flavor == "cloud":
        assert lookups == []  # the Jira accountId is the Confluence account
    else:
        names = [r["query"] for r in lookups]
        assert names and len(names) == len(set(map(str, names)))  # once per person and run
    site.clear()
    code, again = sync(site, "--all", "--as-of", "2026-12-14")
    assert again["releases"][0]["status_page"]["action"] == "unchanged"
    assert site.writes() == []
