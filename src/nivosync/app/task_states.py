"""The tasks' state as their Jira issues show it, read as the slippage rules read it — by
`sync`/`status` and by `publish` (which needs no more of the status reports than this)."""

from __future__ import annotations

from collections.abc import Sequence

from nivosync.app.approval_reading import found_approvals
from nivosync.core.approvals import with_approvals
from nivosync.core.identity import task_issues
from nivosync.core.slippage import TaskStatus
from nivosync.jira.models import IssueSnapshot


def task_statuses(issues: Sequence[IssueSnapshot]) -> dict[str, TaskStatus]:
    """The tasks' state as the slippage rules read it, keyed by template task id (the approval
    task's measured by its approvers' sub-tasks, where it has them: `core.approvals`)."""
    found: dict[str, TaskStatus] = {}
    for task_id, issue in task_issues(issues).items():
        assignee = issue.assignee.email or issue.assignee.display_name if issue.assignee else None
        found[task_id] = TaskStatus(
            task_id,
            issue.key,
            issue.summary,
            assignee,
            issue.status,
            issue.status_category,
            issue.due,
            issue.resolved,
        )
    # The approval task is done once every approver approved, whatever its own issue says.
    return with_approvals(found, found_approvals(issues))


def assignee_refs(issues: Sequence[IssueSnapshot]) -> dict[str, str]:
    """The tasks' assignees as `task_statuses` names them → their Jira user (for mentions)."""
    return {
        issue.assignee.email or issue.assignee.display_name: issue.assignee.ref
        for issue in task_issues(issues).values()
        if issue.assignee is not None and issue.assignee.ref
    }
