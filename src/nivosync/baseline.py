"""The release identity and baseline nivosync stores in Jira, so any machine can sync later."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from nivosync.plan import Plan, PlannedTask

PROPERTY_KEY = "nivosync"
BASELINE_SCHEMA = 1


def release_identity(plan: Plan) -> dict[str, Any]:
    return {
        "customer": plan.release.customer,
        "release": plan.release.release,
        "slug": plan.release.slug,
    }


def epic_property(
    plan: Plan, created_at: datetime, people: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The epic's property: who the release is, the whole plan as it was at creation, and the
    Jira users its people were (so a re-run need not look them up again just to compare)."""
    template = plan.template
    return {
        "schema": BASELINE_SCHEMA,
        "kind": "epic",
        **release_identity(plan),
        "template": {
            "name": template.name,
            "title": template.spec.title,
            "schema_version": template.spec.schema_version,
        },
        "created_at": created_at.isoformat(timespec="seconds"),
        "people": dict(people or {}),
        "baseline": {
            "start": plan.start.isoformat(),
            "end": plan.end.isoformat(),
            "go_live": plan.go_live.isoformat(),
            "go_live_task": next(t.id for t in plan.tasks if t.go_live),
            "milestones": [
                {"id": m.id, "name": m.name, "end": m.end.isoformat(), "tasks": list(m.tasks)}
                for m in plan.milestones
            ],
            "tasks": {
                t.id: {"start": t.start.isoformat(), "due": t.due.isoformat()} for t in plan.tasks
            },
        },
        "calendar": {
            "holidays": sorted(d.isoformat() for d in plan.calendar.holidays),
            "country": plan.calendar.country,
            "subdivision": plan.calendar.subdivision,
        },
    }


def task_property(plan: Plan, task: PlannedTask) -> dict[str, Any]:
    """A task issue's property: which release and task it is, and its planned dates."""
    return {
        "schema": BASELINE_SCHEMA,
        "kind": "task",
        "slug": plan.release.slug,
        "task_id": task.id,
        "milestone": task.milestone,
        "go_live": task.go_live,
        "baseline": {"start": task.start.isoformat(), "due": task.due.isoformat()},
    }
