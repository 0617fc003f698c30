"""Cloud's removed v1 endpoints answer 410 Gone, as the real Cloud does.

Every v1 route the sandbox serves (on either flavour) that the current Cloud v1 spec no longer
lists is here: page CRUD, page properties, history, child pages and space reads moved to
``/wiki/api/v2``, and so did the *reads* of a page's attachments and labels; their writes
(``POST``/``PUT .../child/attachment``, ``POST``/``DELETE .../label``) are still v1 and served
elsewhere. A client still calling a removed route fails here as it would there. Data Center
keeps all of them.

The answer is the v1 error shape with the wording clients report from Cloud (followed here by
the v2 replacement) and the ``Deprecation`` / ``Link: rel="deprecation"`` headers Cloud puts on
its deprecated v1 routes. Which routes are here is checked against the specs by the contract
tests (tests/contract/test_confluence_contract.py).
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.routing import Handler

GONE = (
    "com.atlassian.confluence.api.service.exceptions.GoneException: "
    "This deprecated endpoint has been removed."
)
CHANGELOG = "https://developer.atlassian.com/cloud/confluence/changelog/#CHANGE-864"
DEPRECATED_SINCE = "Wed, 1 Mar 2023 00:00:00 GMT"

_PAGE = "/content/<int:page_id>"
_V2_PAGE = "/wiki/api/v2/pages/{id}"

# (rule under /wiki/rest/api, methods, what replaces it in v2)
REMOVED: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("/content", ("GET", "POST"), "/wiki/api/v2/pages"),
    (_PAGE, ("GET", "PUT", "DELETE"), _V2_PAGE),
    (_PAGE + "/child/attachment", ("GET",), _V2_PAGE + "/attachments"),
    (_PAGE + "/child/page", ("GET",), _V2_PAGE + "/children"),
    (_PAGE + "/history", ("GET",), _V2_PAGE + "/versions"),
    (_PAGE + "/label", ("GET",), _V2_PAGE + "/labels"),
    (_PAGE + "/property", ("GET", "POST"), _V2_PAGE + "/properties"),
    (_PAGE + "/property/<key>", ("GET", "POST", "PUT", "DELETE"), _V2_PAGE + "/properties"),
    ("/space", ("GET",), "/wiki/api/v2/spaces"),
    ("/space/<key>", ("GET",), "/wiki/api/v2/spaces?keys={key}"),
)


def _gone(replacement: str) -> Handler:
    def gone(ctx: RequestContext, **_args: Any) -> Response:
        response = ctx.errors.error(410, f"{GONE} Use {replacement} instead.")
        response.headers["Deprecation"] = DEPRECATED_SINCE
        response.headers["Link"] = f'<{CHANGELOG}>; rel="deprecation"'
        return response

    return gone


def register_cloud_removed(v1: ConfluenceRoutes) -> None:
    for rule, methods, replacement in REMOVED:
        v1.add(rule, list(methods), _gone(replacement))
