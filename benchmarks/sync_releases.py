"""Benchmark: `nivosync sync --all` over many active releases (the nightly run).

    python benchmarks/sync_releases.py [--releases 1000] [--latency-ms 20] [--publish]
        [--datacenter] [--keep DIR] [--by-path] [--profile DIR] [--page-workers N]

Fills a sandbox (in its own process) with --releases customer releases of the 15-task NIVOMAX
template, written in bulk as `create` writes them (links left out, for speed), then runs
`sync --all` three times as a child process: the first night (Saturday 2026-12-19; with
--publish every status page and chart is new), the next night with nothing changed in Jira
(Sunday: nothing falls due) and that night again. For each: wall time, the child's CPU and
peak RSS, the sandbox's CPU meanwhile (Linux), and its requests (Jira searches, other Jira,
Confluence; writes). --keep DIR keeps
the filled sandbox and reuses it (filling 1,000 releases takes a few minutes); a kept one
starts over from the filled copy. --profile DIR runs each night's child under cProfile and
writes its statistics to DIR/<night>.prof (the times then include the profiler's overhead).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from _site import SiteProcess, configure, run_child

from nivosync.app.payloads import epic_payload, task_payload
from nivosync.app.planning import compute_plan
from nivosync.app.resolving import find_people, resolve
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.inputs.config import load_config
from nivosync.inputs.templates import load_template, shipped_templates_dir
from nivosync.log_setup import configure_logging

# The first night is a Saturday, the next one a Sunday: no task falls due on a weekend, so
# nothing changes in between — a night with no change in Jira, which still extends every
# release's history (the night record), unlike the same night run again.
FIRST_NIGHT, NEXT_NIGHT = "2026-12-19", "2026-12-20"


def fill(config_path: Path, count: int) -> None:
    """`count` releases as `create` makes them (epic, 15 tasks), 50 issues a bulk create."""
    config = load_config(config_path)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    plans = [
        compute_plan(config, template, f"Customer {n:04d}", "1.0", date(2026, 12, 7))
        for n in range(count)
    ]
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        resolved = resolve(jira, "Task")
        find_people(jira, plans[0], resolved, {})
        now = datetime(2026, 11, 30, tzinfo=UTC)
        epics = [
            epic_payload(p, jira.flavor, resolved.facts, resolved.epic_type, now) for p in plans
        ]
        keys: list[str] = []
        for start in range(0, len(epics), 50):
            keys += [key for _, key, _ in jira.bulk_create(epics[start : start + 50]).created]
        tasks = [
            task_payload(
                p, t, jira.flavor, resolved.facts, resolved.task_type, key, resolved.refs, []
            )
            for p, key in zip(plans, keys, strict=True)
            for t in p.tasks
        ]
        for start in range(0, len(tasks), 50):
            assert not jira.bulk_create(tasks[start : start + 50]).failures


def counts(log: list[dict[str, Any]]) -> str:
    wiki = [r for r in log if r["path"].startswith(("/wiki", "/confluence"))]
    jira = [r for r in log if r not in wiki]
    searches = [r for r in jira if re.fullmatch(r"/rest/api/\d/search(/jql)?", r["path"])]
    writes = [r for r in log if r["method"] != "GET" and r not in searches]
    props = [r for r in jira if "/properties/" in r["path"] and r["method"] == "GET"]
    return (
        f"{len(log)} requests: {len(searches)} Jira searches, {len(jira) - len(searches)} other "
        f"Jira ({len(props)} property reads), {len(wiki)} Confluence; {len(writes)} writes"
    )


def by_path(log: list[dict[str, Any]]) -> str:
    """Requests per method and path, ids and keys folded: where a night's requests go."""
    folded: dict[str, int] = {}
    for r in log:
        path = re.sub(r"/[A-Z][A-Z0-9]*-\d+|/\d+", "/{id}", r["path"])
        path = re.sub(r"nivosync\.[\w.-]+", "nivosync.{key}", path)
        folded[f"{r['method']} {path}"] = folded.get(f"{r['method']} {path}", 0) + 1
    ranked = sorted(folded.items(), key=lambda item: -item[1])
    return "\n".join(f"  {count:6d}  {what}" for what, count in ranked)


def night(
    site: SiteProcess,
    config: Path,
    publish: bool,
    name: str,
    releases: int,
    paths: bool,
    as_of: str,
    profile: Path | None = None,
) -> None:
    python = [sys.executable]
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        stats = profile / f"{name.split(',')[0].replace(' ', '-')}.prof"
        python += ["-m", "cProfile", "-o", str(stats)]
    command = [*python, "-m", "nivosync", "--config", str(config), "sync", "--all"]
    command += ["--as-of", as_of, "--json", *([] if publish else ["--no-publish"])]
    site.clear()
    served_before = site.cpu_seconds()
    run = run_child(command)
    served_after = site.cpu_seconds()
    sandbox = (
        f"; the sandbox {served_after - served_before:.1f} s CPU"
        if served_before is not None and served_after is not None
        else ""
    )
    if run.returncode not in (0, 1):  # 1: a release slips (or failed): still measured
        raise SystemExit(f"sync failed ({run.returncode}):\n{run.stderr[-2000:]}")
    said = run.stderr.strip().splitlines()[-1:] if run.returncode else []
    print(
        f"{name}: exit {run.returncode} {' '.join(said)}" if said else name,
        f"{releases} releases in {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
        f"peak RSS {run.peak_rss_mb:.0f} MB{sandbox}; {counts(site.requests())}",
        sep=": ",
        flush=True,
    )
    if paths:
        print(by_path(site.requests()), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=50)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--publish", action="store_true", help="also write the status pages")
    parser.add_argument("--datacenter", action="store_true", help="Data Center, not Cloud")
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the filled sandbox here")
    parser.add_argument("--by-path", action="store_true", help="also requests per path")
    parser.add_argument("--profile", type=Path, help="write each night's cProfile stats here")
    parser.add_argument("--page-workers", type=int, help="the config's sync.page_workers")
    args = parser.parse_args()
    configure_logging("console", verbose=False)
    flavor = "datacenter" if args.datacenter else "cloud"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        filled = (args.keep or folder) / f"filled-{flavor}-{args.releases}.db"
        db = folder / "site.db"
        seed_config = configure(folder, flavor)
        if filled.exists():
            shutil.copy(filled, db)
        with SiteProcess.start(db, seed_config, flavor) as site:
            config = configure(folder, flavor, site.base_url)
            if not filled.exists():
                started = time.perf_counter()
                fill(config, args.releases)
                print(f"filled {args.releases} releases in {time.perf_counter() - started:.0f} s")
        if args.keep and not filled.exists():
            args.keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(db, filled)
        with SiteProcess.start(db, seed_config, flavor) as site:
            config = configure(folder, flavor, site.base_url)
            if args.page_workers is not None:
                data = yaml.safe_load(config.read_text())
                data.setdefault("sync", {})["page_workers"] = args.page_workers
                config.write_text(yaml.safe_dump(data, sort_keys=False))
            site.faults({"latency_ms": args.latency_ms, "index_lag_seconds": 0})
            pages = "with pages" if args.publish else "no pages"
            print(f"{flavor}, {args.latency_ms} ms latency, {pages}")
            for name, as_of in (
                ("first night", FIRST_NIGHT),
                ("next night, no change", NEXT_NIGHT),
                ("same night again", NEXT_NIGHT),
            ):
                night(
                    site,
                    config,
                    args.publish,
                    name,
                    args.releases,
                    args.by_path,
                    as_of,
                    args.profile,
                )


if __name__ == "__main__":
    main()
