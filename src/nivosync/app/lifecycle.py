"""Ending a release in Jira: done (seen by `sync`) or cancelled (`nivosync cancel`).

The writes come in this order, each safe to repeat: the `nivosync.lifecycle` property (the
details), the label (which takes the release out of the nightly search), then the epic's move
to a Done status (and, on cancel, the open tasks' when the config says so). A crash between
them is completed by the next run: a finished release is still listed for a while, and each
listing checks that its epic was closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from nivosync.app.page_place import space_and_root
from nivosync.app.publisher import PageIdentity, PageResult, PageSpec, Publisher
from nivosync.app.releases import ReleaseRecord, record_pages
from nivosync.app.sites import Sites, confluence_gateway_for
from nivosync.app.status_reports import ReleaseSync
from nivosync.core.lifecycle import LIFECYCLE_PROPERTY, Finish, LifecycleError, finish_from_json
from nivosync.core.pages import page_title
from nivosync.core.slippage import SlipStatus
from nivosync.errors import NivosyncError
from nivosync.http import AmbiguousWrite, HttpError
from nivosync.inputs.config import Config
from nivosync.inputs.run_settings import LifecycleSettings
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.jira.workflow import IssueWorkflow
from nivosync.log_setup import get_logger
from nivosync.render.closed_page import cancelled_page_body

log = get_logger(__name__)

DONE_CATEGORY = "done"


@dataclass
class Finishing:
    """What tonight's sync did about releases ending."""

    became: dict[str, Finish] = field(default_factory=dict)  # slug → how it ended tonight
    notes: list[str] = field(default_factory=list)  # what could not be done (not a failure)
    errors: list[str] = field(default_factory=list)  # writes that failed (the run exits 1)


def finish_releases(
    jira: JiraGateway,
    settings: LifecycleSettings,
    results: Sequence[ReleaseSync],
    finished: Sequence[ReleaseRecord],
    as_of: date,
) -> Finishing:
    """Record each release measured done tonight, and make sure that the epics of releases
    that finished earlier were closed (a crash may have stopped that)."""
    outcome = Finishing()
    for item in results:
        slip = item.slippage
        if slip is None or slip.status is not SlipStatus.DONE or item.record.finish:
            continue
        done = Finish("done", as_of, actual_go_live=slip.actual_go_live, actual_end=slip.actual_end)
        try:
            outcome.became[item.record.slug] = record_finish(jira, item.record, done)
            _noted(outcome, close_epic(jira, item.record, settings, cancelled=False))
        except (HttpError, NivosyncError) as exc:
            outcome.errors.append(f"{item.record.title}: not recorded as done: {exc}")
    for record in finished:
        assert record.finish is not None
        try:
            cancelled = record.finish.state == "cancelled"
            _noted(outcome, close_epic(jira, record, settings, cancelled=cancelled))
        except (HttpError, NivosyncError) as exc:
            outcome.errors.append(f"{record.title}: its epic was not closed: {exc}")
    return outcome


def _noted(outcome: Finishing, note: str | None) -> None:
    if note:
        outcome.notes.append(note)


def record_finish(jira: JiraGateway, record: ReleaseRecord, finish: Finish) -> Finish:
    """Write how the release ended unless the epic already says so; returns what it says.

    A first record is kept: a repeated cancel does not change the day or the reason."""
    key = record.epic.key
    try:
        current = finish_from_json(jira.issue_property(key, LIFECYCLE_PROPERTY))
    except LifecycleError:
        current = None
    if current is None or current.state != finish.state:
        jira.set_issue_property(key, LIFECYCLE_PROPERTY, finish.to_json())
        current = finish
    if finish.label not in record.epic.labels:
        jira.edit_issue(key, {}, {"labels": [{"add": finish.label}]})
    return current


def close_epic(
    jira: JiraGateway, record: ReleaseRecord, settings: LifecycleSettings, cancelled: bool
) -> str | None:
    """Move the epic to Done if the config wants it; a note when that cannot be done."""
    if not settings.close_epic or record.epic.status_category == DONE_CATEGORY:
        return None
    resolution = settings.cancel_resolution if cancelled else settings.done_resolution
    return close_issue(jira, record.epic.key, resolution)


def close_open_tasks(
    jira: JiraGateway, issues: Sequence[IssueSnapshot], settings: LifecycleSettings
) -> list[str]:
    """`cancel_open_tasks: close`: each open task moved to Done; notes for those that could
    not be."""
    if settings.cancel_open_tasks != "close":
        return []
    notes = []
    for issue in issues:
        if issue.status_category != DONE_CATEGORY:
            note = close_issue(jira, issue.key, settings.cancel_resolution)
            if note:
                notes.append(note)
    return notes


def close_issue(jira: JiraGateway, key: str, resolution: str) -> str | None:
    """Take the issue's transition into a Done status; None when done, else why not."""
    workflow = IssueWorkflow(jira)
    target = next((t for t in workflow.transitions(key) if t.to_category == DONE_CATEGORY), None)
    if target is None:
        return (
            f"{key} was not closed: no transition to a Done status is open to this account "
            "(it needs Transition Issues, and the workflow a Done status reachable from here)"
        )
    try:
        workflow.transition(key, target, resolution)
    except AmbiguousWrite:
        issue = jira.issue(key)
        if issue is None or issue.status_category != DONE_CATEGORY:
            raise
    log.info("issue closed", key=key, transition=target.name)
    return None


def publish_cancelled(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    record: ReleaseRecord,
    finish: Finish,
    issues: list[IssueSnapshot],
) -> PageResult:
    """The release's status page, replaced by the cancellation (unchanged: nothing written)."""
    confluence = confluence_gateway_for(sites, config)
    space, root_id = space_and_root(confluence, config)
    title = page_title("status", record)
    by_key = {i.key: i.summary for i in issues}
    body = cancelled_page_body(
        title,
        record.baseline.go_live.isoformat() if record.baseline else None,
        finish,
        [(key, by_key.get(key, "")) for key in finish.open_tasks],
        jira.browse_url,
    )
    identity = PageIdentity.of_release(record)
    spec = PageSpec("status", title, body, message=f"Cancelled: {finish.reason or ''}".strip())
    parent = record.pages.get("plan") or root_id
    result = Publisher(confluence, space, identity).publish(
        spec, parent, record.pages.get("status")
    )
    if (
        result.page_id
        and result.action != "conflict"
        and record.pages.get("status") != result.page_id
    ):
        record_pages(jira, record, {"status": result.page_id})
    return result
