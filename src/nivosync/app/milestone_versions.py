"""One Jira version per milestone (`jira.milestone_versions`), set as the tasks' fixVersion."""

from __future__ import annotations

from nivosync.core.plan import Plan
from nivosync.http import AmbiguousWrite, HttpError
from nivosync.jira.gateway import JiraGateway


def milestone_version_name(plan: Plan, milestone_id: str) -> str:
    milestone = next(m for m in plan.milestones if m.id == milestone_id)
    return f"{plan.release.title} — {milestone.name}"


def ensure_milestone_versions(
    jira: JiraGateway, plan: Plan, project_id: str, dry_run: bool
) -> dict[str, str]:
    """Milestone id → version id; versions are found by name first so re-runs and crashes
    make no twins (a dry run only finds)."""
    existing = jira.versions()
    found: dict[str, str] = {}
    for milestone in plan.milestones:
        name = milestone_version_name(plan, milestone.id)
        if name not in existing and not dry_run:
            text = f"nivosync milestone of {plan.release.title}: weeks {milestone.weeks}"
            try:
                existing[name] = jira.create_version(
                    project_id, name, milestone.end.isoformat(), text
                )
            except (AmbiguousWrite, HttpError):
                existing = jira.versions()  # it may exist after all; else fail clearly
                if name not in existing:
                    raise
        if name in existing:
            found[milestone.id] = existing[name]
    return found
