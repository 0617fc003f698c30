"""The route registry every side plugs into.

A side module (``sandbox/jira``, ``sandbox/confluence``) exposes a `Side` (see `sides.py`) whose
``register(router, seed)`` adds its routes for the seeded flavor::

    def register(router: Router, seed: SiteSeed) -> None:
        router.product("/wiki", CONFLUENCE_ERRORS)      # error shapes for paths under a prefix
        router.add("/wiki/api/v2/pages/<int:page_id>", ["GET"], get_page)

A handler is ``handler(ctx: RequestContext, **path_args) -> Response``; it may raise `HttpError`.
Rules use werkzeug's syntax (``<key>``, ``<int:id>``, ``<path:rest>``). Routes are API routes by
default (authenticated, logged in ``/_sandbox/requests``, subject to faults); pass ``api=False``
for the sandbox's own test endpoints.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Map, Rule
from werkzeug.routing.exceptions import RequestRedirect
from werkzeug.wrappers import Response

Handler = Callable[..., Response]


@dataclass(frozen=True)
class ErrorShapes:
    """How a product words its errors (401, unknown route, faults, crashes)."""

    unauthorized: Callable[[], Response]
    error: Callable[[int, str], Response]


@dataclass(frozen=True)
class Route:
    handler: Handler
    api: bool
    errors: ErrorShapes | None = None
    own_forgery_check: bool = False  # the route checks forged requests itself (web/forms.py)


class Router:
    def __init__(self, default_errors: ErrorShapes) -> None:
        self._map = Map(strict_slashes=False, merge_slashes=False)
        self._products: list[tuple[str, ErrorShapes]] = []
        self._default_errors = default_errors

    def add(
        self,
        rule: str,
        methods: Iterable[str],
        handler: Handler,
        *,
        api: bool = True,
        errors: ErrorShapes | None = None,
        own_forgery_check: bool = False,
    ) -> None:
        """`errors` overrides the product's shapes for this one non-API route (the HTML view
        answers a browser's Basic-auth challenge wherever it lives). `own_forgery_check`: a
        non-API route that takes a browser's form and checks it against forgery itself (the
        browsing view's actions), instead of the API's XSRF check, which refuses every form."""
        route = Route(handler, api, errors, own_forgery_check and not api)
        self._map.add(Rule(rule, methods=list(methods), endpoint=route))

    def product(self, prefix: str, errors: ErrorShapes) -> None:
        """Use `errors` for every path under `prefix` (the longest matching prefix wins)."""
        self._products.append((prefix.rstrip("/"), errors))
        self._products.sort(key=lambda item: len(item[0]), reverse=True)

    def errors_for(self, path: str) -> ErrorShapes:
        for prefix, errors in self._products:
            if path == prefix or path.startswith(prefix + "/") or prefix == "":
                return errors
        return self._default_errors

    def api_rules(self) -> list[tuple[str, frozenset[str]]]:
        """Every API rule with its methods (for route-coverage checks in tests)."""
        return [
            (rule.rule, frozenset(rule.methods or ()) - {"HEAD", "OPTIONS"})
            for rule in self._map.iter_rules()
            if rule.endpoint.api
        ]

    def rule_of(self, path: str, method: str) -> str | None:
        """The rule string serving `method path`, or None."""
        adapter = self._map.bind("sandbox", "/")
        try:
            rule, _ = adapter.match(path.rstrip("/") or "/", method=method, return_rule=True)
        except Exception:
            return None
        return str(rule.rule)

    def match(self, path: str, method: str) -> tuple[Route, dict[str, Any]]:
        """The route for `path`; raises werkzeug's NotFound / MethodNotAllowed."""
        adapter = self._map.bind("sandbox", "/")
        try:
            route, args = adapter.match(path, method=method)
        except RequestRedirect:
            # strict_slashes=False never redirects; a trailing-slash variant is the same route.
            route, args = adapter.match(path.rstrip("/"), method=method)
        # Werkzeug declares the arguments as a Mapping; copy them into the dict handlers take.
        return route, dict(args)
