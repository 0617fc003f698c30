"""`nivosync doctor` against the sandbox: every check, both flavours, admin and non-admin."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

import pytest
import yaml
from click.testing import CliRunner

from nivosync.app.doctor import run_doctor
from nivosync.cli import main
from nivosync.sandbox import MEMBER_PERMISSIONS, ScreenSeed, SiteSeed
from nivosync.sandbox.seed import account_id_for

from .conftest import TOKEN, E2ESite, as_account, start_site


def doctor(site: E2ESite, *extra: str):
    return CliRunner().invoke(main, ["--config", str(site.config_path), "doctor", *extra])


def checks(site: E2ESite) -> tuple[int, dict[str, dict]]:
    result = doctor(site, "--json")
    assert TOKEN not in result.output
    body = json.loads(result.stdout)
    assert body["ok"] == (result.exit_code == 0)
    return result.exit_code, {c["check"]: c for c in body["checks"]}


def failing(found: dict[str, dict]) -> set[str]:
    return {name for name, c in found.items() if c["status"] == "fail"}


def test_an_admin_on_a_ready_site_passes_every_check_and_writes_nothing(site: E2ESite):
    code, found = checks(site)
    assert code == 0, found
    assert {c["status"] for c in found.values()} == {"ok"}
    assert "Basic auth" in found["account"]["detail"] or "Bearer" in found["account"]["detail"]
    assert found["project"]["detail"].startswith("NVX ")
    assert {
        "permission Edit Issues",
        "person dana@example.com" if site.flavor == "cloud" else "person dana",
        "may add pages",
        "may add attachments",
        "parent page",
    } <= set(found)
    assert site.writes() == []
    text = doctor(site)
    assert text.exit_code == 0
    assert "✓  Jira        account" in text.stdout
    assert "create, publish and sync will work." in text.stdout


@pytest.mark.parametrize("today", [date(2026, 12, 6), date(2026, 12, 25)])  # Sunday, holiday
def test_doctor_on_a_day_off_checks_a_plan_from_the_next_working_day(site: E2ESite, today: date):
    """It was exit 2 ('start date … is not a working day') every weekend: the plan it checks
    the create screen with starts on the next working day instead."""
    report = run_doctor(site.config_path, None, today)
    assert not report.blocked, [c for c in report.checks if c.status == "fail"]
    assert site.writes() == []


def test_a_project_member_passes_with_watchers_off(site: E2ESite, monkeypatch):
    as_account(site, monkeypatch, "dana@example.com", "dana")
    code, found = checks(site)
    assert code == 0, failing(found)
    watchers = found["permission Manage Watchers"]
    assert watchers["status"] == "warn"
    assert "permission scheme" in watchers["fix"]
    assert site.writes() == []


def tailored(change: Callable[[SiteSeed], SiteSeed]):
    @pytest.fixture(params=["cloud", "datacenter"])
    def fixture(request, tmp_path, monkeypatch) -> Iterator[E2ESite]:
        yield from start_site(tmp_path, request.param, monkeypatch, change)

    return fixture


def dana_with(**grants) -> Callable[[SiteSeed], SiteSeed]:
    def change(seed: SiteSeed) -> SiteSeed:
        users = tuple(
            replace(u, **grants) if u.email == "dana@example.com" else u for u in seed.users
        )
        return replace(seed, users=users)

    return change


no_edit_site = tailored(dana_with(project=MEMBER_PERMISSIONS - {"EDIT_ISSUES"}))
no_assign_site = tailored(dana_with(project=MEMBER_PERMISSIONS - {"ASSIGN_ISSUES"}))
viewer_site = tailored(dana_with(space=frozenset({"view"})))
no_due_site = tailored(lambda s: replace(s, screens=(ScreenSeed("Task", hidden=("duedate",)),)))


def test_a_missing_edit_permission_fails_with_its_fix(no_edit_site: E2ESite, monkeypatch):
    as_account(no_edit_site, monkeypatch, "dana@example.com", "dana")
    code, found = checks(no_edit_site)
    assert code == 2
    assert failing(found) == {"permission Edit Issues"}
    assert "Edit Issues" in found["permission Edit Issues"]["fix"]
    text = doctor(no_edit_site)
    assert "✗  Jira        permission Edit Issues" in text.stdout
    assert "fix: a Jira admin grants 'Edit Issues'" in text.stdout
    assert "1 failure" in text.stdout and "would stop" in text.stdout


def test_a_space_viewer_may_not_add_pages_or_attachments(viewer_site: E2ESite, monkeypatch):
    as_account(viewer_site, monkeypatch, "dana@example.com", "dana")
    code, found = checks(viewer_site)
    assert code == 2
    assert failing(found) == {"may add pages", "may add attachments"}
    assert "Add Page" in found["may add pages"]["fix"]


def test_fields_off_a_create_screen_are_warnings(no_due_site: E2ESite):
    code, found = checks(no_due_site)
    assert code == 0
    assert found["create screens"]["status"] == "warn"
    assert "due date (duedate): not on the Task create screen" in found["create screens"]["detail"]


def test_a_wrong_token_fails_the_account_check(site: E2ESite, monkeypatch):
    monkeypatch.setenv("NIVOSYNC_JIRA_TOKEN", "not-the-token")
    code, found = checks(site)
    assert code == 2
    assert found["account"]["status"] == "fail"
    assert "NIVOSYNC_JIRA_TOKEN" in found["account"]["fix"]
    assert "project" not in found  # nothing else can be checked as nobody


def test_bearer_auth_on_cloud_is_refused_before_any_request(cloud_site: E2ESite):
    data = yaml.safe_load(cloud_site.config_path.read_text())
    data["jira"]["auth"] = "bearer"
    cloud_site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    code, found = checks(cloud_site)
    assert code == 2
    assert "Basic auth" in found["account"]["fix"]


@pytest.fixture
def hidden_email_site(tmp_path, monkeypatch) -> Iterator[E2ESite]:
    hide = dana_with(email_hidden=True)
    yield from start_site(tmp_path, "cloud", monkeypatch, hide)


def test_a_hidden_email_is_explained_and_an_account_id_works(hidden_email_site: E2ESite):
    site = hidden_email_site
    code, found = checks(site)
    assert code == 2
    person = found["person dana@example.com"]
    assert person["status"] == "fail"
    assert "account ID" in person["detail"]
    data = yaml.safe_load(site.config_path.read_text())
    data["roles"]["Delivery Supervisor"] = account_id_for("dana@example.com")
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    code, found = checks(site)
    assert code == 0, failing(found)
    assert found[f"person {account_id_for('dana@example.com')}"]["detail"].startswith("Dana")


def test_a_field_jira_hides_without_a_permission_names_it(no_assign_site: E2ESite, monkeypatch):
    """Jira shows `assignee` on a create screen only to holders of Assign Issues."""
    as_account(no_assign_site, monkeypatch, "dana@example.com", "dana")
    code, found = checks(no_assign_site)
    assert code == 0, failing(found)
    assert found["permission Assign Issues"]["status"] == "warn"
    screens = found["create screens"]
    assert "lacks the 'Assign Issues' permission in project NVX" in screens["detail"]
