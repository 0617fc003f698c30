"""Jira's error answers, translated into what a user should check or ask for."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def explain(
    status: int, body: Any, what: str, words: Mapping[str, str], permission: str | None = None
) -> str:
    """One line: what failed, the likely cause, and what to check."""
    details = "; ".join(messages(body))
    site, user, project = words["site"], words["user"], words["project"]
    if status == 401:
        return (
            f"Jira at {site} rejected the credentials of {user} (HTTP 401): check that "
            f"{words['secret']} holds a valid token for that user"
        )
    if status == 403:
        ask = f"the '{permission}' permission" if permission else "access"
        return (
            f"{user} may not access the {what} in project {project} (HTTP 403): ask a Jira "
            f"admin for {ask} in {project}" + (f" ({details})" if details else "")
        )
    if status == 404 and what == "project":
        return (
            f"project {project} not found at {site} (or {user} cannot browse it): "
            "check jira.project in the config"
        )
    if status == 400:
        return f"Jira refused the {what} (HTTP 400): {details or 'no details given'}"
    return f"Jira answered HTTP {status} for the {what}" + (f": {details}" if details else "")


def messages(body: Any) -> list[str]:
    """Jira's `errorMessages` and field `errors`, as 'field: message' strings."""
    if not isinstance(body, Mapping):
        return []
    found = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, Mapping):
        found += [f"{field}: {message}" for field, message in errors.items()]
    return found
