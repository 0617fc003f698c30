"""Jira's error shapes: ``{"errorMessages": [...], "errors": {field: message}}``."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.responses import HttpError, json_response, text_response
from nivosync.sandbox.routing import ErrorShapes
from nivosync.sandbox.seed import Flavor


def jira_error(
    status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
) -> Response:
    return json_response({"errorMessages": messages or [], "errors": errors or {}}, status)


class JiraError(HttpError):
    """Raise from a Jira handler: ``JiraError(400, errors={"summary": "..."})``."""

    def __init__(
        self, status: int, messages: list[str] | None = None, errors: dict[str, str] | None = None
    ) -> None:
        super().__init__(jira_error(status, messages, errors))
        self.status = status
        self.messages = messages or []
        self.errors = errors or {}


class FieldErrors(Exception):
    """Validation errors of one issue payload, by field (a 400 once collected)."""

    def __init__(self, errors: dict[str, str], messages: list[str] | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.messages = messages or []


def _cloud_unauthorized() -> Response:
    # What Jira Cloud answers to a missing or wrong API token.
    return text_response(
        "Client must be authenticated to access this resource.",
        401,
        {"WWW-Authenticate": 'Basic realm="protected-area"'},
    )


def _dc_unauthorized() -> Response:
    response = jira_error(
        401, ["You are not authenticated. Authentication required to perform this operation."]
    )
    response.headers["X-Seraph-LoginReason"] = "AUTHENTICATED_FAILED"
    response.headers["WWW-Authenticate"] = 'OAuth realm="http%3A%2F%2Flocalhost"'
    return response


def error_shapes(flavor: Flavor) -> ErrorShapes:
    return ErrorShapes(
        unauthorized=_cloud_unauthorized if flavor == "cloud" else _dc_unauthorized,
        error=lambda status, message: jira_error(status, [message]),
    )
