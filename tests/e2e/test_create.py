"""`nivosync create` against the sandbox over real HTTP, read back by an independent client."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from nivosync.cli import main

from .conftest import REPO, TOKEN, E2ESite, as_account, reader, start_site

ACME = ["--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]


def run(site: E2ESite, *args: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), *args])


def create(site: E2ESite, *extra: str) -> dict:
    result = run(site, "create", *ACME, "--json", *extra)
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output
    return json.loads(result.stdout)


def test_creates_epic_and_one_issue_per_task_then_nothing(site: E2ESite):
    first = create(site)
    assert first["epic"]["action"] == "created"
    assert [i["action"] for i in first["issues"]] == ["created"] * 15
    assert first["epic"]["url"].endswith(f"/browse/{first['epic']['key']}")

    again = create(site)
    assert again["epic"]["action"] == "existing"
    assert {i["action"] for i in again["issues"]} == {"existing"}
    assert [i["key"] for i in again["issues"]] == [i["key"] for i in first["issues"]]

    client = reader(site)
    issues = client.search_issues('labels = "nivosync-acme-health--2.4.0"', maxResults=100)
    assert len(issues) == 19  # the epic, 15 tasks and the 3 approvers' sub-tasks
    keys = {i["task_id"]: i["key"] for i in first["issues"]}
    deploy = client.issue(keys["production-deployment"])
    assert deploy.fields.summary == "Acme Health 2.4.0: Production Deployment"
    assert deploy.fields.duedate == "2027-01-07"
    assert "nivosync-task-production-deployment" in deploy.fields.labels
    assert "nivosync-watchers-pending" not in deploy.fields.labels
    watchers = client.watchers(deploy.key)
    watcher_ids = {getattr(w, "accountId", None) or w.name for w in watchers.watchers}
    who = {"query": "dev@example.com"} if site.flavor == "cloud" else {"username": "dev"}
    dev = client.search_assignable_users_for_issues(project="NVX", **who)
    assert (getattr(dev[0], "accountId", None) or dev[0].name) in watcher_ids
    links = [link for link in deploy.fields.issuelinks if hasattr(link, "inwardIssue")]
    assert [link.inwardIssue.key for link in links] == [keys["change-advisory-approval"]]
    assert link_type(links[0]) == "Blocks"


def link_type(link) -> str:
    return link.type.name


APPROVERS = {  # role → (its person on Cloud, on Data Center)
    "Delivery Supervisor": ("dana@example.com", "dana"),
    "Development Team": ("dev@example.com", "dev"),
    "Client SME Teams": ("sme@acme.example", "acme.sme"),
}


def test_one_approval_sub_task_per_approver_under_the_approval_task(site: E2ESite):
    first = create(site)
    keys = {i["task_id"]: i["key"] for i in first["issues"]}
    approval = keys["change-advisory-approval"]
    made = {a["role"]: a for a in first["approvals"]}
    assert list(made) == list(APPROVERS)
    assert {a["action"] for a in made.values()} == {"created"}
    client = reader(site)
    parent = client.issue(approval)
    assert sorted(s.key for s in parent.fields.subtasks) == sorted(a["key"] for a in made.values())
    cloud = site.flavor == "cloud"
    for role, (email, username) in APPROVERS.items():
        sub = client.issue(made[role]["key"])
        assert sub.fields.issuetype.subtask is True
        assert sub.fields.parent.key == approval
        assert sub.fields.summary == f"Approval: {role} — Acme Health 2.4.0"
        assert sub.fields.duedate == parent.fields.duedate == "2027-01-06"
        who = sub.fields.assignee
        assert (who.emailAddress if cloud else who.name) == (email if cloud else username)
        assert "nivosync-acme-health--2.4.0" in sub.fields.labels
        slug = role.lower().replace(" ", "-")
        assert f"nivosync-approval-{slug}" in sub.fields.labels
        assert not any(label.startswith("nivosync-task-") for label in sub.fields.labels)
    again = create(site)
    assert {a["action"] for a in again["approvals"]} == {"existing"}
    assert [a["key"] for a in again["approvals"]] == [a["key"] for a in made.values()]
    assert again["notes"] == []  # no stranger, no duplicate among the release's issues


def test_tasks_belong_to_the_epic(site: E2ESite):
    result = create(site)
    epic = result["epic"]["key"]
    client = reader(site)
    jql = f"parent = {epic}" if site.flavor == "cloud" else f'"Epic Link" = {epic}'
    assert len(client.search_issues(jql, maxResults=100)) == 15


def jira_requests(site: E2ESite) -> list[str]:
    return [
        f"{r['method']} {r['path']}"
        for r in site.requests()
        if not r["path"].startswith(("/wiki", "/confluence"))
    ]


def test_request_budget_on_a_fresh_cloud_site_and_a_rerun(cloud_site: E2ESite):
    create(cloud_site)
    fresh = jira_requests(cloud_site)
    # with the pages (their ids kept on the epic) and the approvers' sub-tasks (one bulk
    # create, and the sub-task type's create screen, read before the first write like the
    # Epic and Task screens): the tasks take two bulk creates, each link riding in the later
    # of its two issues (issue 15: 32 when they took a bulk create per dependency layer)
    assert len(fresh) <= 25, fresh  # the ledger read once more before the lease is written
    cloud_site.clear()
    create(cloud_site)
    rerun = jira_requests(cloud_site)
    assert len(rerun) <= 8, rerun
    assert all(r.startswith("GET") or "search" in r for r in rerun), rerun
    assert cloud_site.writes() == []  # Confluence included: the pages exist, nothing to write
    print(f"Jira requests: fresh {len(fresh)}, re-run {len(rerun)}")


def test_dry_run_writes_nothing(site: E2ESite):
    result = run(site, "create", *ACME, "--dry-run")
    assert result.exit_code == 0, result.output
    assert 'create epic "Acme Health 2.4.0' in result.stdout
    assert "add watcher" in result.stdout
    assert (
        'create sub-task "Approval: Client SME Teams — Acme Health 2.4.0" under the '
        "change-advisory-approval task (created first) assignee sme@acme.example due 2027-01-06"
    ) in result.stdout.replace("acme.sme", "sme@acme.example")
    assert site.writes() == []


def test_drift_is_reported_not_overwritten_unless_update(site: E2ESite):
    first = create(site)
    key = first["issues"][0]["key"]
    client = reader(site)
    client.issue(key).update(fields={"duedate": "2026-12-18"})
    site.clear()
    second = create(site)
    assert [(d["key"], d["field"], d["planned"], d["actual"]) for d in second["drift"]] == [
        (key, "duedate", "2026-12-07", "2026-12-18")
    ]
    assert site.writes() == []
    assert client.issue(key).fields.duedate == "2026-12-18"
    third = create(site, "--update")
    assert third["drift"][0]["fixed"] is True
    assert client.issue(key).fields.duedate == "2026-12-07"
    assert create(site)["drift"] == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["roles"].update({"Testing Team": d["roles"]["Support Team"] + "x"}), "is not"),
        (lambda d: d["jira"].update({"issue_type": "Chore"}), "'Chore' is not an issue type"),
        (lambda d: d["jira"].update({"project": "NOPE"}), "project NOPE not found"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(site: E2ESite, change, message):
    import yaml

    data = yaml.safe_load(site.config_path.read_text())
    change(data)
    if "x" in str(data["roles"]["Testing Team"])[-1:]:
        data["sandbox"]["users"].append(
            {"name": "Ghost", "email": "ghost@example.com", "username": "ghost"}
        )
        data["roles"]["Testing Team"] = "ghost@example.com" if site.flavor == "cloud" else "ghost"
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run(site, "create", *ACME)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert site.writes() == []


def test_wrong_token_is_explained(site: E2ESite, monkeypatch):
    monkeypatch.setenv("NIVOSYNC_JIRA_TOKEN", "wrong-token")
    result = run(site, "create", *ACME)
    assert result.exit_code == 2
    assert "HTTP 401" in result.stderr
    assert "$NIVOSYNC_JIRA_TOKEN" in result.stderr
    assert "wrong-token" not in result.output


def test_a_deleted_dependency_link_is_drift_and_update_restores_it(site: E2ESite):
    first = create(site)
    keys = {i["task_id"]: i["key"] for i in first["issues"]}
    client = reader(site)
    deploy = client.issue(keys["production-deployment"])
    link = next(li for li in deploy.fields.issuelinks if hasattr(li, "inwardIssue"))
    client.delete_issue_link(link.id)
    second = create(site)
    assert [(d["key"], d["field"], d["planned"]) for d in second["drift"]] == [
        (keys["production-deployment"], "link", keys["change-advisory-approval"])
    ]
    create(site, "--update")
    assert create(site)["drift"] == []
    restored = client.issue(keys["production-deployment"]).fields.issuelinks
    assert [li.inwardIssue.key for li in restored if hasattr(li, "inwardIssue")] == [
        keys["change-advisory-approval"]
    ]


def test_embedded_sandbox_mode_persists_between_runs(tmp_path, monkeypatch):
    """`url: sandbox`: an in-process site on a loopback port, kept in sandbox.db; no token."""
    monkeypatch.delenv("NIVOSYNC_JIRA_TOKEN", raising=False)
    config = tmp_path / "nivosync.yaml"
    config.write_text((REPO / "config.example.yaml").read_text())
    args = ["--config", str(config), "create", *ACME, "--json"]
    first = json.loads(CliRunner().invoke(main, args).stdout)
    assert first["epic"]["action"] == "created"
    assert (tmp_path / ".nivosync" / "sandbox.db").is_file()
    second = json.loads(CliRunner().invoke(main, args).stdout)
    assert second["epic"]["key"] == first["epic"]["key"]
    assert {i["action"] for i in second["issues"]} == {"existing"}


def test_optional_milestone_versions(site: E2ESite):
    import yaml

    data = yaml.safe_load(site.config_path.read_text())
    data["jira"]["milestone_versions"] = True
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    dry = run(site, "create", *ACME, "--dry-run")
    assert 'create version "Acme Health 2.4.0 — Release Kickoff" due 2026-12-11' in dry.stdout
    first = create(site)
    client = reader(site)
    versions = {v.name: v for v in client.project_versions("NVX")}
    kickoff = versions["Acme Health 2.4.0 — Release Kickoff"]
    assert kickoff.releaseDate == "2026-12-11"
    assert len([n for n in versions if n.startswith("Acme Health 2.4.0")]) == 4
    deploy = client.issue(
        next(i["key"] for i in first["issues"] if i["task_id"] == "production-deployment")
    )
    assert [v.name for v in deploy.fields.fixVersions] == [
        "Acme Health 2.4.0 — Production Deployment and Stabilization Completed"
    ]
    site.clear()
    create(site)
    assert not [r for r in site.writes() if r["path"].endswith("/version")]


def test_the_token_never_reaches_logs_or_output_even_when_verbose(site: E2ESite, capfd):
    result = CliRunner().invoke(
        main,
        [
            "--config",
            str(site.config_path),
            "-v",
            "--log-format",
            "json",
            "create",
            *ACME,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    captured = capfd.readouterr()
    for text in (result.stdout, result.stderr, captured.out, captured.err):
        assert TOKEN not in text


def test_a_project_member_creates_the_release_without_watchers(site: E2ESite, monkeypatch):
    """Issue 10: a member of the project (Jira's default scheme: no Manage Watchers, no
    Administer Projects) creates the release; what it may not do is reported by name, and
    nivosync asked first instead of collecting 403s."""
    as_account(site, monkeypatch, "dana@example.com", "dana")
    result = run(site, "create", *ACME, "--json", "--no-publish")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert {i["action"] for i in body["issues"]} == {"created"}
    assert [(u["field"], u["missing_permission"]) for u in body["unset_fields"]] == [
        ("watchers", "Manage Watchers")
    ]
    refused = [r["path"] for r in site.requests() if r["status"] in (401, 403)]
    # Data Center lets only admins keep user properties: the ledger's one probe (see README)
    ledger = ["/rest/api/2/user/properties/nivosync.release.acme-health--2.4.0"]
    assert refused == ([] if site.flavor == "cloud" else ledger)
    assert reader(site).search_issues('labels = "nivosync-watchers-pending"') == []
    text = run(site, "create", *ACME, "--dry-run")
    assert "lacks the 'Manage Watchers' permission in project NVX" in text.stdout


def test_a_member_edits_with_notifications_after_one_refused_quiet_edit(site: E2ESite, monkeypatch):
    """`PUT /issue?notifyUsers=false` needs (project) admin, else 403 (both specs say so):
    nivosync then edits as any user would, and the run completes."""
    first = create(site)
    key = first["issues"][0]["key"]
    reader(site).issue(key).update(fields={"duedate": "2026-12-18"})
    as_account(site, monkeypatch, "dana@example.com", "dana")
    site.clear()
    result = run(site, "create", *ACME, "--json", "--no-publish", "--update")
    assert result.exit_code == 0, result.output
    edits = [r for r in site.requests() if r["method"] == "PUT" and "/issue/" in r["path"]]
    edits = [r for r in edits if "/properties/" not in r["path"]]
    assert [r["status"] for r in edits] == [403, 204]
    assert reader(site).issue(key).fields.duedate == "2026-12-07"


def without_edit_issues(seed):
    from dataclasses import replace

    from nivosync.sandbox import MEMBER_PERMISSIONS

    lesser = MEMBER_PERMISSIONS - {"EDIT_ISSUES"}
    users = tuple(
        replace(u, project=lesser) if u.email == "dana@example.com" else u for u in seed.users
    )
    return replace(seed, users=users)


@pytest.fixture(params=["cloud", "datacenter"])
def no_edit_site(request, tmp_path, monkeypatch) -> Iterator[E2ESite]:
    yield from start_site(tmp_path, request.param, monkeypatch, without_edit_issues)


def test_an_account_without_edit_issues_stops_before_writing(no_edit_site: E2ESite, monkeypatch):
    as_account(no_edit_site, monkeypatch, "dana@example.com", "dana")
    result = run(no_edit_site, "create", *ACME, "--json", "--no-publish")
    assert result.exit_code == 2, result.output
    assert "lacks the 'Edit Issues' permission in project NVX" in result.stderr
    assert no_edit_site.writes() == []


# --- create screens (createmeta) -------------------------------------------------------------


def restricted(*screens, fields=(), style="company-managed"):
    """A seed transform: the project's screens as given (see nivosync.sandbox.seed)."""
    from dataclasses import replace

    return lambda seed: replace(
        seed, screens=tuple(screens), custom_fields=tuple(fields), project_style=style
    )


@pytest.fixture(params=["cloud", "datacenter"])
def no_start_on_tasks(request, tmp_path, monkeypatch):
    """The issue's site: the Task screen lacks Start date and fix versions (the epic's has
    them), and the config asks for milestone versions."""
    import yaml

    from nivosync.sandbox import ScreenSeed

    tailor = restricted(ScreenSeed("Task", hidden=("Start date", "fixVersions")))
    for site in start_site(tmp_path, request.param, monkeypatch, tailor):
        data = yaml.safe_load(site.config_path.read_text())
        data["jira"]["milestone_versions"] = True
        site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
        yield site


def only_reads(site: E2ESite) -> bool:
    """Nothing but GETs and searches (POST, yet reads) in the sandbox's request log."""
    searches = ("/search/jql", "/search")
    return all(r["method"] == "GET" or r["path"].endswith(searches) for r in site.requests())


def test_fields_off_the_task_screen_are_reported_and_not_sent(no_start_on_tasks: E2ESite):
    site = no_start_on_tasks
    start = "customfield_10015"
    expected = {("Task", "fixVersions")} | ({("Task", start)} if site.flavor == "cloud" else set())

    dry = run(site, "create", *ACME, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Not set (a Jira admin can add these fields to the create screens" in dry.stdout
    assert "milestone fix version (fixVersions): not on the Task create screen of project NVX" in (
        dry.stdout
    )
    dry_json = create(site, "--dry-run")
    assert {(u["issue_type"], u["field"]) for u in dry_json["unset_fields"]} == expected
    assert only_reads(site)

    first = run(site, "create", *ACME)
    assert first.exit_code == 0, first.output
    assert (
        "Applied: 19 issues created" in first.stdout
        and "(fixVersions): not on the Task create" in first.stdout
    )
    if site.flavor == "cloud":
        assert f"start date ({start}): not on the Task create screen" in first.stdout
    creates = [r for r in site.requests() if r["path"].endswith(("/issue", "/issue/bulk"))]
    assert creates and all(r["status"] == 201 for r in creates)  # Jira refused nothing

    site.clear()
    again = create(site)
    assert {i["action"] for i in again["issues"]} == {"existing"}
    assert again["drift"] == []  # a field nivosync could never set is no drift
    assert site.writes() == []
    client = reader(site)
    kickoff = client.issue(again["issues"][0]["key"])
    assert kickoff.fields.fixVersions == []
    epic = client.issue(again["epic"]["key"])
    if site.flavor == "cloud":  # only the Task screen lacks it: the epic has its start date
        assert getattr(kickoff.fields, start) is None
        assert getattr(epic.fields, start) == "2026-12-07"
    assert len([v for v in client.project_versions("NVX") if v.name.startswith("Acme")]) == 4


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_required_field_nivosync_cannot_fill_exits_2_before_any_write(
    tmp_path, monkeypatch, dry_run: bool
):
    from nivosync.sandbox import FieldSeed, ScreenSeed

    impact = FieldSeed("Customer Impact")
    screen = ScreenSeed("Task", required=("Customer Impact",))
    for flavor in ("cloud", "datacenter"):
        tailor = restricted(screen, fields=(impact,))
        (tmp_path / flavor).mkdir()
        for site in start_site(tmp_path / flavor, flavor, monkeypatch, tailor):
            result = run(site, "create", *ACME, *(["--dry-run"] if dry_run else []))
            assert result.exit_code == 2, result.output
            assert (
                "Customer Impact (customfield_10200) is required on the Task create screen of "
                "project NVX and nivosync has no value for it"
            ) in result.stderr
            assert "Traceback" not in result.output
            assert only_reads(site), site.requests()


def test_a_task_screen_without_labels_exits_2(tmp_path, monkeypatch):
    from nivosync.sandbox import ScreenSeed

    tailor = restricted(ScreenSeed("Task", hidden=("labels",)))
    for site in start_site(tmp_path, "datacenter", monkeypatch, tailor):
        result = run(site, "create", *ACME)
        assert result.exit_code == 2, result.output
        assert "Labels (labels) is not on the Task create screen of project NVX" in result.stderr
        assert only_reads(site)


def test_a_team_managed_cloud_project_end_to_end(tmp_path, monkeypatch):
    """Project-scoped issue types (the epic found by hierarchy level 1, not by id 10000), the
    epic as `parent`, a start-date field of the project's own, and no Epic Name / Link."""
    for site in start_site(tmp_path, "cloud", monkeypatch, restricted(style="team-managed")):
        first = create(site)
        assert first["epic"]["action"] == "created" and first["unset_fields"] == []
        assert {i["action"] for i in first["issues"]} == {"created"}
        client = reader(site)
        epic = client.issue(first["epic"]["key"])
        assert (epic.fields.issuetype.id, epic.fields.issuetype.hierarchyLevel) == ("10100", 1)
        assert epic.fields.customfield_10300 == "2026-12-07"
        children = client.search_issues(f"parent = {epic.key}", maxResults=100)
        assert len(children) == 15
        kickoff = client.issue(first["issues"][0]["key"])
        assert kickoff.fields.issuetype.id == "10101"
        assert kickoff.fields.customfield_10300 == first["issues"][0]["start"]
        assert not hasattr(kickoff.fields, "customfield_10015")
        site.clear()
        again = create(site)
        assert {i["action"] for i in again["issues"]} == {"existing"} and again["drift"] == []
        assert site.writes() == []


def test_a_member_without_administer_projects_creates_no_versions(site: E2ESite, monkeypatch):
    """`jira.milestone_versions` needs Administer Projects to create versions: a member's run
    creates the release without them, says so, and never tries (no refused POST /version)."""
    import yaml

    data = yaml.safe_load(site.config_path.read_text())
    data["jira"]["milestone_versions"] = True
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    as_account(site, monkeypatch, "dana@example.com", "dana")
    result = run(site, "create", *ACME, "--json", "--no-publish")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    versions = [u for u in body["unset_fields"] if u["field"] == "fixVersions"]
    assert len(versions) == 4 and {u["missing_permission"] for u in versions} == {
        "Administer Projects"
    }, body["unset_fields"]
    assert not [r for r in site.requests() if r["path"].endswith("/version")]
    assert {i["action"] for i in body["issues"]} == {"created"}


def test_a_template_given_by_path_is_recorded_with_its_file_and_hash(
    site: E2ESite, tmp_path, monkeypatch
):
    """Issue 13, defect 3: `--template ./file.yaml` makes the pages too, and the epic names the
    file (absolute) and its content's hash for the runs that come later."""
    shipped = (REPO / "plan_templates" / "nivomax-5-week.yaml").read_text()
    (tmp_path / "acme-plan.yaml").write_text(shipped.replace("name: nivomax", "name: acme"))
    monkeypatch.chdir(tmp_path)
    result = create(site, "--template", "./acme-plan.yaml")
    assert [p["action"] for p in result["pages"]] == ["created"] * 4
    assert result["failures"] == []
    stored = reader(site).issue_property(result["epic"]["key"], "nivosync").raw["value"]
    assert stored["template"]["name"] == "acme-5-week"
    assert stored["template"]["source"] == str(tmp_path / "acme-plan.yaml")
    assert len(stored["template"]["sha256"]) == 64


def test_a_release_made_with_a_start_in_the_past_is_warned_once(site: E2ESite):
    past = ["--customer", "Acme Health", "--release", "2.3.9", "--start", "2020-01-06"]
    first = run(site, "create", *past, "--no-publish")
    assert first.exit_code == 0, first.output
    warning = first.stderr.strip().splitlines()[-1]
    assert warning.startswith("warning: the release starts 2020-01-06, ") and "day one" in warning
    again = run(site, "create", *past, "--no-publish")
    assert again.exit_code == 0 and "warning" not in again.stderr  # said when it was made
