"""The commands as a user runs them: output on stdout, errors on stderr, exit codes."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from nivosync import __version__
from nivosync.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "config.example.yaml")
PLAN_ARGS = ["plan", "--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_plan_table_and_json():
    result = invoke("--config", EXAMPLE, *PLAN_ARGS)
    assert result.exit_code == 0, result.output
    assert "Perform Release Demo to SME" in result.stdout
    assert "go-live 2027-01-07" in result.stdout
    result = invoke("--config", EXAMPLE, *PLAN_ARGS, "--json")
    data = json.loads(result.stdout)
    assert data["release"]["customer"] == "Acme Health"
    assert data["tasks"][8]["assignee"] == "sme@acme.example"  # customer override


def test_plan_with_template_path(tmp_path):
    template = yaml.safe_load((REPO / "plan_templates/nivomax-5-week.yaml").read_text())
    template["title"] = "Short plan"
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(template))
    result = invoke("--config", EXAMPLE, *PLAN_ARGS, "--template", str(path), "--json")
    assert json.loads(result.stdout)["release"]["template"]["title"] == "Short plan"


def test_config_from_environment(monkeypatch):
    monkeypatch.setenv("NIVOSYNC_CONFIG", EXAMPLE)
    assert invoke(*PLAN_ARGS).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2026-12-05"],
            "not a working day (Saturday); use the next working day, 2026-12-07",
        ),
        (["--start", "2026-13-01"], "Invalid value for '--start'"),
        (["--template", "nope"], "no template named 'nope'"),
        (["--customer", "acme health"], "but 'Acme Health' is"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(args, message):
    base = {"--customer": "Acme Health", "--release": "2.4.0", "--start": "2026-12-07"}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    flat = [part for pair in base.items() for part in pair]
    result = invoke("--config", EXAMPLE, "plan", *flat)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_validate_ok_and_problems(tmp_path):
    result = invoke("--config", EXAMPLE, "validate")
    assert result.exit_code == 0
    assert "nivomax-5-week.yaml: OK" in result.stdout
    config = yaml.safe_load(Path(EXAMPLE).read_text())
    del config["roles"]["Support Team"]
    config["jira"]["projekt"] = "X"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    result = invoke("--config", str(path), "validate")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert any("unknown key 'jira.projekt'; did you mean 'project'?" in line for line in lines)
    assert all(line.startswith("error: ") and ".yaml:" in line for line in lines)


def test_validate_reports_template_and_role_problems_together(tmp_path):
    config = yaml.safe_load(Path(EXAMPLE).read_text())
    del config["roles"]["Support Team"]
    conf = tmp_path / "c.yaml"
    conf.write_text(yaml.safe_dump(config, sort_keys=False))
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\ntitle: x\nroles: []\nmilestones: []\ntasks: []\n")
    result = invoke("--config", str(conf), "validate")
    assert "role 'Support Team'" in result.stderr
    result = invoke("--config", str(conf), "validate", "--template", str(bad))
    assert result.exit_code == 2
    assert "bad.yaml:3: roles: List should have at least 1 item" in result.stderr
    assert "Support Team" not in result.stderr  # bad template: nothing to check roles against


def test_templates_lists_shipped_and_own(tmp_path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "broken.yaml").write_text("title: x\n")
    config = yaml.safe_load(Path(EXAMPLE).read_text())
    config["templates_dir"] = str(own)
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    result = invoke("--config", str(path), "templates")
    assert result.exit_code == 0
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line.strip()}
    assert re.search(
        r"NIVOMAX Release Deployment Plan\s+15\s+\S*nivomax-5-week.yaml \(shipped\)",
        rows["nivomax-5-week"],
    )
    assert "(invalid: 4 problems found)" in rows["broken"]
    assert "see `nivosync validate --template" in result.stdout


def test_missing_config_file():
    result = invoke("--config", "/nonexistent/c.yaml", "validate")
    assert result.exit_code == 2
    assert "config not found" in result.stderr


def test_python_dash_m_and_logs_on_stderr(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nivosync",
            "--config",
            EXAMPLE,
            "--log-format",
            "json",
            *PLAN_ARGS,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["release"]["slug"] == "acme-health--2.4.0"


RELEASE_ARGS = ["--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]


def config_with_holiday(tmp_path: Path, written: str) -> tuple[Path, int]:
    """The example config with its second explicit holiday replaced by `written`, verbatim."""
    lines = Path(EXAMPLE).read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("  holidays:"))
    lines[number - 1] = f"  holidays: [2026-12-25, {written}]\n"
    path = tmp_path / "nivosync.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    return path, number


def assert_one_clear_line(result, *parts: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "unexpected" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    for part in parts:
        assert part in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["plan", *RELEASE_ARGS], ["create", *RELEASE_ARGS]])
@pytest.mark.parametrize(
    ("written", "why"),
    [("2026-02-30", "not a real date (day is out of range for month)"), ("not-a-date", "")],
)
def test_bad_holiday_in_the_config_names_file_line_and_value(tmp_path, command, written, why):
    path, line = config_with_holiday(tmp_path, written)
    result = invoke("--config", str(path), *command)
    assert_one_clear_line(
        result,
        f"nivosync.yaml:{line}: calendar.holidays[1]:",
        f"'{written}'",
        why,
        "write each holiday as YYYY-MM-DD",
    )


def test_bad_holiday_is_reported_by_validate(tmp_path):
    path, line = config_with_holiday(tmp_path, "2026-02-30")
    result = invoke("--config", str(path), "validate")
    assert result.exit_code == 2
    assert f"nivosync.yaml:{line}: calendar.holidays[1]: not a real date" in result.stderr


@pytest.mark.parametrize("command", ["plan", "create"])
def test_start_so_late_the_plan_runs_past_the_last_date_is_exit_2(command):
    args = ["--customer", "Acme Health", "--release", "2.4.0", "--start", "9999-12-01"]
    result = invoke("--config", EXAMPLE, command, *args)
    assert_one_clear_line(
        result, "--start", "9999-12-01", "after 9999-12-31", "check the year of the start date"
    )


# --- option errors, dates, environment defaults ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["sync", "--al"], "error: No such option '--al'. (Did you mean one of: '--all'"),
        (["plan", "--customer", "x"], "error: Missing option '--release' (see `nivosync plan"),
        (["frobnicate"], "error: No such command 'frobnicate' (see `nivosync --help`)"),
        (
            ["sync", "--as-of", "2026-02-30"],
            "'2026-02-30' does not exist: February 2026 has 28 days (see `nivosync sync --help`)",
        ),
        (["sync", "--as-of", "2026-13-01"], "'2026-13-01' does not exist: there is no month 13"),
        (["sync", "--as-of", "next week"], "'next week' is not a date: write it as YYYY-MM-DD"),
    ],
)
def test_option_errors_are_one_line_and_exit_2(args, said):
    result = invoke("--config", EXAMPLE, *args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], result.stderr
    assert "Usage:" not in result.output


def test_options_default_from_nivosync_environment_variables(monkeypatch):
    monkeypatch.setenv("NIVOSYNC_CONFIG", EXAMPLE)
    monkeypatch.setenv("NIVOSYNC_PLAN_CUSTOMER", "Acme Health")
    monkeypatch.setenv("NIVOSYNC_PLAN_AS_JSON", "1")
    result = invoke("plan", "--release", "2.4.0", "--start", "2026-12-07")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["release"]["customer"] == "Acme Health"


def test_verbose_logs_one_line_per_http_request_without_secrets(tmp_path):
    import logging

    import responses

    from nivosync.http import Credentials, RetryPolicy, Transport

    with responses.RequestsMock() as mock:
        mock.get("https://jira.example.com/rest/api/2/myself", json={"name": "me"})
        lines = []
        import structlog

        structlog.configure(
            processors=[lambda _l, _m, event: lines.append(event) or ""],
            wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG),
        )
        try:
            transport = Transport(
                "https://jira.example.com", Credentials("me", "s3cret-token"), retry=RetryPolicy()
            )
            transport.request("GET", "/rest/api/2/myself")
        finally:
            structlog.reset_defaults()
    http = [e for e in lines if e.get("event") == "http request"]
    assert len(http) == 1 and http[0]["status"] == 200 and http[0]["path"].endswith("/myself")
    assert "s3cret-token" not in repr(lines)


def test_a_start_in_the_past_warns_how_late_the_release_is_from_day_one():
    result = invoke(
        "--config",
        EXAMPLE,
        "plan",
        "--customer",
        "Acme Health",
        "--release",
        "2.4.0",
        "--start",
        "2020-01-06",
    )
    assert result.exit_code == 0, result.output
    warning = result.stderr.strip()
    assert warning.startswith("warning: the release starts 2020-01-06, ") and "day one" in warning
    assert "tasks already due before today (the first: Upgrade Release Kickoff" in warning
    assert "warning" not in result.stdout
    assert "warning" not in invoke("--config", EXAMPLE, *PLAN_ARGS[:-1], "2099-01-05").stderr


def test_counts_say_one_thing_and_many_things():
    from nivosync.views.words import count

    assert [count(1, "issue"), count(2, "issue"), count(0, "page")] == [
        "1 issue",
        "2 issues",
        "0 pages",
    ]
    assert count(1, "working day") == "1 working day"


def test_calendar_out_in_a_missing_folder_is_one_line_and_exit_2(tmp_path):
    result = invoke("--config", EXAMPLE, "calendar", "--out", str(tmp_path / "no" / "x.ics"))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "does not exist: create it" in lines[0], result.stderr
