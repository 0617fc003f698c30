"""Cloud's removed v1 page endpoints: ``/wiki/rest/api/content[/{id}]`` answer 410 Gone, as the
real Cloud does since page CRUD moved to ``/wiki/api/v2/pages`` (a client still calling them
fails here as it would there)."""

from __future__ import annotations

from werkzeug.wrappers import Response

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.context import RequestContext

_GONE = (
    "This endpoint has been removed from Confluence Cloud; use the v2 API "
    "(/wiki/api/v2/pages) instead."
)


def gone(ctx: RequestContext, page_id: int | None = None) -> Response:
    raise Problem(410, _GONE)


def register_cloud_removed(v1: ConfluenceRoutes) -> None:
    v1.add("/content", ["GET", "POST"], gone)
    v1.add("/content/<int:page_id>", ["GET", "PUT", "DELETE"], gone)
