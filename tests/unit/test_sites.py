"""Where credentials come from: the environment, else the OS keyring; never the config."""

import sys
import types
from pathlib import Path

import pytest
import yaml

from nivosync.app.sites import jira_gateway, open_sites, retry_policy
from nivosync.errors import InvalidInput
from nivosync.inputs.config import load_config

REPO = Path(__file__).resolve().parents[2]


def real_site_config(tmp_path: Path) -> Path:
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["jira"]["url"] = "https://acme.atlassian.net"
    data["confluence"]["url"] = "https://acme.atlassian.net/wiki"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_token_from_environment(tmp_path):
    config = load_config(real_site_config(tmp_path))
    env = {"NIVOSYNC_JIRA_TOKEN": "env-tok", "NIVOSYNC_CONFLUENCE_TOKEN": "c-tok"}
    with open_sites(config, env) as sites:
        assert sites.jira.credentials.secret == "env-tok"
        assert sites.jira.credentials.source == "$NIVOSYNC_JIRA_TOKEN"
        assert sites.embedded is None


def test_missing_token_names_the_variable(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "keyring", None)  # keyring not installed
    config = load_config(real_site_config(tmp_path))
    with (
        pytest.raises(InvalidInput, match=r"\$NIVOSYNC_JIRA_TOKEN is not set"),
        open_sites(config, {}),
    ):
        pass


def test_token_from_the_os_keyring(tmp_path, monkeypatch):
    fake = types.ModuleType("keyring")
    fake.get_password = lambda service, user: (
        "ring-tok"
        if (service, user) == ("nivosync/https://acme.atlassian.net", "admin@example.com")
        else None
    )
    errors = types.ModuleType("keyring.errors")
    errors.KeyringError = RuntimeError
    monkeypatch.setitem(sys.modules, "keyring", fake)
    monkeypatch.setitem(sys.modules, "keyring.errors", errors)
    config = load_config(real_site_config(tmp_path))
    with open_sites(config, {"NIVOSYNC_CONFLUENCE_TOKEN": "c"}) as sites:
        assert sites.jira.credentials.secret == "ring-tok"
        assert "keyring" in sites.jira.credentials.source


def test_retry_policy_follows_the_http_section(tmp_path):
    path = real_site_config(tmp_path)
    data = yaml.safe_load(path.read_text())
    data["http"] = {
        "max_retry_wait_seconds": 900,
        "retry_budget_seconds": 1800,
        "near_limit_pause_seconds": 2.5,
    }
    path.write_text(yaml.safe_dump(data))
    env = {"NIVOSYNC_JIRA_TOKEN": "j", "NIVOSYNC_CONFLUENCE_TOKEN": "c"}
    config = load_config(path)
    with open_sites(config, env) as sites:
        retry = jira_gateway(sites, config).transport.retry
    assert (retry.max_wait, retry.budget, retry.near_limit_pause) == (900, 1800, 2.5)
    assert retry_policy(load_config(real_site_config(tmp_path))).max_wait == 300


def test_the_sandbox_account_is_a_site_admin_unless_its_entry_sets_access(tmp_path):
    from nivosync.app.sandbox_seeding import site_seed
    from nivosync.sandbox import MEMBER_PERMISSIONS, PROJECT_ADMIN

    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    seed = site_seed(load_config(path), "tok")
    assert [a.email for a in seed.admins] == ["admin@example.com"]
    assert seed.user_seed("dana@example.com").project == MEMBER_PERMISSIONS
    for user in data["sandbox"]["users"]:
        if user["email"] == "admin@example.com":
            user["access"] = "project-admin"
        if user["email"] == "qa@example.com":
            user["email_hidden"] = True
    path.write_text(yaml.safe_dump(data))
    seed = site_seed(load_config(path), "tok")
    assert [a.email for a in seed.admins] == ["sandbox-admin@sandbox.invalid"]
    account = seed.user_seed("admin@example.com")
    assert (account.project, account.token) == (PROJECT_ADMIN, "tok")
    assert seed.user_seed("qa@example.com").email_hidden
    assert seed.user_seed("dana@example.com").token is None  # derived, like any person's
