"""`nivosync cancel`: a release stops — recorded on its epic, closed as configured, its status
page saying CANCELLED with the reason. Safe to run again: it completes what a crash left."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nivosync.app import actions as act
from nivosync.app.actions import Action
from nivosync.app.lifecycle import close_epic, close_open_tasks, publish_cancelled, record_finish
from nivosync.app.publisher import PageResult
from nivosync.app.releases import ReleaseRecord, existing_release, find_release
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.core.identity import ReleaseIdentity, is_approval
from nivosync.core.lifecycle import Finish
from nivosync.errors import InvalidInput
from nivosync.inputs.config import Config, load_settings
from nivosync.inputs.text_options import reason_text
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.jira.workflow import IssueWorkflow

DONE = "done"


@dataclass
class CancelOutcome:
    release: str
    epic: str
    finish: Finish
    already: bool  # it was cancelled before this run
    dry_run: bool
    actions: list[Action] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page: PageResult | None = None


def cancel_release(
    config_path: Path | None, customer: str, release: str, reason: str, *, dry_run: bool
) -> CancelOutcome:
    config = load_settings(config_path)
    identity = ReleaseIdentity.checked(customer, release)
    reason = reason_text("--reason", reason)
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        record, issues = find_release(jira, identity)
        record = _cancellable(jira, identity, record)
        # The plan's open tasks (an approver's open sub-task is no task to cancel or close).
        open_tasks = [i for i in issues if i.status_category != DONE and not is_approval(i)]
        finish = record.finish or Finish(
            "cancelled",
            IssueWorkflow(jira).today(config.spec.timezone),  # the day Jira will record
            reason=reason,
            by=jira.myself().named,
            open_tasks=tuple(i.key for i in open_tasks),
        )
        outcome = CancelOutcome(
            record.title, record.epic.key, finish, record.finish is not None, dry_run
        )
        if dry_run:
            outcome.actions = _planned(config, record, open_tasks)
            return outcome
        outcome.finish = record_finish(jira, record, finish)
        note = close_epic(jira, record, config.spec.lifecycle, cancelled=True)
        outcome.notes += [note] if note else []
        outcome.notes += close_open_tasks(jira, open_tasks, config.spec.lifecycle)
        if config.spec.confluence is not None:
            outcome.page = publish_cancelled(sites, config, jira, record, outcome.finish, issues)
    return outcome


def _cancellable(
    jira: JiraGateway, identity: ReleaseIdentity, record: ReleaseRecord | None
) -> ReleaseRecord:
    record = existing_release(jira, identity, record, "nothing to cancel")
    if record.finish is not None and record.finish.state == DONE:
        on = record.finish.on.isoformat() if record.finish.on else "earlier"
        raise InvalidInput(
            f"{identity.title} is already done (all its tasks were done on {on}): a finished "
            "release cannot be cancelled (nothing was written)"
        )
    return record


def _planned(
    config: Config, record: ReleaseRecord, open_tasks: list[IssueSnapshot]
) -> list[Action]:
    settings = config.spec.lifecycle
    key = record.epic.key
    text = f"record the cancellation on {key} (property nivosync.lifecycle, label)"
    actions = [Action(act.RECORD_CANCELLATION, text, key, field="nivosync.lifecycle")]
    if settings.close_epic and record.epic.status_category != DONE:
        actions.append(_to_done(record.epic))
    if settings.cancel_open_tasks == "close":
        actions += [_to_done(i) for i in open_tasks]
    elif open_tasks:
        many = len(open_tasks) != 1
        text = f"leave {len(open_tasks)} open task{'s' * many} as {'they are' if many else 'it is'}"
        actions.append(Action(act.LEAVE_OPEN, text))
    if config.spec.confluence is not None:
        text = "publish the status page as CANCELLED"
        actions.append(Action(act.PUBLISH_PAGE, text, field="status page", new="CANCELLED"))
    return actions


def _to_done(issue: IssueSnapshot) -> Action:
    text = f"move {issue.key} to Done"
    return Action(act.TRANSITION, text, issue.key, field="status", old=issue.status, new="Done")
