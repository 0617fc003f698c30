"""Finding the fields nivosync writes, and keeping create payloads to what a screen holds.

Custom fields are found by their schema's type (ids differ from site to site), in the field
list or on a create screen (createmeta, whose fields carry the same schema)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nivosync.jira.flavor import START_DATE_TYPES
from nivosync.jira.models import CreateScreen, ScreenField
from nivosync.log_setup import get_logger

log = get_logger(__name__)

ALWAYS_SENT = ("project", "issuetype")  # no create goes without them


def on_screen(payload: Mapping[str, Any], screen: CreateScreen | None) -> Mapping[str, Any]:
    """`payload` without the fields (and updates) `screen` lacks: Jira refuses a whole issue
    for one such field. None (a screen not read) keeps it as it is; callers report the rest."""
    if screen is None:
        return payload
    fields = payload.get("fields") or {}
    updates = payload.get("update") or {}
    # A sub-task's parent is sent whatever the screen: Data Center's createmeta leaves this
    # implied field out (JRA-47377), and no sub-task is created without it.
    sent = (*ALWAYS_SENT, "parent") if screen.issue_type.subtask else ALWAYS_SENT
    kept = {k: v for k, v in fields.items() if k in sent or screen.has(k)}
    update = {k: v for k, v in updates.items() if screen.has(k)}
    dropped = sorted((set(fields) - set(kept)) | (set(updates) - set(update)))
    if not dropped:
        return payload
    log.info(
        "not on the create screen; not sent", issue_type=screen.issue_type.name, fields=dropped
    )
    screened = {**payload, "fields": kept}
    if "update" in payload:
        screened["update"] = update
    return screened


def field_of_type(fields: Sequence[Mapping[str, Any]], custom_type: str) -> str | None:
    for field in fields:
        if (field.get("schema") or {}).get("custom") == custom_type:
            return str(field["id"])
    return None


def start_field(fields: Sequence[Mapping[str, Any]], project_id: str) -> str | None:
    """The project's "Start date" field: a start-date custom field, preferring that exact name.

    A team-managed project has fields of its own (scoped to it, Cloud): its start date is the
    one that counts there, and another project's scoped fields never do."""
    candidates = [
        f
        for f in fields
        if (f.get("schema") or {}).get("custom") in START_DATE_TYPES
        and scope_project(f) in (None, project_id)
    ]
    candidates.sort(key=lambda f: scope_project(f) is None)  # the project's own first
    named = [f for f in candidates if str(f.get("name", "")).casefold() == "start date"]
    jpo = [f for f in candidates if f["schema"]["custom"] == START_DATE_TYPES[1]]
    chosen = named or jpo
    return str(chosen[0]["id"]) if chosen else None


def scope_project(field: Mapping[str, Any]) -> str | None:
    """The project a field belongs to (a team-managed project's own field), else None."""
    scope = field.get("scope") or {}
    project = scope.get("project") or {}
    return str(project["id"]) if scope.get("type") == "PROJECT" and "id" in project else None


def screen_field(meta: Mapping[str, Any]) -> ScreenField:
    field_id = str(meta.get("fieldId") or meta.get("key"))
    custom = (meta.get("schema") or {}).get("custom")
    return ScreenField(
        id=field_id,
        name=str(meta.get("name", field_id)),
        required=bool(meta.get("required")),
        has_default=bool(meta.get("hasDefaultValue")),
        custom=str(custom) if custom else None,
    )


def int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
