"""The nightly sync: find active releases in Jira, measure their slippage, report and publish.

Releases are handled in batches: one search finds the epics (with their baselines), one
batched search per 50 releases fetches their tasks, so memory holds a batch of issues at a
time and only each release's summary beyond it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from nivosync.app.mentions import Mentions
from nivosync.app.notify import Notice, Notifier
from nivosync.app.progress import SILENT, Progress
from nivosync.app.publisher import (
    PROPERTY_KEY,
    FileToAttach,
    PageIdentity,
    PageResult,
    PageSpec,
    Publisher,
)
from nivosync.app.releases import ReleaseRecord, record_history, record_pages, tasks_by_release
from nivosync.app.status_pages import KIND, shown_page
from nivosync.app.task_states import assignee_refs, task_statuses
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import ListedPage, Space
from nivosync.core.baseline import Baseline
from nivosync.core.changes import PAST, UNCHANGED, Change, measurement_digest, read_history, tonight
from nivosync.core.pages import page_title
from nivosync.core.slippage import (
    ReleaseSlippage,
    compute_slippage,
    slippage_to_json,
)
from nivosync.errors import NivosyncError
from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.log_setup import get_logger
from nivosync.render.slip_chart import chart_digest, slip_chart_png
from nivosync.render.status_page import (
    CHART_FILE,
    PAGE_LAYOUT,
    HistoryEntry,
    PageContext,
    stale_page_body,
    status_page_body,
)

log = get_logger(__name__)

BATCH = 50
STATUS_LABEL = PageIdentity("any").labels(KIND)[2]  # every release's status page has it


@dataclass
class ReleaseSync:
    """One release's outcome tonight."""

    record: ReleaseRecord
    slippage: ReleaseSlippage | None = None
    error: str | None = None
    history: list[HistoryEntry] = field(default_factory=list)
    page: PageResult | None = None
    publish_error: str | None = None
    state: HistoryEntry | None = None  # tonight's state run (core.changes.tonight)
    change: Change | None = None
    earlier: list[HistoryEntry] = field(default_factory=list)  # states recorded before it
    notified: list[str] = field(default_factory=list)  # channels told tonight
    notify_error: str | None = None
    assignees: dict[str, str] = field(default_factory=dict)  # as the page names them → Jira ref

    @property
    def title(self) -> str:
        return self.record.title

    def to_json(self) -> dict[str, Any]:
        if self.slippage is None:
            return {
                "customer": self.record.customer,
                "release": self.record.release,
                "epic": self.record.epic.key,
                "status": "error",
                "error": self.error,
            }
        data = slippage_to_json(
            self.slippage, self.record.customer, self.record.release, self.record.epic.key
        )
        if self.change is not None:
            data["change"] = {"kind": self.change.kind, "message": self.change.message}
        if self.state is not None:
            data["state_since"] = self.state.first_seen.isoformat()
        if self.notified:
            data["notified"] = list(self.notified)
        if self.notify_error:
            data["notify_error"] = self.notify_error
        return data


def is_active(record: ReleaseRecord, as_of: date, inactive_after_days: int) -> bool:
    """Open epic, and stabilisation not over for more than `inactive_after_days`."""
    if record.epic.status_category == "done":
        return False
    if record.baseline is None:
        return True  # a damaged baseline is reported by the sync itself, not skipped silently
    return record.baseline.end + timedelta(days=inactive_after_days) >= as_of


def milestone_owners(baseline: Baseline, slippage: ReleaseSlippage) -> dict[str, str | None]:
    """Milestone id → its owner: the assignee (the person of the first role, unless someone
    reassigned it) of its go-live task, or else of its last task."""
    assignees = {t.task_id: t.assignee for t in slippage.tasks}
    owners: dict[str, str | None] = {}
    for milestone in baseline.milestones:
        if milestone.tasks:
            go_live = baseline.go_live_task in milestone.tasks
            owners[milestone.id] = assignees.get(
                baseline.go_live_task if go_live else milestone.tasks[-1]
            )
    return owners


def measure(
    jira: JiraGateway,
    records: Sequence[ReleaseRecord],
    as_of: date,
    progress: Progress = SILENT,
    read: Mapping[str, list[IssueSnapshot]] | None = None,
) -> Iterator[ReleaseSync]:
    """Slippage of every release, batch by batch; a failure marks its releases, not the run.
    `read`: every release's task issues (by slug), read already (`find_release`'s)."""
    progress.stage("reading the releases' tasks", len(records))
    for start in range(0, len(records), BATCH):
        batch = records[start : start + BATCH]
        began = time.monotonic()
        try:
            tasks = read if read is not None else tasks_by_release(jira, batch)
        except (HttpError, NivosyncError) as exc:
            for record in batch:
                yield ReleaseSync(
                    record, error=f"could not read its issues: {exc}", history=history_of(record)
                )
            continue
        progress.advance(len(batch))
        for record in batch:
            yield _measured(record, tasks.get(record.slug, []), as_of)
        log.info(
            "batch measured",
            releases=len(batch),
            issues=sum(len(v) for v in tasks.values()),
            duration_ms=round(1000 * (time.monotonic() - began)),
        )


def _measured(record: ReleaseRecord, issues: list[IssueSnapshot], as_of: date) -> ReleaseSync:
    """One release measured; whatever goes wrong with it (people's text, a bug) is its error,
    and the other releases are still measured and published."""
    try:
        return _measure_one(record, issues, as_of)
    except Exception as exc:  # one release's data must never stop the night for the others
        _log_unexpected("release not measured", record.slug, exc)
        return ReleaseSync(record, error=unexpected(exc), history=history_of(record))


def _log_unexpected(event: str, slug: str, exc: Exception) -> None:
    """One line for people; the traceback only in debug logs (-v)."""
    log.error(event, release=slug, error=unexpected(exc))
    log.debug("traceback", release=slug, exc_info=exc)


def unexpected(exc: Exception) -> str:
    """A failure nivosync did not foresee, in one line (the log has the traceback)."""
    return f"unexpected {type(exc).__name__}: {exc} (a nivosync bug: the log has the details)"


def _measure_one(record: ReleaseRecord, issues: list[IssueSnapshot], as_of: date) -> ReleaseSync:
    outcome = ReleaseSync(record, history=history_of(record))
    if record.baseline is None:
        outcome.error = record.problem or f"{record.epic.key} has no baseline"
        return outcome
    outcome.slippage = compute_slippage(record.baseline, task_statuses(issues), as_of)
    outcome.assignees = assignee_refs(issues)
    return outcome


def history_of(record: ReleaseRecord) -> list[HistoryEntry]:
    """The states recorded on the epic, oldest first (old nightly rows collapsed)."""
    return read_history(record.history)


@dataclass
class StatusPublisher:
    """Publishes each release's status page — only when its measurement changed — then tells
    its change (notify) and records its state in the epic's history.

    Releases are handled `workers` at a time, each from start to end in one worker thread: its
    page, then its Jira bookkeeping in that order, so a state is recorded only after its page
    and its notice, and a crash leaves every release where a sequential run would (a re-run
    completes it). Each worker has its own Confluence session; the JiraGateway is shared: a
    request keeps no state on it or its Transport (the near-limit flag is an Event), and its
    session keeps 10 connections open for reuse (more workers open extra ones)."""

    jira: JiraGateway
    confluence_factory: Callable[[], ConfluenceGateway]
    space: Space
    root_id: str
    workers: int = 4
    force: bool = False
    notifier: Notifier | None = None
    progress: Progress = SILENT
    mentions: Mentions = field(init=False)
    listed: dict[str, ListedPage] | None = field(init=False, default=None)
    _local: threading.local = field(init=False, default_factory=threading.local)

    def __post_init__(self) -> None:
        self.mentions = Mentions(self.jira.flavor.cloud)  # one per run: lookups shared

    def publish(self, results: Sequence[ReleaseSync]) -> None:
        """Every release's page and bookkeeping, `workers` releases at a time."""
        for item in results:
            self._guarded(item, self._place)
        self.listed = self._listing(results)
        self.progress.stage("publishing status pages", len(results))
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="pages") as pool:
            list(pool.map(self._publish_release, results))

    def _place(self, item: ReleaseSync) -> None:
        """Tonight's measurement against the release's history (pure; nothing is read)."""
        if item.slippage is None:
            return
        context = f"{PAGE_LAYOUT}|{page_title('status', item.record)}|{self.jira.browse_url('')}"
        digest = measurement_digest(item.slippage, context)
        placed = tonight(item.history, item.slippage, digest, item.title)
        item.state, item.change, item.earlier = placed.state, placed.change, placed.earlier

    def _listing(self, results: Sequence[ReleaseSync]) -> dict[str, ListedPage] | None:
        """Every status page in the space, with its version and `nivosync` property: one
        search (a request per 50 pages) instead of two reads per page and a label search per
        release without one. None, when it fails: then each page is read (the slow way)."""
        if len(results) < 2:
            return None  # one release: its own reads cost no more
        try:
            return self._confluence().listed_pages(self.space, STATUS_LABEL, PROPERTY_KEY)
        except HttpError as exc:
            log.warning("status pages not listed: reading each one", error=str(exc))
            return None

    def _confluence(self) -> ConfluenceGateway:
        """This thread's gateway (one HTTP session per thread, kept for the run)."""
        gateway: ConfluenceGateway | None = getattr(self._local, "gateway", None)
        if gateway is None:
            gateway = self._local.gateway = self.confluence_factory()
        return gateway

    def _claimed(self, identity: PageIdentity) -> dict[str, frozenset[str]] | None:
        """The listed status pages labelled as `identity`'s (what its publisher would search)."""
        if self.listed is None:
            return None
        label = identity.labels(KIND)[1].lower()
        return {
            pid: page.labels
            for pid, page in self.listed.items()
            if label in {name.lower() for name in page.labels}
        }

    def _publish_release(self, item: ReleaseSync) -> None:
        """One release, in order: its page, then (unless that failed) its page id, tonight's
        change told and its state, kept in Jira. What fails is this release's error only."""
        self._guarded(item, self._write_page)
        if item.publish_error is None:
            self._guarded(item, self._record_in_jira)
        self.progress.advance()

    @staticmethod
    def _guarded(item: ReleaseSync, step: Callable[[ReleaseSync], None]) -> None:
        try:
            step(item)
        except (HttpError, NivosyncError) as exc:
            item.publish_error = str(exc)
            log.warning("status page not published", release=item.record.slug, error=str(exc))
        except Exception as exc:  # e.g. a chart that cannot be drawn: this release only
            item.publish_error = unexpected(exc)
            _log_unexpected("status page not published", item.record.slug, exc)

    def _write_page(self, item: ReleaseSync) -> None:
        record = item.record
        identity = PageIdentity.of_release(record)
        title = page_title("status", record)
        confluence = self._confluence()
        spec = self._spec(item, title, confluence, identity)
        if spec is None:
            return
        routine = item.change is None or not item.change.notifies
        forced = ("status",) if self.force else ()
        publisher = Publisher(
            confluence,
            self.space,
            identity,
            force=forced,
            minor=routine,
            claimed=self._claimed(identity),
        )
        parent = record.pages.get("plan") or self.root_id
        item.page = publisher.publish(spec, parent, record.pages.get("status"))
        if item.page.action == "skipped-edited":  # said in the run's output too
            log.warning("status page not updated", release=record.slug, reason=item.page.message)

    def _record_in_jira(self, item: ReleaseSync) -> None:
        """The status page's id, tonight's change told, and its state, kept on the epic."""
        record = item.record
        if item.page and item.page.page_id and record.pages.get("status") != item.page.page_id:
            record_pages(self.jira, record, {"status": item.page.page_id})
        if item.slippage is None or item.state is None or item.change is None:
            return
        if item.change.kind == PAST:
            log.warning("history not recorded", release=record.slug, reason=item.change.message)
            return
        owed = self._notify(item)
        merged = record_history(self.jira, record, replace(item.state, pending=owed))
        if merged is not None:
            item.history = read_history(merged)

    def _spec(
        self,
        item: ReleaseSync,
        title: str,
        confluence: ConfluenceGateway,
        identity: PageIdentity,
    ) -> PageSpec | None:
        """What to write; None when nothing is: never measured, or the page already shows
        tonight's measurement (then `item.page` says so, and no chart is drawn)."""
        browse = self.jira.browse_url
        if item.slippage is not None:
            try:
                shown = self._context(item, confluence)
                body = status_page_body(
                    title, item.slippage, item.earlier, browse, item.state, shown
                )
                known = None if self.force else item.record.pages.get("status")
                listed = self.listed.get(known) if self.listed is not None and known else None
                page = shown_page(confluence, identity, title, body, known, listed)
                item.page = page.unchanged
                if item.page is not None:
                    return None
                files = (_chart(item.slippage, item.title, page.files.get(CHART_FILE)),)
                return PageSpec("status", title, body, attachments=files, message=_said(item))
            except (HttpError, NivosyncError):
                raise
            except Exception as exc:  # shown as stale, with the reason; the run exits 1
                _log_unexpected("status page not rendered", item.record.slug, exc)
                item.publish_error = item.error = (
                    f"could not render its status page: {unexpected(exc)}"
                )
        if not item.history:
            return None  # never measured: nothing trustworthy to show yet
        last = item.history[-1]
        body = stale_page_body(last, item.history, item.error or "unknown error")
        return PageSpec("status", title, body)

    def _context(self, item: ReleaseSync, confluence: ConfluenceGateway) -> PageContext:
        """The plan page (linked once it exists), milestone owners and people as mentions."""
        record, slippage = item.record, item.slippage
        assert slippage is not None and record.baseline is not None
        plan = page_title("plan", record) if record.pages.get("plan") else None
        people = self.mentions.people(confluence, item.assignees)
        return PageContext(plan, milestone_owners(record.baseline, slippage), people)

    def _notify(self, item: ReleaseSync) -> tuple[str, ...]:
        """Tell tonight's change (or what an earlier run still owes); the channels still owed."""
        state, change = item.state, item.change
        assert state is not None and change is not None and item.slippage is not None
        owed_before = state.pending if change.kind == UNCHANGED else ()
        notifier = self.notifier
        if notifier is None or not notifier.enabled:
            return owed_before  # --no-notify: what was owed stays owed; tonight's change is not
        wanted = notifier.channels if change.notifies else owed_before
        if not wanted:
            return ()
        kind = change.kind if change.notifies else state.change
        notice = Notice(item.record, item.slippage, kind, state.message, change.marker, item.page)
        owed, errors = notifier.send(notice, wanted)
        item.notified = [c for c in wanted if c not in owed]
        if errors:
            item.notify_error = "; ".join(errors)
            log.warning("change not told", release=item.record.slug, error=item.notify_error)
        if item.notified:
            log.info("change told", release=item.record.slug, kind=kind, channels=item.notified)
        return tuple(owed)


def _chart(slippage: ReleaseSlippage, title: str, recorded: str | None) -> FileToAttach:
    """The chart, drawn now (a failure is this release's) unless the page's chart already
    shows the same: then it is drawn only if the publisher finds it must upload it after all."""
    digest = chart_digest(slippage, title)
    if recorded == digest:
        later = lambda: slip_chart_png(slippage, title)  # noqa: E731
        return FileToAttach(CHART_FILE, later, "image/png", digest)
    return FileToAttach(CHART_FILE, slip_chart_png(slippage, title), "image/png", digest)


def _said(item: ReleaseSync) -> str:
    """The page version's message: what changed (Confluence's default words otherwise)."""
    change = item.change
    return change.message if change is not None and change.kind != UNCHANGED else ""
