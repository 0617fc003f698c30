"""Forged-request protection for the browsing view's forms (its actions are POSTs).

The view is for a browser, and a browser sends the Basic credentials it has cached for the
sandbox with every request to it — a form that a page on another site posts here included. The
API's check (`nivosync.sandbox.xsrf`) refuses every form body; the view's own actions are
taken only when both of these hold, and are refused with 403 (nothing changed) otherwise:

- the request comes from the site's own pages: its ``Origin`` is the site's (or, from a
  browser that sends none, its ``Referer`` is on the site); the view's pages send their
  origin with a form (``Referrer-Policy: same-origin``: ``no-referrer`` would make it "null");
- the form carries this browser session's token: an HMAC, under a key this process made when
  it started, of the session's id and the caller's login. The id is a random value, signed,
  in an HttpOnly, SameSite=Strict cookie the view sets on the page with the form; a page
  elsewhere can neither read the cookie nor the token. A restarted sandbox has a new key: the
  old forms are refused, and reloading the page gives working ones.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from urllib.parse import urlsplit

from werkzeug.wrappers import Request, Response

from nivosync.sandbox.xsrf import same_origin

TOKEN_FIELD = "csrf"


class FormGuard:
    """Session cookies and form tokens of one running site."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def session(self, request: Request) -> tuple[str, bool]:
        """This browser's session id (from its cookie, if one of ours), and whether it is new
        (then `remember` must set the cookie)."""
        found = request.cookies.get(cookie_name(request), "")
        if found and self._genuine(found):
            return found, False
        nonce = secrets.token_urlsafe(18)
        return f"{nonce}.{self._sign('session', nonce)}", True

    def remember(self, request: Request, response: Response, session: str) -> None:
        response.set_cookie(
            cookie_name(request), session, httponly=True, samesite="Strict", path="/"
        )

    def token(self, session: str, login: str) -> str:
        return self._sign("form", f"{session}\n{login.casefold()}")

    def refusal(self, request: Request, login: str) -> str | None:
        """Why the POST `request` is refused (None: it passes)."""
        if not _from_the_site(request):
            return "it was not sent from this site's pages"
        session = request.cookies.get(cookie_name(request), "")
        given = request.form.get(TOKEN_FIELD, "")
        if not session or not self._genuine(session):
            return "this browser has no session with the sandbox (was it restarted?)"
        if not hmac.compare_digest(given.encode(), self.token(session, login).encode()):
            return "its form token is missing or out of date"
        return None

    def _genuine(self, session: str) -> bool:
        nonce, _, signature = session.partition(".")
        return hmac.compare_digest(signature.encode(), self._sign("session", nonce).encode())

    def _sign(self, purpose: str, value: str) -> str:
        message = f"{purpose}\n{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:40]


def cookie_name(request: Request) -> str:
    """One cookie per site: browsers share cookies between the ports of one host."""
    return "nivosync-view-" + re.sub(r"[^A-Za-z0-9]", "-", request.host)


def _from_the_site(request: Request) -> bool:
    origin = request.headers.get("Origin")
    if origin is not None:
        return same_origin(origin, request.host_url)
    referer = request.headers.get("Referer")
    if not referer:
        return False
    parts = urlsplit(referer)
    return same_origin(f"{parts.scheme}://{parts.netloc}", request.host_url)
