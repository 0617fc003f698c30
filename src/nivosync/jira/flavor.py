"""The differences between Jira Cloud and Jira Data Center, in one place each."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from nivosync.jira.documents import Document, to_adf, to_wiki
from nivosync.jira.models import JiraUser

# Custom field types, matched by schema (ids differ from site to site).
START_DATE_TYPES = (
    "com.atlassian.jira.plugin.system.customfieldtypes:datepicker",
    "com.atlassian.jpo:jpo-custom-field-baseline-start",
)
EPIC_LINK_TYPE = "com.pyxis.greenhopper.jira:gh-epic-link"
EPIC_NAME_TYPE = "com.pyxis.greenhopper.jira:gh-epic-label"

SearchPage = Callable[[dict[str, Any]], Mapping[str, Any]]


@dataclass(frozen=True)
class JiraFlavor:
    """How one kind of Jira spells the things nivosync does."""

    name: str
    api: str
    search_path: str
    page_size: int

    @property
    def cloud(self) -> bool:
        return self.name == "cloud"

    def description(self, document: Document) -> Any:
        return to_adf(document) if self.cloud else to_wiki(document)

    def user_field(self, ref: str) -> dict[str, str]:
        return {"accountId": ref} if self.cloud else {"name": ref}

    def user_search_params(self, project_key: str, person: str) -> dict[str, Any]:
        """Cloud finds a person by email (`query`), or by account ID where the configured
        person is one (a hidden email cannot be searched); Data Center by username."""
        cloud_key = "query" if "@" in person else "accountId"
        key = cloud_key if self.cloud else "username"
        return {"project": project_key, key: person, "maxResults": 50}

    def user_from_json(self, data: Mapping[str, Any] | None) -> JiraUser | None:
        if not data:
            return None
        ref = data.get("accountId") if self.cloud else data.get("name")
        if not ref:
            return None
        return JiraUser(str(ref), str(data.get("displayName", ref)), data.get("emailAddress"))

    def matches(self, user: JiraUser, person: str) -> bool:
        """Whether a search hit is exactly the configured person (searches match prefixes)."""
        if self.cloud:
            return (user.email or "").casefold() == person.casefold() or user.ref == person
        return user.ref.casefold() == person.casefold()

    def epic_link(self, epic_key: str, epic_link_field: str | None) -> dict[str, Any]:
        if self.cloud:
            return {"parent": {"key": epic_key}}
        return {epic_link_field: epic_key} if epic_link_field else {}

    def epic_of(self, fields: Mapping[str, Any], epic_link_field: str | None) -> str | None:
        if self.cloud:
            parent = fields.get("parent") or {}
            return parent.get("key")
        value = fields.get(epic_link_field) if epic_link_field else None
        return value if isinstance(value, str) else None

    def search(
        self,
        send: SearchPage,
        jql: str,
        fields: list[str],
        properties: list[str],
        reconcile: list[int] | None = None,
        expand: tuple[str, ...] = (),
    ) -> Iterator[Mapping[str, Any]]:
        """Every issue matching `jql`, page by page, with the flavour's pagination. `expand`
        (e.g. changelog) is a comma-separated string on Cloud's search/jql, a list on DC."""
        body: dict[str, Any] = {"jql": jql, "fields": fields, "maxResults": self.page_size}
        if expand:
            body["expand"] = ",".join(expand) if self.cloud else list(expand)
        if self.cloud:
            if properties:
                body["properties"] = properties
            if reconcile:  # the same list on every page, as Cloud asks
                body["reconcileIssues"] = reconcile
            while True:
                page = send(body)
                yield from page.get("issues", [])
                token = page.get("nextPageToken")
                if page.get("isLast", True) or not token:
                    return
                body = {**body, "nextPageToken": token}
        start = 0
        while True:
            page = send({**body, "startAt": start})
            issues = page.get("issues", [])
            yield from issues
            start += len(issues)
            if not issues or start >= int(page.get("total", 0)):
                return


CLOUD = JiraFlavor("cloud", "/rest/api/3", "/rest/api/3/search/jql", page_size=100)
DATACENTER = JiraFlavor("datacenter", "/rest/api/2", "/rest/api/2/search", page_size=100)


def flavor_named(name: str) -> JiraFlavor:
    return CLOUD if name == "cloud" else DATACENTER
