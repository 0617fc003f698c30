"""Confluence Cloud: /wiki/api/v2 for spaces, pages, properties and attachment listings; the
v1 endpoints its current spec keeps (attachment uploads, label writes, users, CQL search)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from nivosync.confluence.errors import ADD_PAGE, explain
from nivosync.confluence.gateway import ConfluenceGateway, operations_of
from nivosync.confluence.models import Attachment, Page, PageProperty, Space
from nivosync.http import HttpError, json_body


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
        return operations_of(found.get("operations"))

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
            current = self._add_property(base, page_id, key, value)
            if current is None or current.value == value:
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
            version_message=str(version.get("message") or ""),
        )
