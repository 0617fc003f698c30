"""The portfolio's analysis from what `sync --all` measured: people's load across releases and
their overloads, who caused each go-live slip, each release's next milestone and its owner.

No request: the releases' tasks are those the sync searched; the tasks' roles come from the
template files the releases were created from (local reads, one per template), their watchers
from the config's people of those roles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from nivosync.app.go_live_guard import go_live_conflicts_of
from nivosync.app.release_template import release_template
from nivosync.app.releases import ReleaseRecord
from nivosync.app.status_reports import ReleaseSync, milestone_owners
from nivosync.core.go_live_conflicts import GoLive, GoLiveConflict
from nivosync.core.portfolio_load import (
    LimitRules,
    LoadTask,
    PortfolioLoad,
    ReleaseWork,
    people_load,
)
from nivosync.core.slip_attribution import SlipAttribution, attribute_slip
from nivosync.core.slippage import ReleaseSlippage, SlipStatus
from nivosync.core.template import PlanTemplate
from nivosync.errors import NivosyncError
from nivosync.inputs.config import Config
from nivosync.log_setup import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class NextMilestone:
    name: str
    planned_end: date
    projected_end: date
    owner: str | None


@dataclass(frozen=True)
class PortfolioAnalysis:
    """What the portfolio page shows beside the releases' rows; `weeks`: the Mondays of the
    load table (from the week the earliest open task is in flight: the page must not change
    on a quiet night)."""

    load: PortfolioLoad
    weeks: tuple[date, ...]
    attributions: Mapping[str, SlipAttribution] = field(default_factory=dict)  # by slug
    next_milestones: Mapping[str, NextMilestone | None] = field(default_factory=dict)
    go_lives: tuple[GoLiveConflict, ...] = ()  # in a freeze, or too many on a day or week
    # What it was computed from (the what-if adds a release to them):
    works: tuple[ReleaseWork, ...] = ()
    all_go_lives: tuple[GoLive, ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)  # Jira user → as tasks name them


def analyse(config: Config, results: Sequence[ReleaseSync]) -> PortfolioAnalysis:
    """The load, overloads, slip attributions and next milestones of the measured releases."""
    settings = config.spec.portfolio
    names = _people_names(results)
    templates = _Templates(config)
    works: list[ReleaseWork] = []
    go_lives: list[GoLive] = []
    attributions: dict[str, SlipAttribution] = {}
    upcoming: dict[str, NextMilestone | None] = {}
    for item in results:
        slippage, record = item.slippage, item.record
        if slippage is None or record.baseline is None or slippage.status is SlipStatus.DONE:
            continue
        roles = templates.task_roles(record)
        works.append(_release_work(config, record, slippage, roles, names))
        attributions[record.slug] = attribute_slip(
            slippage,
            record.baseline.go_live_task,
            record.baseline.calendar,
            roles,
            set(settings.customer_roles),
            settings.template_slas(record.stored.template_name if record.stored else None),
            {t.task_id: _short(t.summary, record) for t in slippage.tasks if t.summary},
        )
        upcoming[record.slug] = next_milestone(record, slippage)
        go_live = slippage.actual_go_live or slippage.projected_go_live
        go_lives.append(GoLive(record.title, record.customer, go_live, slippage.planned_go_live))
    load = people_load(works, named_rules(settings.rules(), names))
    weeks = load.weeks(settings.load_weeks)
    collisions = go_live_conflicts_of(config, go_lives)
    return PortfolioAnalysis(
        load, weeks, attributions, upcoming, collisions, tuple(works), tuple(go_lives), names
    )


def next_milestone(record: ReleaseRecord, slippage: ReleaseSlippage) -> NextMilestone | None:
    """The first milestone not done, its dates and its owner (as the status page says)."""
    assert record.baseline is not None
    owners = milestone_owners(record.baseline, slippage)
    found = next((m for m in slippage.milestones if m.status != SlipStatus.DONE), None)
    if found is None:
        return None
    return NextMilestone(found.name, found.planned_end, found.projected_end, owners.get(found.id))


class _Templates:
    """Each release's template, read once per template file (a missing one: no roles)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.read: dict[tuple[str | None, str | None], PlanTemplate | None] = {}

    def task_roles(self, record: ReleaseRecord) -> dict[str, tuple[str, ...]]:
        stored = record.stored
        if stored is None:
            return {}
        key = (stored.template_name, stored.template_source)
        if key not in self.read:
            try:
                self.read[key] = release_template(self.config, stored, None).template
            except NivosyncError as exc:
                log.warning("template not found: no roles", release=record.slug, error=str(exc))
                self.read[key] = None
        template = self.read[key]
        return {t.id: tuple(t.roles) for t in template.spec.tasks} if template else {}


def _people_names(results: Sequence[ReleaseSync]) -> dict[str, str]:
    """A Jira user → how the tasks' assignees name them (email, else display name)."""
    return {ref: text for item in results for text, ref in item.assignees.items()}


def _person(
    configured: str, record: ReleaseRecord, names: Mapping[str, str], refs: Mapping[str, str]
) -> str:
    """A configured person (email or username) named as the assignees are, when known."""
    stored = record.stored.people if record.stored else {}
    ref = stored.get(configured) or refs.get(configured)
    return names.get(ref, configured) if ref else configured


def _release_work(
    config: Config,
    record: ReleaseRecord,
    slippage: ReleaseSlippage,
    roles: Mapping[str, tuple[str, ...]],
    names: Mapping[str, str],
) -> ReleaseWork:
    assert record.baseline is not None
    try:
        people = config.people(record.customer)
    except NivosyncError:
        people = dict(config.spec.roles)
    refs = {text: ref for ref, text in names.items()}
    tasks = []
    for task in slippage.tasks:
        task_roles = roles.get(task.task_id, ())
        watchers = {
            _person(person, record, names, refs): role
            for role in task_roles[1:]
            if (person := people.get(role))
        }
        tasks.append(
            LoadTask(
                task_id=task.task_id,
                key=task.key,
                summary=_short(task.summary, record) if task.summary else task.task_id,
                owner=task.assignee,
                owner_role=task_roles[0] if task_roles else None,
                watchers=watchers,
                planned_start=task.planned_start,
                planned_end=task.planned_end,
                start=task.projected_start,
                finish=task.projected_finish,
                done=task.done,
                go_live=task.task_id == record.baseline.go_live_task,
            )
        )
    return ReleaseWork(record.title, record.baseline.calendar, tuple(tasks))


def _short(summary: str, record: ReleaseRecord) -> str:
    """A task's name without the '<Customer> <Release>: ' prefix of its Jira summary."""
    return summary.removeprefix(f"{record.title}: ")


def named_rules(rules: LimitRules, names: Mapping[str, str]) -> LimitRules:
    """Per-person limits keyed as the load names people (a Data Center username → the name
    its tasks' assignee carries), the configured key kept too."""
    per_person = dict(rules.per_person)
    for person, limits in rules.per_person.items():
        if person in names:
            per_person.setdefault(names[person], limits)
    return LimitRules(rules.default, rules.per_role, per_person)
