"""The Confluence side of the sandbox.

Cloud serves ``/wiki/api/v2`` (spaces, pages, properties, versions, labels, attachments,
operation checks) and the v1 endpoints the current Cloud v1 spec still has (attachment uploads
and downloads, label writes, users, CQL content search); every other v1 route the sandbox knows
answers 410 Gone there (``cloud_removed.py``).
Data Center serves ``/confluence/rest/api`` (content, properties, attachments, labels, spaces,
CQL content search).
Both search ``content/search`` by CQL (``cql.py``, ``content_search.py``), through an index that
lags writes by the site's index lag.
Both enforce the caller's space permissions (``permissions.py``).
"""

from __future__ import annotations

from nivosync.sandbox.confluence.cloud_operations import register_cloud_operations
from nivosync.sandbox.confluence.cloud_page_parts import register_cloud_page_parts
from nivosync.sandbox.confluence.cloud_pages import register_cloud_pages
from nivosync.sandbox.confluence.cloud_removed import register_cloud_removed
from nivosync.sandbox.confluence.content_search import register_content_search
from nivosync.sandbox.confluence.dc_content import register_dc_content
from nivosync.sandbox.confluence.dc_properties import register_dc_properties
from nivosync.sandbox.confluence.dc_spaces import register_dc_spaces
from nivosync.sandbox.confluence.errors import DC_ERRORS, V1_ERRORS, V2_ERRORS
from nivosync.sandbox.confluence.routes import ConfluenceRoutes
from nivosync.sandbox.confluence.schema import MIGRATIONS
from nivosync.sandbox.confluence.seeding import seed_confluence
from nivosync.sandbox.confluence.user_routes import register_user_routes
from nivosync.sandbox.confluence.v1_attachments import register_v1_attachments
from nivosync.sandbox.confluence.v1_labels import register_v1_labels
from nivosync.sandbox.routing import Router
from nivosync.sandbox.seed import SiteSeed
from nivosync.sandbox.sides import Side


def register(router: Router, seed: SiteSeed) -> None:
    context = "/wiki" if seed.flavor == "cloud" else "/confluence"
    router.product(context, V1_ERRORS if seed.flavor == "cloud" else DC_ERRORS)
    v1 = ConfluenceRoutes(router, context + "/rest/api", v2=False)
    v2 = None
    if seed.flavor == "cloud":
        router.product("/wiki/api/v2", V2_ERRORS)
        v2 = ConfluenceRoutes(router, "/wiki/api/v2", v2=True)
        register_cloud_pages(v2)
        register_cloud_page_parts(v2)
        register_cloud_operations(v2)
        register_cloud_removed(v1)
    else:
        register_dc_content(v1)
        register_dc_properties(v1)
        register_dc_spaces(v1)
    register_v1_attachments(v1, router, context)
    register_v1_labels(v1, cloud=seed.flavor == "cloud")
    register_content_search(v1, cloud=seed.flavor == "cloud")
    register_user_routes(v1, v2)


SIDE = Side(namespace="confluence", migrations=MIGRATIONS, seed=seed_confluence, register=register)
