"""Benchmark: 15,000 issues searchable by label with paging (Cloud search/jql, DC search).

    .venv/bin/python benchmarks/sandbox_search.py [--issues 15000] [--flavor cloud|datacenter]

Fills a fresh sandbox over real HTTP with bulk creates (50 per request), 3 labels per issue
(one shared by every issue, one per release of 15), then pages through `labels = <x>` with the
fields and properties nivosync asks for, and prints timings per page.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from nivosync.sandbox import Sandbox
from nivosync.sandbox.seed import Flavor, demo_seed


def fill(session: requests.Session, base: str, api: str, issues: int) -> float:
    started = time.perf_counter()
    for start in range(0, issues, 50):
        updates = [
            {
                "fields": {
                    "project": {"key": "NIVO"},
                    "issuetype": {"name": "Task"},
                    "summary": f"Task {n}",
                    "labels": ["nivosync", f"release-{n // 15}", f"task-{n % 15}"],
                    "duedate": f"2027-01-{1 + n % 28:02d}",
                },
                "properties": [{"key": "nivosync", "value": {"task": n % 15, "release": n // 15}}],
            }
            for n in range(start, min(start + 50, issues))
        ]
        response = session.post(f"{base}/rest/api/{api}/issue/bulk", json={"issueUpdates": updates})
        response.raise_for_status()
    return time.perf_counter() - started


def page_through(session: requests.Session, base: str, flavor: Flavor, jql: str) -> list[float]:
    timings: list[float] = []
    params: dict[str, Any] = {
        "jql": jql,
        "maxResults": 100,
        "fields": "summary,status,assignee,duedate,labels,resolutiondate",
        "properties": "nivosync",
    }
    seen = 0
    while True:
        started = time.perf_counter()
        if flavor == "cloud":
            page = session.get(f"{base}/rest/api/3/search/jql", params=params).json()
        else:
            page = session.get(
                f"{base}/rest/api/2/search", params={**params, "startAt": seen}
            ).json()
        timings.append(time.perf_counter() - started)
        seen += len(page["issues"])
        if flavor == "cloud":
            if page["isLast"]:
                break
            params["nextPageToken"] = page["nextPageToken"]
        elif seen >= page["total"] or not page["issues"]:
            break
    return timings


def report(name: str, timings: list[float]) -> None:
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    print(
        f"  {name}: {len(ms)} pages, median {statistics.median(ms):.1f} ms,"
        f" p95 {p95:.1f} ms, max {ms[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=15000)
    parser.add_argument("--flavor", choices=["cloud", "datacenter"], default="cloud")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory() as tmp,
        Sandbox.start(Path(tmp) / "bench.db", demo_seed(args.flavor)) as sandbox,
    ):
        session = requests.Session()
        session.auth = sandbox.auth
        api = "3" if args.flavor == "cloud" else "2"
        seconds = fill(session, sandbox.base_url, api, args.issues)
        print(
            f"{args.flavor}: created {args.issues} issues in {seconds:.1f} s "
            f"({args.issues / seconds:.0f} issues/s via bulk create)"
        )
        report(
            "labels = nivosync (all issues)",
            page_through(session, sandbox.base_url, args.flavor, "labels = nivosync ORDER BY key"),
        )
        report(
            "labels = release-7 (15 issues)",
            page_through(session, sandbox.base_url, args.flavor, "labels = release-7"),
        )
        report(
            "labels in (release-1..release-40) (600 issues)",
            page_through(
                session,
                sandbox.base_url,
                args.flavor,
                "labels in (" + ",".join(f"release-{i}" for i in range(1, 41)) + ")",
            ),
        )


if __name__ == "__main__":
    main()
