"""Issue 15: the CLI starts fast because heavy libraries are imported only where they are used
(the chart library when a chart is drawn; HTTP and the Atlassian client when a site is opened;
the sandbox's server when a sandbox is started; structlog at the first log record shown; one
country of the `holidays` package, and none once its holidays are kept on the machine; the
Atlassian package's REST client, not its products). Checked in a fresh interpreter: which
modules an import or a command brings in is deterministic, unlike a timing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLE = str(Path(__file__).resolve().parents[2] / "config.example.yaml")
CHARTS = ("matplotlib", "numpy", "PIL")
SITES = ("requests", "atlassian", "tenacity", "urllib3", "werkzeug")
LOGGING = ("structlog", "rich.traceback")
# What the `holidays` package's own __init__ (and `holidays.countries`') would bring in
HOLIDAY_EXTRAS = ("holidays.countries.france", "holidays.countries.united_states", "holidays.utils")
# The Atlassian package's product clients, and what they import
ATLASSIAN_PRODUCTS = ("atlassian.jira", "atlassian.confluence", "atlassian.bamboo", "bs4")
PLAN = ("plan", "--customer", "Acme", "--release", "1.0", "--start", "2026-12-07")


def imported_by(*modules: str, watched: tuple[str, ...] = (*CHARTS, *SITES)) -> set[str]:
    """Which of `watched` a fresh interpreter holds after importing `modules`."""
    code = (
        f"import sys\nimport {', '.join(modules)}\n"
        f"print(' '.join(m for m in {watched!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def run_loads(code: str, watched: tuple[str, ...]) -> set[str]:
    """Which of `watched` a fresh interpreter holds after running `code`."""
    tail = f"\nimport sys\nprint(json.dumps([m for m in {watched!r} if m in sys.modules]))"
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + code + tail],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def command_loads(*args: str, watched: tuple[str, ...]) -> set[str]:
    """Which of `watched` `nivosync --config config.example.yaml ARGS` imports (it must work)."""
    code = (
        "import contextlib, io\nfrom nivosync.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        main([*{['--config', EXAMPLE, *args]!r}])\n"
        "    except SystemExit as exc:\n        assert exc.code in (0, None), exc.code\n"
    )
    return run_loads(code, watched)


def test_importing_the_cli_imports_no_chart_library():
    loaded = imported_by("nivosync.cli", watched=(*CHARTS, *SITES, "structlog", "pydantic"))
    assert "matplotlib" not in loaded
    # nor numpy, Pillow, requests, the Atlassian client, werkzeug; and `--help` configures no
    # logging and reads no config, so neither structlog nor pydantic
    assert loaded == set()


def test_plan_and_validate_import_nothing_a_site_or_a_chart_needs():
    loaded = imported_by("nivosync.cli", "nivosync.commands.plan", "nivosync.commands.validate")
    assert loaded == set()


def test_create_and_sync_import_no_chart_library_until_a_chart_is_drawn():
    loaded = imported_by("nivosync.cli", "nivosync.commands.create", "nivosync.commands.sync")
    assert not loaded & set(CHARTS)


def test_the_site_commands_import_nothing_of_the_sandbox_until_one_is_used():
    commands = [f"nivosync.commands.{c}" for c in ("create", "sync", "status", "publish")]
    watched = ("nivosync.sandbox", "nivosync.sandbox.seed", "sqlite3", "werkzeug")
    assert imported_by("nivosync.cli", *commands, watched=watched) == set()
    # the date of a config on the embedded sandbox is the sandbox's clock
    code = (
        "from pathlib import Path\nfrom nivosync.app.site_clock import today_in\n"
        "from nivosync.inputs.config import load_config\n"
        f"today_in(load_config(Path({EXAMPLE!r})))\n"
    )
    assert "nivosync.sandbox" in run_loads(code, watched)  # the example is on the sandbox


def test_help_validate_and_plan_run_without_structlog_nor_a_site_library():
    watched = (*LOGGING, *SITES, *CHARTS)
    assert command_loads("--help", watched=watched) == set()
    assert command_loads("validate", watched=watched) == set()
    assert command_loads(*PLAN, watched=watched) == set()


def test_plan_loads_only_the_country_its_config_names_and_not_the_portfolio_code():
    # the example config's Globex Logistics has `country: DE`: checking it loads Germany alone
    watched = (
        "holidays.countries.germany",
        *HOLIDAY_EXTRAS,
        "nivosync.core.slippage",  # behind the --what-if view only
        "nivosync.core.forecast",
    )
    assert command_loads(*PLAN, watched=watched) == {"holidays.countries.germany"}


def test_the_second_plan_on_a_machine_imports_no_holidays_module():
    # the example config's Globex Logistics has `country: DE, subdivision: BY`
    watched = ("holidays", "holidays.countries.germany", "holidays.registry")
    assert "holidays.countries.germany" in command_loads(*PLAN, watched=watched)
    assert command_loads(*PLAN, watched=watched) == set()


def test_a_shown_record_imports_structlog_and_is_rendered_as_configured():
    code = (
        "import io, sys\nsys.stderr = io.StringIO()\n"
        "from nivosync.log_setup import configure_logging, get_logger\n"
        "configure_logging('json', verbose=False)\nlog = get_logger('t')\n"
        "log.debug('hidden')\nassert 'structlog' not in sys.modules\n"
        "log.info('shown', n=1)\nrecord = json.loads(sys.stderr.getvalue())\n"
        "assert record['event'] == 'shown' and record['n'] == 1 and record['level'] == 'info'\n"
    )
    assert run_loads(code, watched=("structlog",)) == {"structlog"}


def test_a_configuration_made_after_configure_logging_wins():
    # what a test capturing records does: configure structlog itself, then log
    code = (
        "from nivosync.log_setup import configure_logging, get_logger\n"
        "configure_logging('console', verbose=False)\nimport structlog\nlines = []\n"
        "structlog.configure(processors=[lambda _l, _m, event: lines.append(event) or ''])\n"
        "get_logger('t').debug('kept', n=2)\n"
        "assert [e['event'] for e in lines] == ['kept'], lines\n"
    )
    assert run_loads(code, watched=("structlog",)) == {"structlog"}


def test_a_transport_loads_the_rest_client_not_the_atlassian_products():
    code = (
        "from nivosync.http import Credentials, Transport\n"
        "Transport('https://jira.example.com', Credentials('me', 'token')).close()\n"
    )
    watched = ("atlassian.rest_client", *ATLASSIAN_PRODUCTS)
    assert run_loads(code, watched=watched) == {"atlassian.rest_client"}


def test_a_package_imported_bare_is_whole_when_asked_for_a_name():
    code = (
        "from nivosync.http import Credentials, Transport\n"
        "Transport('https://jira.example.com', Credentials('me', 'token')).close()\n"
        "from nivosync.core.calendar import regional_holidays\n"
        "regional_holidays('DE', 'BY')\n"
        "import atlassian, holidays\n"
        "assert atlassian.Jira.__module__.startswith('atlassian.jira')\n"
        "france = holidays.country_holidays('FR', years=2027, language='en_US')\n"
        "assert france.get('2027-07-14') == 'National Day'\n"
    )
    watched = ("atlassian.jira", "holidays.countries.france")
    assert run_loads(code, watched=watched) == set(watched)
