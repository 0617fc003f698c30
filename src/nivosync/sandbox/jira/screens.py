"""Screens: which fields each project's issue types take, and which a create must fill.

Like a project whose screen scheme uses one screen for create and edit: a field that is not
on an issue type's screen is refused on both, with Jira's own message. By default every screen
holds every field the sandbox can set; the seed's `screens` take fields off or make them
required, for the seed's project. A team-managed (Cloud) project has its own issue types and
its own start-date field instead of the site's.

Screens also depend on the caller's permissions, as in Jira: without Assign Issues the screen
has no Assignee, without Schedule Issues no Due date, without Resolve Issues no Fix versions,
without Link Issues no Linked issues (`permissions.FIELD_PERMISSIONS`). Create metadata and
create/edit validation both read the screens from here (`Screens.of(ctx)`).
"""

from __future__ import annotations

from dataclasses import dataclass

from nivosync.sandbox.context import RequestContext
from nivosync.sandbox.jira import catalog
from nivosync.sandbox.jira.permissions import FIELD_PERMISSIONS
from nivosync.sandbox.jira.projects import Project
from nivosync.sandbox.seed import (
    FIRST_SEEDED_FIELD,
    JIRA_PERMISSIONS,
    FieldSeed,
    ScreenSeed,
    SiteSeed,
)

OFF_SCREEN = "Field '{}' cannot be set. It is not on the appropriate screen, or unknown."

# Fields every create and edit screen of the sandbox holds (in Jira's createmeta order).
_COMMON_IDS = (
    "summary",
    "issuetype",
    "project",
    "description",
    "reporter",
    "assignee",
    "priority",
    "labels",
    "duedate",
    "fixVersions",
    "issuelinks",
    "parent",
)
_ALWAYS_ON = frozenset({"summary", "issuetype", "project"})  # no screen goes without them
# Required on every screen; Jira fills in the reporter (the caller) when a create leaves it out.
_REQUIRED = frozenset({"summary", "issuetype", "project", "reporter"})
_DEFAULTED = frozenset({"reporter", "priority"})

_CUSTOM_TYPES = {
    "string": "com.atlassian.jira.plugin.system.customfieldtypes:textfield",
    "number": "com.atlassian.jira.plugin.system.customfieldtypes:float",
    "date": catalog.DATEPICKER,
}


def seeded_field(number: int, seeded: FieldSeed) -> catalog.FieldDef:
    schema = {"type": seeded.type, "custom": _CUSTOM_TYPES[seeded.type], "customId": number}
    return catalog.FieldDef(
        f"customfield_{number}", seeded.name, schema, (f"cf[{number}]", seeded.name)
    )


@dataclass(frozen=True)
class ScreenField:
    field: catalog.FieldDef
    required: bool
    has_default: bool

    @property
    def id(self) -> str:
        return self.field.id


@dataclass(frozen=True)
class Screen:
    project: Project
    issue_type: catalog.IssueType
    fields: tuple[ScreenField, ...]

    def has(self, field_id: str) -> bool:
        return any(f.id == field_id for f in self.fields)

    def must_fill(self) -> tuple[ScreenField, ...]:
        """Required fields Jira does not fill itself."""
        return tuple(f for f in self.fields if f.required and not f.has_default)


class Screens:
    """The seed's view of projects: their style, issue types, fields and screens.

    `held`: the permissions of whoever the screens are for (default: every one, e.g. for
    site-wide listings that no permission trims)."""

    def __init__(self, seed: SiteSeed, held: frozenset[str] = frozenset(JIRA_PERMISSIONS)) -> None:
        self.seed = seed
        self.held = held
        self.custom = tuple(
            seeded_field(number, f)
            for number, f in enumerate(seed.custom_fields, start=FIRST_SEEDED_FIELD)
        )

    @classmethod
    def of(cls, ctx: RequestContext) -> Screens:
        """The screens as the caller sees them (trimmed by their permissions)."""
        return cls(ctx.seed, ctx.project_permissions)

    def team_managed(self, project: Project) -> bool:
        return self.seed.team_managed and project.key.upper() == self.seed.project_key.upper()

    def site_fields(self) -> tuple[catalog.FieldDef, ...]:
        """What ``GET /field`` lists: the flavour's fields, the team project's, the seed's."""
        team = (catalog.TEAM_START_FIELD,) if self.seed.team_managed else ()
        return (*catalog.fields_for(self.seed.flavor), *team, *self.custom)

    def issue_types(self, project: Project) -> tuple[catalog.IssueType, ...]:
        return catalog.TEAM_ISSUE_TYPES if self.team_managed(project) else catalog.ISSUE_TYPES

    def issue_type(self, project: Project, ref: str) -> catalog.IssueType | None:
        """The project's issue type with id (or name) `ref`."""
        types = self.issue_types(project)
        return next((t for t in types if t.id == ref), None) or next(
            (t for t in types if t.name.lower() == ref.lower()), None
        )

    def screen(self, project: Project, issue_type: catalog.IssueType) -> Screen:
        known = {f.id: f for f in self.site_fields()}
        ids = [*_COMMON_IDS, *self._flavour_ids(project), *(f.id for f in self.custom)]
        ids = [i for i in ids if self._permitted(i)]
        required = set(_REQUIRED)
        if self.seed.flavor == "datacenter" and issue_type.name == "Epic":
            required.add(catalog.DC_EPIC_NAME)  # Jira Software's epics need their Epic Name
        if issue_type.subtask:
            required.add("parent")  # no sub-task without the issue it belongs to
        tailored = self._seeded(project, issue_type)
        if tailored is not None:
            hidden = self._ids(tailored.hidden, known) - _ALWAYS_ON
            ids = [i for i in ids if i not in hidden]
            required |= self._ids(tailored.required, known) & set(ids)
        return Screen(
            project,
            issue_type,
            tuple(
                ScreenField(known[i], required=i in required, has_default=i in _DEFAULTED)
                for i in ids
            ),
        )

    def _permitted(self, field_id: str) -> bool:
        needed = FIELD_PERMISSIONS.get(field_id)
        return needed is None or needed in self.held

    def _flavour_ids(self, project: Project) -> tuple[str, ...]:
        if self.seed.flavor == "datacenter":
            return (catalog.DC_EPIC_LINK, catalog.DC_EPIC_NAME)
        return (
            catalog.TEAM_START_DATE if self.team_managed(project) else catalog.CLOUD_START_DATE,
        )

    def _seeded(self, project: Project, issue_type: catalog.IssueType) -> ScreenSeed | None:
        if project.key.upper() != self.seed.project_key.upper():
            return None
        wanted = issue_type.name.lower()
        return next((s for s in self.seed.screens if s.issue_type.lower() == wanted), None)

    @staticmethod
    def _ids(names: tuple[str, ...], known: dict[str, catalog.FieldDef]) -> set[str]:
        """Field ids for ids or names; names the site does not have are ignored."""
        found: set[str] = set()
        for name in names:
            found.update(
                f.id for f in known.values() if name.lower() in (f.id.lower(), f.name.lower())
            )
        return found
