"""Set-up shared by the benchmarks: the example config for a flavour, a sandbox in its own
process (so a run's CPU and memory are the client's alone), and a child run's resources.

    python benchmarks/_site.py serve DB CONFIG   # what SiteProcess starts: prints the base URL
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

REPO = Path(__file__).resolve().parents[1]
TOKEN = "benchmark-token"
FLAVORS = ("cloud", "datacenter")


def example_config(flavor: str) -> dict[str, Any]:
    """config.example.yaml for `flavor` (Data Center names people by username)."""
    data: dict[str, Any] = yaml.safe_load((REPO / "config.example.yaml").read_text())
    data["jira"]["flavor"] = data["confluence"]["flavor"] = flavor
    if flavor == "datacenter":
        names = {u["email"]: u["username"] for u in data["sandbox"]["users"]}
        data["jira"]["user"] = data["confluence"]["user"] = "admin"
        data["roles"] = {k: names.get(v, v) if v else v for k, v in data["roles"].items()}
        for customer in data["customers"].values():
            customer["roles"] = {k: names.get(v, v) for k, v in customer["roles"].items()}
    return data


def configure(folder: Path, flavor: str, site_url: str | None = None) -> Path:
    """Write the example config for `flavor` to `folder`, pointing at `site_url` if given."""
    data = example_config(flavor)
    if site_url is not None:
        data["jira"]["url"] = site_url
        data["confluence"]["url"] = site_url + ("/wiki" if flavor == "cloud" else "/confluence")
    path = folder / f"{flavor}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    os.environ["NIVOSYNC_JIRA_TOKEN"] = os.environ["NIVOSYNC_CONFLUENCE_TOKEN"] = TOKEN
    return path


@dataclass
class SiteProcess:
    """A sandbox served by a child process, driven through its /_sandbox/ endpoints."""

    process: subprocess.Popen[str]
    base_url: str
    flavor: str
    login: str

    @classmethod
    def start(cls, db: Path, config: Path, flavor: str) -> SiteProcess:
        command = [sys.executable, __file__, "serve", str(db), str(config)]
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE}
        process = subprocess.Popen(command, text=True, **pipes)
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            process.kill()
            raise RuntimeError(f"the sandbox did not start (said {base_url!r})")
        login = "admin@example.com" if flavor == "cloud" else "admin"
        return cls(process, base_url, flavor, login)

    def cpu_seconds(self) -> float | None:
        """The sandbox process's CPU so far, user + system (None where /proc cannot say)."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # from the state on: utime, stime at 11, 12
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    @property
    def jira_url(self) -> str:
        return self.base_url

    @property
    def confluence_url(self) -> str:
        return self.base_url + ("/wiki" if self.flavor == "cloud" else "/confluence")

    def _control(self, method: str, what: str, body: Any = None) -> Any:
        response = requests.request(
            method, f"{self.base_url}/_sandbox/{what}", json=body, auth=(self.login, TOKEN)
        )
        response.raise_for_status()
        return response.json() if response.content else None

    def faults(self, spec: dict[str, Any]) -> None:
        self._control("POST", "faults", spec)

    def requests(self) -> list[dict[str, Any]]:
        """The API requests served since the last `clear` (the control calls not included)."""
        return [r for r in self._control("GET", "requests") if "/_sandbox/" not in r["path"]]

    def clear(self) -> None:
        self._control("DELETE", "requests")

    def stop(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()  # the child stops when its stdin closes
        self.process.wait(timeout=30)

    def __enter__(self) -> SiteProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def split_requests(log: Sequence[dict[str, Any]]) -> tuple[int, int]:
    """(Jira, Confluence) request counts of a request log."""
    wiki = sum(r["path"].startswith(("/wiki", "/confluence")) for r in log)
    return len(log) - wiki, wiki


@dataclass(frozen=True)
class ChildRun:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child process
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_child(command: Sequence[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run `command` and measure its wall time, CPU and peak RSS (Linux: os.wait4)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command), stdout=out, stderr=err, env={**os.environ, **(env or {})}
        )
        _pid, status, usage = os.wait4(process.pid, 0)  # the child's own rusage
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            wall,
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
            process.returncode,
            out.read(),
            err.read(),
        )


COUNTED = re.compile(r"Collected : (\d+)")


def instructions(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Millions of instructions one run of `command` executes, all its threads (valgrind's
    callgrind): the same for the same code, inputs and interpreter, however loaded the machine."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    found = COUNTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed on {' '.join(command)}: {done.stderr[-500:]}")
    return int(found.group(1)) / 1e6


def _serve(db: Path, config: Path) -> None:
    from nivosync.app.sandbox_seeding import site_seed
    from nivosync.inputs.config import load_config
    from nivosync.sandbox import Sandbox

    with Sandbox.start(db, site_seed(load_config(config), TOKEN)) as sandbox:
        sandbox.faults.configure({"index_lag_seconds": 0})
        print(sandbox.base_url, flush=True)
        sys.stdin.read()  # until the parent closes it


if __name__ == "__main__" and sys.argv[1:2] == ["serve"]:
    _serve(Path(sys.argv[2]), Path(sys.argv[3]))
