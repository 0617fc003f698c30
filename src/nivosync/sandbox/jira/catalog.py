"""Jira's fixed configuration: issue types, workflow, priorities, link types, fields.

These mirror a freshly created company-managed software project with the default
"simplified" workflow (To Do → In Progress → Done, every transition global), and (Cloud) a
team-managed one: issue types and a start-date field of its own, scoped to the project.
"""

from __future__ import annotations

from dataclasses import dataclass

from nivosync.sandbox.seed import Flavor


@dataclass(frozen=True)
class IssueType:
    id: str
    name: str
    description: str
    subtask: bool
    hierarchy_level: int
    avatar_id: int
    scoped: bool = False  # a team-managed project's own type (Cloud: "scope": PROJECT)

    @property
    def entity_id(self) -> str:
        """The UUID Cloud gives a team-managed project's issue type (stable per id here)."""
        return f"00000000-0000-4000-8000-{int(self.id):012d}"


ISSUE_TYPES = (
    IssueType("10000", "Epic", "A big user story that needs to be broken down.", False, 1, 10307),
    IssueType("10001", "Task", "A small, distinct piece of work.", False, 0, 10318),
    IssueType(
        "10002", "Sub-task", "A small piece of work that's part of a larger task.", True, -1, 10316
    ),
    IssueType(
        "10003", "Story", "Functionality or a feature expressed as a user goal.", False, 0, 10315
    ),
    IssueType("10004", "Bug", "A problem or error.", False, 0, 10303),
    IssueType(
        "10005",
        "Improvement",
        "An improvement or enhancement to an existing feature.",
        False,
        0,
        10310,
    ),
    IssueType(
        "10006",
        "New Feature",
        "A new feature of the product, which has yet to be developed.",
        False,
        0,
        10311,
    ),
)
# A team-managed project's types (what Jira Cloud gives a new "Scrum"/"Kanban" one).
TEAM_ISSUE_TYPES = (
    IssueType(
        "10100",
        "Epic",
        "Epics track collections of related bugs, stories, and tasks.",
        False,
        1,
        10307,
        scoped=True,
    ),
    IssueType(
        "10101", "Task", "Tasks track small, distinct pieces of work.", False, 0, 10318, True
    ),
    IssueType(
        "10102",
        "Subtask",
        "Subtasks track small pieces of work that are part of a larger task.",
        True,
        -1,
        10316,
        scoped=True,
    ),
)
# Issues of every kind of project are looked up by their type's id.
ISSUE_TYPES_BY_ID = {t.id: t for t in (*ISSUE_TYPES, *TEAM_ISSUE_TYPES)}
ISSUE_TYPES_BY_NAME = {t.name.lower(): t for t in ISSUE_TYPES}


def issue_types_named(name: str) -> tuple[IssueType, ...]:
    """Every issue type called `name` (JQL's ``issuetype = Epic`` means all of them)."""
    return tuple(t for t in ISSUE_TYPES_BY_ID.values() if t.name.lower() == name.lower())


@dataclass(frozen=True)
class StatusCategory:
    id: int
    key: str
    name: str
    color: str


CATEGORY_NEW = StatusCategory(2, "new", "To Do", "blue-gray")
CATEGORY_INDETERMINATE = StatusCategory(4, "indeterminate", "In Progress", "yellow")
CATEGORY_DONE = StatusCategory(3, "done", "Done", "green")
STATUS_CATEGORIES = (CATEGORY_NEW, CATEGORY_INDETERMINATE, CATEGORY_DONE)


@dataclass(frozen=True)
class Status:
    id: str
    name: str
    category: StatusCategory
    transition_id: str


STATUSES = (
    Status("10000", "To Do", CATEGORY_NEW, "11"),
    Status("3", "In Progress", CATEGORY_INDETERMINATE, "21"),
    Status("10001", "Done", CATEGORY_DONE, "31"),
)
STATUSES_BY_ID = {s.id: s for s in STATUSES}
STATUSES_BY_NAME = {s.name.lower(): s for s in STATUSES}
INITIAL_STATUS = STATUSES[0]


@dataclass(frozen=True)
class Priority:
    id: str
    name: str


PRIORITIES = (
    Priority("1", "Highest"),
    Priority("2", "High"),
    Priority("3", "Medium"),
    Priority("4", "Low"),
    Priority("5", "Lowest"),
)
DEFAULT_PRIORITY = PRIORITIES[2]

RESOLUTION_DONE = {"id": "10000", "name": "Done", "description": "Work has been completed."}


@dataclass(frozen=True)
class Resolution:
    id: str
    name: str
    description: str


# A new site's resolutions: Cloud's four; Data Center's classic five plus Done and Won't Do.
CLOUD_RESOLUTIONS = (
    Resolution("10000", "Done", "Work has been completed."),
    Resolution("10001", "Won't Do", "This will not be worked on."),
    Resolution("10002", "Duplicate", "The problem is a duplicate of an existing issue."),
    Resolution("10003", "Cannot Reproduce", "This is not reproducible."),
)
DC_RESOLUTIONS = (
    Resolution("1", "Fixed", "A fix for this issue is checked into the tree and tested."),
    Resolution("2", "Won't Fix", "The problem described is an issue which will never be fixed."),
    Resolution("3", "Duplicate", "The problem is a duplicate of an existing issue."),
    Resolution("4", "Incomplete", "The problem is not completely described."),
    Resolution("5", "Cannot Reproduce", "All attempts at reproducing this issue failed."),
    Resolution("10000", "Done", "Work has been completed."),
    Resolution("10001", "Won't Do", "This will not be worked on."),
)


def resolutions_for(flavor: Flavor) -> tuple[Resolution, ...]:
    return CLOUD_RESOLUTIONS if flavor == "cloud" else DC_RESOLUTIONS


def resolution_by(flavor: Flavor, ref: str) -> Resolution | None:
    """The resolution with id or name `ref` (names case-insensitively)."""
    found = resolutions_for(flavor)
    return next((r for r in found if r.id == ref), None) or next(
        (r for r in found if r.name.casefold() == ref.casefold()), None
    )


@dataclass(frozen=True)
class LinkType:
    id: str
    name: str
    inward: str
    outward: str


LINK_TYPES = (
    LinkType("10000", "Blocks", "is blocked by", "blocks"),
    LinkType("10001", "Cloners", "is cloned by", "clones"),
    LinkType("10002", "Duplicate", "is duplicated by", "duplicates"),
    LinkType("10003", "Relates", "relates to", "relates to"),
)

# Custom fields, discoverable by their schema's custom type like on a real site.
CLOUD_START_DATE = "customfield_10015"
TEAM_START_DATE = "customfield_10300"  # the team-managed project's own "Start date"
DC_EPIC_LINK = "customfield_10100"
DC_EPIC_NAME = "customfield_10102"


@dataclass(frozen=True)
class FieldDef:
    id: str
    name: str
    schema: dict[str, object] | None
    clause_names: tuple[str, ...]
    navigable: bool = True
    orderable: bool = True
    searchable: bool = True
    scoped: bool = False  # belongs to the team-managed project (Cloud: "scope": PROJECT)

    @property
    def custom(self) -> bool:
        return self.id.startswith("customfield_")


def _system(
    field_id: str,
    name: str,
    type_: str,
    items: str | None = None,
    *,
    clause: str | None = None,
    orderable: bool = True,
) -> FieldDef:
    schema: dict[str, object] = {"type": type_, "system": field_id}
    if items:
        schema = {"type": type_, "items": items, "system": field_id}
    return FieldDef(field_id, name, schema, (clause or field_id,), orderable=orderable)


def _custom(number: int, name: str, type_: str, custom: str) -> FieldDef:
    schema = {"type": type_, "custom": custom, "customId": number}
    return FieldDef(f"customfield_{number}", name, schema, (f"cf[{number}]", name))


_COMMON_FIELDS = (
    _system("summary", "Summary", "string"),
    _system("description", "Description", "string"),
    _system("issuetype", "Issue Type", "issuetype", clause="issuetype"),
    _system("project", "Project", "project"),
    _system("status", "Status", "status", orderable=False),
    _system("priority", "Priority", "priority"),
    _system("assignee", "Assignee", "user"),
    _system("reporter", "Reporter", "user"),
    _system("creator", "Creator", "user", orderable=False),
    _system("labels", "Labels", "array", "string"),
    _system("duedate", "Due date", "date"),
    _system("fixVersions", "Fix versions", "array", "version", clause="fixVersion"),
    _system("issuelinks", "Linked Issues", "array", "issuelinks", clause="issueLink"),
    _system("subtasks", "Sub-tasks", "array", "issuelinks", clause="subtasks", orderable=False),
    _system("watches", "Watchers", "watches", clause="watchers", orderable=False),
    _system("resolution", "Resolution", "resolution"),
    _system("resolutiondate", "Resolved", "datetime", clause="resolved", orderable=False),
    _system("created", "Created", "datetime", orderable=False),
    _system("updated", "Updated", "datetime", orderable=False),
    _system(
        "statuscategorychangedate",
        "Status Category Changed",
        "datetime",
        clause="statusCategoryChangedDate",
        orderable=False,
    ),
)

CLOUD_FIELDS = (
    *_COMMON_FIELDS,
    _system("parent", "Parent", "issuelink"),
    _custom(
        10015, "Start date", "date", "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"
    ),
)

DC_FIELDS = (
    *_COMMON_FIELDS,
    _system("parent", "Parent", "issuelink"),
    _custom(10100, "Epic Link", "any", "com.pyxis.greenhopper.jira:gh-epic-link"),
    _custom(10102, "Epic Name", "string", "com.pyxis.greenhopper.jira:gh-epic-label"),
)


DATEPICKER = "com.atlassian.jira.plugin.system.customfieldtypes:datepicker"
TEAM_START_FIELD = FieldDef(
    TEAM_START_DATE,
    "Start date",
    {"type": "date", "custom": DATEPICKER, "customId": 10300},
    ("cf[10300]", "Start date[Date]"),
    scoped=True,
)


def fields_for(flavor: Flavor) -> tuple[FieldDef, ...]:
    return CLOUD_FIELDS if flavor == "cloud" else DC_FIELDS
