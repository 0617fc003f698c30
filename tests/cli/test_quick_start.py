"""The README's quick start works as pasted: CI runs its test command, and its first command
creates the release and ends serving something a person can open in a browser."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_the_quick_start_is_two_one_line_commands_and_ci_runs_the_second():
    first, second = quick_start_commands()
    assert first.startswith("python3 -m venv .venv && ") and "\n" not in first
    assert second.startswith("python3 -m venv .venv && ") and second.endswith("-m pytest")
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    assert second in ci, "CI must run exactly the README's test command"


def test_the_first_command_creates_the_release_and_serves_it(tmp_path):
    first, _ = quick_start_commands()
    steps = [s.strip() for s in first.split("&&")]
    nivosync = [shlex.split(s) for s in steps if s.startswith(".venv/bin/nivosync")]
    assert [argv[3] for argv in nivosync] == ["create", "sandbox"], nivosync
    shutil.copy(REPO / "config.example.yaml", tmp_path / "config.example.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NIVOSYNC_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # what a run keeps for the next one
    program = [sys.executable, "-m", "nivosync"]
    created = subprocess.run(
        program + nivosync[0][1:], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert created.returncode == 0, created.stderr
    assert "Acme Health 2.4.0" in created.stdout
    served = subprocess.Popen(
        program + nivosync[1][1:],
        cwd=tmp_path,
        env={**env, "NIVOSYNC_SANDBOX_SERVE_PORT": "0"},  # any free port, not the README's
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        banner = _banner(served)
        browse = re.search(r"Browse:\s+(\S+)", banner)
        login = re.search(r"Log in as (\S+) with the token (\S+)", banner)
        assert browse and login, banner
        page = requests.get(browse[1], auth=(login[1], login[2]), timeout=10)
        assert page.status_code == 200 and "Acme Health 2.4.0" in page.text, page.text[:500]
    finally:
        served.terminate()
        served.wait(timeout=15)


def _banner(process: subprocess.Popen[str]) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if line.startswith("Stop with") or not line:
            break
    return "".join(lines)
