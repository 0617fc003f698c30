"""Read-only views of the releases in Jira: `releases` (the list) and `status` (one release
measured as `sync` measures it). They read what `sync` reads — the epics' search, the batched
task searches — and write nothing anywhere: no page, no history, no lifecycle change."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from nivosync.app.progress import SILENT, Progress
from nivosync.app.releases import ReleaseRecord, epics, existing_release, find_release
from nivosync.app.site_clock import today_in
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.app.status_reports import ReleaseSync, measure
from nivosync.core.calendar_events import MeasuredRelease, portfolio_events
from nivosync.core.identity import ReleaseIdentity
from nivosync.inputs.config import load_settings
from nivosync.render.ics import calendar_ics


@dataclass(frozen=True)
class ListedRelease:
    """A release as `releases` lists it: running (measured, with its forecast) or finished
    (done or cancelled: what its epic records, not measured)."""

    record: ReleaseRecord
    measured: ReleaseSync | None  # None for a finished release

    @property
    def state(self) -> str:
        return self.record.finish.state if self.record.finish else "running"


@dataclass(frozen=True)
class ReleaseList:
    as_of: date
    releases: list[ListedRelease]  # in epic key order
    every: bool  # --all: finished releases however long ago; else those of the last days
    listed_days: int  # sync.finished_listed_days


def list_releases(
    config_path: Path | None,
    *,
    every: bool,
    as_of: date | None = None,
    progress: Progress = SILENT,
) -> ReleaseList:
    """The project's releases: running ones forecast as of `as_of` (default today), and the
    finished ones `sync` lists (done or cancelled in the last `sync.finished_listed_days`) —
    or, `every`, all that ever finished."""
    config = load_settings(config_path)
    as_of = as_of or today_in(config)
    days = config.spec.sync.finished_listed_days
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        progress.stage("finding the releases in Jira")
        jira.site_facts()
        since = None if every else as_of - timedelta(days=days)
        records = list(epics(jira, finished_since=since, every=every))
        running = [r for r in records if r.finish is None]
        measured = {m.record.slug: m for m in measure(jira, running, as_of, progress)}
    listed = [ListedRelease(r, measured.get(r.slug)) for r in records]
    return ReleaseList(as_of, listed, every, days)


def release_status(
    config_path: Path | None,
    customer: str,
    release: str,
    *,
    as_of: date | None = None,
    progress: Progress = SILENT,
) -> ReleaseSync:
    """One release measured as `sync` would measure it tonight (or as of `as_of`), written
    nowhere."""
    config = load_settings(config_path)
    identity = ReleaseIdentity.checked(customer, release)
    as_of = as_of or today_in(config)
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        progress.stage("reading the release in Jira")
        record, tasks = find_release(jira, identity)
        record = existing_release(jira, identity, record, "create it first with `nivosync create`")
        return next(iter(measure(jira, [record], as_of, progress, {record.slug: tasks})))


@dataclass(frozen=True)
class CalendarFeed:
    ics: bytes
    releases: int
    events: int
    not_measured: list[str]  # releases whose forecast could not be made (not in the feed)


def calendar_feed(
    config_path: Path | None, *, as_of: date | None = None, progress: Progress = SILENT
) -> CalendarFeed:
    """The running releases' milestones and go-lives, planned and forecast, as iCalendar: the
    searches of `releases` (one for the epics, one per 50 releases for their tasks)."""
    config = load_settings(config_path)
    listed = list_releases(config_path, every=False, as_of=as_of, progress=progress)
    measured = [
        MeasuredRelease(m.record.slug, m.record.title, m.measured.slippage)
        for m in listed.releases
        if m.measured is not None and m.measured.slippage is not None
    ]
    broken = [m.record.title for m in listed.releases if m.measured and not m.measured.slippage]
    events = portfolio_events(measured)
    name = f"{config.spec.jira.project} releases"
    ics = calendar_ics(events, listed.as_of, name)
    return CalendarFeed(ics, len(measured), len(events), broken)
