"""Browser fixtures: one headless Chromium per module, and per flavour a sandbox with a release
made and published as a user would (`create`, then `publish` with notes and a Change Advisory
file), whose pages are read in the sandbox's HTML view."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from e2e.conftest import start_site
from nivosync.cli import main

from .chromium import Browser, find_chromium, launched

ACME = ["--customer", "Acme Health", "--release", "2.4.0"]
NOTES = """\
summary: Faster exports and a safer login.
items:
  - {section: features, title: Bulk export, description: Export many records at once.}
  - {section: fixes, title: Login after a password change}
"""
# Some of what only people can say, not all: the page shows both kinds of region.
CHANGE_ADVISORY = """\
change_number: CHG0031337
change_window: {start: "20:00", end: "22:00", time_zone: Europe/Berlin}
affected_services: [Patient records, Lab results interface]
impact: Restart of the application servers; the lab interface queues results meanwhile.
rollback_plan: Redeploy 2.3.1 from the release archive.
downtime: Up to 30 minutes.
"""


@dataclass(frozen=True)
class Published:
    flavor: str
    auth: tuple[str, str]
    urls: dict[str, str]  # page kind → its address in the sandbox's HTML view


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    binary = find_chromium()
    with launched(binary, tmp_path_factory.mktemp("chromium")) as running:
        yield running


def _cli(config: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--config", str(config), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def published(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Published]:
    # Module scope (two sandboxes for all the module's tests), so its own HOME and tokens.
    tmp = tmp_path_factory.mktemp(f"release-{request.param}")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOME", str(tmp / "home"))
        env.chdir(tmp)  # the pages name the files as given: "ca.yaml", not a temporary path
        for site in start_site(tmp, request.param, env):
            _cli(site.config_path, "create", *ACME, "--start", "2026-12-07", "--no-publish")
            Path("notes.yaml").write_text(NOTES)
            Path("ca.yaml").write_text(CHANGE_ADVISORY)
            files = ["--notes", "notes.yaml", "--change-advisory", "ca.yaml"]
            pages = json.loads(_cli(site.config_path, "publish", *ACME, *files, "--json"))
            urls = {page["kind"]: page["url"] for page in pages["pages"]}
            yield Published(request.param, site.sandbox.auth, urls)
