"""Validating an issue payload (``fields``, ``update``, ``properties``) into changes.

Errors are collected per field, worded like Jira's, and raised together as `FieldErrors`.
A field that is not on the issue type's screen (see `screens.py`, trimmed by the caller's
permissions) is refused like an unknown one, on create and on edit; a create must fill the
screen's required fields, in a project where the caller may create issues, and an assignee
must be assignable (hold Assignable User).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from nivosync.sandbox.directory import User, user_by
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.adf import is_adf_document, text_to_adf
from nivosync.sandbox.jira.errors import FieldErrors
from nivosync.sandbox.jira.permissions import CREATE_REFUSED, assignable
from nivosync.sandbox.jira.projects import Project, project_by_key
from nivosync.sandbox.jira.records import find_issue_id
from nivosync.sandbox.jira.screens import OFF_SCREEN, Screen, Screens
from nivosync.sandbox.jira.view import JiraView

MAX_PROPERTY_BYTES = 32768


@dataclass
class LinkAdd:
    type_id: str
    other_id: int
    this_is_source: bool


@dataclass
class IssueChanges:
    project: Project | None = None
    issue_type: catalog.IssueType | None = None
    columns: dict[str, Any] = field(default_factory=dict)
    labels_set: list[str] | None = None
    labels_add: list[str] = field(default_factory=list)
    labels_remove: list[str] = field(default_factory=list)
    fix_version_ids: list[int] | None = None
    links: list[LinkAdd] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    custom: dict[str, str | None] = field(default_factory=dict)  # seeded field → JSON, None = clear


def _ref(value: Any) -> str | None:
    """``{"key": ..}``, ``{"id": ..}`` or ``{"name": ..}`` → the string given."""
    if isinstance(value, dict):
        for name in ("key", "id", "name"):
            if value.get(name) not in (None, ""):
                return str(value[name])
    return None


class PayloadParser:
    """Parses one issue payload; `existing` is the issue row when editing.

    `screened=False` skips the screen (e.g. ``PUT /issue/{key}/assignee``, which needs the
    Assign Issues permission rather than the field on a screen)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        view: JiraView,
        screens: Screens,
        existing: sqlite3.Row | None = None,
        *,
        screened: bool = True,
    ) -> None:
        self.conn = conn
        self.view = view
        self.screens = screens
        self.existing = existing
        self.screened = screened
        self.screen: Screen | None = None
        self.errors: dict[str, str] = {}
        self.changes = IssueChanges()

    def parse(self, body: Any) -> IssueChanges:
        if not isinstance(body, dict):
            raise FieldErrors({}, ["Can not deserialize the issue payload."])
        fields = body.get("fields") or {}
        update = body.get("update") or {}
        if not isinstance(fields, dict) or not isinstance(update, dict):
            raise FieldErrors({}, ["Can not deserialize the issue payload."])
        if self.existing is None:
            self._project(fields.get("project"))
            self._issue_type(fields.get("issuetype"))
        self.screen = self._screen() if self.screened else None
        for name, value in fields.items():
            self._field(name, value)
        for name, operations in update.items():
            self._update(name, operations)
        self._properties(body.get("properties"))
        if self.existing is None:
            self._required_on_create(fields, update)
        elif self.changes.columns.get("parent_id") is not None and "parent" not in self.errors:
            issue_type = catalog.ISSUE_TYPES_BY_ID[self.existing["issue_type_id"]]
            self._check_hierarchy(issue_type, self.changes.columns["parent_id"])
        if self.errors:
            raise FieldErrors(self.errors)
        return self.changes

    # fields ---------------------------------------------------------------------------------

    def _screen(self) -> Screen | None:
        """The screen of the issue being created or edited (None: its project/type is bad)."""
        if self.existing is None:
            project, issue_type = self.changes.project, self.changes.issue_type
        else:
            project = project_by_key(self.conn, str(self.existing["project_id"]))
            issue_type = catalog.ISSUE_TYPES_BY_ID.get(self.existing["issue_type_id"])
        if project is None or issue_type is None:
            return None
        return self.screens.screen(project, issue_type)

    def _on_screen(self, name: str) -> bool:
        if self.screen is None or (self.existing is None and name in ("project", "issuetype")):
            return True
        return self.screen.has(name)

    def _field(self, name: str, value: Any) -> None:
        handler = self._handlers().get(name)
        if handler is None or not self._on_screen(name):
            self.errors[name] = OFF_SCREEN.format(name)
            return
        handler(value)

    def _handlers(self) -> dict[str, Any]:
        handlers: dict[str, Any] = {
            "summary": self._summary,
            "description": self._description,
            "assignee": lambda v: self._user("assignee", v),
            "reporter": lambda v: self._user("reporter", v),
            "priority": self._priority,
            "labels": self._labels,
            "duedate": lambda v: self._date("duedate", "duedate", v),
            "fixVersions": self._fix_versions,
            "parent": self._parent,
        }
        if self.existing is None:
            handlers["project"] = lambda v: None
            handlers["issuetype"] = lambda v: None
        if self.view.cloud:
            # The site's and the team-managed project's start date (each on its own screens).
            for start in (catalog.CLOUD_START_DATE, catalog.TEAM_START_DATE):
                handlers[start] = lambda v, s=start: self._date(s, "start_date", v)
        else:
            handlers[catalog.DC_EPIC_LINK] = self._epic_link
            handlers[catalog.DC_EPIC_NAME] = self._epic_name
        for custom in self.screens.custom:
            handlers[custom.id] = lambda v, f=custom: self._custom(f, v)
        return handlers

    def _project(self, value: Any) -> None:
        ref = _ref(value)
        project = project_by_key(self.conn, ref) if ref else None
        if project is None or "BROWSE_PROJECTS" not in self.screens.held:
            self.errors["project"] = "Specify a valid project ID or key"
        elif "CREATE_ISSUES" not in self.screens.held:  # Jira answers that alone
            raise FieldErrors({"project": CREATE_REFUSED.message})
        else:
            self.changes.project = project

    def _issue_type(self, value: Any) -> None:
        ref = _ref(value)
        if value is None:
            self.errors["issuetype"] = "Specify an issue type"
            return
        project = self.changes.project
        if project is not None:  # only the project's own types (a team-managed one has others)
            issue_type = self.screens.issue_type(project, ref or "")
        else:
            issue_type = catalog.ISSUE_TYPES_BY_ID.get(ref or "")
        if issue_type is None:
            self.errors["issuetype"] = "The issue type selected is invalid."
        self.changes.issue_type = issue_type

    def _summary(self, value: Any) -> None:
        if not isinstance(value, str) or not value.strip():
            self.errors["summary"] = "You must specify a summary of the issue."
        elif len(value) > 255:
            self.errors["summary"] = "Summary must be less than 255 characters."
        elif "\n" in value or "\r" in value:
            self.errors["summary"] = (
                "The summary is invalid because it contains newline characters."
            )
        else:
            self.changes.columns["summary"] = value

    def _description(self, value: Any) -> None:
        if value is None:
            self.changes.columns["description"] = None
        elif self.view.adf:
            if not is_adf_document(value):
                self.errors["description"] = (
                    "Operation value must be an Atlassian Document (see the Atlassian "
                    "Document Format)"
                )
            else:
                self.changes.columns["description"] = json.dumps(value)
        elif not isinstance(value, str):
            self.errors["description"] = "Operation value must be a string"
        elif self.view.cloud:
            self.changes.columns["description"] = json.dumps(text_to_adf(value))
        else:
            self.changes.columns["description"] = json.dumps(value)

    def _user(self, name: str, value: Any) -> None:
        column = f"{name}_id"
        if value is None:
            self.changes.columns[column] = None
            return
        user = self._find_user(value)
        if isinstance(user, User) and name == "assignee" and not self._assignable(user):
            who = user.account_id if self.view.cloud else user.username
            self.errors[name] = f"User '{who}' cannot be assigned issues."
        elif isinstance(user, User):
            self.changes.columns[column] = user.id
        elif user is None:
            self.changes.columns[column] = None
        else:
            self.errors[name] = user

    def _assignable(self, user: User) -> bool:
        return assignable(self.screens.seed, user.email)

    def _find_user(self, value: Any) -> User | str | None:
        """The user, None for "unassigned", or an error message."""
        if not isinstance(value, dict):
            return f"Could not find user for {name_of(value)}"
        if self.view.cloud:
            ident = value.get("accountId", value.get("id"))
            if ident is None:
                return None
            user = user_by(self.conn, "account_id", str(ident))
            return user or f"Specify a valid value for {ident}"
        ident = value.get("name")
        if ident is None:
            return None if "name" in value else "Specify a valid user name"
        user = user_by(self.conn, "username", str(ident))
        return user or f"User '{ident}' does not exist."

    def _priority(self, value: Any) -> None:
        ref = _ref(value)
        priority = next((p for p in catalog.PRIORITIES if ref in (p.id, p.name)), None)
        if priority is None:
            self.errors["priority"] = "Specify the Priority (id or name) in the valid format"
        else:
            self.changes.columns["priority_id"] = priority.id

    def _labels(self, value: Any) -> None:
        labels = self._valid_labels(value)
        if labels is not None:
            self.changes.labels_set = labels

    def _valid_labels(self, value: Any) -> list[str] | None:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.errors["labels"] = "Operation value must be a string"
            return None
        for label in value:
            if " " in label or not label:
                self.errors["labels"] = f"The label '{label}' contains spaces which is invalid."
                return None
            if len(label) > 255:
                self.errors["labels"] = "The label must not exceed 255 characters."
                return None
        return list(dict.fromkeys(value))

    def _date(self, name: str, column: str, value: Any) -> None:
        if value in (None, ""):
            self.changes.columns[column] = None
            return
        try:
            self.changes.columns[column] = date.fromisoformat(str(value)).isoformat()
        except ValueError:
            self.errors[name] = f"Error parsing date string: {value}"

    def _fix_versions(self, value: Any) -> None:
        if value is None:
            self.changes.fix_version_ids = []
            return
        project_id = self._project_id()
        ids: list[int] = []
        for item in value if isinstance(value, list) else [value]:
            row = self._version_row(item, project_id)
            if isinstance(row, str):
                self.errors["fixVersions"] = row
                return
            ids.append(row)
        self.changes.fix_version_ids = ids

    def _version_row(self, item: Any, project_id: int | None) -> int | str:
        if isinstance(item, dict) and item.get("id") is not None:
            row = self.conn.execute(
                "SELECT id FROM jira_versions WHERE id = ? AND project_id = ?",
                (str(item["id"]), project_id),
            ).fetchone()
            return int(row[0]) if row else f"Version id '{item['id']}' is not valid"
        name = item.get("name") if isinstance(item, dict) else None
        row = self.conn.execute(
            "SELECT id FROM jira_versions WHERE name = ? AND project_id = ?", (name, project_id)
        ).fetchone()
        return int(row[0]) if row else f"Version name '{name}' is not valid"

    def _project_id(self) -> int | None:
        if self.existing is not None:
            return int(self.existing["project_id"])
        return self.changes.project.id if self.changes.project else None

    def _issue_row(self, ref: str | None) -> sqlite3.Row | None:
        issue_id = find_issue_id(self.conn, ref) if ref else None
        if issue_id is None:
            return None
        return self.conn.execute("SELECT * FROM jira_issues WHERE id = ?", (issue_id,)).fetchone()

    def _parent(self, value: Any) -> None:
        if value is None:
            self.changes.columns["parent_id"] = None
            return
        parent = self._issue_row(_ref(value))
        if parent is None:
            self.errors["parent"] = "Could not find issue by id or key."
            return
        self.changes.columns["parent_id"] = parent["id"]

    def _epic_link(self, value: Any) -> None:
        if value in (None, ""):
            self.changes.columns["epic_id"] = None
            return
        epic = self._issue_row(str(value))
        if epic is None or epic["issue_type_id"] != "10000":
            self.errors[catalog.DC_EPIC_LINK] = (
                f"The issue key '{value}' for field 'Epic Link' is invalid."
            )
            return
        self.changes.columns["epic_id"] = epic["id"]

    def _epic_name(self, value: Any) -> None:
        if value is not None and not isinstance(value, str):
            self.errors[catalog.DC_EPIC_NAME] = "Operation value must be a string"
        else:
            self.changes.columns["epic_name"] = value or None

    def _custom(self, definition: catalog.FieldDef, value: Any) -> None:
        """A seeded text, number or date field."""
        kind = (definition.schema or {}).get("type")
        if value in (None, ""):
            self.changes.custom[definition.id] = None
        elif kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            self.errors[definition.id] = "Operation value must be a number"
        elif kind == "string" and not isinstance(value, str):
            self.errors[definition.id] = "Operation value must be a string"
        elif kind == "date" and not _is_date(value):
            self.errors[definition.id] = f"Error parsing date string: {value}"
        else:
            self.changes.custom[definition.id] = json.dumps(value)

    # update ---------------------------------------------------------------------------------

    def _update(self, name: str, operations: Any) -> None:
        if not isinstance(operations, list):
            self.errors[name] = "Operation value must be a list of operations"
            return
        if name in ("labels", "issuelinks") and not self._on_screen(name):
            self.errors[name] = OFF_SCREEN.format(name)
        elif name == "labels":
            self._label_operations(operations)
        elif name == "issuelinks":
            for operation in operations:
                self._link_operation(operation)
        else:
            self._field_operations(name, operations)

    def _field_operations(self, name: str, operations: list[Any]) -> None:
        for operation in operations:
            if isinstance(operation, dict) and set(operation) == {"set"}:
                self._field(name, operation["set"])
            else:
                self.errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate screen, or "
                    "unknown."
                )

    def _label_operations(self, operations: list[Any]) -> None:
        for operation in operations:
            if not isinstance(operation, dict) or len(operation) != 1:
                self.errors["labels"] = "Operation value must be a string"
                return
            verb, value = next(iter(operation.items()))
            if verb == "set":
                self._labels(value)
                continue
            labels = self._valid_labels([value])
            if labels is None:
                return
            if verb == "add":
                self.changes.labels_add += labels
            elif verb == "remove":
                self.changes.labels_remove += labels
            else:
                self.errors["labels"] = f"Unsupported operation '{verb}'."

    def _link_operation(self, operation: Any) -> None:
        add = operation.get("add") if isinstance(operation, dict) else None
        if not isinstance(add, dict):
            self.errors["issuelinks"] = "Operation value must be an object with 'add'."
            return
        type_ref = _ref(add.get("type"))
        link_type = next((t for t in catalog.LINK_TYPES if type_ref in (t.id, t.name)), None)
        if link_type is None:
            self.errors["issuelinks"] = f"No issue link type with name '{type_ref}' found."
            return
        outward, inward = add.get("outwardIssue"), add.get("inwardIssue")
        other = self._issue_row(_ref(outward if outward is not None else inward))
        if other is None:
            self.errors["issuelinks"] = (
                "Issue does not exist or you do not have permission to see it."
            )
            return
        self.changes.links.append(LinkAdd(link_type.id, other["id"], outward is not None))

    # properties and create rules ----------------------------------------------------------

    def _properties(self, value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, list):
            self.errors["properties"] = "Properties must be a list of {key, value} objects."
            return
        for item in value:
            key = item.get("key") if isinstance(item, dict) else None
            if not isinstance(key, str) or not key or len(key) > 255:
                self.errors["properties"] = "The property key must be between 1 and 255 characters."
                return
            encoded = json.dumps(item.get("value"))
            if len(encoded.encode()) > MAX_PROPERTY_BYTES:
                self.errors["properties"] = (
                    f"The property '{key}' exceeds the maximum size of 32768 bytes."
                )
                return
            self.changes.properties[key] = encoded

    def _required_on_create(self, fields: dict[str, Any], update: dict[str, Any]) -> None:
        issue_type = self.changes.issue_type
        if "summary" not in self.errors and not fields.get("summary"):
            self.errors["summary"] = "You must specify a summary of the issue."
        if issue_type is None:
            return
        parent_id = self.changes.columns.get("parent_id")
        if issue_type.subtask and parent_id is None and "parent" not in self.errors:
            self.errors["issuetype"] = (
                "Issue type is a sub-task but parent issue key or id not specified."
            )
        for required in self.screen.must_fill() if self.screen else ():
            given = fields.get(required.id) not in (None, "", []) or update.get(required.id)
            if required.id not in (*_IDENTITY, *self.errors) and not given:
                # Jira's words, e.g. "Epic Name is required." (DC epics need theirs)
                self.errors[required.id] = f"{required.field.name} is required."
        if parent_id is not None:
            self._check_hierarchy(issue_type, parent_id)

    def _check_hierarchy(self, issue_type: catalog.IssueType, parent_id: int) -> None:
        parent = self.conn.execute(
            "SELECT issue_type_id FROM jira_issues WHERE id = ?", (parent_id,)
        ).fetchone()
        parent_level = catalog.ISSUE_TYPES_BY_ID[parent["issue_type_id"]].hierarchy_level
        if not self.view.cloud and not issue_type.subtask:
            self.errors["parent"] = "Only sub-tasks can have a parent; use the Epic Link field."
        elif parent_level != issue_type.hierarchy_level + 1:
            self.errors["parent"] = (
                "Given parent work item does not belong to appropriate hierarchy."
            )


# Checked above, in Jira's own words (a sub-task's missing parent: "Issue type is a sub-task …").
_IDENTITY = ("summary", "issuetype", "project", "parent")


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def name_of(value: Any) -> str:
    return json.dumps(value)
