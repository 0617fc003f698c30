"""Request authentication: Basic ``email:token`` / ``username:token``, or Bearer (DC PAT)."""

from __future__ import annotations

import base64
import binascii
import hmac

from nivosync.sandbox.seed import AdminCredential, SiteSeed


def authenticate(header: str | None, seed: SiteSeed) -> AdminCredential | None:
    """The admin credential that `header` (an Authorization value) proves, or None."""
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
    for admin in seed.admins:
        known = login.lower() in (admin.email.lower(), admin.username.lower())
        if known and hmac.compare_digest(token.encode(), admin.token.encode()):
            return admin
    return None


def _bearer(token: str, seed: SiteSeed) -> AdminCredential | None:
    for admin in seed.admins:
        if hmac.compare_digest(token.encode(), admin.token.encode()):
            return admin
    return None
