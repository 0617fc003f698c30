"""ConfluenceGateway: what nivosync asks of Confluence, and the v1 calls both dialects share
(label writes, attachment uploads, CQL search); `cloud.py` and `data_center.py` speak each one.

Cloud uses /wiki/api/v2 for spaces, pages, properties and the attachment listing, and the v1
endpoints its current spec still has for attachment uploads and label writes (the v1 reads of
both are gone: 410); Data Center uses /rest/api/content for all of it. atlassian-python-api only
provides the session: its page helpers call v1 content endpoints Cloud no longer has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from nivosync.confluence.errors import ADD_ATTACHMENT, ADD_PAGE, explain
from nivosync.confluence.models import (
    Attachment,
    ConfluenceUser,
    ListedPage,
    Page,
    PageProperty,
    Space,
    StaleVersion,
)
from nivosync.http import AmbiguousWrite, HttpError, SiteWords, Transport, json_body

if TYPE_CHECKING:
    import requests  # only its types: the transport imports it with a site

NO_CHECK = {"X-Atlassian-Token": "no-check"}  # required for multipart uploads (XSRF guard)
SEARCH_LIMIT = 50  # results per CQL search page


class ConfluenceGateway:
    """Shared plumbing; `CloudConfluence` and `DataCenterConfluence` speak each dialect."""

    def __init__(self, transport: Transport, space_key: str, public_url: str | None = None) -> None:
        self.transport = transport
        self.public_url = (public_url or transport.base_url).rstrip("/")
        self.space_key = space_key

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    def display_name(self, user: str) -> str:
        return user

    # Each dialect implements these.
    def space(self) -> Space:
        raise NotImplementedError

    def page(self, page_id: str) -> Page | None:
        raise NotImplementedError

    def find_page(self, space: Space, title: str) -> Page | None:
        raise NotImplementedError

    def create_page(self, space: Space, parent_id: str, title: str, body: str) -> Page:
        raise NotImplementedError

    def update_page(
        self, page: Page, title: str, body: str, message: str, minor: bool = False
    ) -> Page:
        """A new version; `minor` (a routine update) notifies no watchers where the site can
        say so (Data Center's ``version.minorEdit``; Cloud v2 has no such field)."""
        raise NotImplementedError

    def attachments(self, page_id: str, filename: str | None = None) -> list[Attachment]:
        """The page's attachments (only the one named `filename`, if given)."""
        raise NotImplementedError

    def operations(self, space: Space, page_id: str | None) -> set[tuple[str, str]]:
        """What this account may do, as (operation, target type) pairs: in the space (Cloud)
        or on the page `page_id` (the parent page; else the space's home page) on Data
        Center, which has no space-level check."""
        raise NotImplementedError

    def page_property(self, page_id: str, key: str) -> PageProperty | None:
        raise NotImplementedError

    def set_page_property(
        self, page_id: str, key: str, value: Any, current: PageProperty | None
    ) -> None:
        raise NotImplementedError

    # Shared by both dialects (the v1 endpoints Cloud keeps).
    @property
    def v1(self) -> str:
        return "/rest/api"

    def add_labels(self, page_id: str, labels: Sequence[str]) -> None:
        path = f"{self.v1}/content/{page_id}/label"
        body = [{"prefix": "global", "name": label} for label in labels]
        self._checked(
            self.transport.request("POST", path, json=body, idempotent=True),
            "POST",
            path,
            "labels",
            ADD_PAGE,
        )

    def labelled_pages(self, space: Space, label: str) -> dict[str, frozenset[str]]:
        """The current pages of `space` that carry `label`, by id, with all their labels.

        A CQL search (v1 ``content/search``, which both Cloud and Data Center keep): its index
        trails writes by seconds on Cloud, so a page labelled just now may be missing."""
        return {pid: found.labels for pid, found in self.listed_pages(space, label).items()}

    def listed_pages(
        self, space: Space, label: str, property_key: str | None = None
    ) -> dict[str, ListedPage]:
        """As `labelled_pages`, with each page's title, version and (`property_key`) the
        value of that page property: the ``version`` and ``metadata.properties.<key>``
        expansions, so that many pages are checked in one request per 50 (no per-page GET)."""
        cql = f"space = {_cql_string(space.key)} AND type = page AND label = {_cql_string(label)}"
        expand = ["metadata.labels"]
        if property_key:
            expand += ["version", f"metadata.properties.{property_key}"]
        params: Mapping[str, Any] | None = {
            "cql": cql,
            "expand": ",".join(expand),
            "limit": SEARCH_LIMIT,
        }
        path: str | None = f"{self.v1}/content/search"
        found: dict[str, ListedPage] = {}
        while path is not None:
            page = self._json("GET", path, params=params, what="page search")
            for item in page.get("results") or []:
                listed = _listed(item, property_key)
                found[listed.id] = replace(listed, url=self.public_url + listed.url)
            link = str((page.get("_links") or {}).get("next") or "")
            at = link.find(f"{self.v1}/content/search")
            path, params = (link[at:], None) if link and at >= 0 else (None, None)
        return found

    def user(
        self, *, account_id: str | None = None, username: str | None = None
    ) -> ConfluenceUser | None:
        """A user by accountId (Cloud) or username (Data Center: its user key is what a mention
        names), with v1 ``GET /rest/api/user``, which both keep; None when there is no such
        user (404)."""
        if bool(account_id) == bool(username):
            raise ValueError("name a user by account_id or by username")
        path = f"{self.v1}/user"
        params = {"accountId": account_id} if account_id else {"username": username}
        response = self.transport.request("GET", path, params=params)
        if response.status_code == 404:
            return None
        found = self._checked(response, "GET", path, "user")
        return ConfluenceUser(
            display_name=str(found.get("displayName") or account_id or username),
            account_id=_text(found.get("accountId")),
            user_key=_text(found.get("userKey")),
            username=_text(found.get("username")),
        )

    def upload_attachment(
        self,
        page_id: str,
        name: str,
        data: bytes,
        content_type: str,
        comment: str,
        existing: Attachment | None,
    ) -> None:
        """Add a file, or a new version of an existing one (`existing`)."""
        base = f"{self.v1}/content/{page_id}/child/attachment"
        path = f"{base}/{existing.id}/data" if existing else base
        files = {
            "file": (name, data, content_type),
            "comment": (None, comment),
            "minorEdit": (None, "true"),
        }
        # Re-sending the same file only adds an identical version: safe to retry.
        response = self.transport.request(
            "POST", path, files=files, headers=NO_CHECK, idempotent=True
        )
        self._checked(response, "POST", path, f"attachment {name}", ADD_ATTACHMENT)

    def _add_property(self, path: str, page_id: str, key: str, value: Any) -> PageProperty | None:
        """POST a new property (`path`: the dialect's property list); None once it is there.
        An answer lost on the way is settled by reading it: there, it is returned (to be
        overwritten unless it holds `value`); absent, the POST did not happen and is sent
        again."""
        body = {"key": key, "value": value}
        try:
            self._json("POST", path, json=body, what="page property", permission=ADD_PAGE)
            return None
        except AmbiguousWrite:
            found = self.page_property(page_id, key)
            if found is not None:
                return found
        self._json("POST", path, json=body, what="page property", permission=ADD_PAGE)
        return None

    def _json(
        self,
        method: str,
        path: str,
        *,
        what: str = "resource",
        permission: str | None = None,
        **kwargs: Any,
    ) -> Any:
        response = self.transport.request(method, path, **kwargs)
        return self._checked(response, method, path, what, permission)

    def _checked(
        self,
        response: requests.Response,
        method: str,
        path: str,
        what: str,
        permission: str | None = None,
    ) -> Any:
        if response.status_code < 300:
            return json_body(response) or {}
        if response.status_code == 409:
            raise StaleVersion(what, method, path, json_body(response))
        # Cloud's v2 API answers a write the account may not make with 404 (its spec says so).
        refused = (403, 404) if permission and "/api/v2/" in path else (403,)
        body = json_body(response)
        raise HttpError(
            explain(response.status_code, body, what, self._words(), permission, refused),
            response.status_code,
            method,
            path,
            body,
        )

    def _words(self) -> SiteWords:
        credentials = self.transport.credentials
        return SiteWords(
            product="Confluence",
            site=self.base_url,
            user=credentials.user,
            secret=credentials.source,
            container_kind="space",
            key=self.space_key,
            admin="a space admin",
            config_key="confluence.space",
        )


def _listed(item: Mapping[str, Any], property_key: str | None) -> ListedPage:
    """One v1 content search result: labels, version and the expanded page property."""
    metadata = item.get("metadata") or {}
    names = (metadata.get("labels") or {}).get("results") or []
    properties = metadata.get("properties") or {}
    prop = properties.get(property_key) if property_key else None
    version = (item.get("version") or {}).get("number")
    webui = (item.get("_links") or {}).get("webui")
    return ListedPage(
        id=str(item["id"]),
        title=str(item.get("title") or ""),
        version=version if isinstance(version, int) else None,
        labels=frozenset(str(n.get("name")) for n in names),
        property=prop.get("value") if isinstance(prop, Mapping) else None,
        url=str(webui or f"/pages/viewpage.action?pageId={item['id']}"),  # site-relative
    )


def _text(value: Any) -> str | None:
    return str(value) if value else None


def _cql_string(value: str) -> str:
    """`value` as a double-quoted CQL string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def operations_of(items: Any) -> set[tuple[str, str]]:
    return {
        (str(i.get("operation")), str(i.get("targetType")))
        for i in items or []
        if isinstance(i, Mapping)
    }
