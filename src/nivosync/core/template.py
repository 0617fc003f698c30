"""The plan-template model: the schema a template file must follow, and the validated template
(pure: loading and file-level cross-checks live in `nivosync.inputs.templates`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints, field_validator

from nivosync.core.calendar import DAYS_PER_WEEK
from nivosync.core.change_risk import Level
from nivosync.core.strict import Strict

SUPPORTED_SCHEMA_VERSIONS = (1,)

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$"), Field(description="kebab-case id")
]
Text = Annotated[str, StringConstraints(min_length=1)]


class Span(NamedTuple):
    """An inclusive 1-based range: weeks 2-3, or days 1-2 of a task's weeks."""

    first: int
    last: int

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def _parse_span(value: object) -> object:
    """Accept `3`, `"3"` or `"2-3"`; anything else is left for pydantic to reject."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", value)
        if not match:
            raise ValueError(f"'{value}' is not a range: write N or A-B (e.g. 2-3)")
        first = int(match.group(1))
        return (first, int(match.group(2) or first))
    return value


def _check_span(span: Span) -> Span:
    if span.first < 1 or span.last < span.first:
        raise ValueError(f"range {span.first}-{span.last} must be A-B with 1 <= A <= B")
    return span


SpanField = Annotated[Span, BeforeValidator(_parse_span), AfterValidator(_check_span)]


class RoleSpec(Strict):
    name: Text
    description: str = ""


class MilestoneSpec(Strict):
    id: Identifier
    name: Text
    weeks: SpanField
    phase: str | None = None
    description: str | None = None


class TaskSpec(Strict):
    id: Identifier
    summary: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    milestone: Identifier
    roles: Annotated[list[Text], Field(min_length=1)]
    overview: str = ""
    description: list[Text] = []
    weeks: SpanField | None = None
    days: SpanField | None = None
    depends_on: list[Identifier] = []
    go_live: bool = False

    @field_validator("description", mode="before")
    @classmethod
    def _one_paragraph(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


class RiskSpec(Strict):
    risk: Text
    mitigation: Text


ChangeType = Literal["standard", "normal", "emergency"]


class RiskRatingSpec(Strict):
    """How likely the change is to fail, and how bad a failure would be."""

    likelihood: Level
    impact: Level


class ChangeAdvisorySpec(Strict):
    """What every Change Advisory of this plan shares; release specifics come from a file."""

    owner: Text | None = None  # the role that completes it; default: the first approver
    approvers: list[Text] = []
    requester: Text | None = None  # the role that requests the change; default: owner
    implementers: list[Text] = []  # roles that carry it out; default: the go-live task's
    backout_decider: Text | None = None  # the role that decides to back out; default: owner
    change_type: ChangeType | None = None  # the usual type of this plan's changes
    risk_rating: RiskRatingSpec | None = None  # the usual rating, if the plan has one
    rollback_plan: Text | None = None  # the standard procedure, if the plan has one
    downtime: Text | None = None  # the usual expectation, if the plan states one
    implementation_steps: list[Text] = []  # the standard deployment steps
    pre_checks: list[Text] = []  # standard checks before the deployment starts
    post_checks: list[Text] = []  # standard checks once it is done


class UatScenarioSpec(Strict):
    id: Identifier
    title: Text
    steps: Annotated[list[Text], Field(min_length=1)]
    expected: Text
    roles: list[Text] = []  # who tests it (and signs the UAT off)


class TemplateSpec(Strict):
    schema_version: int
    name: Identifier | None = None
    title: Text
    description: str = ""
    roles: Annotated[list[RoleSpec], Field(min_length=1)]
    milestones: Annotated[list[MilestoneSpec], Field(min_length=1)]
    tasks: Annotated[list[TaskSpec], Field(min_length=1)]
    risks: list[RiskSpec] = []
    change_advisory: ChangeAdvisorySpec = ChangeAdvisorySpec()
    uat_scenarios: list[UatScenarioSpec] = []

    @field_validator("schema_version")
    @classmethod
    def _supported(cls, version: int) -> int:
        if version not in SUPPORTED_SCHEMA_VERSIONS:
            newest = max(SUPPORTED_SCHEMA_VERSIONS)
            raise ValueError(
                f"schema_version {version} is not supported by this nivosync (it reads up to "
                f"{newest}); upgrade nivosync or write schema_version: {newest}"
            )
        return version


@dataclass(frozen=True)
class PlanTemplate:
    """A validated template and where it came from."""

    name: str
    source: Path
    spec: TemplateSpec

    @property
    def weeks(self) -> int:
        return max(m.weeks.last for m in self.spec.milestones)

    @property
    def role_names(self) -> list[str]:
        return [r.name for r in self.spec.roles]

    def milestone(self, milestone_id: str) -> MilestoneSpec:
        return next(m for m in self.spec.milestones if m.id == milestone_id)

    def task_weeks(self, task: TaskSpec) -> Span:
        return task.weeks or self.milestone(task.milestone).weeks

    def day_span(self, task: TaskSpec) -> Span:
        """The task's 0-based working-day indexes from the release start (inclusive)."""
        weeks = self.task_weeks(task)
        first = (weeks.first - 1) * DAYS_PER_WEEK
        if task.days is None:
            return Span(first, weeks.last * DAYS_PER_WEEK - 1)
        return Span(first + task.days.first - 1, first + task.days.last - 1)

    @property
    def go_live_task(self) -> TaskSpec:
        return next(t for t in self.spec.tasks if t.go_live)

    @property
    def change_advisory(self) -> ChangeAdvisorySpec:
        return self.spec.change_advisory

    @property
    def change_advisory_owner(self) -> str:
        """Who completes the Change Advisory: `owner`, else the first approver, else the
        go-live task's first role."""
        advisory = self.spec.change_advisory
        return advisory.owner or next(iter(advisory.approvers), self.go_live_task.roles[0])

    @property
    def change_requester(self) -> str:
        return self.spec.change_advisory.requester or self.change_advisory_owner

    @property
    def change_implementers(self) -> list[str]:
        return self.spec.change_advisory.implementers or list(self.go_live_task.roles)

    @property
    def backout_decider(self) -> str:
        return self.spec.change_advisory.backout_decider or self.change_advisory_owner

    @property
    def uat_scenarios(self) -> list[UatScenarioSpec]:
        return self.spec.uat_scenarios

    def roles_used(self) -> dict[str, list[str]]:
        """Each role the template's tasks use → the ids of those tasks."""
        roles: dict[str, list[str]] = {}
        for task in self.spec.tasks:
            for role in task.roles:
                roles.setdefault(role, []).append(task.id)
        return roles
