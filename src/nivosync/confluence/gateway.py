"""ConfluenceGateway: pages, page properties, labels and attachments on Cloud and Data Center.

Cloud uses /wiki/api/v2 for spaces, pages, properties and the attachment listing, and the v1
endpoints its current spec still has for attachment uploads and label writes (the v1 reads of
both are gone: 410); Data Center uses /rest/api/content for all of it. atlassian-python-api only
provides the session: its page helpers call v1 content endpoints Cloud no longer has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests

from nivosync.confluence.errors import ADD_ATTACHMENT, ADD_PAGE, explain
from nivosync.confluence.models import Attachment, Page, PageProperty, Space, StaleVersion
from nivosync.http import HttpError, SiteWords, Transport, json_body

NO_CHECK = {"X-Atlassian-Token": "no-check"}  # required for multipart uploads (XSRF guard)


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


class CloudConfluence(ConfluenceGateway):
    v2 = "/api/v2"

    def space(self) -> Space:
        found = self._json(
            "GET", f"{self.v2}/spaces", params={"keys": self.space_key}, what="space"
        )
        results = found.get("results") or []
        if not results:
            raise HttpError(
                explain(404, None, "space", self._words()), 404, "GET", f"{self.v2}/spaces"
            )
        item = results[0]
        return Space(str(item["id"]), str(item["key"]), str(item.get("name", item["key"])))

    def page(self, page_id: str) -> Page | None:
        path = f"{self.v2}/pages/{page_id}"
        response = self.transport.request("GET", path, params={"body-format": "storage"})
        if response.status_code == 404:
            return None
        return self._page(self._checked(response, "GET", path, "page"))

    def find_page(self, space: Space, title: str) -> Page | None:
        params = {
            "space-id": space.id,
            "title": title,
            "status": "current",
            "body-format": "storage",
            "limit": 25,
        }
        found = self._json("GET", f"{self.v2}/pages", params=params, what="page search")
        results = [r for r in found.get("results") or [] if r.get("title") == title]
        return self._page(results[0]) if results else None

    def create_page(self, space: Space, parent_id: str, title: str, body: str) -> Page:
        payload = {
            "spaceId": space.id,
            "status": "current",
            "title": title,
            "parentId": parent_id,
            "body": {"representation": "storage", "value": body},
        }
        return self._page(
            self._json("POST", f"{self.v2}/pages", json=payload, what="page", permission=ADD_PAGE)
        )

    def update_page(
        self, page: Page, title: str, body: str, message: str, minor: bool = False
    ) -> Page:
        # `minor` is not sent: v2's PageUpdateRequest has no minorEdit (the sandbox refuses it).
        payload = {
            "id": page.id,
            "status": "current",
            "title": title,
            "body": {"representation": "storage", "value": body},
            "version": {"number": page.version + 1, "message": message},
        }
        return self._page(
            self._json(
                "PUT", f"{self.v2}/pages/{page.id}", json=payload, what="page", permission=ADD_PAGE
            )
        )

    def attachments(self, page_id: str, filename: str | None = None) -> list[Attachment]:
        # v1 GET content/{id}/child/attachment is gone from Cloud (410): v2, cursor-paged.
        params: dict[str, Any] = {"limit": 250}
        if filename is not None:
            params["filename"] = filename
        path = f"{self.v2}/pages/{page_id}/attachments"
        return [
            Attachment(str(item["id"]), str(item["title"]), str(item.get("comment") or ""))
            for item in self._v2_pages(path, params, "attachments")
        ]

    def operations(self, space: Space, page_id: str | None) -> set[tuple[str, str]]:
        found = self._json("GET", f"{self.v2}/spaces/{space.id}/operations", what="space")
        return _operations(found.get("operations"))

    def _v2_pages(
        self, path: str, params: Mapping[str, Any], what: str
    ) -> Iterator[Mapping[str, Any]]:
        """Every result of a v2 listing, following its cursor: the ``Link: <…>; rel="next"``
        header, or ``_links.next`` (the next URL repeats the query, so no params are added)."""
        next_path: str | None = path
        query: Mapping[str, Any] | None = params
        while next_path is not None:
            response = self.transport.request("GET", next_path, params=query)
            found = self._checked(response, "GET", next_path, what)
            yield from found.get("results") or []
            links = found.get("_links") or {}
            link = (response.links.get("next") or {}).get("url") or links.get("next")
            next_path, query = (self._under_base(str(link)), None) if link else (None, None)

    def _under_base(self, link: str) -> str:
        """A next link (``/wiki/api/v2/...?cursor=…``, relative to the host, or absolute) as a
        path under the transport's base URL (which ends in ``/wiki``)."""
        at = link.find(self.v2 + "/")
        if at < 0:
            raise HttpError(
                f"Confluence answered a next-page link nivosync cannot follow: {link}",
                None,
                "GET",
                link,
            )
        return link[at:]

    def display_name(self, user: str) -> str:
        """A person's name for messages; the accountId when the site will not say."""
        response = self.transport.request("GET", f"{self.v1}/user", params={"accountId": user})
        body = json_body(response) if response.status_code == 200 else None
        return str(body.get("displayName") or user) if isinstance(body, dict) else user

    def page_property(self, page_id: str, key: str) -> PageProperty | None:
        found = self._json(
            "GET",
            f"{self.v2}/pages/{page_id}/properties",
            params={"key": key},
            what="page property",
        )
        for item in found.get("results") or []:
            if item.get("key") == key:
                version = int((item.get("version") or {}).get("number", 1))
                return PageProperty(str(item["id"]), key, item.get("value"), version)
        return None

    def set_page_property(
        self, page_id: str, key: str, value: Any, current: PageProperty | None
    ) -> None:
        base = f"{self.v2}/pages/{page_id}/properties"
        if current is None:
            self._json(
                "POST",
                base,
                json={"key": key, "value": value},
                what="page property",
                permission=ADD_PAGE,
            )
            return
        body = {"key": key, "value": value, "version": {"number": current.version + 1}}
        self._json(
            "PUT", f"{base}/{current.id}", json=body, what="page property", permission=ADD_PAGE
        )

    def _page(self, item: Mapping[str, Any]) -> Page:
        version = item.get("version") or {}
        author = str(version.get("authorId", ""))
        webui = (
            (item.get("_links") or {}).get("webui")
        ) or f"/pages/viewpage.action?pageId={item['id']}"
        return Page(
            id=str(item["id"]),
            title=str(item.get("title", "")),
            version=int(version.get("number", 1)),
            author=author,
            author_name=author,
            body=str(((item.get("body") or {}).get("storage") or {}).get("value", "")),
            parent_id=str(item["parentId"]) if item.get("parentId") else None,
            url=self.public_url + webui,
        )


class DataCenterConfluence(ConfluenceGateway):
    EXPAND = "body.storage,version,ancestors"

    def space(self) -> Space:
        item = self._json("GET", f"{self.v1}/space/{self.space_key}", what="space")
        return Space(str(item.get("id", item["key"])), str(item["key"]), str(item.get("name", "")))

    def page(self, page_id: str) -> Page | None:
        path = f"{self.v1}/content/{page_id}"
        response = self.transport.request("GET", path, params={"expand": self.EXPAND})
        if response.status_code == 404:
            return None
        return self._page(self._checked(response, "GET", path, "page"))

    def find_page(self, space: Space, title: str) -> Page | None:
        params = {"spaceKey": space.key, "title": title, "type": "page", "expand": self.EXPAND}
        found = self._json("GET", f"{self.v1}/content", params=params, what="page search")
        results = [r for r in found.get("results") or [] if r.get("title") == title]
        return self._page(results[0]) if results else None

    def create_page(self, space: Space, parent_id: str, title: str, body: str) -> Page:
        payload = {
            "type": "page",
            "title": title,
            "space": {"key": space.key},
            "ancestors": [{"id": parent_id}],
            "body": {"storage": {"value": body, "representation": "storage"}},
        }
        created = self._json(
            "POST",
            f"{self.v1}/content",
            json=payload,
            params={"expand": self.EXPAND},
            what="page",
            permission=ADD_PAGE,
        )
        return self._page(created)

    def update_page(
        self, page: Page, title: str, body: str, message: str, minor: bool = False
    ) -> Page:
        payload = {
            "id": page.id,
            "type": "page",
            "title": title,
            "body": {"storage": {"value": body, "representation": "storage"}},
            "version": {"number": page.version + 1, "message": message, "minorEdit": minor},
        }
        updated = self._json(
            "PUT",
            f"{self.v1}/content/{page.id}",
            json=payload,
            params={"expand": self.EXPAND},
            what="page",
            permission=ADD_PAGE,
        )
        return self._page(updated)

    def attachments(self, page_id: str, filename: str | None = None) -> list[Attachment]:
        path = f"{self.v1}/content/{page_id}/child/attachment"
        params = {"expand": "metadata"}
        if filename is not None:
            params["filename"] = filename
        found: list[Attachment] = []
        for item in self._v1_pages(path, params):
            comment = ((item.get("metadata") or {}).get("comment")) or ""
            found.append(Attachment(str(item["id"]), str(item["title"]), str(comment)))
        return found

    def operations(self, space: Space, page_id: str | None) -> set[tuple[str, str]]:
        if page_id is None:
            found = self._json(
                "GET", f"{self.v1}/space/{space.key}", params={"expand": "homepage"}, what="space"
            )
            page_id = str((found.get("homepage") or {}).get("id") or "") or None
        if page_id is None:
            return set()
        found = self._json(
            "GET", f"{self.v1}/content/{page_id}", params={"expand": "operations"}, what="page"
        )
        return _operations(found.get("operations"))

    def _v1_pages(self, path: str, params: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
        start, limit = 0, 50
        while True:
            page = self._json("GET", path, params={**params, "start": start, "limit": limit})
            results = page.get("results", [])
            yield from results
            if len(results) < limit or not (page.get("_links") or {}).get("next"):
                return
            start += len(results)

    def page_property(self, page_id: str, key: str) -> PageProperty | None:
        path = f"{self.v1}/content/{page_id}/property/{key}"
        response = self.transport.request("GET", path)
        if response.status_code == 404:
            return None
        item = self._checked(response, "GET", path, "page property")
        version = int((item.get("version") or {}).get("number", 1))
        return PageProperty(str(item.get("id", key)), key, item.get("value"), version)

    def set_page_property(
        self, page_id: str, key: str, value: Any, current: PageProperty | None
    ) -> None:
        if current is None:
            path = f"{self.v1}/content/{page_id}/property"
            self._json(
                "POST",
                path,
                json={"key": key, "value": value},
                what="page property",
                permission=ADD_PAGE,
            )
            return
        body = {"key": key, "value": value, "version": {"number": current.version + 1}}
        self._json(
            "PUT",
            f"{self.v1}/content/{page_id}/property/{key}",
            json=body,
            what="page property",
            permission=ADD_PAGE,
        )

    def _page(self, item: Mapping[str, Any]) -> Page:
        version = item.get("version") or {}
        by = version.get("by") or {}
        ancestors = item.get("ancestors") or []
        webui = (
            (item.get("_links") or {}).get("webui")
        ) or f"/pages/viewpage.action?pageId={item['id']}"
        return Page(
            id=str(item["id"]),
            title=str(item.get("title", "")),
            version=int(version.get("number", 1)),
            author=str(by.get("username") or by.get("userKey") or ""),
            author_name=str(by.get("displayName") or by.get("username") or ""),
            body=str(((item.get("body") or {}).get("storage") or {}).get("value", "")),
            parent_id=str(ancestors[-1]["id"]) if ancestors else None,
            url=self.public_url + webui,
        )


def _operations(items: Any) -> set[tuple[str, str]]:
    return {
        (str(i.get("operation")), str(i.get("targetType")))
        for i in items or []
        if isinstance(i, Mapping)
    }


def confluence_gateway(
    transport: Transport, flavor: str, space_key: str, public_url: str | None = None
) -> ConfluenceGateway:
    cls = CloudConfluence if flavor == "cloud" else DataCenterConfluence
    return cls(transport, space_key, public_url)
