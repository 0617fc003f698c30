"""Benchmark: `nivosync sync --all` over many active releases on the Cloud sandbox.

    .venv/bin/python benchmarks/sync_releases.py [--releases 50] [--latency-ms 0] [--publish]

Creates --releases customer releases of the 15-task NIVOMAX template with `create` (Jira only),
then times one `sync --all --as-of 2026-12-16` and counts its Jira search requests, other Jira
requests and Confluence requests. Counts are deterministic; times are this machine's.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml
from click.testing import CliRunner

from nivosync.app.creation import create_release, resolve
from nivosync.app.planning import compute_plan
from nivosync.app.sites import jira_gateway, open_sites, site_seed
from nivosync.cli import main as cli
from nivosync.inputs.config import load_config
from nivosync.inputs.templates import load_template, shipped_templates_dir
from nivosync.log_setup import configure_logging
from nivosync.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[1]
TOKEN = "benchmark-token"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--publish", action="store_true", help="also write the status pages")
    args = parser.parse_args()
    configure_logging("console", verbose=False)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.yaml"
        data = yaml.safe_load((REPO / "config.example.yaml").read_text())
        path.write_text(yaml.safe_dump(data))
        with Sandbox.start(Path(tmp) / "s.db", site_seed(load_config(path), TOKEN)) as sandbox:
            data["jira"]["url"] = sandbox.jira_url
            data["confluence"]["url"] = sandbox.confluence_url
            path.write_text(yaml.safe_dump(data))
            os.environ["NIVOSYNC_JIRA_TOKEN"] = os.environ["NIVOSYNC_CONFLUENCE_TOKEN"] = TOKEN
            started = time.perf_counter()
            seed(path, args.releases)
            print(f"created {args.releases} releases in {time.perf_counter() - started:.1f}s")
            sandbox.faults.configure({"latency_ms": args.latency_ms})
            sandbox.requests.clear()
            command = ["--config", str(path), "sync", "--all", "--as-of", "2026-12-16", "--json"]
            command += [] if args.publish else ["--no-publish"]
            started = time.perf_counter()
            result = CliRunner().invoke(cli, command)
            elapsed = time.perf_counter() - started
            report = json.loads(result.stdout)
            log = sandbox.requests.entries()
    searches = sum(r["path"].endswith("/search/jql") for r in log)
    wiki = sum(r["path"].startswith("/wiki") for r in log)
    print(
        f"sync --all: {len(report['releases'])} releases in {elapsed:.2f}s "
        f"(latency {args.latency_ms} ms): {searches} Jira searches, "
        f"{len(log) - searches - wiki} other Jira requests, {wiki} Confluence requests"
    )


def seed(path: Path, count: int) -> None:
    config = load_config(path)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        for n in range(count):
            plan = compute_plan(config, template, f"Customer {n:03d}", "1.0", date(2026, 12, 7))
            assert create_release(jira, plan, resolve(jira, plan, "Task")).ok


if __name__ == "__main__":
    main()
