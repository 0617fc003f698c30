"""What the site must provide before nivosync writes anything: the project, its issue types
and fields (`resolve`), the people (`find_people`) and the create screens of what a run
creates (see `screening`). Any gap is InvalidInput: exit 2, nothing written."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial

from nivosync.app.permissions import (
    FIELD_PERMISSION,
    WATCHERS,
    Held,
    need_named,
    needs,
    require_permissions,
)
from nivosync.app.screening import ScreenOf, UnsetField, check_screens, creations, reading
from nivosync.app.site_reads import at_once, refused_is_bad_input
from nivosync.core.approvals import PlannedApproval, planned_approvals
from nivosync.core.plan import Plan, PlannedTask
from nivosync.errors import InvalidInput, NivosyncError
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueTypeRef, JiraUser, SiteFacts


@dataclass
class Resolved:
    """What the site must provide before nivosync writes anything."""

    facts: SiteFacts
    epic_type: IssueTypeRef
    task_type: IssueTypeRef
    # the project's sub-task type, of the approvers' sub-tasks (None: the project has none)
    subtask_type: IssueTypeRef | None = None
    # configured person → Jira user ref; filled in by `find_people` (looked up, or remembered
    # on the release's epic from an earlier run)
    refs: dict[str, str] = field(default_factory=dict)
    looked_up: set[str] = field(default_factory=set)  # persons checked on the site this run
    versions: dict[str, str] = field(default_factory=dict)  # milestone id → Jira version id
    # an issue type's name → its create screen, read from the site once and only when needed
    screen_of: ScreenOf = field(default=lambda _name: None, compare=False)
    unset: list[UnsetField] = field(default_factory=list)  # planned fields off the screens
    held: Held | None = None  # the account's permissions, read before the first write
    # person → their assignable user, looked up ahead (`prefetch`), for `find_people` to use
    prefetched: dict[str, JiraUser | None] = field(default_factory=dict, compare=False)


def resolve(jira: JiraGateway, issue_type: str) -> Resolved:
    """Check the project, issue types and fields; InvalidInput lists every gap.

    People are checked by `find_people` once the release's epic has been read."""
    with refused_is_bad_input():
        facts = jira.site_facts(create_type=issue_type)
    problems = []
    types = ", ".join(t.name for t in facts.issue_types) or "none"
    epic_type = facts.epic_type()
    task_type = facts.issue_type(issue_type)
    if epic_type is None:
        problems.append(
            f"project {facts.project_key} has no epic issue type (hierarchy level 1, or named "
            f"Epic; it has: {types})"
        )
    if task_type is None:
        problems.append(
            f"jira.issue_type '{issue_type}' is not an issue type of project "
            f"{facts.project_key} (it has: {types})"
        )
    if not jira.flavor.cloud and not (facts.epic_link_field and facts.epic_name_field):
        problems.append(
            "this Jira has no 'Epic Link' / 'Epic Name' fields: nivosync needs Jira Software "
            "to link tasks to the release epic"
        )
    if problems:
        raise InvalidInput("; ".join(problems), [])
    assert epic_type is not None and task_type is not None
    subtasks = facts.subtask_type()
    return Resolved(facts, epic_type, task_type, subtasks, screen_of=reading(jira))


def roles_of(plan: Plan) -> dict[str, list[str]]:
    """Every person the plan's tasks and approval sub-tasks name → the roles they play."""
    approvers = {a.role for a in planned_approvals(plan)}
    roles: dict[str, list[str]] = {}
    for role in plan.roles:
        named = role.role in approvers or any(role.role in t.roles for t in plan.tasks)
        if role.person and named:
            roles.setdefault(role.person, []).append(role.role)
    return roles


def find_people(
    jira: JiraGateway,
    plan: Plan,
    resolved: Resolved,
    remembered: Mapping[str, str],
    must_check: Iterable[str] = (),
) -> None:
    """Fill `resolved.refs`: remembered refs for comparing, a lookup (once per distinct person)
    for everyone else and for everyone a write will name. InvalidInput if any is not assignable.

    Given a round's `Writes`, the create screens of what it creates are checked too (before
    its first write; see `screening`).
    """
    roles = roles_of(plan)
    wanted = {p for p in roles if p not in remembered} | set(must_check)
    missing: dict[str, list[str]] = {}
    for person, user in _looked_up(jira, sorted(wanted - resolved.looked_up), resolved.prefetched):
        resolved.looked_up.add(person)
        if user is None:
            missing[person] = roles.get(person, [])
        else:
            resolved.refs[person] = user.ref
    for person, ref in remembered.items():
        resolved.refs.setdefault(person, ref)
    if missing:
        raise InvalidInput(
            "; ".join(not_assignable_text(jira, p, r) for p, r in missing.items()), []
        )
    if isinstance(must_check, Writes) and must_check.creates:
        check_screens_of(
            jira,
            resolved,
            must_check.epic,
            must_check.tasks,
            versions=resolved.versions,
            approvals=must_check.approvals,
        )


def _looked_up(
    jira: JiraGateway, people: Sequence[str], prefetched: Mapping[str, JiraUser | None]
) -> Iterator[tuple[str, JiraUser | None]]:
    """Each person's assignable user (looked up ahead, or now: the lookups sent at once);
    a 4xx (a query Jira refuses) is bad input."""
    yield from ((p, prefetched[p]) for p in people if p in prefetched)
    people = [p for p in people if p not in prefetched]

    def find(person: str) -> JiraUser | None:
        with refused_is_bad_input():
            return jira.find_assignable(person)

    yield from zip(people, at_once([partial(find, p) for p in people]), strict=True)


def not_assignable_text(jira: JiraGateway, person: str, roles: Sequence[str]) -> str:
    text = (
        f"{person} ({', '.join(roles) or 'watcher'}) is not a user who can be assigned issues "
        f"in project {jira.project_key}: check the person in roles, and that they have the "
        "'Assignable User' permission"
    )
    if jira.flavor.cloud and "@" in person:
        text += (
            "; if their Atlassian profile hides their email, Jira cannot find them by it: "
            "write their account ID instead (the last part of their Jira profile page's URL)"
        )
    return text


@dataclass(frozen=True)
class Writes:
    """What a round is about to write, for checking first: iterating gives the people its
    writes name; `epic` and `tasks` are what it creates."""

    people: frozenset[str]
    epic: bool
    tasks: tuple[PlannedTask, ...]
    approvals: tuple[PlannedApproval, ...] = ()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.people))

    @property
    def creates(self) -> bool:
        return self.epic or bool(self.tasks) or bool(self.approvals)


def check_screens_of(
    jira: JiraGateway,
    resolved: Resolved,
    epic: bool,
    tasks: Sequence[PlannedTask],
    versions: Collection[str],
    approvals: Sequence[PlannedApproval] = (),
) -> list[UnsetField]:
    """Check the create screens of the epic (if `epic`), `tasks` (`versions`: milestones
    whose tasks get a fix version) and the approvers' sub-tasks `approvals`; InvalidInput if a
    create could not succeed."""
    planned = creations(
        jira,
        resolved.facts,
        resolved.epic_type if epic else None,
        resolved.task_type,
        tasks,
        versions,
        approvals,
        resolved.subtask_type,
    )
    found = [_why_unset(resolved.held, u) for u in check_screens(jira, planned)]
    resolved.unset[:] = list(dict.fromkeys([*resolved.unset, *found]))
    return found


def _why_unset(held: Held | None, unset: UnsetField) -> UnsetField:
    """A field Jira hides from accounts without a permission is unset for that reason."""
    key = FIELD_PERMISSION.get(unset.field)
    if held is None or key is None or not held.lacks(key):
        return unset
    return replace(unset, permission=need_named(key).name)


def permitted(jira: JiraGateway, plan: Plan, resolved: Resolved, milestone_versions: bool) -> Plan:
    """Read the account's permissions once, before the first write (InvalidInput when one
    nivosync cannot work without is missing); the plan this account can carry out: without
    watchers when it may not manage them (reported as unset)."""
    if resolved.held is None:
        resolved.held = require_permissions(jira, milestone_versions)
        if resolved.held.lacks(WATCHERS) and any(t.watchers for t in plan.tasks):
            name = need_named(WATCHERS).name
            watchers = UnsetField(
                jira.project_key, resolved.task_type.name, "watchers", "watchers", name
            )
            resolved.unset[:] = list(dict.fromkeys([*resolved.unset, watchers]))
    if not resolved.held.lacks(WATCHERS):
        return plan
    return replace(plan, tasks=tuple(replace(t, watchers=()) for t in plan.tasks))


def screens_up_front(
    jira: JiraGateway, plan: Plan, resolved: Resolved, dry_run: bool, milestone_versions: bool
) -> list[UnsetField]:
    """A dry run reports what the screens leave out of the whole release. Milestone versions
    are written before the release is searched: then too every screen is checked first, so a
    create that could not succeed writes not even a version."""
    if not (dry_run or milestone_versions):
        return []
    permitted(jira, plan, resolved, milestone_versions)
    versions = [m.id for m in plan.milestones] if milestone_versions else []
    approvals = planned_approvals(plan)
    return check_screens_of(jira, resolved, True, plan.tasks, versions, approvals)


def fresh_reads(
    jira: JiraGateway, plan: Plan, resolved: Resolved, milestone_versions: bool
) -> list[Callable[[], object]]:
    """The reads a new release's first write waits for — every person it names, the
    account's permissions, the create screens of the epic, tasks and approval sub-tasks —
    as calls to send alongside the release's search, when everything says the release is new
    (so a re-run sends none of them). Each only fills a cache that the checks before the first
    write read; a failure is left for that check, which sends its read again and reports it."""
    approvals = planned_approvals(plan)
    people = set(roles_of(plan)) | {a.person for a in approvals if a.person}
    for task in plan.tasks:
        people.update(p for p in (task.assignee, *task.watchers) if p)
    types = [resolved.epic_type, resolved.task_type]
    if approvals and resolved.subtask_type is not None:
        types.append(resolved.subtask_type)
    keys = [n.key for n in needs(milestone_versions)]

    def person(name: str) -> None:
        resolved.prefetched[name] = jira.find_assignable(name)

    calls: list[Callable[[], object]] = [partial(person, p) for p in sorted(people)]
    calls.append(partial(jira.my_permissions, keys))
    calls += [partial(jira.create_screen, t) for t in types]
    return [_quietly(call) for call in calls]


def _quietly(call: Callable[[], object]) -> Callable[[], object]:
    def run() -> object:
        try:
            return call()
        except NivosyncError:
            return None  # the check that needs this read sends it again and says what failed

    return run
