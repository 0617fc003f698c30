"""End-to-end fixtures: a sandbox site per flavour and a config file pointing at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from jira import JIRA

from nivosync.app.sandbox_seeding import site_seed
from nivosync.inputs.config import load_config
from nivosync.sandbox import Sandbox, SiteSeed
from nivosync.sandbox.auth import user_token

REPO = Path(__file__).resolve().parents[2]
TOKEN = "e2e-secret-token-3f9a"  # sandbox-only; tests assert it never reaches output


@dataclass
class E2ESite:
    sandbox: Sandbox
    config_path: Path
    flavor: str

    def requests(self) -> list[dict[str, Any]]:
        return self.sandbox.requests.entries()

    def writes(self) -> list[dict[str, Any]]:
        return [
            r
            for r in self.requests()
            if r["method"] != "GET" and not r["path"].endswith(("/search/jql", "/search"))
        ]

    def clear(self) -> None:
        self.sandbox.requests.clear()


def reader(site: E2ESite) -> JIRA:
    """An independent client (pycontribs' jira) to read back what nivosync wrote.

    It reads as a person would later on: the search index has caught up (nivosync itself runs
    with the sandbox's default index lag, and must not rely on the index having caught up)."""
    site.sandbox.faults.configure({"index_lag_seconds": 0})
    if site.flavor == "cloud":
        return JIRA(site.sandbox.jira_url, basic_auth=("admin@example.com", TOKEN))
    return JIRA(site.sandbox.jira_url, token_auth=TOKEN)


def example_config(flavor: str) -> dict[str, Any]:
    data = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["jira"]["flavor"] = data["confluence"]["flavor"] = flavor
    if flavor == "datacenter":
        data["jira"]["user"] = data["confluence"]["user"] = "admin"
        users = {u["email"]: u["username"] for u in data["sandbox"]["users"]}
        data["roles"] = {k: users.get(v, v) if v else v for k, v in data["roles"].items()}
        for customer in data["customers"].values():
            customer["roles"] = {k: users.get(v, v) for k, v in customer["roles"].items()}
    return data


def start_site(
    tmp_path: Path,
    flavor: str,
    monkeypatch: pytest.MonkeyPatch,
    tailor: Callable[[SiteSeed], SiteSeed] = lambda seed: seed,
) -> Iterator[E2ESite]:
    """A sandbox seeded from the example config (`tailor` may restrict its project)."""
    data = example_config(flavor)
    path = tmp_path / "nivosync.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    seed = tailor(site_seed(load_config(path), TOKEN))
    with Sandbox.start(tmp_path / "site.db", seed) as sandbox:
        data["jira"]["url"] = sandbox.jira_url
        data["confluence"]["url"] = sandbox.confluence_url
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        monkeypatch.setenv("NIVOSYNC_JIRA_TOKEN", TOKEN)
        monkeypatch.setenv("NIVOSYNC_CONFLUENCE_TOKEN", TOKEN)
        yield E2ESite(sandbox, path, flavor)


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch) -> Iterator[E2ESite]:
    yield from start_site(tmp_path, request.param, monkeypatch)


@pytest.fixture
def cloud_site(tmp_path: Path, monkeypatch) -> Iterator[E2ESite]:
    yield from start_site(tmp_path, "cloud", monkeypatch)


def as_account(site: E2ESite, monkeypatch: pytest.MonkeyPatch, email: str, username: str) -> None:
    """Run nivosync as the sandbox's `email` (an ordinary user, not a site admin)."""
    data = yaml.safe_load(site.config_path.read_text())
    login = email if site.flavor == "cloud" else username
    data["jira"]["user"] = data["confluence"]["user"] = login
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))
    token = user_token(site.sandbox.seed, email)
    monkeypatch.setenv("NIVOSYNC_JIRA_TOKEN", token)
    monkeypatch.setenv("NIVOSYNC_CONFLUENCE_TOKEN", token)
