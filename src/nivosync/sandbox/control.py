"""The sandbox's own test endpoints under ``/_sandbox/`` (clock, request log, faults).

Their shapes are fixed: scripts outside the project drive them. Only site admins may (403 for
every other seeded user): they change what every caller sees.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.clock import Clock, parse_instant
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.faults import Faults, FaultSpecError
from nivosync.sandbox.request_log import RequestLog
from nivosync.sandbox.responses import HttpError, empty_response, json_response
from nivosync.sandbox.routing import Handler, Router


def register_control(router: Router, clock: Clock, log: RequestLog, faults: Faults) -> None:
    def set_clock(ctx: RequestContext) -> Response:
        body = ctx.json_body()
        if not isinstance(body, dict) or "now" not in body:
            raise HttpError(ctx.errors.error(400, 'expected {"now": "<ISO-8601 instant>" | null}'))
        if body["now"] is None:
            clock.set(None)
        else:
            try:
                clock.set(parse_instant(str(body["now"])))
            except ValueError as exc:
                raise HttpError(ctx.errors.error(400, f"invalid instant: {exc}")) from exc
        return get_clock(ctx)

    def get_clock(ctx: RequestContext) -> Response:
        frozen = clock.frozen_at
        return json_response(
            {
                "now": clock.now().isoformat().replace("+00:00", "Z"),
                "frozen": frozen is not None,
            }
        )

    def list_requests(ctx: RequestContext) -> Response:
        return json_response(log.entries())

    def clear_requests(ctx: RequestContext) -> Response:
        log.clear()
        return empty_response()

    def set_faults(ctx: RequestContext) -> Response:
        try:
            faults.configure(ctx.json_body())
        except FaultSpecError as exc:
            raise HttpError(ctx.errors.error(400, str(exc))) from exc
        return json_response(faults.to_json())

    def get_faults(ctx: RequestContext) -> Response:
        return json_response(faults.to_json())

    def clear_faults(ctx: RequestContext) -> Response:
        faults.clear()
        return empty_response()

    for rule, method, handler in (
        ("/_sandbox/clock", "POST", set_clock),
        ("/_sandbox/clock", "GET", get_clock),
        ("/_sandbox/requests", "GET", list_requests),
        ("/_sandbox/requests", "DELETE", clear_requests),
        ("/_sandbox/faults", "POST", set_faults),
        ("/_sandbox/faults", "GET", get_faults),
        ("/_sandbox/faults", "DELETE", clear_faults),
    ):
        router.add(rule, [method], _admins_only(handler), api=False)


def _admins_only(handler: Handler) -> Handler:
    def guarded(ctx: RequestContext) -> Response:
        if not ctx.caller_is_admin:
            message = "Only site admins may use the sandbox's test endpoints."
            raise HttpError(ctx.errors.error(403, message))
        return handler(ctx)

    return guarded
