"""``GET /mypermissions``: which of the modelled project permissions the caller holds.

Context: ``projectKey``/``projectId`` (or ``issueKey``/``issueId``, the issue's project) —
one the caller cannot browse is not found (404); none is the global context (a permission held
in any project, i.e. in the seed's). ``permissions=A,B`` picks the keys: Cloud requires it
(400 when absent or empty), Data Center lists every modelled permission without it; a key the
sandbox does not model is a 400 on both.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from werkzeug.wrappers import Response

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira.errors import JiraError
from nivosync.sandbox.jira.permissions import NO_ISSUE, PERMISSIONS, holds, no_project
from nivosync.sandbox.jira.projects import project_by_key
from nivosync.sandbox.jira.records import find_issue_id
from nivosync.sandbox.jira.render import parse_list_param
from nivosync.sandbox.jira.routes import JiraRoutes
from nivosync.sandbox.responses import json_response

PERMISSIONS_REQUIRED = "The 'permissions' query parameter is required."


def _wanted(ctx: RequestContext) -> list[str]:
    """The permission keys asked for, in the request's order."""
    args = ctx.request.args
    keys = list(dict.fromkeys(k.upper() for k in parse_list_param(args.getlist("permissions"))))
    if not keys:
        if ctx.flavor == "cloud":
            raise JiraError(400, [PERMISSIONS_REQUIRED])
        return list(PERMISSIONS)
    unknown = [k for k in keys if k not in PERMISSIONS]
    if unknown:
        raise JiraError(400, [f"Permission key(s) {', '.join(unknown)} do not exist."])
    return keys


def _check_context(conn: sqlite3.Connection, ctx: RequestContext) -> None:
    """404 unless the project or issue named (if any) exists and the caller may browse it."""
    args = ctx.request.args
    browse = holds(ctx, "BROWSE_PROJECTS")
    if args.get("projectKey") or args.get("projectId"):
        key, ident = args.get("projectKey"), args.get("projectId")
        ref = key or str(ident)
        found = project_by_key(conn, ref) if key or ref.isdigit() else None
        if found is None or (key is not None and found.key.upper() != key.upper()) or not browse:
            wording = no_project(ref) if key else f"No project could be found with id '{ref}'."
            raise JiraError(404, [wording])
    elif args.get("issueKey") or args.get("issueId"):
        ref = args.get("issueKey") or str(args.get("issueId"))
        if find_issue_id(conn, ref) is None or not browse:
            raise JiraError(404, [NO_ISSUE])


def my_permissions(ctx: RequestContext, api: str) -> Response:
    keys = _wanted(ctx)
    with ctx.store.read() as conn:
        _check_context(conn, ctx)
    body: dict[str, Any] = {}
    for key in keys:
        permission = PERMISSIONS[key]
        body[key] = {
            "id": permission.id,
            "key": key,
            "name": permission.name,
            "type": "PROJECT",
            "description": permission.description,
            "havePermission": holds(ctx, key),
        }
    return json_response({"permissions": body})


def register_my_permissions(routes: JiraRoutes) -> None:
    routes.get("mypermissions", my_permissions)
