"""One Jira version per milestone (`jira.milestone_versions`), set as the tasks' fixVersion."""

from __future__ import annotations

from nivosync.app.actions import CREATE_VERSION, Action
from nivosync.app.permissions import VERSIONS, need_named
from nivosync.app.resolving import Resolved
from nivosync.app.screening import UnsetField
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


def resolve_versions(
    jira: JiraGateway, plan: Plan, resolved: Resolved, dry_run: bool
) -> list[Action]:
    """The milestone versions: found, else created — unless the account may not administer
    the project, when the missing ones are reported as unset. What a dry run would create."""
    may_create = not (resolved.held and resolved.held.lacks(VERSIONS))
    resolved.versions.update(
        ensure_milestone_versions(jira, plan, resolved.facts.project_id, dry_run or not may_create)
    )
    missing = [m for m in plan.milestones if m.id not in resolved.versions]
    if may_create:
        names = [milestone_version_name(plan, m.id) for m in missing]
        return [
            Action(CREATE_VERSION, f'create version "{name}" due {m.end}', field="name", new=name)
            for name, m in zip(names, missing, strict=True)
        ]
    resolved.unset.extend(_no_version(jira, plan, resolved, m.id) for m in missing)
    return []


def _no_version(jira: JiraGateway, plan: Plan, resolved: Resolved, milestone: str) -> UnsetField:
    """A milestone version that does not exist, which this account may not create."""
    name = milestone_version_name(plan, milestone)
    what = f"fix version '{name}' (ask a project admin to create it)"
    permission = need_named(VERSIONS).name
    return UnsetField(jira.project_key, resolved.task_type.name, "fixVersions", what, permission)
