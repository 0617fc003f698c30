"""Config loading: fixed key names, FILE:LINE errors, customers overriding roles and calendars."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from nivosync.errors import InvalidInput
from nivosync.inputs.config import find_config, load_config

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def example() -> dict:
    return yaml.safe_load((REPO / "config.example.yaml").read_text())


def write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "nivosync.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False))
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        load_config(path)
    return caught.value.lines()


def test_example_config_loads_and_targets_the_sandbox():
    config = load_config(REPO / "config.example.yaml")
    assert config.spec.jira.url == "sandbox"
    assert config.spec.confluence.url == "sandbox"
    assert config.uses_sandbox
    assert config.spec.jira.token_env == "NIVOSYNC_JIRA_TOKEN"
    assert config.sandbox_db == REPO / ".nivosync/sandbox.db"


def test_unknown_keys_are_errors_with_line_and_suggestion(tmp_path):
    text = (REPO / "config.example.yaml").read_text().replace("  issue_type:", "  isue_type:")
    path = write(tmp_path, text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "isue_type" in row)
    assert problems(path) == [
        f"nivosync.yaml:{line}: unknown key 'jira.isue_type'; did you mean 'issue_type'?"
    ]


def test_secret_in_the_file_is_an_unknown_key(tmp_path):
    data = example()
    data["jira"]["token"] = "s3cr3t-value"
    found = problems(write(tmp_path, data))
    assert any("unknown key 'jira.token'" in p for p in found)
    assert not any("s3cr3t-value" in p for p in found)


def test_every_problem_listed_at_once(tmp_path):
    data = example()
    data["jira"]["flavor"] = "server"
    data["jira"]["project"] = "nvx"
    data["calendar"]["holidays"] = ["2026-13-01"]
    data["confluence"]["url"] = "http://wiki.example.com"
    found = problems(write(tmp_path, data))
    assert len(found) == 4, found
    assert any("jira.flavor: Input should be 'cloud' or 'datacenter'" in p for p in found)
    assert any("jira.project" in p and "'nvx'" in p for p in found)
    assert any("calendar.holidays[0]" in p for p in found)
    assert any("unencrypted: use https://" in p for p in found)
    assert all(p.startswith("nivosync.yaml:") for p in found)


def test_confluence_cloud_url_must_end_in_wiki(tmp_path):
    data = example()
    data["confluence"]["url"] = "https://acme.atlassian.net"
    assert any("ends in /wiki" in p for p in problems(write(tmp_path, data)))


def test_persons_must_fit_the_flavour_and_the_sandbox(tmp_path):
    data = example()
    data["roles"]["Testing Team"] = "qa"
    data["roles"]["Support Team"] = "nobody@example.com"
    found = problems(write(tmp_path, data))
    assert any("'qa' is neither an email nor an account ID" in p for p in found), found
    assert any("'nobody@example.com' is not a sandbox user" in p for p in found), found
    data = example()
    data["jira"]["flavor"] = data["confluence"]["flavor"] = "datacenter"
    assert any("not a username" in p for p in problems(write(tmp_path, data)))


def test_a_cloud_person_may_be_an_account_id(tmp_path):
    """People whose profile hides their email cannot be found by it: their account ID works."""
    data = example()
    data["roles"]["Testing Team"] = "712020:0b8a2c3d-1e2f-4a5b-8c7d-9e0f1a2b3c4d"
    data["roles"]["Support Team"] = "5b10ac8d82e05b22cc7d4ef5"
    config = load_config(write(tmp_path, data))
    assert config.people("Acme Health")["Support Team"] == "5b10ac8d82e05b22cc7d4ef5"


def test_cloud_basic_auth_needs_the_email(tmp_path):
    data = example()
    data["jira"]["user"] = "admin"
    found = problems(write(tmp_path, data))
    assert any("jira.user: 'admin' is not an email" in p and "HTTP 401" in p for p in found), found
    data["jira"]["flavor"] = data["confluence"]["flavor"] = "datacenter"
    for role in data["roles"]:
        data["roles"][role] = None
    data["customers"] = {}
    load_config(write(tmp_path, data))  # a Data Center username is right


def test_sandbox_flavours_must_agree(tmp_path):
    data = example()
    data["confluence"]["flavor"] = "datacenter"
    assert any("embedded sandbox is one site" in p for p in problems(write(tmp_path, data)))


def test_bad_country_and_subdivision(tmp_path):
    data = example()
    data["calendar"]["country"] = "XX"
    data["customers"]["Globex Logistics"]["calendar"]["subdivision"] = "ZZ"
    found = problems(write(tmp_path, data))
    assert any("calendar.country: unknown country 'XX'" in p for p in found), found
    assert any("unknown subdivision 'ZZ' for DE" in p for p in found), found


def test_customer_overrides_roles_and_calendar_keys():
    config = load_config(REPO / "config.example.yaml")
    assert config.people("Acme Health")["Client SME Teams"] == "sme@acme.example"
    assert config.people("Initech")["Client SME Teams"] is None
    assert config.people("Acme Health")["Delivery Supervisor"] == "dana@example.com"
    globex = config.calendar("Globex Logistics")
    assert (globex.country, globex.subdivision) == ("DE", "BY")
    assert date(2026, 12, 25) in globex.holidays  # not overridden: inherited
    assert not globex.is_working_day(date(2027, 1, 6))  # Epiphany in Bavaria
    assert config.calendar("Acme Health").is_working_day(date(2027, 1, 6))


def test_customer_holiday_list_replaces_the_global_one(tmp_path):
    data = example()
    data["customers"]["Acme Health"]["calendar"] = {"holidays": ["2026-12-24"]}
    cal = load_config(write(tmp_path, data)).calendar("Acme Health")
    assert cal.holidays == frozenset({date(2026, 12, 24)})


def test_customer_near_miss_is_an_error():
    config = load_config(REPO / "config.example.yaml")
    with pytest.raises(InvalidInput, match=r"'acme health' is not in .* but 'Acme Health' is"):
        config.people("acme health")


def test_role_problems_name_the_tasks_and_the_fix():
    config = load_config(REPO / "config.example.yaml")
    found = config.role_problems("t", {"Delivery Supervisor": ["a"], "Auditor": ["x", "y"]})
    assert len(found) == 1
    assert "role 'Auditor' (used by template t, tasks: x, y) has no entry" in str(found[0])
    assert "'Auditor: null'" in str(found[0])


def test_find_config_precedence(tmp_path):
    env = {"NIVOSYNC_CONFIG": "from-env.yaml"}
    assert find_config(Path("flag.yaml"), env) == Path("flag.yaml")
    assert find_config(None, env) == Path("from-env.yaml")
    with pytest.raises(InvalidInput, match=r"no config file"):
        find_config(None, {})
    write(tmp_path, example())
    assert find_config(None, {}) == Path("nivosync.yaml")


def test_relative_paths_resolve_against_the_config_folder(tmp_path):
    data = example()
    data["templates_dir"] = "mine"
    data["sandbox"]["db"] = "state/s.db"
    sub = tmp_path / "conf"
    sub.mkdir()
    path = sub / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_config(path)
    assert config.templates_dir == sub / "mine"
    assert config.sandbox_db == sub / "state/s.db"


def test_http_waiting_defaults_and_checks(tmp_path):
    http = load_config(REPO / "config.example.yaml").spec.http
    assert (http.max_retry_wait_seconds, http.retry_budget_seconds) == (300, 600)
    assert http.near_limit_pause_seconds == 1.0
    data = example()
    data["http"] = {"max_retry_wait_seconds": 900}
    found = problems(write(tmp_path, data))
    assert len(found) == 1 and "http.retry_budget_seconds (600) is less than" in found[0]
    data["http"] = {"retry_budget_seconds": 0, "near_limit_pause_seconds": -1}
    found = problems(write(tmp_path, data))
    assert any("http.retry_budget_seconds" in p for p in found)
    assert any("http.near_limit_pause_seconds" in p for p in found)
