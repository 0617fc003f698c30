"""Create payloads for the release's epic and task issues (Cloud and DC shapes), and the
fields they set (`epic_fields` / `task_fields`), which are checked against the create screens
before anything is written (see `screening`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nivosync.core.approvals import PlannedApproval
from nivosync.core.baseline import epic_property, task_property
from nivosync.core.identity import (
    PROPERTY_KEY,
    approval_labels,
    approval_property,
    epic_labels,
    task_labels,
)
from nivosync.core.plan import Plan, PlannedTask
from nivosync.jira.documents import Bullets, Document, Heading, Paragraph
from nivosync.jira.flavor import JiraFlavor
from nivosync.jira.models import IssueTypeRef, SiteFacts
from nivosync.jira.snapshots import LINK_TYPE


@dataclass(frozen=True)
class PlannedField:
    """A field a create payload sets: its Jira id and what nivosync keeps in it."""

    id: str
    what: str


ALWAYS_SENT = frozenset({"project", "issuetype"})  # no create goes without them
# Without these nivosync can neither create its issues nor find them again (their labels).
IDENTITY_FIELDS = {"summary": "Summary", "labels": "Labels"}


def epic_fields(facts: SiteFacts) -> tuple[PlannedField, ...]:
    """The fields `epic_payload` sets."""
    planned = [*_common_fields(), PlannedField("duedate", "due date")]
    if facts.start_field:
        planned.append(PlannedField(facts.start_field, "start date"))
    if facts.epic_name_field:
        planned.append(PlannedField(facts.epic_name_field, "Epic Name"))
    return tuple(planned)


def task_fields(
    flavor: JiraFlavor, facts: SiteFacts, task: PlannedTask, version: bool = False
) -> tuple[PlannedField, ...]:
    """The fields `task_payload` sets for `task` (`version`: its milestone's fix version)."""
    epic_link = "parent" if flavor.cloud else facts.epic_link_field
    planned = [*_common_fields(), PlannedField("duedate", "due date")]
    if epic_link:
        planned.append(PlannedField(epic_link, "link to the release epic"))
    if task.assignee:
        planned.append(PlannedField("assignee", "assignee"))
    if facts.start_field:
        planned.append(PlannedField(facts.start_field, "start date"))
    if version:
        planned.append(PlannedField("fixVersions", "milestone fix version"))
    if task.depends_on:
        planned.append(PlannedField("issuelinks", '"is blocked by" links'))
    return tuple(planned)


def _common_fields() -> list[PlannedField]:
    return [
        PlannedField("project", "project"),
        PlannedField("issuetype", "issue type"),
        PlannedField("summary", "summary"),
        PlannedField("description", "description"),
        PlannedField("labels", "labels"),
    ]


def epic_document(plan: Plan) -> Document:
    release = plan.release
    return (
        Paragraph(
            f"Customer release {release.title}, planned with the template "
            f"“{plan.template.spec.title}”. Managed by nivosync: its tasks are the child issues."
        ),
        Bullets(
            (
                f"Customer: {release.customer}",
                f"Release: {release.release}",
                f"Start: {plan.start.isoformat()}",
                f"Go-live: {plan.go_live.isoformat()}",
                f"Stabilisation ends: {plan.end.isoformat()}",
            )
        ),
        Heading("Milestones"),
        Bullets(
            tuple(
                f"Week {m.weeks} — {m.name}: {m.start.isoformat()} to {m.end.isoformat()}"
                for m in plan.milestones
            )
        ),
    )


def task_document(plan: Plan, task: PlannedTask) -> Document:
    milestone = next(m for m in plan.milestones if m.id == task.milestone)
    blocks: list[Heading | Paragraph | Bullets] = []
    if task.overview:
        blocks.append(Paragraph(task.overview))
    if task.description:
        blocks.append(Bullets(task.description))
    blocks += [
        Heading("Plan"),
        Bullets(
            (
                f"Release: {plan.release.title}",
                f"Milestone: Week {milestone.weeks} — {milestone.name}",
                f"Planned: {task.start.isoformat()} to {task.due.isoformat()}",
                f"Responsible: {', '.join(task.roles)}",
            )
        ),
    ]
    return tuple(blocks)


def epic_payload(
    plan: Plan,
    flavor: JiraFlavor,
    facts: SiteFacts,
    epic_type: IssueTypeRef,
    created_at: datetime,
    people: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project": {"key": facts.project_key},
        "issuetype": {"id": epic_type.id},
        "summary": plan.epic_summary,
        "description": flavor.description(epic_document(plan)),
        "duedate": plan.end.isoformat(),
        "labels": list(epic_labels(plan.release)),
    }
    if facts.start_field:
        fields[facts.start_field] = plan.start.isoformat()
    if facts.epic_name_field:
        fields[facts.epic_name_field] = plan.release.title
    return {
        "fields": fields,
        "properties": [
            {"key": PROPERTY_KEY, "value": epic_property(plan, created_at, people or {})}
        ],
    }


def task_payload(
    plan: Plan,
    task: PlannedTask,
    flavor: JiraFlavor,
    facts: SiteFacts,
    task_type: IssueTypeRef,
    epic_key: str,
    refs: Mapping[str, str],
    blocker_keys: Sequence[str],
    version_id: str | None = None,
    watchers_label: bool = True,
    dependent_keys: Sequence[str] = (),
) -> dict[str, Any]:
    """`watchers_label`: mark a task with watchers as waiting for them (where no ledger
    records it). `dependent_keys`: existing issues this task blocks (it is re-created after
    someone deleted it): their links ride in its payload too."""
    fields: dict[str, Any] = {
        "project": {"key": facts.project_key},
        "issuetype": {"id": task_type.id},
        "summary": task.summary,
        "description": flavor.description(task_document(plan, task)),
        "duedate": task.due.isoformat(),
        "labels": list(
            task_labels(
                plan.release, task.id, watchers_pending=watchers_label and bool(task.watchers)
            )
        ),
        **flavor.epic_link(epic_key, facts.epic_link_field),
    }
    if task.assignee:
        fields["assignee"] = flavor.user_field(refs[task.assignee])
    if facts.start_field:
        fields[facts.start_field] = task.start.isoformat()
    if version_id:
        fields["fixVersions"] = [{"id": version_id}]
    payload: dict[str, Any] = {
        "fields": fields,
        "properties": [{"key": PROPERTY_KEY, "value": task_property(plan, task)}],
    }
    # Seen from the new issue, each blocker is linked inward ("is blocked by"), each
    # dependent outward ("blocks").
    links = [
        {"add": {"type": {"name": LINK_TYPE}, "inwardIssue": {"key": key}}} for key in blocker_keys
    ] + [
        {"add": {"type": {"name": LINK_TYPE}, "outwardIssue": {"key": key}}}
        for key in dependent_keys
    ]
    if links:
        payload["update"] = {"issuelinks": links}
    return payload


def approval_fields(approval: PlannedApproval) -> tuple[PlannedField, ...]:
    """The fields `approval_payload` sets (its parent is sent whatever the screen)."""
    planned = [
        *_common_fields(),
        PlannedField("parent", "parent (the approval task)"),
        PlannedField("duedate", "due date"),
    ]
    if approval.person:
        planned.append(PlannedField("assignee", "assignee (the approver)"))
    return tuple(planned)


def approval_document(plan: Plan, approval: PlannedApproval) -> Document:
    return (
        Paragraph(
            f"The {approval.role} approval of the Change Advisory for {plan.release.title}. "
            "Managed by nivosync: the Change Advisory page shows this decision."
        ),
        Heading("To decide"),
        Bullets(
            (
                "Approve: move this sub-task to Done.",
                "Reject: move it to Done with the resolution Won't Do (or Won't Fix, Declined, "
                "Rejected), or to a Rejected status where the workflow has one; say why in a "
                "comment.",
            )
        ),
    )


def approval_payload(
    plan: Plan,
    approval: PlannedApproval,
    flavor: JiraFlavor,
    facts: SiteFacts,
    subtask_type: IssueTypeRef,
    parent_key: str,
    refs: Mapping[str, str],
) -> dict[str, Any]:
    """One approver's sub-task under the approval task, assigned to the role's person."""
    fields: dict[str, Any] = {
        "project": {"key": facts.project_key},
        "issuetype": {"id": subtask_type.id},
        "parent": {"key": parent_key},
        "summary": approval.summary,
        "description": flavor.description(approval_document(plan, approval)),
        "duedate": approval.due.isoformat(),
        "labels": list(approval_labels(plan.release, approval.role)),
    }
    if approval.person:
        fields["assignee"] = flavor.user_field(refs[approval.person])
    value = approval_property(plan.release, approval.role)
    return {"fields": fields, "properties": [{"key": PROPERTY_KEY, "value": value}]}
