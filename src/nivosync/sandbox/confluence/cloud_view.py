"""How Cloud's v2 API shows spaces, pages, versions, properties, labels and attachments."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any
from urllib.parse import quote, quote_plus, urlencode

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence.attachments import Attachment
from nivosync.sandbox.confluence.labels import Label
from nivosync.sandbox.confluence.pages import Page, Space, Version
from nivosync.sandbox.confluence.people import account_id
from nivosync.sandbox.confluence.properties import Property
from nivosync.sandbox.directory import User
from nivosync.sandbox.responses import json_response


def page_webui(page: Page) -> str:
    return f"/spaces/{page.space.key}/pages/{page.id}/{quote_plus(page.title)}"


def tiny_link(content_id: int) -> str:
    raw = content_id.to_bytes(8, "little").rstrip(b"\0")
    return "/x/" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def space_json(space: Space, users: dict[int, User]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(space.id),
        "key": space.key,
        "name": space.name,
        "type": "global",
        "status": "current",
        "authorId": account_id(users.get(space.creator_id or 0)),
        "createdAt": space.created,
        "_links": {"webui": f"/spaces/{space.key}"},
    }
    if space.homepage_id is not None:
        body["homepageId"] = str(space.homepage_id)
    return body


def version_json(version: Version, users: dict[int, User]) -> dict[str, Any]:
    return {
        "number": version.number,
        "message": version.message,
        "minorEdit": version.minor_edit,
        "authorId": account_id(users.get(version.author_id or 0)),
        "createdAt": version.created,
    }


def page_json(
    page: Page,
    version: Version,
    users: dict[int, User],
    *,
    body_format: str | None,
    include_version: bool = True,
) -> dict[str, Any]:
    creator = account_id(users.get(page.creator_id or 0))
    body: dict[str, Any] = {
        "id": str(page.id),
        "status": page.status,
        "title": version.title,
        "spaceId": str(page.space.id),
    }
    if page.parent_id is not None:
        body["parentId"] = str(page.parent_id)
        body["parentType"] = "page"
    body.update(
        {
            "position": page.position,
            "authorId": creator,
            "ownerId": creator,
            "lastOwnerId": None,
            "createdAt": page.created,
        }
    )
    if include_version:
        body["version"] = version_json(version, users)
    body["body"] = (
        {"storage": {"representation": "storage", "value": version.body}}
        if body_format == "storage"
        else {}
    )
    body["_links"] = {
        "editui": f"/pages/resumedraft.action?draftId={page.id}",
        "webui": page_webui(page),
        "edituiv2": f"/spaces/{page.space.key}/pages/edit-v2/{page.id}",
        "tinyui": tiny_link(page.id),
    }
    return body


def property_json(prop: Property, users: dict[int, User]) -> dict[str, Any]:
    return {
        "id": str(prop.id),
        "key": prop.key,
        "value": prop.value,
        "version": {
            "number": prop.version,
            "message": prop.message,
            "minorEdit": prop.minor_edit,
            "authorId": account_id(users.get(prop.author_id or 0)),
            "createdAt": prop.created,
        },
    }


def label_json(label: Label) -> dict[str, Any]:
    return {"id": str(label.id), "name": label.name, "prefix": label.prefix}


def download_path(att: Attachment) -> str:
    """The attachment's download link, relative to the Confluence root (``/wiki``)."""
    modified = datetime.fromisoformat(att.modified.replace("Z", "+00:00"))
    millis = int(modified.timestamp() * 1000)
    query = urlencode({"version": att.version, "modificationDate": millis, "api": "v2"})
    return f"/download/attachments/{att.page_id}/{quote(att.title)}?{query}"


def attachment_json(att: Attachment, users: dict[int, User]) -> dict[str, Any]:
    webui = f"/pages/viewpageattachments.action?pageId={att.page_id}&preview={quote(att.title)}"
    return {
        "id": f"att{att.id}",
        "status": att.status,
        "title": att.title,
        "createdAt": att.created,
        "pageId": str(att.page_id),
        "mediaType": att.media_type,
        "comment": att.comment,
        "fileId": att.file_id,
        "fileSize": att.size,
        "webuiLink": webui,
        "downloadLink": download_path(att),
        "version": {
            "number": att.version,
            "message": att.comment,
            "minorEdit": att.minor_edit,
            "authorId": account_id(users.get(att.author_id or 0)),
            "createdAt": att.modified,
        },
        "_links": {"webui": webui, "download": download_path(att)},
    }


def listing(
    results: list[dict[str, Any]],
    root: str,
    path: str,
    args: list[tuple[str, str]],
    cursor: str | None,
) -> Response:
    """A v2 page of results: ``_links.next`` and a ``Link`` header when there is more."""
    links: dict[str, str] = {"base": root}
    headers: dict[str, str] = {}
    if cursor is not None:
        query = urlencode([(k, v) for k, v in args if k != "cursor"] + [("cursor", cursor)])
        links["next"] = f"/wiki/api/v2{path}?{query}"
        headers["Link"] = f'<{links["next"]}>; rel="next", <{root}>; rel="base"'
    return json_response({"results": results, "_links": links}, headers=headers)
