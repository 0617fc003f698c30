"""The sandbox's own test endpoints under ``/_sandbox/`` (clock, request log, faults).

Their shapes are fixed: scripts outside the project drive them.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.clock import Clock, parse_instant
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.faults import Faults, FaultSpecError
from nivosync.sandbox.request_log import RequestLog
from nivosync.sandbox.responses import HttpError, empty_response, json_response
from nivosync.sandbox.routing import Router


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

    router.add("/_sandbox/clock", ["POST"], set_clock, api=False)
    router.add("/_sandbox/clock", ["GET"], get_clock, api=False)
    router.add("/_sandbox/requests", ["GET"], list_requests, api=False)
    router.add("/_sandbox/requests", ["DELETE"], clear_requests, api=False)
    router.add("/_sandbox/faults", ["POST"], set_faults, api=False)
    router.add("/_sandbox/faults", ["GET"], get_faults, api=False)
    router.add("/_sandbox/faults", ["DELETE"], clear_faults, api=False)
