"""Registering Jira routes under every REST version the flavor serves.

Cloud serves ``/rest/api/2`` and ``/rest/api/3`` (v3 = ADF rich text); Data Center serves
``/rest/api/2`` (and its ``latest`` alias). Handlers receive the version as ``api``.
"""

from __future__ import annotations

from nivosync.sandbox.routing import Handler, Router
from nivosync.sandbox.seed import Flavor


class JiraRoutes:
    def __init__(self, router: Router, flavor: Flavor) -> None:
        self.router = router
        self.flavor = flavor
        versions = '"2", "3"' if flavor == "cloud" else '"2", "latest"'
        self._prefix = f"/rest/api/<any({versions}):api>/"

    def add(self, path: str, methods: list[str], handler: Handler) -> None:
        self.router.add(self._prefix + path, methods, handler)

    def get(self, path: str, handler: Handler) -> None:
        self.add(path, ["GET"], handler)

    def post(self, path: str, handler: Handler) -> None:
        self.add(path, ["POST"], handler)

    def put(self, path: str, handler: Handler) -> None:
        self.add(path, ["PUT"], handler)

    def delete(self, path: str, handler: Handler) -> None:
        self.add(path, ["DELETE"], handler)
