"""Confluence Data Center: /rest/api/content for pages, properties, attachments and labels."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from nivosync.confluence.errors import ADD_PAGE
from nivosync.confluence.gateway import ConfluenceGateway, operations_of
from nivosync.confluence.models import Attachment, Page, PageProperty, Space


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
        return operations_of(found.get("operations"))

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
            current = self._add_property(path, page_id, key, value)
            if current is None or current.value == value:
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
            version_message=str(version.get("message") or ""),
        )
