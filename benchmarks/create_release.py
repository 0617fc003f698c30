"""Benchmark: `nivosync create` for the 15-task NIVOMAX template, fresh and re-run.

    .venv/bin/python benchmarks/create_release.py [--latency-ms 0] [--releases 5]

For each flavour, starts a sandbox, creates --releases customer releases one after the other
(each a fresh release, then an immediate no-op re-run), and prints the Jira request count and
wall time per run. --latency-ms adds a delay to every sandbox answer to approximate a real
site's round trips. Request counts are deterministic; the times are this machine's.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from _site import TOKEN, configure

from nivosync.app.creation import create_release, resolve
from nivosync.app.planning import compute_plan
from nivosync.app.sandbox_seeding import site_seed
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.inputs.config import load_config
from nivosync.inputs.templates import load_template, shipped_templates_dir
from nivosync.log_setup import configure_logging
from nivosync.sandbox import Sandbox


def one_run(config_path: Path, release: str) -> None:
    config = load_config(config_path)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    plan = compute_plan(config, template, "Acme Health", release, date(2026, 12, 7))
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        outcome = create_release(jira, plan, resolve(jira, "Task"))
    assert outcome.ok, outcome.failures


def bench(flavor: str, releases: int, latency_ms: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = configure(folder, flavor)
        seed = site_seed(load_config(path), TOKEN)
        with Sandbox.start(folder / "site.db", seed) as sandbox:
            path = configure(folder, flavor, sandbox.base_url)
            sandbox.faults.configure({"latency_ms": latency_ms})
            rows = {"fresh": [], "re-run": []}
            for n in range(releases):
                for kind in ("fresh", "re-run"):
                    sandbox.requests.clear()
                    started = time.perf_counter()
                    one_run(path, f"2.{n}.0")
                    elapsed = time.perf_counter() - started
                    rows[kind].append((len(sandbox.requests.entries()), elapsed))
    for kind, runs in rows.items():
        counts = sorted({c for c, _ in runs})
        times = [t for _, t in runs]
        print(
            f"{flavor:10} {kind:7} requests {counts}  time median {statistics.median(times):.3f}s"
            f"  max {max(times):.3f}s  (latency {latency_ms} ms, {releases} releases)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--releases", type=int, default=5)
    args = parser.parse_args()
    configure_logging("console", verbose=False)
    for flavor in ("cloud", "datacenter"):
        bench(flavor, args.releases, args.latency_ms)


if __name__ == "__main__":
    main()
