"""Benchmark: `nivosync create` (15 tasks, with pages) against the per-issue baseline script.

    python benchmarks/compare.py [--runs 5] [--latencies 0,20,100] [--datacenter]
                                 [--instructions]

For each flavour (Cloud; Data Center too with --datacenter) two sandboxes are started in their
own processes, one for nivosync and one for benchmarks/per_issue_baseline.py; every run is a
child process, so its CPU (user + system) and peak RSS are the client's alone, interpreter
start-up and imports included. At each latency (added by the sandbox to every answer) each
tool makes --runs fresh releases, each followed by a re-run of the same release; the runs of
the two tools alternate so that both see the same machine. Printed: requests (Jira +
Confluence), wall medians per latency, CPU and peak RSS, and the ratio nivosync / baseline.
The sandboxes' search index has no lag here: a person's re-run comes later, after it caught
up (the naive script would otherwise create everything twice). nivosync keeps what it
learns about the site for the next run in a cache of the run's own (empty at the first run,
as on a machine that never ran it): from the second run on, its first requests include the
release's search. --instructions (needs valgrind) then runs each tool once more, a fresh
release and its re-run at 0 ms, under callgrind: instructions, all threads — a count that does
not vary with the machine's load, unlike its CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from _site import (
    FLAVORS,
    TOKEN,
    ChildRun,
    SiteProcess,
    configure,
    instructions,
    run_child,
    split_requests,
)

from nivosync.app.planning import compute_plan
from nivosync.core.approvals import planned_approvals
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.core.plan import Plan
from nivosync.inputs.config import load_config
from nivosync.inputs.templates import load_template, shipped_templates_dir

BASELINE = Path(__file__).with_name("per_issue_baseline.py")
CUSTOMER, START = "Acme Health", date(2026, 12, 7)
KINDS = ("fresh", "re-run")
Sample = tuple[int, int, ChildRun]  # Jira requests, Confluence requests, the run


def job(config: Path, plan: Plan) -> dict[str, Any]:
    """What the baseline script makes: nivosync's plan as data."""
    spec = load_config(config).spec
    assert spec.confluence is not None
    title = plan.release.title
    rows = "".join(
        f"<tr><td>{t.summary}</td><td>{t.assignee or ''}</td><td>{t.start}</td>"
        f"<td>{t.due}</td></tr>"
        for t in plan.tasks
    )
    bodies = {"plan": f"<h2>{title}</h2><table><tbody>{rows}</tbody></table>"}
    return {
        "flavor": spec.jira.flavor,
        "jira_url": spec.jira.url,
        "confluence_url": spec.confluence.url,
        "user": spec.jira.user,
        "project": spec.jira.project,
        "issue_type": spec.jira.issue_type,
        "space": spec.confluence.space,
        "parent_page": spec.confluence.parent_page,
        "label": "baseline-" + plan.release.slug,
        "epic": {"summary": plan.epic_summary, "description": f"Release plan for {title}"},
        "tasks": [
            {
                "id": t.id,
                "summary": t.summary,
                "description": "\n".join(t.description),
                "assignee": t.assignee,
                "watchers": list(t.watchers),
                "due": t.due.isoformat(),
                "depends_on": list(t.depends_on),
            }
            for t in plan.tasks
        ],
        "approvals": [
            {"task": "change-advisory-approval", "summary": a.summary, "assignee": a.person}
            for a in planned_approvals(plan)
        ],
        "pages": [
            {
                "title": page_title(kind, plan.release),
                "body": bodies.get(kind, f"<h2>{page_title(kind, plan.release)}</h2><p>-</p>"),
            }
            for kind in RELEASE_PAGE_KINDS
        ],
    }


def nivosync_run(config: Path, release: str) -> list[str]:
    return [
        sys.executable, "-m", "nivosync", "--config", str(config), "create",
        "--customer", CUSTOMER, "--release", release, "--start", START.isoformat(),
    ]  # fmt: skip


def child_env(cache: Path) -> dict[str, str]:
    """What both tools' runs add to the environment: the script's token, nivosync's cache."""
    return {"BASELINE_TOKEN": TOKEN, "NIVOSYNC_CACHE_DIR": str(cache)}


def measured(site: SiteProcess, command: Sequence[str], cache: Path) -> Sample:
    site.clear()
    run = run_child(command, child_env(cache))
    if run.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{run.stdout}\n{run.stderr}")
    jira, wiki = split_requests(site.requests())
    return jira, wiki, run


def both_commands(
    release: str, configs: dict[str, Path], folder: Path, template: Any
) -> dict[str, list[str]]:
    """Each tool's command line for making `release` (the script's job file written here)."""
    plan = compute_plan(load_config(configs["baseline"]), template, CUSTOMER, release, START)
    job_path = folder / "baseline" / f"{release}.json"
    job_path.write_text(json.dumps(job(configs["baseline"], plan)))
    return {
        "nivosync": nivosync_run(configs["nivosync"], release),
        "baseline": [sys.executable, str(BASELINE), str(job_path)],
    }


def bench_flavor(
    flavor: str,
    runs: int,
    latencies: Sequence[int],
    counted: dict[tuple[str, str], float] | None = None,
) -> dict[tuple, list[Sample]]:
    """The timed runs; with `counted` given ({} to fill), each tool's instructions too."""
    results: dict[tuple, list[Sample]] = defaultdict(list)
    template = load_template(shipped_templates_dir() / "nivomax-5-week.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sites, configs = {}, {}
        for tool in ("nivosync", "baseline"):
            (folder / tool).mkdir()
            seed_config = configure(folder / tool, flavor)
            sites[tool] = SiteProcess.start(folder / tool / "site.db", seed_config, flavor)
            configs[tool] = configure(folder / tool, flavor, sites[tool].base_url)
        try:
            for latency in latencies:
                for site in sites.values():
                    site.faults({"latency_ms": latency, "index_lag_seconds": 0})
                for n in range(runs):
                    commands = both_commands(f"9.{latency}.{n}", configs, folder, template)
                    for tool, command in commands.items():
                        for kind in KINDS:
                            sample = measured(sites[tool], command, folder / "cache")
                            results[tool, kind, latency].append(sample)
                    print(f"  {flavor} {latency} ms: run {n + 1}/{runs} done", file=sys.stderr)
            if counted is not None:
                for site in sites.values():
                    site.faults({"latency_ms": 0, "index_lag_seconds": 0})
                commands = both_commands("9.counted", configs, folder, template)
                for tool, command in commands.items():
                    for kind in KINDS:  # fresh, then the re-run of the same release
                        counted[tool, kind] = instructions(command, child_env(folder / "cache"))
        finally:
            for site in sites.values():
                site.stop()
    return results


def _median(samples: list[Sample], what: str) -> float:
    return statistics.median(getattr(s[2], what) for s in samples)


def _requests(samples: list[Sample]) -> str:
    counts = sorted({(j, c) for j, c, _ in samples})
    return " / ".join(f"{j} + {c}" for j, c in counts)


def table(
    flavor: str,
    results: dict[tuple, list[Sample]],
    latencies: Sequence[int],
    counted: dict[tuple[str, str], float],
) -> str:
    name = "Cloud" if flavor == "cloud" else "Data Center"
    lat = " / ".join(str(n) for n in latencies)
    lines = [f"| job ({name}) | nivosync | per-issue script | ratio |", "|---|---|---|---|"]

    def both(kind: str, latency: int) -> tuple[list[Sample], list[Sample]]:
        return results["nivosync", kind, latency], results["baseline", kind, latency]

    for kind in KINDS:
        ours, theirs = both(kind, latencies[0])
        total = [sum(s[0] + s[1] for s in group) / len(group) for group in (ours, theirs)]
        lines.append(
            f"| {kind}, requests (Jira + Confluence) | {_requests(ours)} | {_requests(theirs)} "
            f"| {total[0] / total[1]:.2f} |"
        )
        walls = [[_median(g, "wall") for g in both(kind, n)] for n in latencies]
        lines.append(
            f"| {kind}, wall at {lat} ms latency "
            f"| {' / '.join(f'{w[0]:.2f}' for w in walls)} s "
            f"| {' / '.join(f'{w[1]:.2f}' for w in walls)} s "
            f"| {' / '.join(f'{w[0] / w[1]:.2f}' for w in walls)} |"
        )
    for what, label, unit in (("cpu", "CPU per run", "s"), ("peak_rss_mb", "peak RSS", "MB")):
        cells = []
        for tool in ("nivosync", "baseline"):
            values = [_median(results[tool, k, latencies[0]], what) for k in KINDS]
            cells.append(" / ".join(f"{v:.2f}" if unit == "s" else f"{v:.0f}" for v in values))
        lines.append(f"| {label} (fresh / re-run) | {cells[0]} {unit} | {cells[1]} {unit} | |")
    if counted:
        cells = [
            " / ".join(f"{counted[t, k]:,.0f}" for k in KINDS) for t in ("nivosync", "baseline")
        ]
        lines.append(f"| M instructions, callgrind (fresh / re-run) | {cells[0]} | {cells[1]} | |")
    if len(latencies) > 1:
        low, high = latencies[0], latencies[-1]
        spans = []
        for tool in ("nivosync", "baseline"):
            extra = _median(results[tool, "fresh", high], "wall")
            extra -= _median(results[tool, "fresh", low], "wall")
            spans.append(extra * 1000 / (high - low))
        lines.append(
            f"| fresh create, sequential round trips (wall {low} → {high} ms / latency) "
            f"| {spans[0]:.0f} | {spans[1]:.0f} | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latencies", default="0,20,100", help="ms, comma-separated")
    parser.add_argument("--datacenter", action="store_true", help="also on Data Center")
    parser.add_argument(
        "--instructions", action="store_true", help="also count instructions (valgrind)"
    )
    args = parser.parse_args()
    latencies = [int(n) for n in args.latencies.split(",")]
    flavors = FLAVORS if args.datacenter else FLAVORS[:1]
    tables = []
    for flavor in flavors:
        counted: dict[tuple[str, str], float] = {}
        found = bench_flavor(flavor, args.runs, latencies, counted if args.instructions else None)
        tables.append(table(flavor, found, latencies, counted))
    print(f"{args.runs} runs per cell, medians\n")
    print("\n\n".join(tables))


if __name__ == "__main__":
    main()
