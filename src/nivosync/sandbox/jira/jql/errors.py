"""JQL errors (worded like Jira's)."""

from __future__ import annotations


class JqlError(ValueError):
    """The query cannot be answered faithfully; `message` goes into ``errorMessages``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
