"""Cloud v2 operation checks: ``GET /wiki/api/v2/spaces/{id}/operations`` and
``GET /wiki/api/v2/pages/{id}/operations`` (``PermittedOperationsResponse``).

They list what the caller may do (see `permissions.py`); a space or page the caller cannot
view answers 404 as a missing one does.
"""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.permissions import (
    page_operations,
    space_operations,
    visible_page,
    visible_space,
)
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.responses import json_response

_VISIBLE = ("current", "archived", "draft")


def space_operations_route(ctx: RequestContext, space_id: int) -> Response:
    with ctx.store.read() as conn:
        missing = Problem(404, f"No space found with id: {space_id}")
        visible_space(ctx, store.space_by_id(conn, space_id), missing)
    return json_response({"operations": space_operations(ctx)})


def page_operations_route(ctx: RequestContext, page_id: int) -> Response:
    with ctx.store.read() as conn:
        visible_page(ctx, conn, page_id, _VISIBLE)
    return json_response({"operations": page_operations(ctx.space_permissions)})


def register_cloud_operations(routes: ConfluenceRoutes) -> None:
    routes.add("/spaces/<int:space_id>/operations", ["GET"], space_operations_route)
    routes.add("/pages/<int:page_id>/operations", ["GET"], page_operations_route)
