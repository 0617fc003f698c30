"""Putting back what people damaged in Jira: identity labels an issue lost, and the tasks'
link to the release epic when someone deleted the epic.

`--update` puts drifted fields back to the plan (`fix_drift`).

Each identity is held twice (labels and the `nivosync` property, see `core.identity`); an
issue found through the one that is left gets the other repaired by the next `create`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nivosync.app.resolving import Resolved
from nivosync.app.screening import settable_drift
from nivosync.core.identity import TrackedIssue, missing_labels
from nivosync.core.plan import Plan
from nivosync.core.reconcile import Drift, ReleaseDiff
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import SiteFacts

Damage = list[tuple[str, tuple[str, ...]]]  # issue key → the labels to put back


def damaged_labels(plan: Plan, diff: ReleaseDiff, others: Iterable[TrackedIssue] = ()) -> Damage:
    """Issues of the release (the diff's, and `others`: its approval sub-tasks) that lost
    identity labels (found through their property and the ledger)."""
    issues = [*([diff.epic] if diff.epic else []), *diff.existing.values(), *others]
    found = [(i.key, missing_labels(i, plan.release.slug)) for i in issues]
    return [(key, labels) for key, labels in found if labels]


def repair_labels(jira: JiraGateway, damaged: Damage) -> list[str]:
    """Put the labels back; one note per issue repaired."""
    notes = []
    for key, labels in damaged:
        jira.edit_issue(key, {}, {"labels": [{"add": label} for label in labels]})
        which = "label" if len(labels) == 1 else "labels"
        notes.append(f"{key} had lost its {which} {', '.join(labels)}: put back")
    return notes


def relink_orphans(
    jira: JiraGateway, facts: SiteFacts, diff: ReleaseDiff, epic_key: str
) -> list[str]:
    """The release's epic was gone (deleted) and `epic_key` replaces it: the tasks that still
    exist are linked to it — they pointed at an epic that no longer exists."""
    orphans = [issue.key for issue in diff.existing.values() if issue.epic_key != epic_key]
    for key in orphans:
        jira.edit_issue(key, jira.flavor.epic_link(epic_key, facts.epic_link_field), {})
    if not orphans:
        return []
    tasks = (
        f"{len(orphans)} existing task was"
        if len(orphans) == 1
        else f"{len(orphans)} existing tasks were"
    )
    return [
        f"the release epic was gone: {epic_key} replaces it, and {tasks} linked to it "
        f"({', '.join(orphans)})"
    ]


def fix_drift(jira: JiraGateway, plan: Plan, resolved: Resolved, diff: ReleaseDiff) -> list[Drift]:
    """--update: put drifted fields back to the plan (links are added, never removed)."""
    by_key: dict[str, list[Drift]] = {}
    for drift in settable_drift(diff, resolved.facts, resolved.screen_of):
        by_key.setdefault(drift.key, []).append(drift)
    fixed: list[Drift] = []
    for key, drifts in by_key.items():
        fields: dict[str, Any] = {}
        for drift in drifts:
            if drift.field == "link":
                assert drift.planned is not None
                jira.link_blocks(drift.planned, key)
            else:
                fields.update(field_value(jira, plan, resolved, drift))
        if fields:
            jira.edit_issue(key, fields, {})
        fixed += drifts
    return fixed


def field_value(jira: JiraGateway, plan: Plan, resolved: Resolved, drift: Drift) -> dict[str, Any]:
    facts = resolved.facts
    if drift.field == "assignee":
        assert drift.planned is not None
        return {"assignee": jira.flavor.user_field(drift.planned)}
    if drift.field == "epic":
        assert drift.planned is not None
        return jira.flavor.epic_link(drift.planned, facts.epic_link_field)
    if drift.field == "start" and facts.start_field:
        return {facts.start_field: drift.planned}
    return {drift.field: drift.planned}
