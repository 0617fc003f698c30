"""How Jira entities are rendered for one request (site root, REST version, flavor)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import User
from nivosync.sandbox.jira import catalog, permissions
from nivosync.sandbox.seed import Flavor


def jira_timestamp(moment: datetime) -> str:
    """Jira's timestamp format, e.g. ``2026-12-15T16:00:00.000+0000`` (always UTC here)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


@dataclass(frozen=True)
class JiraView:
    base: str
    api: str
    flavor: Flavor
    # Cloud: emails of people who hide theirs from the caller (rendered without emailAddress).
    hidden_emails: frozenset[str] = frozenset()

    @classmethod
    def of(cls, ctx: RequestContext, api: str) -> JiraView:
        version = "2" if api == "latest" else api
        return cls(ctx.base_url, version, ctx.flavor, permissions.hidden_emails(ctx))

    @property
    def cloud(self) -> bool:
        return self.flavor == "cloud"

    @property
    def adf(self) -> bool:
        """Cloud's v3 API speaks Atlassian Document Format for rich-text fields."""
        return self.cloud and self.api == "3"

    def url(self, path: str) -> str:
        return f"{self.base}/rest/api/{self.api}/{path}"

    def avatars(self, kind: str, ident: str | int) -> dict[str, str]:
        return {
            f"{n}x{n}": f"{self.base}/secure/{kind}avatar?size={n}&avatarId={ident}"
            for n in (48, 24, 16, 32)
        }

    def user(self, user: User | None) -> dict[str, Any] | None:
        if user is None:
            return None
        body: dict[str, Any] = {}
        if self.cloud:
            body["self"] = self.url(f"user?accountId={user.account_id}")
            body["accountId"] = user.account_id
            body["accountType"] = "atlassian"
        else:
            body["self"] = self.url(f"user?username={user.username}")
            body["key"] = user.key
            body["name"] = user.username
        if user.email.lower() not in self.hidden_emails:
            body["emailAddress"] = user.email
        body["avatarUrls"] = self.avatars("user", user.id)
        body["displayName"] = user.display_name
        body["active"] = user.active
        body["timeZone"] = "Etc/UTC"
        return body

    def issue_type(
        self, issue_type: catalog.IssueType, project_id: int | None = None
    ) -> dict[str, Any]:
        """An issue type; a team-managed project's own (given its project) shows its scope."""
        body: dict[str, Any] = {
            "self": self.url(f"issuetype/{issue_type.id}"),
            "id": issue_type.id,
            "description": issue_type.description,
            "iconUrl": f"{self.base}/secure/viewavatar?size=medium&avatarId="
            f"{issue_type.avatar_id}&avatarType=issuetype",
            "name": issue_type.name,
            "subtask": issue_type.subtask,
            "avatarId": issue_type.avatar_id,
        }
        if self.cloud:
            body["hierarchyLevel"] = issue_type.hierarchy_level
            if issue_type.scoped and project_id is not None:
                body["entityId"] = issue_type.entity_id
                body["scope"] = self.project_scope(project_id)
        return body

    def project_scope(self, project_id: int) -> dict[str, Any]:
        """Cloud's ``scope`` of what belongs to one team-managed project."""
        return {"type": "PROJECT", "project": {"id": str(project_id)}}

    def status_category(self, category: catalog.StatusCategory) -> dict[str, Any]:
        return {
            "self": self.url(f"statuscategory/{category.id}"),
            "id": category.id,
            "key": category.key,
            "colorName": category.color,
            "name": category.name,
        }

    def status(self, status: catalog.Status) -> dict[str, Any]:
        return {
            "self": self.url(f"status/{status.id}"),
            "description": "",
            "iconUrl": f"{self.base}/",
            "name": status.name,
            "id": status.id,
            "statusCategory": self.status_category(status.category),
        }

    def priority(self, priority: catalog.Priority) -> dict[str, Any]:
        return {
            "self": self.url(f"priority/{priority.id}"),
            "iconUrl": f"{self.base}/images/icons/priorities/{priority.name.lower()}.svg",
            "name": priority.name,
            "id": priority.id,
        }

    def resolution(self, resolution_id: str | None) -> dict[str, Any] | None:
        if resolution_id is None:
            return None
        found = catalog.resolution_by(self.flavor, resolution_id)
        if found is None:
            return {"self": self.url(f"resolution/{resolution_id}"), **catalog.RESOLUTION_DONE}
        return {
            "self": self.url(f"resolution/{found.id}"),
            "id": found.id,
            "name": found.name,
            "description": found.description,
        }

    def link_type(self, link_type: catalog.LinkType) -> dict[str, Any]:
        return {
            "id": link_type.id,
            "name": link_type.name,
            "inward": link_type.inward,
            "outward": link_type.outward,
            "self": self.url(f"issueLinkType/{link_type.id}"),
        }

    def project_ref(
        self, project_id: int, key: str, name: str, team_managed: bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "self": self.url(f"project/{project_id}"),
            "id": str(project_id),
            "key": key,
            "name": name,
            "projectTypeKey": "software",
            "avatarUrls": self.avatars("project", 10400),
        }
        if self.cloud:
            body["simplified"] = team_managed  # Cloud's word for a team-managed project
        return body
