"""The scheduling recipes under deploy/ work as pasted: each one's nivosync command runs
against the sandbox, the cron line runs under `sh` with an env file like env.example, no recipe
installs nivosync by name from a public index, and crash reports outlive a systemd run."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import TOKEN, E2ESite

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
COMMAND = ["--config", "/etc/nivosync/nivosync.yaml", "--log-format", "json", "sync", "--all"]


def cron_command() -> str:
    line = next(
        line
        for line in (DEPLOY / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    return line.split(None, 5)[5]


def systemd_unit() -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "systemd/nivosync-sync.service").read_text())
    return unit


def recipe_argvs() -> dict[str, list[str]]:
    """Each recipe's nivosync arguments (after the program name)."""
    cron = shlex.split(cron_command().split("nivosync ", 1)[1].split(">>")[0])
    service = shlex.split(systemd_unit()["Service"]["ExecStart"])[1:]
    workflow = yaml.safe_load((DEPLOY / "github-actions/nivosync-sync.yml").read_text())
    run = workflow["jobs"]["sync"]["steps"][-1]["run"]
    cronjob = yaml.safe_load((DEPLOY / "kubernetes/cronjob.yaml").read_text())
    container = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    return {
        "crontab": cron,
        "systemd": service,
        "github-actions": shlex.split(run)[1:],
        "kubernetes": container["args"],
    }


@pytest.mark.parametrize("name", ["crontab", "systemd", "github-actions", "kubernetes"])
def test_every_recipe_runs_the_documented_command(name):
    argv = recipe_argvs()[name]
    config = "nivosync.yaml" if name == "github-actions" else "/config/nivosync.yaml"
    expected = list(COMMAND)
    if name in ("github-actions", "kubernetes"):
        expected[1] = config
    assert argv == expected, argv


def test_no_recipe_installs_nivosync_by_name():
    texts = {p.name: p.read_text() for p in DEPLOY.rglob("*") if p.is_file()}
    by_name = re.compile(r"pip install(\s+--?[\w-]+(\s+\S+)?)*\s+nivosync(\s|$|[=<>])")
    for name, text in texts.items():
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert not by_name.search(code), name
    workflow = yaml.safe_load((DEPLOY / "github-actions/nivosync-sync.yml").read_text())
    assert re.fullmatch(r"v\d+\.\d+\.\d+|[0-9a-f]{40}", workflow["env"]["NIVOSYNC_REF"])
    steps = workflow["jobs"]["sync"]["steps"]
    assert steps[1]["with"]["ref"] == "${{ env.NIVOSYNC_REF }}"
    assert "pip install ./.nivosync-src" in steps[3]["run"]
    dockerfile = (DEPLOY / "kubernetes/Dockerfile").read_text()
    assert "COPY . /src" in dockerfile and "pip install --no-cache-dir /src" in dockerfile


def test_systemd_keeps_crash_reports_out_of_private_tmp():
    service = systemd_unit()["Service"]
    assert service["PrivateTmp"] == "yes"
    assert service["StateDirectory"] == "nivosync"
    assert service["Environment"] == "TMPDIR=/var/lib/nivosync"


def test_the_cron_line_runs_under_sh_with_the_env_file(site: E2ESite, tmp_path):
    """The line as pasted, paths moved into tmp: the tokens reach nivosync only if the env
    file's variables are exported."""
    example = (DEPLOY / "env.example").read_text()
    env_file = tmp_path / "env"
    env_file.write_text(example.replace("…", TOKEN))
    logs = tmp_path / "log"
    logs.mkdir()
    program = f"{shlex.quote(sys.executable)} -m nivosync"
    line = (
        cron_command()
        .replace("/etc/nivosync/env", str(env_file))
        .replace("/opt/nivosync/venv/bin/nivosync", program)
        .replace("/etc/nivosync/nivosync.yaml", str(site.config_path))
        .replace("/var/log/nivosync", str(logs))
    )
    # no token from this process's environment (the cache directory stays: not in HOME)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("NIVOSYNC_") or k == "NIVOSYNC_CACHE_DIR"
    }
    done = subprocess.run(["sh", "-c", line], env=clean, cwd=tmp_path, timeout=120, check=False)
    out = (logs / "sync.out").read_text()
    errors = (logs / "sync.jsonl").read_text()
    assert done.returncode == 0, errors
    assert "token" not in errors.lower() or "not set" not in errors, errors
    assert TOKEN not in out + errors
    assert all(line.startswith("{") for line in errors.splitlines() if line), errors
