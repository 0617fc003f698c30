"""The human and JSON views of a `nivosync create` run."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from nivosync.app.actions import ISSUE_CREATES, UPDATE_FIELD
from nivosync.app.approval_tasks import ApprovalOutcome
from nivosync.app.creation import CreateOutcome, IssueOutcome
from nivosync.app.publisher import PageResult
from nivosync.core.reconcile import Drift
from nivosync.views.style import OutputStyle
from nivosync.views.summary import Tally, page_tally, summary_line
from nivosync.views.table import fit, key_order, text_table

CREATE_JSON_SCHEMA = "nivosync.create/1"


def create_text(
    outcome: CreateOutcome, url: Callable[[str], str], names: Mapping[str, str], style: OutputStyle
) -> str:
    plan = outcome.plan
    lines = [f"Release {plan.release.title} (label {plan.release.label})"]
    if outcome.dry_run:
        lines += ["", "Dry run — nothing was written. Would do:"]
        lines += [f"  {action.text}" for action in outcome.actions] or ["  nothing to do"]
    else:
        lines += [
            "",
            text_table(
                ["Task", "Key", "Assignee", "Start", "Due", "Action"], _rows(outcome), style
            ),
        ]
        if not outcome.wrote_issues:
            lines += ["", "Nothing to create: all issues exist."]
    if outcome.epic.key:
        lines.append(f"Epic: {url(outcome.epic.key)}")
    if outcome.drift:
        verb = "updated" if outcome.fixed else "changed in Jira (kept; --update resets them)"
        lines += ["", f"Drift — {verb}:"]
        lines += [f"  {_drift_text(d, names)}" for d in outcome.drift]
    if outcome.unset:
        lines += [
            "",
            "Not set (a Jira admin can add these fields to the create screens, or grant the "
            "permission named):",
        ]
        lines += [f"  {u.text()}" for u in outcome.unset]
    for note in outcome.notes:
        lines.append(f"Note: {note}")
    if outcome.failures:
        lines += ["", "Failed (run `nivosync create` again to finish):"]
        lines += [f"  {failure}" for failure in outcome.failures]
    return "\n".join(fit(line, style) for line in lines) + "\n"


def _rows(outcome: CreateOutcome) -> list[list[object]]:
    """The epic first, then every issue and approval sub-task in key order (those without a
    key — not created — last, in plan order)."""
    items: list[tuple[str | None, list[object]]] = [
        (i.key, _row(i, i.task_id or "")) for i in outcome.issues
    ]
    items += [(a.key, _approval_row(a)) for a in outcome.approvals]
    items.sort(key=lambda item: key_order(item[0]))
    return [_row(outcome.epic, "(epic)"), *(row for _key, row in items)]


def create_summary(outcome: CreateOutcome, pages: Sequence[PageResult]) -> str:
    """'Plan: 19 issues to create, 0 to update, 0 unchanged; 4 pages to create, …'."""
    made: list[IssueOutcome | ApprovalOutcome] = [outcome.epic, *outcome.issues, *outcome.approvals]
    if outcome.dry_run:
        kinds = [a.kind for a in outcome.actions]
        creating = sum(k in ISSUE_CREATES for k in kinds)
        issues = Tally(
            "issue",
            created=creating,
            updated=kinds.count(UPDATE_FIELD),
            unchanged=sum(i.action == "existing" for i in made),
        )
    else:
        issues = Tally(
            "issue",
            created=sum(i.action == "created" for i in made),
            updated=len({d.key for d in outcome.fixed}),
            unchanged=sum(i.action == "existing" for i in made),
            failed=sum(i.action in ("failed", "skipped") for i in made),
        )
    tallies = [issues, page_tally(pages)] if pages else [issues]
    return summary_line(outcome.dry_run, tallies) + "\n"


def _row(item: IssueOutcome, task: str) -> list[object]:
    return [task, item.key, item.assignee, item.start, item.due, item.action]


def _approval_row(item: ApprovalOutcome) -> list[object]:
    """An approver's sub-task (no start: it is due with the approval task)."""
    return [f"approval: {item.role}", item.key, item.person, "", item.due, item.action]


def _approval_json(item: ApprovalOutcome, url: Callable[[str], str]) -> dict[str, Any]:
    """An approver's sub-task in `create --json` (`assignee`: the role's configured person)."""
    return {
        "role": item.role,
        "key": item.key,
        "url": url(item.key) if item.key else None,
        "summary": item.summary,
        "assignee": item.person,
        "due": item.due,
        "action": item.action,
    }


def _drift_text(drift: Drift, names: Mapping[str, str]) -> str:
    planned = names.get(drift.planned or "", drift.planned)
    actual = names.get(drift.actual or "", drift.actual)
    return f"{drift.key} {drift.field}: plan says {planned}, Jira has {actual or '(empty)'}"


def create_json(
    outcome: CreateOutcome, url: Callable[[str], str], names: Mapping[str, str]
) -> dict[str, Any]:
    """The documented, stable JSON shape of `nivosync create --json` (see README)."""
    release = outcome.plan.release
    epic = outcome.epic
    return {
        "schema": CREATE_JSON_SCHEMA,
        "dry_run": outcome.dry_run,
        "release": {
            "customer": release.customer,
            "release": release.release,
            "slug": release.slug,
            "label": release.label,
        },
        "epic": {
            "key": epic.key,
            "url": url(epic.key) if epic.key else None,
            "summary": epic.summary,
            "action": epic.action,
        },
        "issues": [
            {
                "task_id": i.task_id,
                "key": i.key,
                "url": url(i.key) if i.key else None,
                "summary": i.summary,
                "assignee": i.assignee,
                "start": i.start,
                "due": i.due,
                "action": i.action,
            }
            for i in outcome.issues
        ],
        "approvals": [_approval_json(a, url) for a in outcome.approvals],
        "actions": [a.to_json() for a in outcome.actions] if outcome.dry_run else [],
        "drift": [
            {
                "key": d.key,
                "task_id": d.task_id,
                "field": d.field,
                "planned": names.get(d.planned or "", d.planned),
                "actual": names.get(d.actual or "", d.actual),
                "fixed": d in outcome.fixed,
            }
            for d in outcome.drift
        ],
        "unset_fields": [
            {
                "issue_type": u.issue_type,
                "field": u.field,
                "what": u.what,
                "missing_permission": u.permission,
            }
            for u in outcome.unset
        ],
        "notes": outcome.notes,
        "failures": outcome.failures,
    }
