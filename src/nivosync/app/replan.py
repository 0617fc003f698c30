"""`nivosync replan`: a release moved to a new start — a new baseline on the epic (every
earlier one kept, with when, why and who), the open tasks' dates moved in Jira, the pages
republished with the new dates.

Safe to run again: the baseline is written only when it differs, each issue only when its
dates do, each page only when its body does — so a crash or a lost answer is completed by
running the same command again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nivosync.app.go_live_guard import guard_go_live
from nivosync.app.planning import compute_plan
from nivosync.app.publish import prepare, publish_release
from nivosync.app.publisher import PageResult
from nivosync.app.release_template import release_template
from nivosync.app.releases import ReleaseRecord, existing_release, find_release
from nivosync.app.remembered import InputUse
from nivosync.app.screening import reading, settable_drift
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.core.baseline import parse_baseline, read_stored_release, replanned_property
from nivosync.core.identity import PROPERTY_KEY, ReleaseIdentity, is_approval
from nivosync.core.plan import Plan
from nivosync.core.reconcile import Drift, diff_release
from nivosync.errors import InvalidInput
from nivosync.inputs.config import load_settings
from nivosync.inputs.text_options import reason_text
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot, SiteFacts

DATE_FIELDS = ("duedate", "start")
ALWAYS_REPUBLISHED = ("plan", "uat")  # pages made from the plan alone
NEEDS_FILE = {"notes": "--notes", "change-advisory": "--change-advisory"}


@dataclass
class ReplanOutcome:
    release: str
    epic: str
    old_start: date
    new_start: date
    old_go_live: date
    new_go_live: date
    reason: str
    dry_run: bool
    baseline_written: bool = False  # False: the epic already had this baseline (a re-run)
    moved: list[Drift] = field(default_factory=list)
    kept_done: list[str] = field(default_factory=list)  # done tasks: their dates are history
    pages: list[PageResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReplanRequest:
    customer: str
    release: str
    start: date
    reason: str
    template_name: str | None
    notes_path: Path | None
    advisory_path: Path | None
    dry_run: bool
    force: tuple[str, ...] = ()  # page kinds (or "all") written over a person's edit
    allow_conflict: bool = False  # a go-live in a freeze or a crowded day/week: warn only


def replan_release(config_path: Path | None, request: ReplanRequest) -> ReplanOutcome:
    """Every input checked first (exit 2, nothing written), then Jira, then the pages."""
    config = load_settings(config_path)
    reason = reason_text("--reason", request.reason)
    identity = ReleaseIdentity.checked(request.customer, request.release)
    pages = prepare(
        config,
        request.customer,
        request.release,
        _republished(request),
        request.notes_path,
        request.advisory_path,
        request.template_name,
        request.dry_run,
        request.force,
    )
    # The notes and Change Advisory pages given no file are republished from the inputs they
    # remember, if any (else they would lose them).
    missing = tuple(k for k in NEEDS_FILE if k not in pages.kinds)
    pages = replace(pages, also_if_kept=missing)
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        record, issues = find_release(jira, identity)  # and the site's facts alongside
        facts = jira.facts
        assert facts is not None
        record = _replannable(jira, identity, record)
        assert record.baseline is not None and record.stored is not None
        chosen = release_template(config, record.stored, request.template_name)
        template = chosen.template
        plan = compute_plan(config, template, identity.customer, identity.release, request.start)
        guarded = guard_go_live(config, jira, plan, request.allow_conflict, moving=True)
        outcome = ReplanOutcome(
            record.title,
            record.epic.key,
            record.baseline.start,
            plan.start,
            record.baseline.go_live,
            plan.go_live,
            reason,
            request.dry_run,
            notes=[*chosen.notes, *(f"go-live conflict (allowed): {c}" for c in guarded.messages)],
        )
        record = _new_baseline(jira, record, plan, reason, outcome)
        _move_open_tasks(jira, facts, plan, record, issues, outcome)
        if config.spec.confluence is not None:
            published = publish_release(
                sites,
                config,
                jira,
                replace(pages, template=template, running=guarded.releases),
                found=(record, issues),
            )
            outcome.pages = published.pages
            outcome.notes += _kept_notes(published.inputs) + _not_republished(published.pages)
    return outcome


def _republished(request: ReplanRequest) -> list[str]:
    kinds = list(ALWAYS_REPUBLISHED)
    kinds += ["notes"] if request.notes_path else []
    kinds += ["change-advisory"] if request.advisory_path else []
    return kinds


def _kept_notes(uses: Sequence[InputUse]) -> list[str]:
    """Pages republished from the inputs they remember: which ones."""
    return [
        f"the {use.kind} page was republished from the inputs it remembers ({use.file}"
        + (f" of {use.saved_at.date()})" if use.saved_at else ")")
        for use in uses
        if use.action == "kept"
    ]


def _not_republished(published: Sequence[PageResult]) -> list[str]:
    """Pages made from a file this run was not given, and that remember none, keep their old
    dates: say how to fix."""
    done = {p.kind for p in published}
    return [
        f"the {kind} page was not republished (it is made from a {option} file, and it "
        f"remembers none): run `nivosync publish --page {kind} {option} FILE` to show the new "
        "dates there"
        for kind, option in NEEDS_FILE.items()
        if kind not in done
    ]


def _replannable(
    jira: JiraGateway, identity: ReleaseIdentity, record: ReleaseRecord | None
) -> ReleaseRecord:
    record = existing_release(jira, identity, record, "create it first with `nivosync create`")
    if record.finish is not None:
        raise InvalidInput(
            f"{identity.title} is {record.finish.state}: a finished release is not re-planned "
            "(nothing was written)"
        )
    if record.baseline is None or record.stored is None:
        raise InvalidInput(
            f"epic {record.epic.key} has no readable baseline: {record.problem or 'unknown'}; "
            "repair its 'nivosync' property before re-planning (nothing was written)"
        )
    return record


def _new_baseline(
    jira: JiraGateway, record: ReleaseRecord, plan: Plan, reason: str, outcome: ReplanOutcome
) -> ReleaseRecord:
    """The epic's property with the plan as its current baseline (read fresh: another run may
    have written since the search); the record as it is now."""
    assert record.baseline is not None
    current: Any = jira.issue_property(record.epic.key, PROPERTY_KEY)
    if parse_baseline(current).start == plan.start:
        return replace(record, baseline=parse_baseline(current))  # a re-run: already so
    written = replanned_property(current, plan, datetime.now(UTC), reason, jira.myself().named)
    outcome.baseline_written = True
    if not outcome.dry_run:
        jira.set_issue_property(record.epic.key, PROPERTY_KEY, written)
    return replace(record, baseline=parse_baseline(written), stored=read_stored_release(written))


def _move_open_tasks(
    jira: JiraGateway,
    facts: SiteFacts,
    plan: Plan,
    record: ReleaseRecord,
    issues: Sequence[IssueSnapshot],
    outcome: ReplanOutcome,
) -> None:
    """Each open issue (and the epic) whose dates are not the new plan's gets them."""
    diff = diff_release(plan, {}, [record.epic, *issues], facts.start_field is not None)
    moves = [d for d in settable_drift(diff, facts, reading(jira)) if d.field in DATE_FIELDS]
    outcome.moved = moves
    outcome.kept_done = [
        i.key for i in issues if i.status_category == "done" and not is_approval(i)
    ]
    if outcome.dry_run:
        return
    by_key: dict[str, dict[str, Any]] = {}
    for move in moves:
        field_id = facts.start_field if move.field == "start" else move.field
        assert field_id is not None
        by_key.setdefault(move.key, {})[field_id] = move.planned
    for key, fields in by_key.items():
        jira.edit_issue(key, fields, {})
