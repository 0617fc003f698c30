"""The Jira project permissions nivosync needs, what each is for, and the check before writing.

One `mypermissions` read answers them all. A missing permission nivosync cannot work without
(browse, create, edit) is invalid input before the first write; a missing optional one
turns a feature off for the run (watchers, milestone versions) or leaves a field unset, and
is reported with the permission's name, never as a bare HTTP 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nivosync.app.site_reads import refused_is_bad_input
from nivosync.errors import InvalidInput
from nivosync.jira.gateway import JiraGateway


@dataclass(frozen=True)
class Need:
    key: str  # Jira's permission key (mypermissions)
    name: str  # as Jira's permission scheme page names it
    why: str  # what nivosync does with it
    blocking: bool  # without it nivosync cannot create or keep a release at all


NEEDS = (
    Need("BROWSE_PROJECTS", "Browse Projects", "find the release's issues", True),
    Need("CREATE_ISSUES", "Create Issues", "create the epic and the tasks", True),
    Need("EDIT_ISSUES", "Edit Issues", "keep nivosync's records (properties) on its issues", True),
    Need("ASSIGN_ISSUES", "Assign Issues", "assign the tasks to the roles' people", False),
    Need("SCHEDULE_ISSUES", "Schedule Issues", "set the tasks' due dates", False),
    Need("LINK_ISSUES", "Link Issues", 'add the tasks\' "is blocked by" links', False),
    Need("MANAGE_WATCHERS", "Manage Watchers", "add the roles' people as watchers", False),
)
VERSION_NEEDS = (
    Need("ADMINISTER_PROJECTS", "Administer Projects", "create the milestone versions", False),
    Need("RESOLVE_ISSUES", "Resolve Issues", "set the tasks' fix versions", False),
)
# Jira shows these fields on a create screen only to holders of the permission.
FIELD_PERMISSION = {
    "assignee": "ASSIGN_ISSUES",
    "duedate": "SCHEDULE_ISSUES",
    "issuelinks": "LINK_ISSUES",
    "fixVersions": "RESOLVE_ISSUES",
}
WATCHERS = "MANAGE_WATCHERS"
VERSIONS = "ADMINISTER_PROJECTS"


def needs(milestone_versions: bool) -> tuple[Need, ...]:
    return NEEDS + (VERSION_NEEDS if milestone_versions else ())


def need_named(key: str) -> Need:
    return next(n for n in (*NEEDS, *VERSION_NEEDS) if n.key == key)


@dataclass(frozen=True)
class Held:
    """What one `mypermissions` read said: the needs the account lacks."""

    lacking: tuple[Need, ...]

    def lacks(self, key: str) -> bool:
        return any(n.key == key for n in self.lacking)

    @property
    def blocking(self) -> tuple[Need, ...]:
        return tuple(n for n in self.lacking if n.blocking)


def read_permissions(jira: JiraGateway, wanted: Iterable[Need]) -> Held:
    """The account's permissions in the project (one read, cached by the gateway)."""
    wanted = tuple(wanted)
    with refused_is_bad_input():
        held = jira.my_permissions([n.key for n in wanted])
    return Held(tuple(n for n in wanted if not held.get(n.key)))


def lacking_text(jira: JiraGateway, missing: Iterable[Need]) -> str:
    """'<user> lacks the 'X' permission in project P (needed to …)' for each need."""
    user = jira.transport.credentials.user
    return "; ".join(
        f"{user} lacks the '{n.name}' permission in project {jira.project_key} (needed to {n.why})"
        for n in missing
    )


def require_permissions(jira: JiraGateway, milestone_versions: bool) -> Held:
    """Before the first write: InvalidInput naming every blocking permission the account
    lacks; the optional ones it lacks are returned for the caller to work around."""
    held = read_permissions(jira, needs(milestone_versions))
    if held.blocking:
        raise InvalidInput(
            lacking_text(jira, held.blocking)
            + ": ask a Jira admin to grant them to this account in the project's permission "
            "scheme (Project settings → Permissions); nothing was written"
        )
    return held
