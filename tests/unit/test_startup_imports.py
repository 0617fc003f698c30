"""Issue 15: the CLI starts fast because heavy libraries are imported only where they are used
(the chart library when a chart is drawn; HTTP and the Atlassian client when a site is opened;
the sandbox's server when a sandbox is started). Checked in a fresh interpreter: which modules
an import brings in is deterministic, unlike a timing."""

from __future__ import annotations

import subprocess
import sys

CHARTS = ("matplotlib", "numpy", "PIL")
SITES = ("requests", "atlassian", "tenacity", "urllib3", "werkzeug")


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
