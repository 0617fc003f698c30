"""Rendering issues as Jira does, with ``fields``/``properties``/``expand`` selections."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.adf import adf_to_text
from nivosync.sandbox.jira.changelog import changelog_json
from nivosync.sandbox.jira.records import IssueRecord, Loaded
from nivosync.sandbox.jira.versions import version_json
from nivosync.sandbox.jira.view import JiraView

ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"


@dataclass(frozen=True)
class FieldSelection:
    """A parsed ``fields`` parameter: ``*all``, ``*navigable``, names, ``-name`` exclusions."""

    everything: bool
    include: frozenset[str]
    exclude: frozenset[str]

    @classmethod
    def parse(cls, values: Iterable[str] | None, default: str = "*all") -> FieldSelection:
        tokens = [t.strip() for v in (values or [default]) for t in str(v).split(",")]
        tokens = [t for t in tokens if t] or ([default] if values is None else [])
        everything = any(t in ("*all", "*navigable") for t in tokens)
        include = frozenset(t for t in tokens if not t.startswith(("-", "*")))
        exclude = frozenset(t[1:] for t in tokens if t.startswith("-"))
        return cls(everything, include, exclude)

    def wants(self, field_id: str) -> bool:
        if field_id in self.exclude:
            return False
        return self.everything or field_id in self.include


def parse_list_param(values: Iterable[str] | None) -> list[str]:
    return [t.strip() for v in values or () for t in str(v).split(",") if t.strip()]


class IssueRenderer:
    """Issues as one request shows them; `search`: in search results (whose changelog
    expansion differs from GET issue's on Cloud)."""

    def __init__(
        self, view: JiraView, loaded: Loaded, selection: FieldSelection, search: bool = False
    ) -> None:
        self.view = view
        self.loaded = loaded
        self.selection = selection
        self.search = search
        known = (*catalog.fields_for(view.flavor), catalog.TEAM_START_FIELD)
        self.fields = {f.id: f for f in known}

    def issue(
        self, rec: IssueRecord, expand: Iterable[str] = (), with_properties: bool = False
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "expand": ISSUE_EXPAND,
            "id": str(rec.id),
            "self": self.view.url(f"issue/{rec.id}"),
            "key": rec.key,
        }
        values = self._field_values(rec)
        chosen = {k: v for k, v in values.items() if self.selection.wants(k)}
        if chosen or self.selection.everything or self.selection.include - {"id", "key"}:
            body["fields"] = chosen
        expand = set(expand)
        if "names" in expand:
            body["names"] = {k: self.fields[k].name for k in chosen if k in self.fields}
        if "schema" in expand:
            body["schema"] = {
                k: self.fields[k].schema
                for k in chosen
                if k in self.fields and self.fields[k].schema
            }
        if with_properties:
            body["properties"] = rec.properties
        if "changelog" in expand:
            body["changelog"] = changelog_json(
                self.view, rec.histories, self.loaded.users, self.search
            )
        return body

    def _field_values(self, rec: IssueRecord) -> dict[str, Any]:
        row, view, users = rec.row, self.view, self.loaded.users
        status = catalog.STATUSES_BY_ID[row["status_id"]]
        issue_type = catalog.ISSUE_TYPES_BY_ID[row["issue_type_id"]]
        priority = next(p for p in catalog.PRIORITIES if p.id == row["priority_id"])
        # Only a team-managed project has its own (scoped) issue types.
        team = issue_type.scoped
        values: dict[str, Any] = {
            "summary": row["summary"],
            "description": self._description(row["description"]),
            "issuetype": view.issue_type(issue_type, row["project_id"]),
            "project": view.project_ref(row["project_id"], rec.project_key, rec.project_name, team),
            "status": view.status(status),
            "statusCategory": view.status_category(status.category),
            "priority": view.priority(priority),
            "assignee": view.user(users.get(row["assignee_id"])),
            "reporter": view.user(users.get(row["reporter_id"])),
            "creator": view.user(users.get(row["creator_id"])),
            "labels": rec.labels,
            "duedate": row["duedate"],
            "fixVersions": [version_json(view, v) for v in rec.fix_versions],
            "issuelinks": [self._link(rec, link) for link in rec.links],
            "subtasks": [self._issue_ref(r) for r in rec.subtasks],
            "watches": {
                "self": view.url(f"issue/{rec.key}/watchers"),
                "watchCount": len(rec.watcher_ids),
                "isWatching": False,
            },
            "resolution": view.resolution(row["resolution_id"]),
            "resolutiondate": row["resolutiondate"],
            "created": row["created"],
            "updated": row["updated"],
            "statuscategorychangedate": row["status_changed"],
        }
        parent = self.loaded.related.get(row["parent_id"]) if row["parent_id"] else None
        if parent is not None:
            values["parent"] = self._issue_ref(parent)
        if view.cloud:
            start = catalog.TEAM_START_DATE if team else catalog.CLOUD_START_DATE
            values[start] = row["start_date"]
        else:
            epic = self.loaded.related.get(row["epic_id"]) if row["epic_id"] else None
            values[catalog.DC_EPIC_LINK] = epic["key"] if epic is not None else None
            values[catalog.DC_EPIC_NAME] = row["epic_name"]
        values.update(rec.custom_values)
        return values

    def _description(self, stored: str | None) -> Any:
        if stored is None:
            return None
        value = json.loads(stored)
        if self.view.adf or not isinstance(value, dict):
            return value
        return adf_to_text(value)

    def _issue_ref(self, row: sqlite3.Row) -> dict[str, Any]:
        view = self.view
        status = catalog.STATUSES_BY_ID[row["status_id"]]
        priority = next(p for p in catalog.PRIORITIES if p.id == row["priority_id"])
        return {
            "id": str(row["id"]),
            "key": row["key"],
            "self": view.url(f"issue/{row['id']}"),
            "fields": {
                "summary": row["summary"],
                "status": view.status(status),
                "priority": view.priority(priority),
                "issuetype": view.issue_type(
                    catalog.ISSUE_TYPES_BY_ID[row["issue_type_id"]], row["project_id"]
                ),
            },
        }

    def _link(self, rec: IssueRecord, link: sqlite3.Row) -> dict[str, Any]:
        link_type = next(t for t in catalog.LINK_TYPES if t.id == link["type_id"])
        body: dict[str, Any] = {
            "id": str(link["id"]),
            "self": self.view.url(f"issueLink/{link['id']}"),
            "type": self.view.link_type(link_type),
        }
        if link["source_id"] == rec.id:
            body["outwardIssue"] = self._issue_ref(self.loaded.related[link["dest_id"]])
        else:
            body["inwardIssue"] = self._issue_ref(self.loaded.related[link["source_id"]])
        return body
