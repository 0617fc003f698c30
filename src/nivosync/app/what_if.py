"""`plan --what-if`: what a new release would do to the portfolio, before anything is created —
new overloads and go-live conflicts against the live releases, and the earliest start from
`--start` on with none. Read-only: the searches of one `sync --all --no-publish` (the epics,
then their tasks in batches) and nothing more; every candidate start is computed offline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from nivosync.app.go_live_guard import go_live_conflicts_of
from nivosync.app.planning import compute_plan
from nivosync.app.portfolio import PortfolioAnalysis, analyse, named_rules
from nivosync.app.progress import SILENT, Progress
from nivosync.app.releases import epics
from nivosync.app.site_clock import today_in
from nivosync.app.sites import jira_gateway, open_sites
from nivosync.app.status_reports import measure
from nivosync.core.go_live_conflicts import GoLive, GoLiveConflict
from nivosync.core.plan import Plan
from nivosync.core.portfolio_load import LoadTask, Overload, ReleaseWork, overloads_with
from nivosync.core.template import PlanTemplate
from nivosync.errors import InvalidInput
from nivosync.inputs.config import Config, load_settings

HORIZON = 60  # working days after --start searched for a conflict-free start


@dataclass(frozen=True)
class WhatIf:
    """What the release would add: overloads and go-live conflicts it is part of; the first
    start on or after `--start` with neither (None: none within HORIZON working days)."""

    plan: Plan
    releases: int  # live releases it was compared with
    overloads: tuple[Overload, ...]
    go_lives: tuple[GoLiveConflict, ...]
    earliest_start: date | None

    @property
    def clean(self) -> bool:
        return not self.overloads and not self.go_lives


def what_if(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    progress: Progress = SILENT,
) -> WhatIf:
    config = load_settings(config_path)
    template = config.template(template_name)
    plan = compute_plan(config, template, customer, release, start)
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        progress.stage("reading the live releases")
        jira.site_facts()
        running = [r for r in epics(jira) if r.finish is None and r.slug != plan.release.slug]
        results = list(measure(jira, running, today_in(config), progress))
    analysis = analyse(config, results)
    overloads, go_lives = _conflicts(config, analysis, plan)
    earliest = start if not (overloads or go_lives) else _earliest(config, analysis, template, plan)
    return WhatIf(plan, len(results), overloads, go_lives, earliest)


def _conflicts(
    config: Config, analysis: PortfolioAnalysis, plan: Plan
) -> tuple[tuple[Overload, ...], tuple[GoLiveConflict, ...]]:
    title = plan.release.title
    rules = named_rules(config.spec.portfolio.rules(), analysis.names)
    overloads = overloads_with(analysis.works, planned_work(config, plan, analysis.names), rules)
    new = GoLive(title, plan.release.customer, plan.go_live, plan.go_live)
    found = go_live_conflicts_of(config, [*analysis.all_go_lives, new])
    return overloads, tuple(c for c in found if title in c.releases)


def _earliest(
    config: Config, analysis: PortfolioAnalysis, template: PlanTemplate, plan: Plan
) -> date | None:
    """The first working day after `plan`'s start from which the release conflicts with
    nothing (each candidate planned offline)."""
    release = plan.release
    days = plan.calendar.working_days_from(plan.start)
    next(days)  # --start itself conflicts
    for _ in range(HORIZON):
        day = next(days)
        try:
            candidate = compute_plan(config, template, release.customer, release.release, day)
        except InvalidInput:
            continue  # e.g. a start the template's calendar refuses
        overloads, go_lives = _conflicts(config, analysis, candidate)
        if not overloads and not go_lives:
            return day
    return None


def planned_work(config: Config, plan: Plan, names: Mapping[str, str]) -> ReleaseWork:
    """The plan's tasks as the load reads them: planned dates are the forecast, people named
    as the live tasks' assignees name them."""
    people = config.people(plan.release.customer)
    tasks = tuple(
        LoadTask(
            task_id=t.id,
            key=None,
            summary=t.name,
            owner=names.get(t.assignee, t.assignee) if t.assignee else None,
            owner_role=t.roles[0] if t.roles else None,
            watchers={
                names.get(person, person): role
                for role in t.roles[1:]
                if (person := people.get(role))
            },
            planned_start=t.start,
            planned_end=t.due,
            start=t.start,
            finish=t.due,
            done=False,
            go_live=t.go_live,
        )
        for t in plan.tasks
    )
    return ReleaseWork(plan.release.title, plan.calendar, tasks)
