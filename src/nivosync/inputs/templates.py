"""Plan-template files: loading, the cross-checks the schema cannot express (with FILE:LINE),
and where templates are found (shipped, templates_dir, a path)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from nivosync.core.calendar import DAYS_PER_WEEK
from nivosync.core.template import (
    ChangeAdvisorySpec,
    MilestoneSpec,
    PlanTemplate,
    TaskSpec,
    TemplateSpec,
)
from nivosync.errors import InvalidInput, Problem, display_path
from nivosync.inputs.schema import parse_document
from nivosync.inputs.yamlfile import Location, YamlDocument, load_yaml_mapping

TEMPLATE_SUFFIXES = (".yaml", ".yml")


def load_template(path: Path) -> PlanTemplate:
    """Load and fully check a template file; InvalidInput lists every problem with its line."""
    doc = load_yaml_mapping(path, "plan template")
    spec = parse_document(doc, TemplateSpec)
    name = spec.name or path.stem
    template = PlanTemplate(name=name, source=path, spec=spec)
    problems = list(template_problems(template, doc))
    if problems:
        raise InvalidInput.from_problems(problems)
    return template


def template_problems(template: PlanTemplate, doc: YamlDocument) -> Iterable[Problem]:
    """Cross-checks the schema alone cannot express."""
    spec = template.spec
    yield from _duplicates(doc, "roles", [r.name for r in spec.roles], "name", "role")
    yield from _duplicates(doc, "milestones", [m.id for m in spec.milestones], "id", "milestone")
    yield from _duplicates(doc, "tasks", [t.id for t in spec.tasks], "id", "task")
    yield from _milestone_order(doc, spec.milestones)
    milestones = {m.id: m for m in spec.milestones}
    roles = set(template.role_names)
    for i, task in enumerate(spec.tasks):
        yield from _task_problems(template, doc, i, task, milestones, roles)
    used = {t.milestone for t in spec.tasks}
    for i, milestone in enumerate(spec.milestones):
        if milestone.id not in used:
            yield doc.problem(("milestones", i), f"milestone '{milestone.id}' has no tasks")
    go_lives = [i for i, t in enumerate(spec.tasks) if t.go_live]
    if len(go_lives) != 1:
        where = ("tasks", go_lives[1]) if go_lives else ("tasks",)
        yield doc.problem(
            where, f"exactly one task must have go_live: true (found {len(go_lives)})"
        )
    yield from _dependency_problems(template, doc)
    yield from doc.one_line_problems(_one_line_texts(spec))
    yield from _change_advisory_problems(doc, spec.change_advisory, roles)
    scenario_ids = [u.id for u in spec.uat_scenarios]
    yield from _duplicates(doc, "uat_scenarios", scenario_ids, "id", "UAT scenario")
    for i, scenario in enumerate(spec.uat_scenarios):
        yield from _unknown_roles(doc, ("uat_scenarios", i, "roles"), scenario.roles, roles)


def _one_line_texts(spec: TemplateSpec) -> Iterable[tuple[Location, str]]:
    """The template's texts that become Jira summaries, version names or page headings."""
    yield ("title",), spec.title
    for i, role in enumerate(spec.roles):
        yield ("roles", i, "name"), role.name
    for i, milestone in enumerate(spec.milestones):
        yield ("milestones", i, "name"), milestone.name
    for i, task in enumerate(spec.tasks):
        yield ("tasks", i, "summary"), task.summary
    for i, scenario in enumerate(spec.uat_scenarios):
        yield ("uat_scenarios", i, "title"), scenario.title


def _change_advisory_problems(
    doc: YamlDocument, advisory: ChangeAdvisorySpec, roles: set[str]
) -> Iterable[Problem]:
    at = ("change_advisory",)
    yield from _unknown_roles(doc, (*at, "approvers"), advisory.approvers, roles)
    yield from _unknown_roles(doc, (*at, "implementers"), advisory.implementers, roles)
    for key in ("owner", "requester", "backout_decider"):
        role = getattr(advisory, key)
        if role is not None and role not in roles:
            yield _unknown_role(doc, (*at, key), role, roles)


def _unknown_roles(
    doc: YamlDocument, at: Location, names: list[str], roles: set[str]
) -> Iterable[Problem]:
    seen: set[str] = set()
    for j, name in enumerate(names):
        if name not in roles:
            yield _unknown_role(doc, (*at, j), name, roles)
        elif name in seen:
            yield doc.problem((*at, j), f"role '{name}' is listed twice")
        seen.add(name)


def _unknown_role(doc: YamlDocument, at: Location, role: str, roles: set[str]) -> Problem:
    return doc.problem(at, f"unknown role '{role}' (template roles: {', '.join(sorted(roles))})")


def _duplicates(
    doc: YamlDocument, section: str, values: list[str], key: str, what: str
) -> Iterable[Problem]:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            yield doc.problem((section, i, key), f"duplicate {what} '{value}'")
        seen.add(value)


def _milestone_order(doc: YamlDocument, milestones: list[MilestoneSpec]) -> Iterable[Problem]:
    for i in range(1, len(milestones)):
        before, current = milestones[i - 1], milestones[i]
        if current.weeks.first <= before.weeks.last:
            yield doc.problem(
                ("milestones", i, "weeks"),
                f"milestone '{current.id}' (weeks {current.weeks}) must start after "
                f"'{before.id}' (weeks {before.weeks}): list milestones in order, not overlapping",
            )


def _task_problems(
    template: PlanTemplate,
    doc: YamlDocument,
    index: int,
    task: TaskSpec,
    milestones: dict[str, MilestoneSpec],
    roles: set[str],
) -> Iterable[Problem]:
    at = ("tasks", index)
    for j, role in enumerate(task.roles):
        if role not in roles:
            yield _unknown_role(doc, (*at, "roles", j), role, roles)
    milestone = milestones.get(task.milestone)
    if milestone is None:
        known = ", ".join(milestones)
        yield doc.problem(
            (*at, "milestone"), f"unknown milestone '{task.milestone}' (milestones: {known})"
        )
        return
    weeks = task.weeks or milestone.weeks
    if weeks.first < milestone.weeks.first or weeks.last > milestone.weeks.last:
        yield doc.problem(
            (*at, "weeks"),
            f"task weeks {weeks} lie outside its milestone '{milestone.id}' "
            f"(weeks {milestone.weeks})",
        )
    available = (weeks.last - weeks.first + 1) * DAYS_PER_WEEK
    if task.days is not None and task.days.last > available:
        yield doc.problem(
            (*at, "days"),
            f"days {task.days} exceed the {available} working days of weeks {weeks}",
        )


def _dependency_problems(template: PlanTemplate, doc: YamlDocument) -> Iterable[Problem]:
    tasks = {t.id: t for t in template.spec.tasks}
    index = {t.id: i for i, t in enumerate(template.spec.tasks)}
    valid_shape = all(
        t.milestone in {m.id for m in template.spec.milestones} for t in tasks.values()
    )
    for task in template.spec.tasks:
        for j, dep in enumerate(task.depends_on):
            at = ("tasks", index[task.id], "depends_on", j)
            if dep == task.id:
                yield doc.problem(at, f"task '{task.id}' depends on itself")
            elif dep not in tasks:
                yield doc.problem(at, f"unknown task '{dep}' in depends_on")
            elif valid_shape:
                yield from _sequence_problem(template, doc, at, task, tasks[dep])
    cycle = find_cycle({t.id: [d for d in t.depends_on if d in tasks] for t in tasks.values()})
    if cycle:
        yield doc.problem(
            ("tasks", index[cycle[0]], "depends_on"),
            f"dependency cycle: {' → '.join([*cycle, cycle[0]])}",
        )


def _sequence_problem(
    template: PlanTemplate, doc: YamlDocument, at: Location, task: TaskSpec, dep: TaskSpec
) -> Iterable[Problem]:
    """Finish-to-start: a task may start only on the working day after what it depends on is
    due; starting earlier makes the forecast call an on-time plan late."""
    starts, due = template.day_span(task).first, template.day_span(dep).last
    if starts <= due:
        yield doc.problem(
            at,
            f"task '{task.id}' starts on working day {starts + 1}, on or before day {due + 1} "
            f"when '{dep.id}' (which it depends on) is due: give '{task.id}' later `days:` "
            f"(from day {due + 2}) or '{dep.id}' earlier ones",
        )


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """One cycle in a dependency graph (as the list of its nodes), or None."""
    state: dict[str, Literal["visiting", "done"]] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "visiting"
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == "visiting":
                return path[path.index(nxt) :]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = "done"
        return None

    for node in graph:
        if node not in state and (found := visit(node)):
            return found
    return None


@dataclass(frozen=True)
class TemplateEntry:
    """A template file found on disk (not yet validated)."""

    name: str
    source: Path
    origin: Literal["shipped", "templates_dir"]


def shipped_templates_dir() -> Path:
    """The templates packaged with nivosync (or, in a source checkout, the repo's folder)."""
    packaged = resources.files("nivosync") / "plan_templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "plan_templates"


def discover_templates(templates_dir: Path | None) -> list[TemplateEntry]:
    """Templates in the configured folder first (they shadow shipped ones of the same name)."""
    entries: list[TemplateEntry] = []
    if templates_dir is not None:
        entries += _entries(templates_dir, "templates_dir")
    entries += _entries(shipped_templates_dir(), "shipped")
    return entries


def _entries(folder: Path, origin: Literal["shipped", "templates_dir"]) -> list[TemplateEntry]:
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.suffix in TEMPLATE_SUFFIXES and p.is_file())
    return [TemplateEntry(p.stem, p, origin) for p in files]


def resolve_template(name_or_path: str, templates_dir: Path | None) -> Path:
    """A template's file from a name (templates folder, then shipped) or a path."""
    candidate = Path(name_or_path)
    if candidate.suffix in TEMPLATE_SUFFIXES or "/" in name_or_path or candidate.exists():
        if not candidate.is_file():
            raise InvalidInput(f"--template: no template file at '{name_or_path}'")
        return candidate
    entries = discover_templates(templates_dir)
    for entry in entries:
        if entry.name == name_or_path:
            return entry.source
    names = ", ".join(sorted({e.name for e in entries})) or "none"
    where = f" or in templates_dir {display_path(templates_dir)}" if templates_dir else ""
    raise InvalidInput(
        f"--template: no template named '{name_or_path}' among the shipped ones{where} "
        f"(available: {names}); give a name from `nivosync templates` or a path to a .yaml file"
    )
