"""The HTTP transport under both gateways: auth session, retry policy, error mapping.

atlassian-python-api provides the authenticated session; its own retries are switched off
because they re-send any method. Ours (tenacity) retry 429 for every method, honouring
Retry-After, and 502/503/504 and connection errors only for idempotent requests. A write
that fails after it may have reached the server raises AmbiguousWrite: the caller re-reads
the site before deciding anything, never blindly re-sends.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests
import structlog
from atlassian.rest_client import AtlassianRestAPI
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt
from tenacity.wait import wait_exponential, wait_random
from urllib3.exceptions import NewConnectionError

from nivosync.errors import NivosyncError

log = structlog.get_logger(__name__)
# The library logs curl lines with headers at DEBUG; a bearer token must never reach a log.
logging.getLogger("atlassian").setLevel(logging.WARNING)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({502, 503, 504})
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass(frozen=True)
class Credentials:
    """Who nivosync acts as. The secret is never part of repr() or any message."""

    user: str
    secret: str = field(repr=False)
    bearer: bool = False
    source: str = "environment"  # where the secret came from, for error messages


class HttpError(NivosyncError):
    """A final, non-retryable answer (or exhausted retries) from the site."""

    def __init__(self, message: str, status: int | None, method: str, path: str, body: Any = None):
        self.status = status
        self.method = method
        self.path = path
        self.body = body
        super().__init__(message)


@dataclass(frozen=True)
class SiteWords:
    """What an HTTP error message names: the product, site, user, token source and the project
    or space the request was about (never the token itself)."""

    product: str  # Jira | Confluence
    site: str
    user: str
    secret: str  # where the token came from: "$VAR" or the keyring entry
    container_kind: str  # project | space
    key: str  # NVX | REL
    admin: str  # who grants permissions: "a Jira admin" | "a space admin"
    config_key: str  # where the container is configured: jira.project | confluence.space


def explain_status(
    status: int, details: Sequence[str], what: str, words: SiteWords, ask: str
) -> str:
    """One line for a refused request: what failed, the likely cause, and what to check.

    `ask` is what to request from an admin on a 403 (a named permission, or "access")."""
    joined = "; ".join(details)
    if status == 401:
        return (
            f"{words.product} at {words.site} rejected the credentials of {words.user} (HTTP "
            f"401): check that {words.secret} holds a valid token for that user"
        )
    if status == 403:
        return (
            f"{words.user} may not access the {what} in {words.container_kind} {words.key} "
            f"(HTTP 403): ask {words.admin} for {ask} in {words.key}"
            + (f" ({joined})" if joined else "")
        )
    if status == 404 and what == words.container_kind:
        return (
            f"{words.container_kind} {words.key} not found at {words.site} (or {words.user} "
            f"cannot see it): check {words.config_key} in the config"
        )
    if status == 400:
        return f"{words.product} refused the {what} (HTTP 400): {joined or 'no details given'}"
    return f"{words.product} answered HTTP {status} for the {what}" + (
        f": {joined}" if joined else ""
    )


class AmbiguousWrite(NivosyncError):
    """A write may or may not have been applied (timeout, reset, 5xx): re-read before acting."""

    def __init__(self, method: str, path: str, cause: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{method} {path} failed after it may have reached the server ({cause})")


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        self.reason = reason
        self.retry_after = retry_after
        super().__init__(reason)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 6
    initial_wait: float = 0.5
    max_wait: float = 30.0
    sleep: Callable[[float], None] = time.sleep

    def wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome else None
        if isinstance(error, _Retry) and error.retry_after is not None:
            return min(error.retry_after, self.max_wait)
        backoff = wait_exponential(multiplier=self.initial_wait, max=self.max_wait)
        return min(self.max_wait, (backoff + wait_random(0, self.initial_wait))(state))


class Transport:
    """Requests to one site (Jira or Confluence) through one authenticated session."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        retry: RetryPolicy | None = None,
        timeout: float = 30.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.credentials = credentials
        self.retry = retry or RetryPolicy()
        auth: dict[str, Any] = (
            {"token": credentials.secret}
            if credentials.bearer
            else {"username": credentials.user, "password": credentials.secret}
        )
        self._api = AtlassianRestAPI(
            self.base_url,
            timeout=int(timeout),
            backoff_and_retry=False,
            retry_with_header=False,
            **auth,
        )

    def close(self) -> None:
        self._api.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> requests.Response:
        """Send with retries; return any final response (callers decide what a 4xx means).

        Raises AmbiguousWrite for a non-idempotent request that may have been applied, and
        HttpError when retries are exhausted or the site cannot be reached.
        """
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        retrying = Retrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=self.retry.wait,
            retry=retry_if_exception_type(_Retry),
            sleep=self.retry.sleep,
            reraise=True,
            before_sleep=lambda s: log.warning(
                "retrying request",
                method=method,
                path=path,
                attempt=s.attempt_number,
                reason=str(s.outcome.exception()) if s.outcome else "",
            ),
        )
        try:
            return retrying(self._attempt, method, path, params, json, headers, files, safe)
        except _Retry as exc:
            if exc.reason.startswith("429"):
                raise HttpError(
                    f"rate limit still exceeded after {self.retry.attempts} attempts "
                    f"({method} {path}); wait a few minutes and run again",
                    429,
                    method,
                    path,
                ) from None
            raise HttpError(
                f"{method} {self.base_url}{path} failed {self.retry.attempts} times ({exc.reason})",
                None,
                method,
                path,
            ) from None

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        files: Mapping[str, Any] | None,
        safe: bool,
    ) -> requests.Response:
        all_headers = {} if files else dict(JSON_HEADERS)
        all_headers.update(headers or {})
        try:
            response = self._api.request(
                method,
                path,
                params=dict(params) if params else None,
                json=json,
                headers=all_headers,
                files=dict(files) if files else None,
                advanced_mode=True,
            )
        except (requests.ConnectTimeout, requests.exceptions.SSLError) as exc:
            raise _Retry(f"cannot connect: {type(exc).__name__}") from None
        except requests.ConnectionError as exc:
            if _never_sent(exc) or safe:
                raise _Retry(f"connection failed: {_short(exc)}") from None
            raise AmbiguousWrite(method, path, f"connection lost: {_short(exc)}") from None
        except requests.Timeout:
            if safe:
                raise _Retry("timed out") from None
            raise AmbiguousWrite(method, path, "timed out waiting for the answer") from None
        status = response.status_code
        if status == 429:
            raise _Retry("429 rate limited", _retry_after(response))
        if status in RETRYABLE_STATUS or (status >= 500 and not safe):
            if safe:
                raise _Retry(f"{status} from server", _retry_after(response))
            raise AmbiguousWrite(method, path, f"HTTP {status}")
        return response


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before the request could reach the server."""
    inner = exc.args[0] if exc.args else None
    reason = getattr(inner, "reason", inner)
    return isinstance(reason, NewConnectionError)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 160 else text[:157] + "..."


def json_body(response: requests.Response) -> Any:
    """The response's JSON, or None when it has none (an HTML error page, an empty 204)."""
    try:
        return response.json()
    except ValueError:
        return None
