"""Confluence's error shapes.

Cloud v2 (``/wiki/api/v2``) answers JSON:API-style errors::

    {"errors": [{"status": "409", "code": "CONFLICT", "title": "...", "detail": null}]}

the v1 REST API (Cloud ``/wiki/rest/api``, Data Center ``/confluence/rest/api``) answers::

    {"statusCode": 404, "data": {...}, "message": "...", "reason": "Not Found"}

Handlers raise `Problem`; the registry (`routes.py`) words it in the shape of the path's API.
"""

from __future__ import annotations

from http import HTTPStatus

from werkzeug.wrappers import Response

from nivosync.sandbox.responses import json_response
from nivosync.sandbox.routing import ErrorShapes


class Problem(Exception):
    """A Confluence error for the current request (worded by the API family that serves it)."""

    def __init__(self, status: int, message: str, v1_message: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.v1_message = v1_message or message


def not_found(content_id: object) -> Problem:
    return Problem(404, f"No content found with id: ContentId{{id={content_id}}}")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _code(status: int) -> str:
    return _reason(status).upper().replace(" ", "_").replace("-", "_")


def v2_error(status: int, message: str) -> Response:
    # Real Cloud v2 errors carry the status as a string.
    error = {"status": str(status), "code": _code(status), "title": message, "detail": None}
    return json_response({"errors": [error]}, status)


def v1_error(status: int, message: str, datacenter: bool = False) -> Response:
    data: dict[str, object] = {
        "authorized": status not in (401, 403, 404),
        "valid": status != 400,
    }
    if datacenter:
        data["allowedInReadOnlyMode"] = True
    data.update({"errors": [], "successful": False})
    body = {"statusCode": status, "data": data, "message": message, "reason": _reason(status)}
    return json_response(body, status)


V2_ERRORS = ErrorShapes(
    unauthorized=lambda: _with_challenge(v2_error(401, "Unauthorized")),
    error=v2_error,
)
V1_ERRORS = ErrorShapes(
    unauthorized=lambda: _with_challenge(
        v1_error(401, "This request requires authentication (a valid API token).")
    ),
    error=v1_error,
)
DC_ERRORS = ErrorShapes(
    unauthorized=lambda: _with_challenge(
        v1_error(401, "This request requires authentication (a valid API token or PAT).", True)
    ),
    error=lambda status, message: v1_error(status, message, datacenter=True),
)


def _with_challenge(response: Response) -> Response:
    response.headers["WWW-Authenticate"] = 'Basic realm="Confluence"'
    return response
