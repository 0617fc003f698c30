"""Benchmark: CPU (user + system) of one short command, start-up and imports included (issue 15).

    python benchmarks/cpu_startup.py [--runs 5] [--top 8] [--no-create] [--bytecode]
                                     [--instructions]

Each command is run --runs times as a child process (`python -m nivosync …` with the example
config); printed per command: the median CPU and the range, then the modules with the largest
cumulative import time from one `python -X importtime` run of it. `create` is a re-run of a
release that exists (it opens the sites: a sandbox in its own process, so its CPU is not
counted), made once before the measured runs. With PYTHONDONTWRITEBYTECODE set (as on the
development machine) every run compiles nivosync's own modules again; --bytecode lets the
children cache bytecode in a temporary PYTHONPYCACHEPREFIX (after one warm-up run), as an
installed nivosync does. Times are this machine's; which modules a command imports is
checked, deterministically, by tests/unit/test_startup_imports.py.

--instructions (needs valgrind) also counts each command's instructions under callgrind, once
(after the CPU runs): the same total for the same code, inputs and interpreter whatever else
the machine is doing — the number to compare between commits when the machine's speed varies
(seen: a create re-run's CPU 0.39 s on one day, 0.64 s two days later, nearly the same code). Also
counted: a bare interpreter and one importing only the libraries every site command needs.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _site import REPO, SiteProcess, configure, instructions, run_child

EXAMPLE = REPO / "config.example.yaml"
RELEASE = ["--customer", "Acme", "--release", "1.0", "--start", "2026-12-07"]
COMMANDS: dict[str, list[str]] = {
    "--help": ["--help"],
    "validate": ["validate"],
    "plan": ["plan", *RELEASE],
    "create re-run": ["create", *RELEASE],
}
IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)")


def nivosync(config: Path, args: list[str]) -> list[str]:
    return [sys.executable, "-m", "nivosync", "--config", str(config), *args]


ENV: dict[str, str] = {}  # what --bytecode adds to the children's environment


def cpu_runs(command: list[str], runs: int) -> list[float]:
    seconds = []
    if "PYTHONPYCACHEPREFIX" in ENV:
        run_child(command, ENV)  # the warm-up that writes the bytecode
    for _ in range(runs):
        done = run_child(command, ENV)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {done.stderr}")
        seconds.append(done.cpu)
    return seconds


def top_imports(command: list[str], top: int) -> list[tuple[float, str]]:
    """The `top` imports with the largest cumulative time (s), nested ones included."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        capture_output=True,
        text=True,
        env={**os.environ, **ENV},
    )
    found = [
        (int(m.group(1)) / 1e6, f"{m.group(2)}{m.group(3)}".removeprefix(" "))
        for m in map(IMPORT_LINE.match, done.stderr.splitlines())
        if m
    ]
    return sorted(found, reverse=True)[:top]


FLOORS: dict[str, list[str]] = {
    "python (bare)": [sys.executable, "-c", "pass"],
    "libraries": [  # what any site command imports before any of nivosync's own code
        sys.executable,
        "-c",
        "import click, yaml, pydantic, pydantic.main, requests, tenacity, concurrent.futures",
    ],
}


def report(name: str, command: list[str], runs: int, top: int, count: bool) -> None:
    seconds = cpu_runs(command, runs)
    print(
        f"{name:<14} CPU median {statistics.median(seconds):.2f} s "
        f"(min {min(seconds):.2f}, max {max(seconds):.2f}, {runs} runs)"
        + (f", {instructions(command, ENV):,.0f} M instructions" if count else "")
    )
    for cumulative, module in top_imports(command, top):
        print(f"    {cumulative:6.3f} s  {module}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=8, help="imports listed per command")
    parser.add_argument("--no-create", action="store_true", help="skip the create re-run")
    parser.add_argument("--bytecode", action="store_true", help="let the runs cache bytecode")
    parser.add_argument(
        "--instructions", action="store_true", help="count instructions too (valgrind)"
    )
    options = parser.parse_args()
    count = options.instructions
    for name, command in FLOORS.items() if count else ():
        print(f"{name:<14} {instructions(command):,.0f} M instructions")
    with tempfile.TemporaryDirectory(prefix="nivosync-cpu-") as folder:
        ENV["NIVOSYNC_CACHE_DIR"] = f"{folder}/cache"  # what a run keeps for the next one
        if options.bytecode:
            ENV.update({"PYTHONDONTWRITEBYTECODE": "", "PYTHONPYCACHEPREFIX": f"{folder}/pyc"})
        for name, args in COMMANDS.items():
            if name != "create re-run":
                report(name, nivosync(EXAMPLE, args), options.runs, options.top, count)
        if not options.no_create:
            create_rerun(Path(folder), options.runs, options.top, count)


def create_rerun(folder: Path, runs: int, top: int, count: bool) -> None:
    seed = configure(folder, "cloud")
    with SiteProcess.start(folder / "site.db", seed, "cloud") as site:
        config = configure(folder, "cloud", site.base_url)
        create = nivosync(config, COMMANDS["create re-run"])
        first = run_child(create, ENV)
        if first.returncode != 0:
            raise SystemExit(f"the first create failed: {first.stderr}")
        report("create re-run", create, runs, top, count)


if __name__ == "__main__":
    main()
