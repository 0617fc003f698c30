"""The sandbox's WSGI application: faults, auth (throttled), XSRF, dispatch, the request log."""

from __future__ import annotations

import logging
import socket
import struct
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from nivosync.sandbox.auth import authenticate
from nivosync.sandbox.clock import Clock
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.control import register_control
from nivosync.sandbox.faults import NEAR_LIMIT, STATUS_FAULTS, FaultRule, Faults
from nivosync.sandbox.login_throttle import LoginThrottle
from nivosync.sandbox.request_log import RequestLog
from nivosync.sandbox.responses import HttpError, json_response
from nivosync.sandbox.routing import ErrorShapes, Router
from nivosync.sandbox.seed import SiteSeed
from nivosync.sandbox.sides import Side
from nivosync.sandbox.store import Store
from nivosync.sandbox.xsrf import xsrf_refusal

log = logging.getLogger("nivosync.sandbox")


def _generic_error(status: int, message: str) -> Response:
    return json_response({"errorMessages": [message], "errors": {}}, status)


GENERIC_ERRORS = ErrorShapes(
    unauthorized=lambda: _generic_error(401, "You are not authenticated."),
    error=_generic_error,
)


class SandboxApp:
    """One site (one seed) over one store."""

    def __init__(self, seed: SiteSeed, store: Store, clock: Clock, sides: list[Side]) -> None:
        self.seed = seed
        self.store = store
        self.clock = clock
        self.faults = Faults()
        self.requests = RequestLog()
        self.logins = LoginThrottle()
        self.router = Router(GENERIC_ERRORS)
        register_control(self.router, clock, self.requests, self.faults)
        for side in sides:
            side.register(self.router, seed)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.handle(request)
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        path, method = request.path, request.method
        errors = self.router.errors_for(path)
        try:
            route, args = self.router.match(path, method)
        except NotFound:
            route, args = None, {}
        except MethodNotAllowed:
            return self._api(request, errors, None, {}, not_found=405)
        if route is not None and not route.api:
            forms = route.own_forgery_check
            return self._dispatch(request, route.errors or errors, route.handler, args, forms)
        return self._api(request, errors, route.handler if route else None, args)

    def _api(
        self,
        request: Request,
        errors: ErrorShapes,
        handler: Any,
        args: dict[str, Any],
        not_found: int = 404,
    ) -> Response:
        latency = self.faults.latency_seconds
        if latency:
            time.sleep(latency)
        fault = self.faults.draw(request.method, request.path)
        if fault is not None and fault.fault == "reset":
            self._log(request, None, fault.fault)
            _drop_connection(request)
        if fault is not None and fault.fault in STATUS_FAULTS:
            response = _status_fault(errors, fault, request.path, self.clock.now())
            self._log(request, response.status_code, fault.fault)
            return response
        if handler is None:
            message = "Not Found" if not_found == 404 else "Method Not Allowed"
            response = errors.error(not_found, message)
        else:
            response = self._dispatch(request, errors, handler, args)
        if fault is not None and fault.fault == "commit-then-reset":
            self._log(request, response.status_code, fault.fault)
            _drop_connection(request)
        near_limit = self.faults.near_limit(request.method, request.path)
        if near_limit:
            response.headers["X-RateLimit-NearLimit"] = "true"
        self._log(request, response.status_code, NEAR_LIMIT if near_limit else None)
        return response

    def _dispatch(
        self,
        request: Request,
        errors: ErrorShapes,
        handler: Any,
        args: dict[str, Any],
        own_forgery_check: bool = False,
    ) -> Response:
        header = request.headers.get("Authorization")
        address = request.remote_addr or ""
        wait = self.logins.retry_after(address) if header else None
        if wait is not None:
            return _throttled(errors, wait)
        admin = authenticate(header, self.seed)
        if admin is None:
            if header:
                self.logins.failed(address)
            return errors.unauthorized()
        refusal = None if own_forgery_check else xsrf_refusal(request)
        if refusal is not None:
            return refusal
        ctx = RequestContext(
            request,
            self.seed,
            self.store,
            self.clock,
            admin,
            errors,
            index_lag_seconds=self.faults.index_lag_seconds,
        )
        try:
            return handler(ctx, **args)
        except HttpError as exc:
            return exc.response
        except Exception:
            log.exception("sandbox handler failed: %s %s", request.method, request.path)
            return errors.error(500, "Internal server error")

    def _log(self, request: Request, status: int | None, fault: str | None) -> None:
        query = request.query_string.decode("latin-1")
        self.requests.record(request.method, request.path, query, status, fault)


def _throttled(errors: ErrorShapes, wait: int) -> Response:
    """Too many failed logins from the caller's address (see login_throttle)."""
    response = errors.error(429, "Too many failed login attempts; try again later.")
    response.headers["Retry-After"] = str(wait)
    return response


def _status_fault(errors: ErrorShapes, rule: FaultRule, path: str, now: datetime) -> Response:
    messages = {
        429: "Rate limit exceeded.",
        500: "Internal server error",
        502: "Bad Gateway",
        503: "Service Unavailable",
    }
    status = STATUS_FAULTS[rule.fault]
    response = errors.error(status, messages[status])
    response.headers.update(rule.headers(path, now))
    return response


def _drop_connection(request: Request) -> None:
    """Close the TCP connection without answering (RST), then unwind the request."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    raise ConnectionAbortedError("sandbox fault: connection dropped")
