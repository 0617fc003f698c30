"""Issue 14, the terminal: tables that fit, --format, colour and progress decided once."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rich.console import Console

from nivosync.cli import main
from nivosync.cli_output import TerminalProgress, output_style, shows_progress
from nivosync.views.style import PLAIN, OutputStyle, status_cell
from nivosync.views.table import csv_table, fit, paint, plain_table, text_table

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "config.example.yaml")
PLAN = ["plan", "--customer", "Acme Health", "--release", "2.4.0", "--start", "2026-12-07"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["--config", EXAMPLE, *args], env=env, catch_exceptions=False)


class Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


# --- the choice, made once from the environment ----------------------------------------------


@pytest.mark.parametrize(
    ("tty", "env", "log_format", "width", "color"),
    [
        (True, {"COLUMNS": "90"}, "console", 90, True),
        (True, {"COLUMNS": "90", "NO_COLOR": "1"}, "console", 90, False),
        (True, {"COLUMNS": "90", "TERM": "dumb"}, "console", 90, False),
        (True, {"COLUMNS": "90"}, "json", 90, False),
        (False, {"COLUMNS": "70"}, "console", 70, False),  # a pipe: COLUMNS if set …
        (False, {}, "console", None, False),  # … else no wrapping at all
    ],
)
def test_output_style_comes_from_the_terminal_no_color_and_log_format(
    tty, env, log_format, width, color
):
    assert output_style(log_format, Stream(tty), env) == OutputStyle(width=width, color=color)


@pytest.mark.parametrize(
    ("tty", "log_format", "verbose", "shown"),
    [
        (True, "console", False, True),
        (False, "console", False, False),
        (True, "json", False, False),
        (True, "console", True, False),  # -v: debug lines would tear the bar apart
    ],
)
def test_progress_only_on_a_terminal_with_console_logs(tty, log_format, verbose, shown):
    assert shows_progress(log_format, verbose, Stream(tty)) is shown


def test_terminal_progress_draws_on_its_console_and_is_gone_after():
    screen = io.StringIO()
    progress = TerminalProgress(Console(file=screen, force_terminal=True, width=80))
    with progress:
        progress.stage("publishing status pages", 3)
        progress.advance()
        progress.note("waiting 3 s for the index")
    drawn = screen.getvalue()
    assert "publishing status pages" in drawn and "waiting 3 s for the index" in drawn


# --- views with an explicit style ------------------------------------------------------------

HEADERS = ["Week", "Task", "Assignee", "Start", "Depends on"]
ROWS = [
    [
        "5",
        "Production Deployment [go-live]",
        "dana@example.com +dev@example.com",
        "2027-01-07",
        "change-advisory-approval, release-documentation-and-demo-scheduling",
    ],
    ["1", "Upgrade Release Kickoff", "dana@example.com", "2026-12-07", ""],
]


@pytest.mark.parametrize("width", [100, 80, 60, 40])
def test_a_table_never_passes_the_width(width):
    text = text_table(HEADERS, ROWS, OutputStyle(width=width))
    assert max(len(line) for line in text.splitlines()) <= width
    assert "2027-01-07" in text or width < 50  # dates stay whole while there is room


def test_without_a_width_every_row_is_one_line():
    lines = text_table(HEADERS, ROWS, PLAIN).splitlines()
    assert len(lines) == 2 + len(ROWS)
    assert lines[2].startswith("5     Production Deployment [go-live]  dana@example.com +dev")


def test_plain_is_tab_separated_and_csv_parses():
    plain = plain_table(HEADERS, ROWS).splitlines()
    assert [len(line.split("\t")) for line in plain] == [5, 5, 5]
    assert plain[2].split("\t")[-1] == ""
    rows = list(csv.reader(io.StringIO(csv_table(HEADERS, ROWS))))
    assert rows[0] == HEADERS and rows[1] == ROWS[0] and rows[2] == ROWS[1]


def test_statuses_are_coloured_only_when_the_style_says():
    coloured = OutputStyle(color=True)
    assert paint(status_cell("slipping"), coloured) == "\x1b[1;31mSLIPPING\x1b[0m"
    assert paint(status_cell("at_risk"), coloured) == "\x1b[1;33mAT RISK\x1b[0m"
    assert paint(status_cell("on_track"), coloured) == "\x1b[32mON TRACK\x1b[0m"
    assert paint(status_cell("done"), coloured) == "\x1b[32mDONE\x1b[0m"
    assert paint(status_cell("slipping"), PLAIN) == "SLIPPING"
    table = text_table(["Status"], [[status_cell("slipping")]], coloured)
    assert "\x1b[1;31mSLIPPING" in table
    assert not ANSI.search(text_table(["Status"], [[status_cell("slipping")]], PLAIN))


def test_free_text_wraps_with_its_indent_only_with_a_width():
    line = "  create (batch 1/10) " + "word " * 30
    assert fit(line, PLAIN) == line
    wrapped = fit(line, OutputStyle(width=40)).splitlines()
    assert len(wrapped) > 1 and all(len(w) <= 40 for w in wrapped)
    assert all(w.startswith("    ") for w in wrapped[1:])


# --- the commands ----------------------------------------------------------------------------


def test_plan_fits_columns_when_piped_and_keeps_rows_whole_without_it():
    narrow = invoke(*PLAN, env={"COLUMNS": "100"})
    assert narrow.exit_code == 0, narrow.output
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 100
    whole = invoke(*PLAN, env={"COLUMNS": ""})
    widest = max(len(line) for line in whole.stdout.splitlines())
    assert widest > 150  # nothing wrapped: a pipe gets every row whole
    tasks = [line for line in whole.stdout.splitlines() if re.match(r"^[0-9-]+ +\S.*20\d\d-", line)]
    assert len(tasks) == 15 + 4  # every task, then every milestone, one line each
    assert not ANSI.search(whole.stdout)


def test_plan_formats():
    rows = list(csv.reader(io.StringIO(invoke(*PLAN, "--format", "csv").stdout)))
    assert rows[0][:3] == ["ID", "Week", "Task"] and len(rows) == 16
    production = next(r for r in rows if r[0] == "production-deployment")
    assert production[5:7] == ["dana@example.com", "dev@example.com"] and production[-1] == "yes"
    plain = invoke(*PLAN, "--format", "plain", env={"COLUMNS": "40"}).stdout.splitlines()
    assert len(plain) == 16 and all(len(line.split("\t")) == 11 for line in plain)  # no wrap
    assert json.loads(invoke(*PLAN, "--format", "json").stdout) == json.loads(
        invoke(*PLAN, "--json").stdout
    )


def test_json_and_another_format_contradict():
    result = invoke(*PLAN, "--json", "--format", "csv")
    assert result.exit_code == 2
    assert "--json and --format csv contradict each other" in result.stderr
    assert result.stdout == ""


def test_format_from_the_environment(monkeypatch):
    monkeypatch.setenv("NIVOSYNC_PLAN_FORMAT", "csv")
    assert invoke(*PLAN).stdout.startswith("ID,Week,Task,")


def test_templates_formats():
    table = invoke("templates")
    assert re.search(r"nivomax-5-week\s+NIVOMAX Release Deployment Plan\s+15", table.stdout)
    rows = list(csv.reader(io.StringIO(invoke("templates", "--format", "csv").stdout)))
    assert rows[0] == ["Name", "Title", "Tasks", "Source"] and rows[1][:3] == [
        "nivomax-5-week",
        "NIVOMAX Release Deployment Plan",
        "15",
    ]
    plain = invoke("templates", "--format", "plain").stdout.splitlines()
    assert plain[1].split("\t")[0] == "nivomax-5-week"
    document = json.loads(invoke("templates", "--json").stdout)
    assert document["schema"] == "nivosync.templates/1"
    (shipped,) = document["templates"]
    assert shipped["name"] == "nivomax-5-week" and shipped["valid"] and shipped["tasks"] == 15
    assert document == json.loads(invoke("templates", "--format", "json").stdout)


def test_validate_json_ok_and_problems(tmp_path):
    ok = invoke("validate", "--json")
    assert ok.exit_code == 0
    document = json.loads(ok.stdout)
    assert document["ok"] is True and document["problems"] == []
    assert document["templates"][0]["name"] == "nivomax-5-week"
    assert document["templates"][0]["tasks"] == 15
    config = yaml.safe_load(Path(EXAMPLE).read_text())
    config["jira"]["projekt"] = "X"
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    bad = CliRunner().invoke(main, ["--config", str(path), "validate", "--json"])
    assert bad.exit_code == 2
    problems = json.loads(bad.stdout)["problems"]
    assert json.loads(bad.stdout)["ok"] is False
    assert any(
        p["file"].endswith("c.yaml") and isinstance(p["line"], int) and "projekt" in p["message"]
        for p in problems
    )


def test_plan_on_a_forced_terminal_fits_and_prints_no_progress_to_stdout(monkeypatch):
    monkeypatch.setattr("nivosync.cli_output._is_terminal", lambda _stream: True)
    result = invoke(*PLAN, env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(ANSI.sub("", line)) for line in result.stdout.splitlines()) <= 80
