"""`nivosync sandbox serve|reset` as a user runs them."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import requests
from click.testing import CliRunner

from nivosync.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = str(REPO / "config.example.yaml")


def test_serve_prints_its_url_serves_with_auth_and_stops_on_sigterm(tmp_path):
    db = tmp_path / "s.db"
    env = {"PATH": "/usr/bin:/bin", "NIVOSYNC_JIRA_TOKEN": "t0k", "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nivosync",
            "--config",
            EXAMPLE,
            "sandbox",
            "serve",
            "--db",
            str(db),
            "--flavor",
            "datacenter",
            "--fault",
            "503:1:GET:^/rest/api/2/field$",
            "--port",
            "0",  # any free port: a sandbox already on the config's 8765 must not matter
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        while not any("Stop with" in line for line in lines):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line)
        text = "".join(lines)
        url = re.search(r"Jira:\s+(http://127\.0\.0\.1:\d+)", text).group(1)
        assert not url.endswith(":0")  # the port actually bound, not the one asked for
        assert "Confluence: " + url + "/confluence" in text
        assert "generated for this run because $NIVOSYNC_CONFLUENCE_TOKEN is not set" in text
        assert "t0k" not in text  # a token from the environment is never printed
        assert requests.get(f"{url}/rest/api/2/myself", timeout=5).status_code == 401
        me = requests.get(f"{url}/rest/api/2/myself", auth=("admin", "t0k"), timeout=5)
        assert me.json()["name"] == "admin"
        assert (
            requests.get(f"{url}/rest/api/2/field", auth=("admin", "t0k"), timeout=5).status_code
            == 503
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "sandbox stopped" in out
    assert db.exists()


def test_reset_wipes_the_database(tmp_path):
    db = tmp_path / "s.db"
    db.write_bytes(b"x")
    result = CliRunner().invoke(main, ["--config", EXAMPLE, "sandbox", "reset", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert not db.exists()
    assert "sandbox data wiped" in result.stdout
    again = CliRunner().invoke(main, ["--config", EXAMPLE, "sandbox", "reset", "--db", str(db)])
    assert again.exit_code == 0 and "nothing to wipe" in again.stdout


def test_reset_asks_at_a_terminal_unless_yes(tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    db.write_bytes(b"x")
    monkeypatch.setattr("nivosync.cli.at_terminal", lambda: True)
    args = ["--config", EXAMPLE, "sandbox", "reset", "--db", str(db)]
    no = CliRunner().invoke(main, args, input="n\n")
    assert no.exit_code == 1 and db.exists() and "not wiped" in no.stdout
    assert "Wipe the sandbox data at" in no.stderr
    yes = CliRunner().invoke(main, [*args, "--yes"])
    assert yes.exit_code == 0 and not db.exists()


def test_bad_fault_option_is_exit_2():
    result = CliRunner().invoke(
        main, ["--config", EXAMPLE, "sandbox", "serve", "--fault", "418:0.5"]
    )
    assert result.exit_code == 2
    assert "--fault '418:0.5': kind must be one of" in result.stderr


def test_busy_port_is_one_clear_line_and_exit_2():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            main, ["--config", EXAMPLE, "sandbox", "serve", "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
