"""Sandbox fixtures: a started site per flavor on an ephemeral loopback port, over real HTTP.

def test_x(cloud: Site): cloud.get("/rest/api/3/myself").json()
def test_y(site: Site): ...          # runs once per flavor
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.sandbox import Sandbox
from nivosync.sandbox.seed import Flavor, demo_seed


class Site:
    """A running sandbox plus an authenticated requests session rooted at its base URL."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.flavor = sandbox.flavor
        self.api = "3" if sandbox.flavor == "cloud" else "2"
        self.session = requests.Session()
        self.session.auth = sandbox.auth
        self.session.headers["Accept"] = "application/json"

    def url(self, path: str) -> str:
        return self.sandbox.base_url + path

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def rest(self, path: str) -> str:
        """``/rest/api/<flavor's version>/<path>``."""
        return f"/rest/api/{self.api}/{path}"


def _start(tmp_path: Path, flavor: Flavor) -> Iterator[Site]:
    with Sandbox.start(tmp_path / f"{flavor}.db", demo_seed(flavor)) as sandbox:
        site = Site(sandbox)
        yield site
        site.session.close()


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "cloud")


@pytest.fixture
def dc(tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, "datacenter")


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    yield from _start(tmp_path, request.param)
