"""Jira project permissions: what each one is called, who holds it, how a route refuses.

The sandbox has one project, the seed's: a caller's permissions there are
``ctx.project_permissions`` (site admins hold every one). A route checks one with
``require(ctx, key, REFUSAL)``, where the refusal says how that route of the real product
answers a caller without it (status per flavour and Jira's words; the specs' response codes
differ from route to route, so each route names its own). The same holds for anyone else's
permissions (`user_permissions`), e.g. who may be assigned issues.
"""

from __future__ import annotations

from dataclasses import dataclass

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.seed import JIRA_PERMISSIONS, Flavor, SiteSeed


@dataclass(frozen=True)
class Permission:
    """A project permission as ``GET /mypermissions`` describes it (Jira's own ids)."""

    key: str
    id: str
    name: str
    description: str


PERMISSIONS: dict[str, Permission] = {
    p.key: p
    for p in (
        Permission(
            "BROWSE_PROJECTS",
            "10",
            "Browse Projects",
            "Ability to browse projects and the issues within them.",
        ),
        Permission("CREATE_ISSUES", "11", "Create Issues", "Ability to create issues."),
        Permission("EDIT_ISSUES", "12", "Edit Issues", "Ability to edit issues."),
        Permission(
            "ASSIGN_ISSUES", "13", "Assign Issues", "Ability to assign issues to other people."
        ),
        Permission(
            "ASSIGNABLE_USER",
            "17",
            "Assignable User",
            "Users with this permission may be assigned to issues.",
        ),
        Permission(
            "SCHEDULE_ISSUES",
            "28",
            "Schedule Issues",
            "Ability to view or edit an issue's due date.",
        ),
        Permission(
            "RESOLVE_ISSUES",
            "14",
            "Resolve Issues",
            "Ability to resolve and reopen issues. This includes the ability to set a fix version.",
        ),
        Permission(
            "LINK_ISSUES",
            "21",
            "Link Issues",
            "Ability to link issues together and create linked issues. Only useful if issue "
            "linking is turned on.",
        ),
        Permission("TRANSITION_ISSUES", "46", "Transition Issues", "Ability to transition issues."),
        Permission("ADD_COMMENTS", "15", "Add Comments", "Ability to comment on issues."),
        Permission(
            "MANAGE_WATCHERS",
            "32",
            "Manage Watchers",
            "Ability to manage the watchers of an issue.",
        ),
        Permission(
            "ADMINISTER_PROJECTS",
            "23",
            "Administer Projects",
            "Ability to administer a project in Jira.",
        ),
    )
}
assert tuple(PERMISSIONS) == JIRA_PERMISSIONS, "every modelled permission is described"

# Fields the create and edit screens hold only for holders of a permission (as in Jira, where
# e.g. the Assignee field is left off the screen of someone who may not assign issues).
FIELD_PERMISSIONS = {
    "assignee": "ASSIGN_ISSUES",
    "duedate": "SCHEDULE_ISSUES",
    "fixVersions": "RESOLVE_ISSUES",
    "issuelinks": "LINK_ISSUES",
}

NO_ISSUE = "Issue does not exist or you do not have permission to see it."


def no_project(ref: str) -> str:
    """Jira's answer for a project that does not exist or that the caller cannot browse."""
    return f"No project could be found with key '{ref}'."


@dataclass(frozen=True)
class Refusal:
    """How one route answers a caller who lacks a permission: the status on each flavour and
    Jira's message (``{names}`` filled in by `require`); `field` puts the message under
    ``errors[field]`` instead of ``errorMessages``."""

    cloud: int
    datacenter: int
    message: str
    field: str | None = None

    def error(self, flavor: Flavor, **names: str) -> JiraError:
        status = self.cloud if flavor == "cloud" else self.datacenter
        text = self.message.format(**names)
        if self.field is not None:
            return JiraError(status, errors={self.field: text})
        return JiraError(status, [text])


# The refusals, by route (statuses from the two specs' response codes for the operation).
ISSUE_UNSEEN = Refusal(404, 404, NO_ISSUE)
CREATE_REFUSED = Refusal(
    400, 400, "You do not have permission to create issues in this project.", field="project"
)
EDIT_REFUSED = Refusal(400, 400, "You do not have permission to edit issues in this project.")
PROPERTY_EDIT_REFUSED = Refusal(403, 403, "You do not have permission to edit this issue.")
# Cloud documents no 403 for deleting an issue property: its 404 covers "no permission to edit".
PROPERTY_DELETE_REFUSED = Refusal(404, 403, "You do not have permission to edit this issue.")
ASSIGN_REFUSED = Refusal(403, 401, "You do not have permission to assign issues.")
TRANSITION_REFUSED = Refusal(400, 400, "You do not have permission to transition this issue.")
# Data Center's spec documents 401 here (a real quirk of its watcher resource).
WATCHERS_REFUSED = Refusal(403, 401, "You do not have the permission to manage the watcher list.")
# Both specs document only 400 (and Cloud 404 for an issue it cannot see) for adding a comment.
COMMENT_REFUSED = Refusal(400, 400, "You do not have the permission to comment on this issue.")
LINK_REFUSED = Refusal(404, 401, "No Link Issue Permission for issue '{key}'.")
VERSION_CREATE_REFUSED = Refusal(404, 403, "You cannot edit the configuration of this project.")
VERSION_EDIT_REFUSED = Refusal(400, 403, "You cannot edit the configuration of this project.")
QUIET_EDIT_REFUSED = Refusal(
    403,
    403,
    "To disable the notification, administer Jira or administer project permissions are required.",
)


def holds(ctx: RequestContext, key: str) -> bool:
    """Whether the caller holds `key` in the seed's project."""
    return key in ctx.project_permissions


def require(ctx: RequestContext, permission: str, refusal: Refusal, /, **names: str) -> None:
    """Raise `refusal` (in the product's shape, `names` filled into its message) unless the
    caller holds `permission`."""
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown Jira permission {permission!r}")
    if not holds(ctx, permission):
        raise refusal.error(ctx.flavor, **names)


def require_browse_issue(ctx: RequestContext) -> None:
    """An issue the caller may not browse is one that does not exist (404, Jira's words)."""
    require(ctx, "BROWSE_PROJECTS", ISSUE_UNSEEN)


def user_permissions(seed: SiteSeed, email: str) -> frozenset[str]:
    """What the person with `email` holds in the seed's project (site admins: everything;
    someone the seed does not list: nothing)."""
    if any(admin.email.lower() == email.lower() for admin in seed.admins):
        return frozenset(JIRA_PERMISSIONS)
    user = seed.user_seed(email)
    return user.project if user else frozenset()


def assignable(seed: SiteSeed, email: str) -> bool:
    """Whether issues of the seed's project may be assigned to the person with `email`."""
    return "ASSIGNABLE_USER" in user_permissions(seed, email)


def hidden_emails(ctx: RequestContext) -> frozenset[str]:
    """Cloud: the (lower-case) emails whose owners hide them, except the caller's own, which
    they see. Data Center has no email privacy."""
    if ctx.flavor != "cloud":
        return frozenset()
    mine = ctx.admin.email.lower() if ctx.admin else ""
    return frozenset(
        u.email.lower() for u in ctx.seed.all_users() if u.email_hidden and u.email.lower() != mine
    )
