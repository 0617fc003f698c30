"""`nivosync sandbox serve --host`: beyond loopback only with --allow-remote (a test server)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from nivosync.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "config.example.yaml")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """The sandbox's serve() replaced by one that records its call and returns at once."""
    calls: list[dict[str, Any]] = []

    def fake_serve(
        database: Path, seed: Any, host: str, port: int, faults: Any, ready: Any
    ) -> None:
        calls.append({"database": database, "host": host, "port": port})
        ready(f"http://{host}:8765")

    monkeypatch.setattr("nivosync.app.sandbox_site.serve", fake_serve)
    old_umask = os.umask(0o022)
    yield calls
    os.umask(old_umask)


def serve(tmp_path: Path, *args: str) -> Result:
    db = tmp_path / ".nivosync" / "s.db"
    options = ["--config", EXAMPLE, "sandbox", "serve", "--db", str(db), "--port", "0", *args]
    return CliRunner().invoke(main, options)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_a_host_beyond_loopback_needs_allow_remote(
    tmp_path: Path, served: list[dict[str, Any]], host: str
) -> None:
    result = serve(tmp_path, "--host", host)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --host {host} "), lines
    for part in ("plain-HTTP test server", "Basic auth", "--allow-remote"):
        assert part in lines[0]
    assert served == [] and result.stdout == ""
    assert not (tmp_path / ".nivosync").exists()


def test_allow_remote_serves_with_the_warning(tmp_path: Path, served: list[dict[str, Any]]) -> None:
    result = serve(tmp_path, "--host", "0.0.0.0", "--allow-remote")
    assert result.exit_code == 0, result.output
    assert [call["host"] for call in served] == ["0.0.0.0"]
    assert "warning: serving on 0.0.0.0, reachable from other machines" in result.stdout
    assert "for tests only" in result.stdout
    folder = tmp_path / ".nivosync"
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700  # made by nivosync: the owner's only


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_needs_no_flag_and_its_folder_is_private(
    tmp_path: Path, served: list[dict[str, Any]], host: str
) -> None:
    result = serve(tmp_path, "--host", host)
    assert result.exit_code == 0, result.output
    assert [call["host"] for call in served] == [host]
    assert "warning" not in result.stdout
    assert stat.S_IMODE(os.stat(tmp_path / ".nivosync").st_mode) == 0o700
