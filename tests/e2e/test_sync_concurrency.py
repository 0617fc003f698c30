"""Issue 15: `sync --all` publishes its releases `sync.page_workers` at a time, each release
from its status page to its history in one worker thread (both flavours).

A first night over 12 releases with 8 workers makes what one worker makes: the same pages,
one comment per release, the same history; each release's state is recorded only after its
page id and its comment; a re-run writes nothing. A release whose bookkeeping fails is that
release's error alone, and the next night completes it without commenting twice.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from .conftest import E2ESite, start_site
from .test_sync import night_passes, seed_releases, sync

RELEASES = 12
NIGHT = "2026-12-16"  # the releases started 2026-12-07: every one slips, so each is told


def with_workers(site: E2ESite, workers: int) -> None:
    data = yaml.safe_load(site.config_path.read_text())
    data.setdefault("sync", {})["page_workers"] = workers
    site.config_path.write_text(yaml.safe_dump(data, sort_keys=False))


def jira_get(site: E2ESite, path: str) -> Any:
    api = "3" if site.flavor == "cloud" else "2"
    url = f"{site.sandbox.jira_url}/rest/api/{api}/{path}"
    answer = requests.get(url, auth=site.sandbox.auth, timeout=10)
    return answer.json() if answer.status_code == 200 else None


def comments(site: E2ESite, epic: str) -> list[Any]:
    return [c["body"] for c in jira_get(site, f"issue/{epic}/comment")["comments"]]


def epic_property(site: E2ESite, epic: str, name: str) -> Any:
    found = jira_get(site, f"issue/{epic}/properties/{name}")
    return found["value"] if found else None


def outcome(site: E2ESite, report: dict[str, Any]) -> dict[str, Any]:
    """Per release (by customer): what the night said, less what differs between two sites
    anyway (keys, ids, URLs)."""
    return {
        release["customer"]: {
            "status": release["status"],
            "slip_days": release["slip_days"],
            "change": release.get("change"),
            "notified": release.get("notified"),
            "page": (release["status_page"]["action"], release["status_page"]["title"]),
        }
        for release in report["releases"]
    }


def in_jira(site: E2ESite, report: dict[str, Any]) -> dict[str, Any]:
    """Per release (by customer): what its epic holds — its status page's id recorded, its
    comments, its history (without the nights' times, and the digest: it covers the site's
    URL)."""
    found: dict[str, Any] = {}
    for release in report["releases"]:
        epic = release["epic"]
        pages = epic_property(site, epic, "nivosync.pages") or {}
        history = epic_property(site, epic, "nivosync.history") or []
        found[release["customer"]] = {
            "page_recorded": pages.get("status") == release["status_page"]["id"],
            "comments": len(comments(site, epic)),
            "history": [
                {k: v for k, v in entry.items() if k not in ("first_seen", "last_seen", "digest")}
                for entry in history
            ],
        }
    return found


def first_night(site: E2ESite, workers: int) -> tuple[int, dict[str, Any]]:
    with_workers(site, workers)
    seed_releases(site, RELEASES)
    night_passes(site)
    site.clear()
    return sync(site, "--all", "--as-of", NIGHT)


def test_eight_workers_make_what_one_makes_and_a_rerun_changes_nothing(
    site: E2ESite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from nivosync.app import status_reports

    early: list[str] = []  # releases whose state was about to be recorded too soon
    real = status_reports.record_history

    def checked(jira, record, entry, *args, **kwargs):
        if not record.epic.key or not comments(site, record.epic.key):
            early.append(f"{record.slug}: no comment yet")
        if not (epic_property(site, record.epic.key, "nivosync.pages") or {}).get("status"):
            early.append(f"{record.slug}: no page id yet")
        return real(jira, record, entry, *args, **kwargs)

    monkeypatch.setattr(status_reports, "record_history", checked)
    code, report = first_night(site, 8)
    assert code in (0, 1), report  # 1: releases slip
    assert len(report["releases"]) == RELEASES
    assert early == []
    said, held = outcome(site, report), in_jira(site, report)
    assert {r["page"][0] for r in said.values()} == {"created"}
    assert {r["notified"] == ["comment"] for r in said.values()} == {True}
    assert {(r["comments"], r["page_recorded"], len(r["history"])) for r in held.values()} == {
        (1, True, 1)
    }

    site.clear()
    code, again = sync(site, "--all", "--as-of", NIGHT)
    assert {r["status_page"]["action"] for r in again["releases"]} == {"unchanged"}
    assert site.writes() == []
    assert in_jira(site, again) == held

    monkeypatch.setattr(status_reports, "record_history", real)
    (tmp_path / "one-worker").mkdir()
    sites = start_site(tmp_path / "one-worker", site.flavor, monkeypatch)
    try:  # the reference: one worker, on a site of its own
        alone = next(sites)
        code, report = first_night(alone, 1)
        assert (outcome(alone, report), in_jira(alone, report)) == (said, held)
    finally:
        sites.close()


def test_a_release_whose_bookkeeping_fails_is_its_own_error_and_is_completed_next_night(
    site: E2ESite, monkeypatch: pytest.MonkeyPatch
):
    from nivosync.app import status_reports

    real = status_reports.record_history
    failing = "customer-003--1.0"
    threads: set[str] = set()

    def crash_one(jira, record, entry, *args, **kwargs):
        threads.add(threading.current_thread().name)
        if record.slug == failing:
            raise RuntimeError("killed before the history was written")
        return real(jira, record, entry, *args, **kwargs)

    monkeypatch.setattr(status_reports, "record_history", crash_one)
    code, report = first_night(site, 8)
    assert code == 1
    assert len(threads) > 1  # the bookkeeping ran in the page workers, several at once
    failed = {r["epic"]: r for r in report["releases"] if r["customer"] == "Customer 003"}
    (epic,) = failed
    assert epic_property(site, epic, "nivosync.history") in (None, [])
    assert len(comments(site, epic)) == 1  # told before the crash
    others = [r for r in report["releases"] if r["customer"] != "Customer 003"]
    assert all(epic_property(site, r["epic"], "nivosync.history") for r in others)

    monkeypatch.setattr(status_reports, "record_history", real)
    site.clear()
    code, _report = sync(site, "--all", "--as-of", NIGHT)
    assert code in (0, 1)
    assert len(epic_property(site, epic, "nivosync.history")) == 1
    assert len(comments(site, epic)) == 1  # its marker found: not told twice
    assert all(len(comments(site, r["epic"])) == 1 for r in report["releases"])
