"""The create screens versus what nivosync sets: checked before the first write.

Jira refuses a whole issue for one field that is not on its issue type's create screen
("Field 'customfield_10015' cannot be set. It is not on the appropriate screen, or unknown."),
and one required field nobody fills. So before creating anything nivosync reads the screens
of what it will create (createmeta, once per issue type and run): a required field it cannot
fill, or a screen without the fields that identify its issues, is invalid input (exit 2,
nothing written); any other planned field the screen lacks is reported and not sent. A field
nivosync could never set is no drift either.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from nivosync.app.payloads import (
    ALWAYS_SENT,
    IDENTITY_FIELDS,
    PlannedField,
    approval_fields,
    epic_fields,
    task_fields,
)
from nivosync.app.site_reads import at_once, refused_is_bad_input
from nivosync.core.approvals import PlannedApproval
from nivosync.core.plan import PlannedTask
from nivosync.core.reconcile import Drift, ReleaseDiff
from nivosync.errors import InvalidInput
from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import CreateScreen, IssueTypeRef, SiteFacts


@dataclass(frozen=True)
class UnsetField:
    """A field nivosync plans to set that an issue type's create screen lacks: not sent."""

    project: str
    issue_type: str
    field: str  # the Jira field id
    what: str  # what nivosync would have kept there
    permission: str | None = None  # the permission the account lacks to set it, if that is why

    def text(self) -> str:
        if self.permission:
            return (
                f"{self.what} ({self.field}): not set on {self.issue_type} issues — this "
                f"account lacks the '{self.permission}' permission in project {self.project}"
            )
        return (
            f"{self.what} ({self.field}): not on the {self.issue_type} create screen of "
            f"project {self.project}"
        )


@dataclass(frozen=True)
class Creation:
    """One issue type nivosync is about to create issues of, with each issue's fields."""

    issue_type: IssueTypeRef
    issues: tuple[tuple[str, tuple[PlannedField, ...]], ...]  # (what it is, its fields)
    implied: frozenset[str] = frozenset()  # sent whatever the screen says (a sub-task's parent)


def creations(
    jira: JiraGateway,
    facts: SiteFacts,
    epic_type: IssueTypeRef | None,
    task_type: IssueTypeRef,
    tasks: Sequence[PlannedTask],
    versions: Collection[str],
    approvals: Sequence[PlannedApproval] = (),
    subtask_type: IssueTypeRef | None = None,
) -> list[Creation]:
    """What a run creates: the epic (None: it exists), `tasks`, with a fix version for
    those whose milestone is in `versions`, and the approvers' sub-tasks."""
    planned = []
    if epic_type is not None:
        planned.append(Creation(epic_type, (("the release epic", epic_fields(facts)),)))
    if tasks:
        issues = tuple(
            (f"task {t.id}", task_fields(jira.flavor, facts, t, t.milestone in versions))
            for t in tasks
        )
        planned.append(Creation(task_type, issues))
    if approvals and subtask_type is not None:
        subtasks = tuple((f"approval of {a.role}", approval_fields(a)) for a in approvals)
        planned.append(Creation(subtask_type, subtasks, frozenset({"parent"})))
    return planned


def check_screens(jira: JiraGateway, planned: Iterable[Creation]) -> list[UnsetField]:
    """Read the create screens of `planned` and compare: InvalidInput names every field and
    screen that stops a create; the planned fields the screens lack are returned."""
    problems: list[str] = []
    unset: dict[tuple[str, str], UnsetField] = {}
    planned = list(planned)
    # The screens are independent reads (each once a run: the gateway keeps them).
    screens = _read_at_once(jira, [c.issue_type for c in planned])
    for creation, screen in zip(planned, screens, strict=True):
        problems += _problems(jira.project_key, screen, creation)
        for _, fields in creation.issues:
            for planned_field in fields:
                if planned_field.id in ALWAYS_SENT | set(IDENTITY_FIELDS) | creation.implied:
                    continue
                if not screen.has(planned_field.id):
                    key = (creation.issue_type.name, planned_field.id)
                    unset.setdefault(
                        key,
                        UnsetField(
                            jira.project_key,
                            creation.issue_type.name,
                            planned_field.id,
                            planned_field.what,
                        ),
                    )
    if problems:
        raise InvalidInput("; ".join(problems))
    return list(unset.values())


def _read_at_once(jira: JiraGateway, types: Sequence[IssueTypeRef]) -> list[CreateScreen]:
    unique = list({t.id: t for t in types}.values())
    screens = at_once([partial(_read, jira, t) for t in unique])
    read = {t.id: screen for t, screen in zip(unique, screens, strict=True)}
    return [read[t.id] for t in types]


def _read(jira: JiraGateway, issue_type: IssueTypeRef) -> CreateScreen:
    with refused_is_bad_input():
        return jira.create_screen(issue_type)


def _problems(project_key: str, screen: CreateScreen, creation: Creation) -> list[str]:
    where = f"the {creation.issue_type.name} create screen of project {project_key}"
    problems = [
        f"{name} ({field_id}) is not on {where}: nivosync cannot create issues without it, "
        "nor find them again (they carry its labels); add it to the screen"
        for field_id, name in IDENTITY_FIELDS.items()
        if not screen.has(field_id)
    ]
    for required in screen.must_fill():
        lacking = [what for what, fields in creation.issues if required.id not in _ids(fields)]
        if not lacking:
            continue
        whom = "" if len(lacking) == len(creation.issues) else f" for {', '.join(lacking)}"
        problems.append(
            f"{required.name} ({required.id}) is required on {where} and nivosync has no value "
            f"for it{whom}: make the field optional or give it a default value in the project's "
            "field configuration, or take it off the screen"
        )
    return problems


def _ids(fields: Iterable[PlannedField]) -> set[str]:
    return {f.id for f in fields}


# --- drift ---------------------------------------------------------------------------------

ScreenOf = Callable[[str], CreateScreen | None]  # an issue type's name → its create screen


def settable_drift(diff: ReleaseDiff, facts: SiteFacts, screen_of: ScreenOf) -> list[Drift]:
    """The diff's drift without fields its issue's screen lacks: nivosync never set those, so
    they are no drift (nor could `--update` set them). A screen is only looked at for drift
    on such a field."""
    kept = []
    for drift in diff.drift:
        field_id = _drift_field(drift, facts)
        issue = diff.epic if drift.task_id is None else diff.existing.get(drift.task_id)
        if field_id in (None, "summary") or issue is None:  # links need no screen
            kept.append(drift)
            continue
        screen = screen_of(issue.issue_type)
        if screen is None or screen.has(field_id):
            kept.append(drift)
    return kept


def _drift_field(drift: Drift, facts: SiteFacts) -> str | None:
    if drift.field == "start":
        return facts.start_field
    if drift.field == "epic":
        return facts.epic_link_field or "parent"  # DC's Epic Link; Cloud's parent
    if drift.field == "link":
        return None  # added with the issue-link API, which needs no screen
    return drift.field  # summary, assignee, duedate


def reading(jira: JiraGateway) -> ScreenOf:
    """Screens read from the site as needed (once each); None where one cannot be read."""

    def screen_of(name: str) -> CreateScreen | None:
        issue_type = jira.facts.issue_type(name) if jira.facts else None
        if issue_type is None:
            return None
        try:
            return jira.create_screen(issue_type)
        except HttpError:
            return None  # no screen to go by: the drift is reported as it is

    return screen_of
