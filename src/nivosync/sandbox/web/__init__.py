"""The sandbox's browsing view: GET ``/`` lists Jira projects (epics, issues) and the
Confluence page tree; pages are read at their real ``webui`` paths, issues at ``/browse/KEY``,
where a form per workflow transition moves the issue (``POST /browse/KEY/transitions``, guarded
against forged requests: see `forms`).

Authenticated like the APIs, with a Basic challenge a browser answers with a login prompt.
Not an API: not in the request log, never subject to faults.
"""

from __future__ import annotations

import sqlite3
from functools import partial

from nivosync.sandbox.clock import Clock
from nivosync.sandbox.routing import Handler, Router
from nivosync.sandbox.seed import SiteSeed
from nivosync.sandbox.sides import Side
from nivosync.sandbox.web import issue_page, views
from nivosync.sandbox.web.forms import FormGuard
from nivosync.sandbox.web.html import WEB_ERRORS


def register(router: Router, seed: SiteSeed) -> None:
    def add(rule: str, handler: Handler) -> None:
        router.add(rule, ["GET"], handler, api=False, errors=WEB_ERRORS)

    guard = FormGuard()  # this site's own: a restarted site refuses the old forms
    add("/", views.index)
    add("/browse/<key>", partial(issue_page.issue_view, guard=guard))
    router.add(
        "/browse/<key>/transitions",
        ["POST"],
        partial(issue_page.take_transition, guard=guard),
        api=False,
        errors=WEB_ERRORS,
        own_forgery_check=True,
    )
    add("/_browse/style.css", views.stylesheet)
    add("/_browse/attachments/<int:page_id>/<path:filename>", views.attachment_image)
    if seed.flavor == "cloud":
        add("/wiki/spaces/<space_key>/pages/<int:page_id>", views.cloud_page)
        add("/wiki/spaces/<space_key>/pages/<int:page_id>/<path:slug>", views.cloud_page)
    else:
        add("/confluence/pages/viewpage.action", views.dc_page)


def _no_seed(conn: sqlite3.Connection, seed: SiteSeed, clock: Clock) -> None:
    return None


SIDE = Side(namespace="web", migrations=(), seed=_no_seed, register=register)
