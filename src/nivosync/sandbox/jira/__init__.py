"""The Jira side of the sandbox (Cloud ``/rest/api/{2,3}``, Data Center ``/rest/api/2``)."""

from __future__ import annotations

from nivosync.sandbox.jira.changelog import register_changelog
from nivosync.sandbox.jira.comments import register_comments
from nivosync.sandbox.jira.createmeta import register_createmeta
from nivosync.sandbox.jira.errors import error_shapes
from nivosync.sandbox.jira.issue_extras import register_issue_extras
from nivosync.sandbox.jira.issue_routes import register_issues
from nivosync.sandbox.jira.links import register_links
from nivosync.sandbox.jira.meta_routes import register_meta
from nivosync.sandbox.jira.my_permissions import register_my_permissions
from nivosync.sandbox.jira.projects import get_project, list_projects
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.jira.schema import MIGRATIONS
from nivosync.sandbox.jira.search import register_search
from nivosync.sandbox.jira.seeding import seed_jira
from nivosync.sandbox.jira.transitions import register_transitions
from nivosync.sandbox.jira.user_properties import register_user_properties
from nivosync.sandbox.jira.user_routes import register_users
from nivosync.sandbox.jira.versions import (
    create_version,
    get_version,
    project_versions,
    project_versions_page,
    update_version,
)
from nivosync.sandbox.routing import Router
from nivosync.sandbox.seed import SiteSeed
from nivosync.sandbox.sides import Side


def register(router: Router, seed: SiteSeed) -> None:
    router.product("", error_shapes(seed.flavor))
    routes = JiraRoutes(router, seed.flavor)
    register_meta(routes)
    register_my_permissions(routes)
    register_users(routes)
    register_user_properties(routes)
    register_issues(routes)
    register_createmeta(routes)
    register_issue_extras(routes)
    register_comments(routes)
    register_transitions(routes)
    register_changelog(routes)
    register_links(routes)
    register_search(routes)
    routes.get("project", list_projects)
    routes.get("project/<key>", get_project)
    routes.get("project/<key>/versions", project_versions)
    if seed.flavor == "cloud":
        routes.get("project/<key>/version", project_versions_page)
    routes.post("version", create_version)
    routes.get("version/<int:version_id>", get_version)
    routes.put("version/<int:version_id>", update_version)


SIDE = Side(namespace="jira", migrations=MIGRATIONS, seed=seed_jira, register=register)
