"""The HTTP transport under both gateways: auth session, retry policy, error mapping.

atlassian-python-api provides the authenticated session; its own retries are switched off
because they re-send any method. Ours (tenacity) retry 429 for every method (the site did not
process it), and 502/503/504 and connection errors only for idempotent requests, honouring
Retry-After (seconds or an HTTP-date; else X-RateLimit-Reset) up to `RetryPolicy.max_wait`,
within a time budget per request. A write that fails after it may have reached the server
(timeout, reset, any 5xx) raises AmbiguousWrite: the caller re-reads the site before deciding
anything, never blindly re-sends. An answer flagged X-RateLimit-NearLimit makes the next
request wait briefly, so nivosync slows down before the site has to say 429.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from nivosync.errors import NivosyncError
from nivosync.lazy_package import bare_package
from nivosync.log_setup import get_logger

if TYPE_CHECKING:
    # requests, the atlassian client and tenacity cost more to import than most commands take
    # to run: they are imported when a site is opened (Transport), not by `plan` or `--help`.
    import requests
    from tenacity import RetryCallState

log = get_logger(__name__)
# The library logs curl lines with headers at DEBUG; a bearer token must never reach a log.
logging.getLogger("atlassian").setLevel(logging.WARNING)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUS = frozenset({500, 502, 503, 504})  # for reads (and idempotent writes)
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}
NEAR_LIMIT_HEADER = "X-RateLimit-NearLimit"
# Connections kept open per site (requests keeps 10): as many as requests a run has in flight
# to one site at most (a nightly sync's page workers share its Jira client), so none of them
# opens — on a real site, handshakes — a connection for each request.
KEPT_CONNECTIONS = 32
# Where a user raises the limits (the config's `http` section); named in error messages.
MAX_WAIT_SETTING = "http.max_retry_wait_seconds"
BUDGET_SETTING = "http.retry_budget_seconds"


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
    status: int,
    details: Sequence[str],
    what: str,
    words: SiteWords,
    ask: str,
    refused: Collection[int] = (403,),
) -> str:
    """One line for a refused request: what failed, the likely cause, and what to check.

    `ask` is what to request from an admin on a 403 (a named permission, or "access");
    `refused`: the statuses that mean "not permitted" for this request (some Jira routes
    answer a missing permission with 401 or 404)."""
    joined = "; ".join(details)
    if status == 401 and status not in refused:
        return (
            f"{words.product} at {words.site} rejected the credentials of {words.user} (HTTP "
            f"401): check that {words.secret} holds a valid token for that user"
        )
    if status == 403 or status in refused:
        return (
            f"{words.user} may not access the {what} in {words.container_kind} {words.key} "
            f"(HTTP {status}): ask {words.admin} for {ask} in {words.key}"
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


@dataclass
class RateSeen:
    """What a run's answers said about the site's rate limit (for `doctor`)."""

    limit: int | None = None  # the latest X-RateLimit-Limit
    remaining: int | None = None  # the latest X-RateLimit-Remaining
    near_limit: int = 0  # answers flagged X-RateLimit-NearLimit
    throttled: int = 0  # 429 answers

    def saw(self, response: requests.Response) -> None:
        headers = response.headers
        self.limit = _int_header(headers.get("X-RateLimit-Limit")) or self.limit
        remaining = _int_header(headers.get("X-RateLimit-Remaining"))
        self.remaining = remaining if remaining is not None else self.remaining
        if headers.get(NEAR_LIMIT_HEADER, "").strip().lower() == "true":
            self.near_limit += 1
        if response.status_code == 429:
            self.throttled += 1


def _int_header(value: str | None) -> int | None:
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


class AmbiguousWrite(NivosyncError):
    """A write may or may not have been applied (timeout, reset, 5xx): re-read before acting."""

    def __init__(self, method: str, path: str, cause: str) -> None:
        self.method = method
        self.path = path
        super().__init__(f"{method} {path} failed after it may have reached the server ({cause})")


class RetryWaitTooLong(HttpError):
    """The site asked for a longer wait than nivosync may make (RetryPolicy.max_wait)."""

    def __init__(
        self, site: str, method: str, path: str, status: int, limit: str, wait: float, cap: float
    ) -> None:
        self.wait = wait
        why = f"HTTP {status}, {limit}" if limit else f"HTTP {status}"
        super().__init__(
            f"{site} asked to wait {wait:.0f} s before retrying {method} {path} ({why}), "
            f"longer than {MAX_WAIT_SETTING} ({cap:.0f} s): run again later, or raise "
            f"{MAX_WAIT_SETTING} in the config's http section",
            status,
            method,
            path,
        )


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None, limit: str = "") -> None:
        self.reason = reason
        self.retry_after = retry_after
        self.limit = limit  # RateLimit-Reason, e.g. jira-burst-based
        super().__init__(reason + (f" ({limit})" if limit else ""))


@dataclass(frozen=True)
class RetryPolicy:
    """How long one request may wait and retry; the defaults are the config's `http` ones.

    max_wait: the longest Retry-After honoured (a longer one fails at once, naming the setting);
    budget: the total waiting for one request; near_limit_pause: the wait before the next
    request after an answer flagged X-RateLimit-NearLimit. Without Retry-After, waits grow
    exponentially from initial_wait to backoff_cap. Every wait gets up to `jitter` seconds
    more, so workers told the same Retry-After do not all return at the same instant.
    `attempts` optionally caps the tries too (tests); `sleep` and `clock` are injected so tests
    never wait.
    """

    max_wait: float = 300.0
    budget: float = 600.0
    near_limit_pause: float = 1.0
    initial_wait: float = 0.5
    backoff_cap: float = 30.0
    jitter: float = 1.0
    attempts: int | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time

    def __post_init__(self) -> None:
        if self.initial_wait <= 0:  # a floor for every wait, so the budget always runs out
            raise ValueError("initial_wait must be positive")

    def wait(self, state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome else None
        if isinstance(error, _Retry) and error.retry_after is not None:
            return max(error.retry_after, self.initial_wait) + random.uniform(0, self.jitter)
        from tenacity.wait import wait_exponential

        backoff = wait_exponential(multiplier=self.initial_wait, max=self.backoff_cap)(state)
        return min(self.backoff_cap, backoff + random.uniform(0, self.initial_wait))

    def stop(self, state: RetryCallState) -> bool:
        """Stop when the next wait would take this request's waiting past the budget."""
        if self.attempts is not None and state.attempt_number >= self.attempts:
            return True
        return state.idle_for + state.upcoming_sleep > self.budget


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
        self._near_limit = threading.Event()  # the last answer said X-RateLimit-NearLimit
        self.rate = RateSeen()  # what the site's answers said about its rate limit
        # The package's __init__ imports every product client (Jira, Bamboo, Bitbucket …, and
        # BeautifulSoup with them: ~0.2 s of CPU); only its REST client is used here, so the
        # package is registered without running its __init__ (which still runs, in place,
        # if anything asks `atlassian` itself for a name: see nivosync.lazy_package).
        bare_package("atlassian")
        import requests
        from atlassian.rest_client import AtlassianRestAPI
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        kept = HTTPAdapter(pool_connections=1, pool_maxsize=KEPT_CONNECTIONS)
        session.mount("https://", kept)
        session.mount("http://", kept)

        auth: dict[str, Any] = (
            {"token": credentials.secret}
            if credentials.bearer
            else {"username": credentials.user, "password": credentials.secret}
        )
        self._api = AtlassianRestAPI(
            self.base_url,
            session=session,
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

        Raises AmbiguousWrite for a non-idempotent request that may have been applied,
        RetryWaitTooLong when the site asks for a wait over the cap, and HttpError when the
        retry budget is spent or the site cannot be reached.
        """
        from tenacity import Retrying, retry_if_exception_type

        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        retrying = Retrying(
            stop=self.retry.stop,
            wait=self.retry.wait,
            retry=retry_if_exception_type(_Retry),
            sleep=self.retry.sleep,
            reraise=True,
            before_sleep=lambda s: log.warning(
                "retrying request",
                method=method,
                path=path,
                attempt=s.attempt_number,
                wait=round(s.upcoming_sleep, 1),
                reason=str(s.outcome.exception()) if s.outcome else "",
            ),
        )
        try:
            return retrying(self._attempt, method, path, params, json, headers, files, safe)
        except _Retry as exc:
            raise self._gave_up(exc, method, path, retrying.statistics) from None

    def _gave_up(self, exc: _Retry, method: str, path: str, stats: Mapping[str, Any]) -> HttpError:
        tries, waited = stats.get("attempt_number", 1), stats.get("idle_for", 0.0)
        if exc.reason.startswith("429"):
            limit = f", {exc.limit}" if exc.limit else ""
            return HttpError(
                f"rate limit still exceeded after {tries} attempts and {waited:.0f} s of waiting "
                f"({method} {path}{limit}); wait a few minutes and run again, or raise "
                f"{BUDGET_SETTING} ({self.retry.budget:.0f} s)",
                429,
                method,
                path,
            )
        return HttpError(
            f"{method} {self.base_url}{path} failed {tries} times in {waited:.0f} s ({exc.reason})",
            None,
            method,
            path,
        )

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
        import requests

        self._ease_off()
        all_headers = {} if files else dict(JSON_HEADERS)
        all_headers.update(headers or {})
        started = time.monotonic()
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
        # One line per request with -v: what and how it went, never headers or bodies (the
        # credentials are in the headers; the path and its query hold no secret).
        log.debug(
            "http request",
            method=method,
            path=path,
            status=status,
            ms=round((time.monotonic() - started) * 1000),
        )
        self.rate.saw(response)
        # A 429 was not processed, so any method may be re-sent; any other 5xx on a write may
        # have been applied (a 503 with Retry-After too): the caller re-reads, never re-sends.
        if status == 429 or (safe and status in RETRYABLE_STATUS):
            raise self._retry_for(response, method, path)
        if status >= 500 and not safe:
            raise AmbiguousWrite(method, path, f"HTTP {status}")
        if response.headers.get(NEAR_LIMIT_HEADER, "").strip().lower() == "true":
            self._near_limit.set()
        return response

    def _retry_for(self, response: requests.Response, method: str, path: str) -> _Retry:
        status = response.status_code
        wait = _retry_after(response, self.retry.clock())
        limit = response.headers.get("RateLimit-Reason", "").strip()
        if wait is not None and wait > self.retry.max_wait:
            cap = self.retry.max_wait
            raise RetryWaitTooLong(self.base_url, method, path, status, limit, wait, cap)
        reason = "429 rate limited" if status == 429 else f"{status} from server"
        return _Retry(reason, wait, limit)

    def _ease_off(self) -> None:
        """After an answer flagged X-RateLimit-NearLimit, wait briefly before the next request."""
        if self._near_limit.is_set() and self.retry.near_limit_pause > 0:
            self._near_limit.clear()
            log.info("site near its rate limit: pausing", seconds=self.retry.near_limit_pause)
            self.retry.sleep(self.retry.near_limit_pause)


def _retry_after(response: requests.Response, now: float) -> float | None:
    """Seconds the site asks to wait: Retry-After (seconds or an HTTP-date), else the
    X-RateLimit-Reset instant (ISO 8601) Atlassian may send alone; None when neither is there."""
    value = response.headers.get("Retry-After", "").strip()
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        return _seconds_until(moment, now)
    reset = response.headers.get("X-RateLimit-Reset", "").strip()
    try:
        return _seconds_until(datetime.fromisoformat(reset), now) if reset else None
    except ValueError:
        return None


def _seconds_until(moment: datetime, now: float) -> float:
    if moment.tzinfo is None:  # an HTTP-date in "-0000" form, or a bare ISO time: UTC
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


def _never_sent(exc: requests.ConnectionError) -> bool:
    """True when the connection failed before the request could reach the server."""
    from urllib3.exceptions import NewConnectionError

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
