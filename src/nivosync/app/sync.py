"""The nightly sync as one use case: find active releases, measure them, publish their pages."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from nivosync.app.lifecycle import Finishing, finish_releases, publish_cancelled
from nivosync.app.notify import Notifier, webhook_from
from nivosync.app.page_place import space_and_root
from nivosync.app.portfolio import NextMilestone, PortfolioAnalysis, analyse
from nivosync.app.progress import SILENT, Progress
from nivosync.app.publisher import FileToAttach, PageIdentity, PageResult, PageSpec, Publisher
from nivosync.app.releases import ReleaseRecord, epics, existing_release, find_release
from nivosync.app.site_clock import today_in
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites
from nivosync.app.status_reports import ReleaseSync, StatusPublisher, measure
from nivosync.app.sync_nights import NightBook
from nivosync.core.calendar_events import MeasuredRelease, portfolio_events
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import portfolio_title
from nivosync.core.slippage import SlipStatus
from nivosync.errors import InvalidInput, NivosyncError
from nivosync.http import HttpError
from nivosync.inputs.config import Config, load_settings
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.log_setup import get_logger
from nivosync.render.ics import calendar_ics
from nivosync.render.load_chart import load_chart, load_chart_digest, load_chart_png
from nivosync.render.pages.portfolio import PortfolioRow, PortfolioSections, portfolio_body

log = get_logger(__name__)
CALENDAR_FILE = "releases.ics"  # the portfolio page's calendar feed
LOAD_CHART_FILE = "people-load.png"  # the portfolio page's load chart


@dataclass
class SyncRun:
    """What a sync measured and published; `finished` are the releases done or cancelled
    lately (listed, not measured); `finishing` says which ended tonight."""

    as_of: date
    results: list[ReleaseSync]
    portfolio: PageResult | None
    finished: list[ReleaseRecord] = field(default_factory=list)
    finishing: Finishing = field(default_factory=Finishing)
    analysis: PortfolioAnalysis | None = None  # with --all: load, overloads, slip causes

    @property
    def past(self) -> set[str]:
        """Releases measured as of a day before the last one recorded for them: a look back,
        which records nothing (no history, no lifecycle; pages only with --publish-past)."""
        return {r.record.slug for r in self.results if is_look_back(r, self.as_of)}

    @property
    def failed(self) -> bool:
        portfolio_failed = self.portfolio is not None and self.portfolio.action == "conflict"
        broken = any(r.error or r.publish_error or r.notify_error for r in self.results)
        return portfolio_failed or broken or bool(self.finishing.errors)

    @property
    def slipping(self) -> bool:
        """A release still running whose go-live is forecast late (a done one is history)."""
        return any(r.slippage and r.slippage.status is SlipStatus.SLIPPING for r in self.results)


def sync_releases(
    config_path: Path | None,
    customer: str | None,
    release: str | None,
    *,
    everything: bool,
    as_of: date | None,
    publish: bool,
    notify: bool = True,
    publish_past: bool = False,
    force: bool = False,
    progress: Progress = SILENT,
) -> SyncRun:
    if everything == bool(customer or release) or (not everything and not (customer and release)):
        raise InvalidInput("give either --all, or both --customer and --release")
    config = load_settings(config_path)
    webhook = webhook_from(config) if publish and notify else None  # checked before any write
    as_of = as_of or today_in(config)
    began = time.monotonic()
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        progress.stage("finding the releases in Jira" if everything else "reading the release")
        records, read = _records(jira, config, customer, release, as_of, everything)
        # A cancelled release is no longer measured; a done one only when asked for by name.
        finished = [r for r in records if r.finish and (everything or r.finish.state != "done")]
        nights = NightBook.read(jira, as_of, keep=everything) if publish else NightBook.none(jira)
        running = [nights.applied(r) for r in records if r not in finished]
        run = SyncRun(as_of, list(measure(jira, running, as_of, progress, read)), None, finished)
        past = run.past
        current = [r for r in run.results if r.record.slug not in past]
        run.finishing = finish_releases(jira, config.spec.lifecycle, current, finished, as_of)
        run.analysis = _analysis(config, run) if everything else None
        published = run.results if publish_past else current
        if publish and (published or everything):
            notifier = Notifier(jira, config, webhook, enabled=notify)
            publisher = _StatusPages(notifier, force, progress)
            run.portfolio = _publish(sites, config, jira, run, published, everything, publisher)
            nights.close(as_of, run.results)
    _log_run(run.results, began)
    return run


def is_look_back(item: ReleaseSync, as_of: date) -> bool:
    return bool(item.history) and as_of < item.history[-1].last_seen


def _log_run(results: list[ReleaseSync], began: float) -> None:
    for item in results:
        log.info(
            "release synced",
            release=item.record.slug,
            status=item.slippage.status if item.slippage else "error",
            slip_days=item.slippage.slip_days if item.slippage else None,
            tasks=len(item.slippage.tasks) if item.slippage else 0,
            error=item.error,
        )
    log.info(
        "sync finished",
        releases=len(results),
        failed=sum(1 for r in results if r.error or r.publish_error),
        duration_ms=round(1000 * (time.monotonic() - began)),
    )


def _records(
    jira: JiraGateway,
    config: Config,
    customer: str | None,
    release: str | None,
    as_of: date,
    everything: bool,
) -> tuple[list[ReleaseRecord], dict[str, list[IssueSnapshot]] | None]:
    """The releases to sync; for one release, its task issues too (read with it)."""
    if everything:
        jira.site_facts()  # the custom fields the searches read
        listed_since = as_of - timedelta(days=config.spec.sync.finished_listed_days)
        return list(epics(jira, finished_since=listed_since)), None
    assert customer and release
    identity = ReleaseIdentity.checked(customer, release)
    found, tasks = find_release(jira, identity)
    record = existing_release(jira, identity, found, "create it first with `nivosync create`")
    return [record], {record.slug: tasks}


@dataclass(frozen=True)
class _StatusPages:
    """How tonight's status pages are written: who is told, over edits or not, and shown."""

    notifier: Notifier | None
    force: bool
    progress: Progress


def _publish(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    run: SyncRun,
    published: list[ReleaseSync],
    everything: bool,
    how: _StatusPages,
) -> PageResult | None:
    """Status pages of `published`; then, with --all and no look-back left out, the
    portfolio (a look back must not replace tonight's view of every release)."""
    confluence = confluence_gateway_for(sites, config)
    space, root_id = space_and_root(confluence, config)
    settings = config.spec.confluence
    assert settings is not None
    StatusPublisher(
        jira,
        lambda: confluence_gateway_for(sites, config),
        space,
        root_id,
        workers=config.spec.sync.page_workers,
        force=how.force,
        notifier=how.notifier,
        progress=how.progress,
    ).publish(published)
    for record in run.finished:
        if record.finish and record.finish.state == "cancelled":
            _republish_cancelled(sites, config, jira, record, run)
    if not everything or len(published) < len(run.results):
        return None
    how.progress.stage("publishing the portfolio page")
    analysis = run.analysis
    rows = [_portfolio_row(item, analysis) for item in run.results]
    rows += [finished_row(record) for record in run.finished]
    identity = PageIdentity(f"portfolio-{jira.project_key.lower()}")
    title = portfolio_title(settings.parent_page)
    chart = portfolio_load_chart(analysis)
    sections = (
        PortfolioSections(
            analysis.load,
            analysis.weeks,
            go_lives=analysis.go_lives,
            chart=chart.name if chart else None,
        )
        if analysis
        else None
    )
    feed = portfolio_calendar(config, run)
    body = portfolio_body(rows, sections, feed.name if feed else None)
    files = tuple(f for f in (feed, chart) if f is not None)
    spec = PageSpec("portfolio", title, body, attachments=files)
    try:
        return Publisher(confluence, space, identity).publish(spec, root_id, None)
    except HttpError as exc:
        return PageResult("portfolio", title, "conflict", message=str(exc))


def portfolio_calendar(config: Config, run: SyncRun) -> FileToAttach | None:
    """The calendar feed attached to the portfolio page (see `nivosync calendar`). Its digest
    is the hash of its events, not of its bytes (whose DTSTAMP is tonight's): a quiet night
    builds and uploads nothing."""
    measured = [
        MeasuredRelease(item.record.slug, item.record.title, item.slippage)
        for item in run.results
        if item.slippage is not None
    ]
    if not measured:
        return None
    events = portfolio_events(measured)
    name = f"{config.spec.jira.project} releases"
    digest = hashlib.sha256(repr(events).encode()).hexdigest()
    # written only when uploaded: for 1,000 releases the file takes seconds to build
    return FileToAttach(
        CALENDAR_FILE, lambda: calendar_ics(events, run.as_of, name), "text/calendar", digest
    )


def portfolio_load_chart(analysis: PortfolioAnalysis | None) -> FileToAttach | None:
    """The people's load chart attached to the portfolio page, none when nobody is busy in
    the load table's weeks. Its digest is of the data; it is drawn only when the publisher
    uploads it (a quiet night draws nothing)."""
    chart = load_chart(analysis.load, analysis.weeks) if analysis else None
    if chart is None:
        return None
    draw = lambda: load_chart_png(chart)  # noqa: E731
    return FileToAttach(LOAD_CHART_FILE, draw, "image/png", digest=load_chart_digest(chart))


def _analysis(config: Config, run: SyncRun) -> PortfolioAnalysis | None:
    """People's load and who caused the slips, from what was read (no request); a failure
    leaves them off the page, never the page itself."""
    try:
        return analyse(config, run.results)
    except Exception as exc:  # the releases' rows matter more than the analysis
        log.error("portfolio analysis failed", error=f"{type(exc).__name__}: {exc}")
        return None


def _republish_cancelled(
    sites: Sites, config: Config, jira: JiraGateway, record: ReleaseRecord, run: SyncRun
) -> None:
    """A cancelled release's page says so (unchanged: no write; completes a crashed cancel)."""
    assert record.finish is not None
    try:
        publish_cancelled(sites, config, jira, record, record.finish, [])
    except (HttpError, NivosyncError) as exc:
        run.finishing.errors.append(f"{record.title}: its CANCELLED page was not published: {exc}")


def finished_row(record: ReleaseRecord) -> PortfolioRow:
    """A release done or cancelled lately, as the portfolio lists it below the running ones."""
    finish = record.finish
    assert finish is not None
    planned = record.baseline.go_live if record.baseline else None
    note = (
        f"cancelled {finish.on or ''}: {finish.reason or ''}".strip(": ")
        if finish.state == "cancelled"
        else f"done {finish.on or ''}".strip()
    )
    return PortfolioRow(
        customer=record.customer,
        release=record.release,
        status=finish.state,
        planned_go_live=planned,
        projected_go_live=finish.actual_go_live,
        slip_days=0,
        status_page_title=None,
        status_page_url=None,
        note=note,
        actual_go_live=finish.actual_go_live,
        finished_on=finish.on,
    )


def _portfolio_row(item: ReleaseSync, analysis: PortfolioAnalysis | None) -> PortfolioRow:
    slip = item.slippage
    page = item.page
    upcoming = analysis.next_milestones.get(item.record.slug) if analysis else None
    cause = analysis.attributions.get(item.record.slug) if analysis else None
    return PortfolioRow(
        customer=item.record.customer,
        release=item.record.release,
        status=slip.status if slip else "stale",
        planned_go_live=slip.planned_go_live if slip else None,
        projected_go_live=slip.projected_go_live if slip else None,
        slip_days=slip.slip_days if slip else 0,
        status_page_title=page.title if page else None,
        status_page_url=page.url if page else None,
        note=item.error or "",
        actual_go_live=slip.actual_go_live if slip else None,
        finished_on=slip.as_of if slip and slip.status is SlipStatus.DONE else None,
        next_milestone=_milestone_text(upcoming) if upcoming else "",
        milestone_owner=upcoming.owner if upcoming else None,
        slip_cause=cause.text if cause else "",
    )


def _milestone_text(upcoming: NextMilestone) -> str:
    """'UAT (due 2027-01-05, projected 2027-01-07)'; 'on plan' when the two agree."""
    due = f"due {upcoming.planned_end.isoformat()}"
    if upcoming.projected_end == upcoming.planned_end:
        return f"{upcoming.name} ({due}, on plan)"
    return f"{upcoming.name} ({due}, projected {upcoming.projected_end.isoformat()})"
