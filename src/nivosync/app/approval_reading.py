"""Each approver's decision, read from Jira for the Change Advisory page (`publish`).

The approval sub-tasks come with the release's own search (no request of their own). By whom
and when a decided one was decided is in its changelog: who moved it into its current status,
and when. That is read with one search of the decided sub-tasks with `expand=changelog` (see
`jira.changelog`) — none at all while nobody has decided. Where the history does not say (the
changelog is unreadable, or the latest move was to another status), the sub-task's resolution
date and assignee stand in, and the page says the approver is presumed (`from_history`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nivosync.core.approvals import (
    Approval,
    Move,
    SubtaskState,
    approvals_for,
    decision_state,
    planned_approvals,
)
from nivosync.core.identity import approval_role_name, approvals_by_slug, jql_quote
from nivosync.core.plan import Plan
from nivosync.http import HttpError
from nivosync.jira.changelog import IssueChangelog
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot, JiraUser
from nivosync.log_setup import get_logger

log = get_logger(__name__)


def read_approvals(
    jira: JiraGateway,
    plan: Plan,
    issues: Sequence[IssueSnapshot],
    people: Mapping[str, str],
) -> tuple[Approval, ...]:
    """The approvers' decisions, in the template's order (empty for a release without approval
    sub-tasks); `people` (a configured person → their Jira user) names who decided."""
    roles = [a.role for a in planned_approvals(plan)]
    subtasks = {slug: found[0] for slug, found in approvals_by_slug(issues).items()}
    if not roles or not subtasks:
        return ()
    names = {ref: person for person, ref in people.items()}
    states = {slug: _state(i, jira.browse_url(i.key), names) for slug, i in subtasks.items()}
    decided = [i for i in subtasks.values() if _decided(i)]
    return approvals_for(roles, states, _moves(jira, decided, names))


def found_approvals(issues: Sequence[IssueSnapshot]) -> tuple[Approval, ...]:
    """The approvals the release's approval sub-tasks say, without their histories (no
    request: the nightly measurement goes by their resolution dates); the roles are those the
    sub-tasks name. Empty for a release without approval sub-tasks."""
    subtasks = {slug: found[0] for slug, found in approvals_by_slug(issues).items()}
    roles = [approval_role_name(i, i.summary) or slug for slug, i in subtasks.items()]
    states = {slug: _state(i, None, {}) for slug, i in subtasks.items()}
    return approvals_for(roles, states)


def _state(issue: IssueSnapshot, url: str | None, names: Mapping[str, str]) -> SubtaskState:
    return SubtaskState(
        key=issue.key,
        url=url,
        status=issue.status,
        category=issue.status_category,
        resolution=issue.resolution,
        resolved=issue.resolved,
        assignee=_named(issue.assignee, names),
    )


def _decided(issue: IssueSnapshot) -> bool:
    return decision_state(issue.status, issue.status_category, issue.resolution) != "pending"


def _moves(
    jira: JiraGateway, decided: Sequence[IssueSnapshot], names: Mapping[str, str]
) -> dict[str, Move]:
    """Who moved each decided sub-task into its current status, and when (one search)."""
    if not decided:
        return {}
    keys = ", ".join(jql_quote(i.key) for i in decided)
    try:
        found = IssueChangelog(jira).status_moves(f"key in ({keys}) ORDER BY key ASC")
    except HttpError as exc:  # the page still shows the decisions, with presumed deciders
        log.warning("approval histories not read", error=str(exc))
        return {}
    moves = {}
    for issue in decided:
        move = found.get(issue.key)
        if move is not None and move.to_status == issue.status:
            moves[issue.key] = Move(_named(move.by, names), move.at.date())
    return moves


def _named(user: JiraUser | None, names: Mapping[str, str]) -> str | None:
    """A Jira user as the page names them: the configured person (a mention), else Jira's."""
    if user is None:
        return None
    return names.get(user.ref) or user.named
