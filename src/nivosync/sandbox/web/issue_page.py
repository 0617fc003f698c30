"""A Jira issue's page in the browsing view (``/browse/KEY``), and its workflow actions.

The page shows the issue's facts, watchers, links (blocks / is blocked by), sub-tasks (an
epic's issues too) and its description as formatted text, and a form per transition the caller
may take. A form posts to ``/browse/KEY/transitions`` (checked against forgery, see `forms`);
the move itself is the REST API's (``POST /rest/api/N/issue/KEY/transitions``: its permission
checks, resolution rules and changelog), made as the logged-in user, and the browser is then
sent back to the issue (POST-redirect-GET). A refused move is the API's status and message.
"""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import replace
from html import escape
from typing import Any
from urllib.parse import quote

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.permissions import holds
from nivosync.sandbox.jira.transitions import post_transition, transitions_json
from nivosync.sandbox.jira.view import JiraView
from nivosync.sandbox.responses import HttpError
from nivosync.sandbox.web import jira_index
from nivosync.sandbox.web.forms import TOKEN_FIELD, FormGuard
from nivosync.sandbox.web.html import WEB_ERRORS, lozenge, page
from nivosync.sandbox.web.rich_text import description_html
from nivosync.sandbox.web.views import issue_table

DEFAULT_RESOLUTION = "Done"


def _api(ctx: RequestContext) -> str:
    return "3" if ctx.flavor == "cloud" else "2"


def issue_view(ctx: RequestContext, key: str, guard: FormGuard) -> Response:
    with ctx.store.read() as conn:
        found = jira_index.issue_by_key(conn, key)
        transitions = _transitions(ctx, conn, found[1].id) if found else []
    if found is None:
        raise HttpError(WEB_ERRORS.error(404, f"No issue {key}"))
    line, extra = found
    session, new = guard.session(ctx.request)
    token = guard.token(session, _login(ctx))
    body = (
        _facts(line, extra)
        + _actions(line.key, transitions, token)
        + _description(extra.description)
        + _links(extra.links)
        + _related("Sub-tasks", extra.subtasks)
        + _related("Issues in this epic", extra.children)
    )
    response = page(f"{line.key}: {line.summary}", body)
    if new:
        guard.remember(ctx.request, response, session)
    return response


def take_transition(ctx: RequestContext, key: str, guard: FormGuard) -> Response:
    """A transition form's POST: checked, made through the REST API's handler, redirected."""
    refusal = guard.refusal(ctx.request, _login(ctx))
    if refusal is not None:
        message = f"Nothing was changed: {refusal}. Reload the issue's page and try again."
        raise HttpError(WEB_ERRORS.error(403, message))
    body: dict[str, Any] = {"transition": {"id": ctx.request.form.get("transition", "")}}
    resolution = ctx.request.form.get("resolution", "")
    if resolution:
        body["fields"] = {"resolution": {"id": resolution}}
    try:
        post_transition(replace(ctx, request=_json_request(ctx.request, body)), _api(ctx), key)
    except JiraError as exc:
        said = [*exc.messages, *exc.errors.values()] or ["The transition was refused."]
        raise HttpError(WEB_ERRORS.error(exc.status, " ".join(said))) from None
    return redirect(f"/browse/{quote(key.upper())}", code=303)


def _login(ctx: RequestContext) -> str:
    assert ctx.admin is not None  # the view's routes are authenticated
    return ctx.admin.email


def _transitions(ctx: RequestContext, conn: sqlite3.Connection, issue_id: int) -> list[Any]:
    """The transitions the caller may take, as the REST API lists them (with their fields)."""
    if not holds(ctx, "BROWSE_PROJECTS"):
        return []
    row = conn.execute("SELECT * FROM jira_issues WHERE id = ?", (issue_id,)).fetchone()
    return transitions_json(ctx, JiraView.of(ctx, _api(ctx)), row, with_fields=True)


def _json_request(original: Request, body: Any) -> Request:
    """`original` with `body` as its JSON body: the REST handler's own input."""
    data = json.dumps(body).encode()
    environ = {
        **original.environ,
        "wsgi.input": io.BytesIO(data),
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(data)),
    }
    return Request(environ)


def _issue_link(line: jira_index.IssueLine) -> str:
    return f'<a href="/browse/{quote(line.key)}">{escape(line.key)}</a> {escape(line.summary)}'


def _facts(line: jira_index.IssueLine, extra: jira_index.IssuePage) -> str:
    facts = [
        ("Type", escape(line.type_name)),
        ("Status", lozenge(line.status, line.colour)),
        ("Assignee", escape(line.assignee)),
        ("Start", escape(line.start)),
        ("Due", escape(line.due)),
        ("Resolved", escape(line.resolved)),
        ("Labels", escape(", ".join(extra.labels))),
        ("Watchers", escape(", ".join(extra.watchers)) or "None"),
    ]
    for label, other in (("Epic", extra.epic), ("Parent", extra.parent)):
        if other is not None and not (label == "Parent" and extra.epic == other):
            facts.append((label, _issue_link(other)))
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    return f"<table>{rows}</table>"


def _actions(key: str, transitions: list[Any], token: str) -> str:
    if not transitions:
        return (
            '<p class="meta">You cannot move this issue: that needs the Transition Issues '
            "permission in its project.</p>"
        )
    forms = "".join(_form(key, t, token) for t in transitions)
    return f'<h2>Workflow</h2><div class="actions">{forms}</div>'


def _form(key: str, transition: dict[str, Any], token: str) -> str:
    field = (transition.get("fields") or {}).get("resolution")
    choice = ""
    if field:
        options = "".join(
            f'<option value="{escape(str(v["id"]))}"'
            f"{' selected' if v['name'] == DEFAULT_RESOLUTION else ''}>{escape(v['name'])}</option>"
            for v in field.get("allowedValues") or []
        )
        choice = f'<select name="resolution" aria-label="Resolution">{options}</select> '
    return (
        f'<form method="post" action="/browse/{quote(key)}/transitions">'
        f'<input type="hidden" name="{TOKEN_FIELD}" value="{escape(token)}">'
        f'<input type="hidden" name="transition" value="{escape(str(transition["id"]))}">'
        f'{choice}<button type="submit">{escape(str(transition["name"]))}</button></form>'
    )


def _description(stored: str | None) -> str:
    rendered = description_html(stored)
    text = f'<div class="description">{rendered}</div>' if rendered else "<p>None.</p>"
    return f"<h2>Description</h2>{text}"


def _links(links: list[tuple[str, jira_index.IssueLine]]) -> str:
    if not links:
        return ""
    rows = "".join(
        f"<tr><th>{escape(phrase)}</th><td>{_issue_link(other)}</td>"
        f"<td>{lozenge(other.status, other.colour)}</td></tr>"
        for phrase, other in links
    )
    return f"<h2>Links</h2><table>{rows}</table>"


def _related(title: str, lines: list[jira_index.IssueLine]) -> str:
    return f"<h2>{escape(title)}</h2>{issue_table(lines)}" if lines else ""
