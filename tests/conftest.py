"""Guards for every test: no real network, nothing written to the user's home directory."""

from __future__ import annotations

import ipaddress
import os
import socket
import tempfile
from pathlib import Path

import pytest

# matplotlib caches fonts under $HOME at import; tests keep it in a temporary folder.
os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="nivosync-mpl-")

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    inet = self.family in (socket.AF_INET, socket.AF_INET6)
    if inet and host not in (None, "localhost") and not ipaddress.ip_address(host).is_loopback:
        raise RuntimeError(f"test tried to reach the network: {address!r}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network_no_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in ("NIVOSYNC_CONFIG", "NIVOSYNC_JIRA_TOKEN", "NIVOSYNC_CONFLUENCE_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # piped output is unwrapped unless a test says
    # What a run keeps for the next one on this machine: each test's own (none to begin with).
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("NIVOSYNC_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    yield
    written = sorted(p.relative_to(home) for p in home.rglob("*"))
    assert not written, f"test wrote to the home directory: {written}"


REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def repo_root() -> Path:
    return REPO


@pytest.fixture
def example_config() -> Path:
    return REPO / "config.example.yaml"


@pytest.fixture
def shipped_template() -> Path:
    return REPO / "plan_templates" / "nivomax-5-week.yaml"
