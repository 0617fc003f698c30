"""The XSRF check of Jira and Confluence: writes a browser could forge are refused.

A page on another site can make a browser send a form (``text/plain``, urlencoded or multipart
bodies need no CORS preflight) with the Basic credentials it has cached for the sandbox. Like the
real products, the sandbox refuses such a write with 403 and the plain-text body ``XSRF check
failed``, before any handler runs:

- a write whose body is not JSON-typed, except multipart carrying ``X-Atlassian-Token: no-check``
  (attachment uploads; a browser cannot add that header cross-site without a preflight, which
  the sandbox never grants);
- any write carrying an ``Origin`` header other than the site's own.

Bodyless writes (a DELETE, a POST with no content) need no content type.
"""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from nivosync.sandbox.responses import text_response

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NO_CHECK = frozenset({"no-check", "nocheck"})  # the upload route then applies its flavor's rule


def xsrf_refusal(request: Request) -> Response | None:
    """The 403 that refuses `request`, or None when it passes the check."""
    if request.method not in WRITES:
        return None
    origin = request.headers.get("Origin")
    if origin is not None and not same_origin(origin, request.host_url):
        return _refused()
    if not _has_body(request) or _json_typed(request.mimetype):
        return None
    token = request.headers.get("X-Atlassian-Token", "").strip().lower()
    if request.mimetype == "multipart/form-data" and token in NO_CHECK:
        return None
    return _refused()


def _refused() -> Response:
    return text_response("XSRF check failed", 403)


def same_origin(origin: str, host_url: str) -> bool:
    """Whether an ``Origin`` value names the site at `host_url` ("null" never does)."""
    return origin.strip().rstrip("/").lower() == host_url.rstrip("/").lower()


def _has_body(request: Request) -> bool:
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    return chunked or bool(request.content_length)


def _json_typed(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")
