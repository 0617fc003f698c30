"""The HTML shell of the browsing view: escaping, a strict CSP, the 401 challenge."""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Response

from nivosync.sandbox.routing import ErrorShapes

# Nothing inline runs (no script source at all); styles and images only from the sandbox;
# forms post only to it.
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
STYLESHEET = "/_browse/style.css"


def secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # Not no-referrer: a form's POST must carry the page's Origin (no-referrer sends "null").
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def page(title: str, body: str, status: int = 200) -> Response:
    """A full page; `body` must already be safe HTML, `title` is escaped here."""
    document = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · nivosync sandbox</title>"
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body>'
        '<header><a href="/">nivosync sandbox</a></header>'
        f"<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return secure(Response(document, status=status, mimetype="text/html"))


def _unauthorized() -> Response:
    response = page(
        "Log in",
        "<p>Log in with a sandbox account: an admin's email or username and API token "
        "(the credentials of your nivosync config).</p>",
        401,
    )
    response.headers["WWW-Authenticate"] = 'Basic realm="nivosync sandbox", charset="UTF-8"'
    return response


WEB_ERRORS = ErrorShapes(
    unauthorized=_unauthorized,
    error=lambda status, message: page(f"{status}", f"<p>{escape(message)}</p>", status),
)


def lozenge(text: str, colour: str) -> str:
    return f'<span class="lozenge {escape(colour)}">{escape(text)}</span>'
