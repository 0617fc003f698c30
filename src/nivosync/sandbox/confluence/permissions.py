"""Space permissions: what the caller may see and do in the space (``seed.SPACE_PERMISSIONS``).

Site admins hold every permission; any other caller holds the ``space`` of their `UserSeed`.
The sandbox has one space, the seed's, so the caller's permissions are those in every space.

- without ``view`` the space and all it holds (pages, attachments, labels, properties,
  versions) do not exist for the caller: a GET of one answers the product's 404 for a missing
  one, listings and title lookups leave them out;
- without ``add_page`` creating, editing, deleting, labelling a page and writing its content
  properties answer 403 (Cloud v2: 404, as its spec says); without ``add_attachment``
  uploads answer 403;
- the operation checks (Cloud v2 ``/operations``, DC ``expand=operations``) list what is held.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Literal

from nivosync.sandbox.confluence import pages as store
from nivosync.sandbox.confluence.errors import Problem, not_found
from nivosync.sandbox.confluence.pages import Page, Space
from nivosync.sandbox.context import RequestContext

VIEW = "view"
ADD_PAGE = "add_page"
ADD_ATTACHMENT = "add_attachment"

Action = Literal["create", "edit", "delete"]
Operation = dict[str, str]

# (permission, operation, targetType) as Confluence's operation checks name them.
_SPACE_OPERATIONS = (
    (VIEW, "read", "space"),
    (ADD_PAGE, "create", "page"),
    (ADD_ATTACHMENT, "create", "attachment"),
)
_PAGE_OPERATIONS = (
    (VIEW, "read", "page"),
    (ADD_PAGE, "update", "page"),
    (ADD_PAGE, "delete", "page"),
    (ADD_PAGE, "create", "page"),  # a child page
    (ADD_ATTACHMENT, "create", "attachment"),
)


def can(ctx: RequestContext, permission: str) -> bool:
    """Whether the caller holds `permission` in the (seed's) space."""
    return permission in ctx.space_permissions


def hidden_space_ids(ctx: RequestContext, conn: sqlite3.Connection) -> list[int]:
    """The spaces listings must leave out: every space when the caller lacks ``view``."""
    if can(ctx, VIEW):
        return []
    return [space.id for space in store.list_spaces(conn, [], [], 0, 10_000)]


def visible_space(ctx: RequestContext, space: Space | None, missing: Problem) -> Space:
    """The space, or `missing` (the route's own 404) when it is absent or invisible."""
    if space is None or not can(ctx, VIEW):
        raise missing
    return space


def visible_page(
    ctx: RequestContext, conn: sqlite3.Connection, page_id: int, statuses: Sequence[str] = ()
) -> Page:
    """`store.require_page`, and the same 404 when the caller cannot view its space."""
    page = store.require_page(conn, page_id, statuses)
    if not can(ctx, VIEW):
        raise not_found(page_id)
    return page


def editable_page(
    ctx: RequestContext,
    conn: sqlite3.Connection,
    page_id: int,
    statuses: Sequence[str] = (),
    action: Action = "edit",
) -> Page:
    """A visible page the caller may change (``add_page``), else 404 / 403."""
    page = visible_page(ctx, conn, page_id, statuses)
    require_add_page(ctx, page.space, action)
    return page


def require_add_page(ctx: RequestContext, space: Space, action: Action) -> None:
    """403 unless the caller may `action` pages in `space` (``add_page``); Cloud's v2 page
    routes answer 404 instead, as their spec documents for a missing permission."""
    if can(ctx, ADD_PAGE):
        return
    raise Problem(
        404 if ctx.request.path.startswith("/wiki/api/v2/") else 403,
        f"You do not have permission to {action} pages in this space",
        f"User not permitted to {action} content in space '{space.key}': "
        "the 'Add Page' space permission is required",
    )


def require_add_attachment(ctx: RequestContext, space: Space) -> None:
    """403 unless the caller may upload attachments in `space` (``add_attachment``)."""
    if can(ctx, ADD_ATTACHMENT):
        return
    raise Problem(
        403,
        "You do not have permission to add attachments in this space",
        f"User not permitted to add attachments in space '{space.key}': "
        "the 'Add Attachment' space permission is required",
    )


def _held(permissions: frozenset[str], table: tuple[tuple[str, str, str], ...]) -> list[Operation]:
    return [
        {"operation": operation, "targetType": target}
        for permission, operation, target in table
        if permission in permissions
    ]


def space_operations(ctx: RequestContext) -> list[Operation]:
    """What the caller may do in the space; site admins also administer it."""
    held = _held(ctx.space_permissions, _SPACE_OPERATIONS)
    if ctx.caller_is_admin:
        held.append({"operation": "administer", "targetType": "space"})
    return held


def page_operations(permissions: frozenset[str]) -> list[Operation]:
    """What a caller holding `permissions` may do with a page (read, update, delete, add a
    child page or an attachment)."""
    return _held(permissions, _PAGE_OPERATIONS)
