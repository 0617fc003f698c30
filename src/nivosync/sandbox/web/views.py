"""The browsing view's pages: the index, a Confluence page, attachment images (a Jira issue's page
is `issue_page`)."""

from __future__ import annotations

import sqlite3
from html import escape
from importlib import resources
from urllib.parse import quote

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import attachments as attachment_store
from nivosync.sandbox.confluence import pages as page_store
from nivosync.sandbox.confluence.people import user_by_key, users_by_ids
from nivosync.sandbox.confluence.v1_attachments import INLINE_TYPES, file_response
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.directory import user_by
from nivosync.sandbox.responses import HttpError
from nivosync.sandbox.web import confluence_tree, jira_index
from nivosync.sandbox.web.html import WEB_ERRORS, lozenge, page, secure
from nivosync.sandbox.web.storage_html import Context, render_storage


def page_url(ctx: RequestContext, page_id: int, space_key: str) -> str:
    """Where the page is read, as its ``_links.webui`` says on each flavour."""
    if ctx.flavor == "cloud":
        return f"/wiki/spaces/{quote(space_key)}/pages/{page_id}"
    return f"/confluence/pages/viewpage.action?pageId={page_id}"


def issue_table(lines: list[jira_index.IssueLine]) -> str:
    head = (
        "<tr><th>Key</th><th>Summary</th><th>Type</th><th>Status</th><th>Assignee</th>"
        "<th>Start</th><th>Due</th><th>Resolved</th></tr>"
    )
    rows = "".join(
        f'<tr><td><a href="/browse/{quote(i.key)}">{escape(i.key)}</a></td>'
        f"<td>{escape(i.summary)}</td><td>{escape(i.type_name)}</td>"
        f"<td>{lozenge(i.status, i.colour)}</td><td>{escape(i.assignee)}</td>"
        f"<td>{escape(i.start)}</td><td>{escape(i.due)}</td><td>{escape(i.resolved)}</td></tr>"
        for i in lines
    )
    return f"<table>{head}{rows}</table>"


def _dates(issue: jira_index.IssueLine) -> str:
    if not (issue.start or issue.due):
        return ""
    return f' <span class="meta">{escape(issue.start or "?")} → {escape(issue.due or "?")}</span>'


def _jira_section(conn: sqlite3.Connection) -> str:
    parts = ["<h2>Jira</h2>"]
    for project in jira_index.project_indexes(conn):
        parts.append(
            f"<h3>{escape(project.key)} — {escape(project.name)}</h3>"
            f'<p class="meta">{project.issue_count} issues</p>'
        )
        for epic, children in project.epics:
            parts.append(
                f'<h4><a href="/browse/{quote(epic.key)}">{escape(epic.key)}</a> '
                f"{escape(epic.summary)} {lozenge(epic.status, epic.colour)}"
                f"{_dates(epic)}</h4>"
            )
            parts.append(issue_table(children) if children else "<p>No issues.</p>")
        if project.loose:
            parts.append("<h4>Issues outside epics</h4>" + issue_table(project.loose))
        if not project.epics and not project.loose:
            parts.append("<p>No issues yet.</p>")
    return "".join(parts)


def _tree(ctx: RequestContext, nodes: list[confluence_tree.TreeNode], space_key: str) -> str:
    items = "".join(
        f'<li><a href="{escape(page_url(ctx, n.id, space_key))}">{escape(n.title)}</a>'
        f"{_tree(ctx, n.children, space_key) if n.children else ''}</li>"
        for n in nodes
    )
    return f'<ul class="tree">{items}</ul>'


def _clock(ctx: RequestContext) -> str:
    frozen = ctx.clock.frozen_at
    if frozen is None:
        return ""
    return (
        f'<p class="meta">The sandbox\'s clock stands at {frozen:%Y-%m-%d %H:%M} UTC '
        "(moved by <code>nivosync sandbox advance</code> or <code>POST /_sandbox/clock</code>)."
        "</p>"
    )


def index(ctx: RequestContext) -> Response:
    with ctx.store.read() as conn:
        body = _clock(ctx) + _jira_section(conn)
        body += "<h2>Confluence</h2>"
        for space in confluence_tree.space_trees(conn):
            body += f"<h3>{escape(space.key)} — {escape(space.name)}</h3>"
            body += _tree(ctx, space.roots, space.key)
    return page(f"Sandbox ({ctx.flavor})", body)


def _render_context(ctx: RequestContext, conn: sqlite3.Connection, doc: page_store.Page) -> Context:
    names = confluence_tree.attachment_names(conn, doc.id)

    def attachment_url(filename: str) -> str | None:
        if filename not in names:
            return None
        return f"/_browse/attachments/{doc.id}/{quote(filename)}"

    def linked_page(title: str) -> str | None:
        found = confluence_tree.page_id_by_title(conn, doc.space.id, title)
        return page_url(ctx, found, doc.space.key) if found is not None else None

    def user_name(key: str) -> str | None:
        user = (
            user_by(conn, "account_id", key)
            or user_by(conn, "username", key)
            or user_by_key(conn, key)  # a Data Center mention names the user key
        )
        return user.display_name if user else None

    def issue(key: str) -> tuple[str, str, str] | None:
        line = jira_index.issue_line(conn, key)
        return (line.summary, line.status, line.colour) if line is not None else None

    return Context(attachment_url, linked_page, user_name, issue)


def _page_view(ctx: RequestContext, page_id: int) -> Response:
    with ctx.store.read() as conn:
        doc = page_store.get_page(conn, page_id)
        if doc is None or doc.status != "current":
            raise HttpError(WEB_ERRORS.error(404, f"No page {page_id}"))
        version = page_store.current_version(conn, doc)
        users = users_by_ids(conn, [version.author_id])
        author = users.get(version.author_id or 0)
        crumbs = " › ".join(
            f'<a href="{escape(page_url(ctx, a.id, a.space.key))}">{escape(a.title)}</a>'
            for a in page_store.ancestors(conn, doc)
        )
        rendered = render_storage(version.body, _render_context(ctx, conn, doc))
    meta = (
        f'<p class="meta">{crumbs}<br>Version {version.number} by '
        f"{escape(author.display_name if author else 'unknown')} at {escape(version.created)}"
        f"{' — ' + escape(version.message) if version.message else ''}</p>"
    )
    return page(doc.title, meta + rendered)


def cloud_page(ctx: RequestContext, space_key: str, page_id: int, slug: str = "") -> Response:
    return _page_view(ctx, page_id)


def dc_page(ctx: RequestContext) -> Response:
    raw = ctx.request.args.get("pageId", "")
    if not raw.isdigit():
        raise HttpError(WEB_ERRORS.error(404, "No such page"))
    return _page_view(ctx, int(raw))


def attachment_image(ctx: RequestContext, page_id: int, filename: str) -> Response:
    with ctx.store.read() as conn:
        att = attachment_store.attachment_by_name(conn, page_id, filename)
        data = attachment_store.attachment_data(conn, att.id) if att is not None else None
    if data is None or data[1] not in INLINE_TYPES:
        raise HttpError(WEB_ERRORS.error(404, "No such image"))
    return secure(file_response(filename, *data))


def stylesheet(ctx: RequestContext) -> Response:
    css = resources.files("nivosync.sandbox.web").joinpath("style.css").read_text("utf-8")
    return secure(Response(css, mimetype="text/css"))
