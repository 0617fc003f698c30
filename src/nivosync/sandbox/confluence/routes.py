"""Registering Confluence routes under one API root, with errors worded by that API.

Handlers raise `Problem`; v2 roots answer the v2 wording, v1 roots the v1 wording (they differ
e.g. for a stale version).
"""

from __future__ import annotations

import functools
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.routing import Handler, Router


class ConfluenceRoutes:
    def __init__(self, router: Router, root: str, *, v2: bool) -> None:
        self.router = router
        self.root = root
        self.v2 = v2

    def add(self, path: str, methods: list[str], handler: Handler) -> None:
        self.router.add(self.root + path, methods, self._worded(handler))

    def _worded(self, handler: Handler) -> Handler:
        v2 = self.v2

        @functools.wraps(handler)
        def run(ctx: RequestContext, **args: Any) -> Response:
            try:
                return handler(ctx, **args)
            except Problem as problem:
                return ctx.errors.error(
                    problem.status, problem.message if v2 else problem.v1_message
                )

        return run
