"""Request authentication: Basic ``email:token`` / ``username:token``, or Bearer (DC PAT).

Admins use their configured tokens. Every other seeded user has a token derived from the first
admin's (`user_token`), so tests can act as a human ("edited by someone else") with ordinary
requests; the caller's credential is what handlers see as ``ctx.admin``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from nivosync.sandbox.seed import AdminCredential, SiteSeed


def user_token(seed: SiteSeed, email: str) -> str:
    """The API token of seeded user `email` (stable for a site's admin token and the email)."""
    key = seed.admins[0].token.encode()
    digest = hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
    return f"sandbox-user-{digest[:32]}"


def _user_credentials(seed: SiteSeed) -> list[AdminCredential]:
    return [
        AdminCredential(u.email, u.username, u.token or user_token(seed, u.email))
        for u in seed.all_users()
    ]


def authenticate(header: str | None, seed: SiteSeed) -> AdminCredential | None:
    """The credential that `header` (an Authorization value) proves — an admin's or a user's."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    if scheme == "basic":
        return _basic(value.strip(), seed)
    if scheme == "bearer" and seed.flavor == "datacenter":
        return _bearer(value.strip(), seed)
    return None


def _basic(value: str, seed: SiteSeed) -> AdminCredential | None:
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    login, sep, token = decoded.partition(":")
    if not sep:
        return None
    for admin in (*seed.admins, *_user_credentials(seed)):
        known = login.lower() in (admin.email.lower(), admin.username.lower())
        if known and hmac.compare_digest(token.encode(), admin.token.encode()):
            return admin
    return None


def _bearer(token: str, seed: SiteSeed) -> AdminCredential | None:
    for admin in (*seed.admins, *_user_credentials(seed)):
        if hmac.compare_digest(token.encode(), admin.token.encode()):
            return admin
    return None
