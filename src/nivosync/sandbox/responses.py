"""JSON response helpers shared by every side."""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Response


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response (compact, UTF-8) — what every Atlassian REST API answers."""
    return Response(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def empty_response(status: int = 204) -> Response:
    return Response(b"", status=status)


def text_response(text: str, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(text, status=status, headers=headers, mimetype="text/plain")


class HttpError(Exception):
    """Raise from a handler to answer with `response` (any status, any product shape)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response
