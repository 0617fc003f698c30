"""An authenticated requests session rooted at a running sandbox (shared by test packages)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import requests

from nivosync.sandbox import Sandbox, SiteSeed


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


def started(path: Path, seed: SiteSeed) -> Iterator[Site]:
    """A site for `seed` stored at `path`, with no index lag: route tests read back what they
    just wrote (tests/sandbox/test_index_lag.py covers the lag, tests/e2e the default)."""
    with Sandbox.start(path, seed, faults={"index_lag_seconds": 0}) as sandbox:
        site = Site(sandbox)
        yield site
        site.session.close()
