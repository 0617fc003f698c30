"""How the v1 REST API (DC content, Cloud v1 attachments) shows content, spaces and labels.

``expand`` picks the nested parts (``body.storage``, ``version``, ``ancestors``, ``history``,
``history.lastUpdated``, ``space``, ``container``, ``children.page``, ``metadata.labels``,
``metadata.properties.<key>``: that content property, keyed by its key, as both flavours'
content expansions return it — in a CQL search too, which is how one request checks many pages —
``operations``: what the caller may do with the page, see `permissions.py`); the others are
listed under ``_expandable`` as the real API does.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import labels, pages
from nivosync.sandbox.confluence import properties as page_properties
from nivosync.sandbox.confluence.attachments import Attachment
from nivosync.sandbox.confluence.cloud_view import download_path, tiny_link
from nivosync.sandbox.confluence.pages import Page, Space, Version
from nivosync.sandbox.confluence.people import users_by_ids, v1_user
from nivosync.sandbox.confluence.permissions import page_operations
from nivosync.sandbox.confluence.request_args import context_path, site_root
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import json_response
from nivosync.sandbox.seed import Flavor

_PROPERTIES = "metadata.properties."


@dataclass(frozen=True)
class Expand:
    paths: frozenset[str]

    @classmethod
    def parse(cls, raw: str | None) -> Expand:
        return cls(frozenset(p.strip() for p in (raw or "").split(",") if p.strip()))

    def has(self, path: str) -> bool:
        return any(p == path or p.startswith(path + ".") for p in self.paths)


@dataclass(frozen=True)
class V1View:
    """Renders for one request: its site root (``http://host/wiki``), flavor and the caller's
    space permissions (for ``expand=operations``)."""

    conn: sqlite3.Connection
    root: str
    context: str
    flavor: Flavor
    permissions: frozenset[str] = frozenset()

    def api(self, path: str) -> str:
        return f"{self.root}/rest/api{path}"

    def user(self, user_id: int | None) -> dict[str, Any]:
        users = users_by_ids(self.conn, [user_id])
        return v1_user(users.get(user_id or 0), self.flavor, self.root)

    def space(self, space: Space) -> dict[str, Any]:
        webui = f"/spaces/{space.key}" if self.flavor == "cloud" else f"/display/{space.key}"
        return {
            "id": space.id,
            "key": space.key,
            "name": space.name,
            "type": "global",
            "status": "current",
            "_expandable": {
                "settings": f"/rest/api/space/{space.key}/settings",
                "metadata": "",
                "operations": "",
                "lookAndFeel": f"/rest/api/settings/lookandfeel?spaceKey={space.key}",
                "permissions": "",
                "icon": "",
                "description": "",
                "theme": f"/rest/api/space/{space.key}/theme",
                "history": "",
                "homepage": f"/rest/api/content/{space.homepage_id}",
            },
            "_links": {"webui": webui, "self": self.api(f"/space/{space.key}")},
        }

    def version(self, content_id: str, version: Version) -> dict[str, Any]:
        body: dict[str, Any] = {
            "by": self.user(version.author_id),
            "when": version.created,
            "message": version.message,
            "number": version.number,
            "minorEdit": version.minor_edit,
        }
        if self.flavor == "datacenter":
            body["hidden"] = False
        body["_expandable"] = {"content": f"/rest/api/content/{content_id}"}
        body["_links"] = {"self": self.api(f"/content/{content_id}/version/{version.number}")}
        return body

    def page_links(self, page: Page) -> dict[str, str]:
        if self.flavor == "cloud":
            webui = f"/spaces/{page.space.key}/pages/{page.id}/{quote_plus(page.title)}"
        else:
            webui = f"/pages/viewpage.action?pageId={page.id}"
        return {
            "webui": webui,
            "edit": f"/pages/resumedraft.action?draftId={page.id}",
            "tinyui": tiny_link(page.id),
            "self": self.api(f"/content/{page.id}"),
        }

    def page(self, page: Page, expand: Expand, version: Version | None = None) -> dict[str, Any]:
        version = version or pages.current_version(self.conn, page)
        body: dict[str, Any] = {
            "id": str(page.id),
            "type": "page",
            "status": page.status,
            "title": version.title,
        }
        expandable: dict[str, str] = {}
        parts = {
            "space": lambda: self.space(page.space),
            "history": lambda: self._history(page, expand),
            "version": lambda: self.version(str(page.id), version),
            "ancestors": lambda: [self.page_stub(a) for a in pages.ancestors(self.conn, page)],
            "body": lambda: self._body(page, version, expand),
            "children": lambda: self._children(page, expand),
            "metadata": lambda: self._metadata(page, expand),
            "container": lambda: self.space(page.space),
            "operations": lambda: page_operations(self.permissions),
        }
        for name, build in parts.items():
            if expand.has(name):
                body[name] = build()
            else:
                expandable[name] = self._expandable_path(page, name)
        body["extensions"] = {"position": page.position}
        body["_links"] = self.page_links(page)
        body["_expandable"] = expandable
        return body

    def _expandable_path(self, page: Page, name: str) -> str:
        paths = {
            "space": f"/rest/api/space/{page.space.key}",
            "history": f"/rest/api/content/{page.id}/history",
            "children": f"/rest/api/content/{page.id}/child",
            "container": f"/rest/api/space/{page.space.key}",
        }
        return paths.get(name, "")

    def page_stub(self, page: Page) -> dict[str, Any]:
        return {
            "id": str(page.id),
            "type": "page",
            "status": page.status,
            "title": page.title,
            "_links": self.page_links(page),
            "_expandable": {
                "container": f"/rest/api/space/{page.space.key}",
                "version": "",
                "history": f"/rest/api/content/{page.id}/history",
                "space": f"/rest/api/space/{page.space.key}",
            },
        }

    def _history(self, page: Page, expand: Expand) -> dict[str, Any]:
        history: dict[str, Any] = {
            "latest": page.status == "current",
            "createdBy": self.user(page.creator_id),
            "createdDate": page.created,
        }
        if expand.has("history.lastUpdated"):
            history["lastUpdated"] = self.version(
                str(page.id), pages.current_version(self.conn, page)
            )
        history["_expandable"] = {"lastUpdated": "", "previousVersion": "", "contributors": ""}
        history["_links"] = {"self": self.api(f"/content/{page.id}/history")}
        return history

    def history(self, page: Page) -> dict[str, Any]:
        """``GET /content/{id}/history``: who created it and the last update (with ``by``)."""
        return self._history(page, Expand.parse("history.lastUpdated"))

    def _body(self, page: Page, version: Version, expand: Expand) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if expand.has("body.storage"):
            body["storage"] = {
                "value": version.body,
                "representation": "storage",
                "_expandable": {"content": f"/rest/api/content/{page.id}"},
            }
        body["_expandable"] = {"editor": "", "view": "", "export_view": "", "styled_view": ""}
        if "storage" not in body:
            body["_expandable"]["storage"] = ""
        return body

    def _children(self, page: Page, expand: Expand) -> dict[str, Any]:
        children: dict[str, Any] = {}
        if expand.has("children.page"):
            found = pages.children(self.conn, page.id, None, 0, 25)
            children["page"] = self.content_array_body(
                [self.page_stub(c) for c in found], 0, 25, f"/content/{page.id}/child/page"
            )
        children["_expandable"] = {
            "attachment": f"/rest/api/content/{page.id}/child/attachment",
            "comment": f"/rest/api/content/{page.id}/child/comment",
        }
        if "page" not in children:
            children["_expandable"]["page"] = f"/rest/api/content/{page.id}/child/page"
        return children

    def _metadata(self, page: Page, expand: Expand) -> dict[str, Any]:
        metadata: dict[str, Any] = {}
        if expand.has("metadata.labels"):
            found = labels.page_labels(self.conn, page.id)
            metadata["labels"] = self.label_array_body(found, 0, 200, page.id)
        keys = sorted(
            p.removeprefix(_PROPERTIES) for p in expand.paths if p.startswith(_PROPERTIES)
        )
        if keys:
            held = [page_properties.property_by_key(self.conn, page.id, k) for k in keys]
            metadata["properties"] = {p.key: self.content_property(p) for p in held if p}
        metadata["_expandable"] = {"currentuser": "", "frontend": ""}
        if not keys:
            metadata["_expandable"]["properties"] = ""
        return metadata

    def content_property(self, prop: page_properties.Property) -> dict[str, Any]:
        """A content property as v1 shows it (``/content/{id}/property/{key}``, expansions)."""
        version = Version(
            prop.version, prop.key, "", prop.author_id, prop.created, prop.message, prop.minor_edit
        )
        rendered = self.version(str(prop.page_id), version)
        rendered.pop("_links", None)
        return {
            "id": str(prop.id),
            "key": prop.key,
            "value": prop.value,
            "version": rendered,
            "_links": {
                "base": self.root,
                "context": self.context,
                "self": self.api(f"/content/{prop.page_id}/property/{prop.key}"),
            },
            "_expandable": {"content": f"/rest/api/content/{prop.page_id}"},
        }

    def attachment(self, att: Attachment, container: Page) -> dict[str, Any]:
        content_id = f"att{att.id}"
        version = Version(
            att.version, att.title, "", att.author_id, att.modified, att.comment, att.minor_edit
        )
        extensions: dict[str, Any] = {
            "mediaType": att.media_type,
            "fileSize": att.size,
            "comment": att.comment,
        }
        if self.flavor == "cloud":
            extensions["fileId"] = att.file_id
        webui = f"/pages/viewpageattachments.action?pageId={att.page_id}&preview={quote(att.title)}"
        return {
            "id": content_id,
            "type": "attachment",
            "status": att.status,
            "title": att.title,
            "version": self.version(content_id, version),
            "container": self.page_stub(container),
            "metadata": {
                "comment": att.comment,
                "mediaType": att.media_type,
                "_expandable": {"currentuser": "", "properties": "", "labels": ""},
            },
            "extensions": extensions,
            "_links": {
                "webui": webui,
                "download": download_path(att),
                "self": self.api(f"/content/{content_id}"),
            },
            "_expandable": {
                "childTypes": "",
                "operations": "",
                "schedulePublishDate": "",
                "children": f"/rest/api/content/{content_id}/child",
                "restrictions": f"/rest/api/content/{content_id}/restriction/byOperation",
                "history": f"/rest/api/content/{content_id}/history",
                "ancestors": "",
                "body": "",
                "descendants": f"/rest/api/content/{content_id}/descendant",
                "space": f"/rest/api/space/{container.space.key}",
            },
        }

    def content_array_body(
        self,
        results: list[dict[str, Any]],
        start: int,
        limit: int,
        path: str,
        more: bool = False,
        query: list[tuple[str, str]] | None = None,
    ) -> dict[str, Any]:
        links: dict[str, str] = {
            "base": self.root,
            "context": self.context,
            "self": self.api(path),
        }
        if more:
            kept = [(k, v) for k, v in (query or []) if k not in ("start", "limit")]
            paging = [("start", str(start + limit)), ("limit", str(limit))]
            links["next"] = f"/rest/api{path}?" + urlencode(kept + paging)
        return {
            "results": results,
            "start": start,
            "limit": limit,
            "size": len(results),
            "_links": links,
        }

    def content_array(
        self,
        results: list[dict[str, Any]],
        start: int,
        limit: int,
        path: str,
        more: bool = False,
        query: list[tuple[str, str]] | None = None,
    ) -> Response:
        return json_response(self.content_array_body(results, start, limit, path, more, query))

    def label_array_body(
        self, found: list[labels.Label], start: int, limit: int, page_id: int
    ) -> dict[str, Any]:
        results = [
            {"prefix": lb.prefix, "name": lb.name, "id": str(lb.id), "label": lb.name}
            for lb in found
        ]
        return self.content_array_body(results, start, limit, f"/content/{page_id}/label")


def view(ctx: RequestContext, conn: sqlite3.Connection) -> V1View:
    """The v1 renderer for this request, reading through `conn`."""
    return V1View(conn, site_root(ctx), context_path(ctx), ctx.flavor, ctx.space_permissions)
