"""The Change Advisory's release specifics: what only a person can say about one deployment.

The same keys are written in a `--change-advisory FILE` and in the configuration's
`change_advisory` (global or per customer); `ChangeAdvisoryFileSpec` is their one schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import time
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

from nivosync.core.change_risk import Level
from nivosync.core.plan import Risk
from nivosync.core.strict import Strict
from nivosync.core.template import ChangeType, RiskRatingSpec, RiskSpec
from nivosync.errors import display_path
from nivosync.inputs.schema import TimeZoneName, parse_document
from nivosync.inputs.yamlfile import load_yaml_mapping

Text = Annotated[str, StringConstraints(min_length=1)]
_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


def _clock_time(value: str) -> str:
    if not _CLOCK.match(value):
        raise ValueError(f"'{value}' is not a time of day: write it as HH:MM, 24-hour (22:00)")
    return value


ClockTime = Annotated[str, AfterValidator(_clock_time)]


class ChangeWindowSpec(Strict):
    """The change window on the go-live day: 22:00 to 02:00 ends the next day."""

    start: ClockTime
    end: ClockTime
    time_zone: TimeZoneName | None = None  # default: config's


class CommunicationSpec(Strict):
    audience: Text  # who is told
    message: Text  # what
    when: Text  # e.g. "3 days before", "at the start of the window"


class ChangeAdvisoryFileSpec(Strict):
    change_number: Text | None = None  # the change's number in an external change system
    change_type: ChangeType | None = None
    risk_rating: RiskRatingSpec | None = None
    affected_services: list[Text] = []
    affected_users: Text | None = None
    impact: Text | None = None
    implementation_steps: list[Text] = []
    pre_checks: list[Text] = []
    post_checks: list[Text] = []
    rollback_plan: Text | None = None
    backout_triggers: list[Text] = []
    backout_decider: Text | None = None  # a role of the plan, or a person
    downtime: Text | None = None
    change_window: ChangeWindowSpec | None = None
    deployment_window: Text | None = None  # what to know besides the window's times
    communication: list[CommunicationSpec] = []
    risks: list[RiskSpec] = []


@dataclass(frozen=True)
class ChangeWindow:
    start: time
    end: time  # at or before `start`: on the next day
    time_zone: str | None


@dataclass(frozen=True)
class Communication:
    audience: str
    message: str
    when: str


@dataclass(frozen=True)
class RiskRating:
    likelihood: Level
    impact: Level


@dataclass(frozen=True)
class ChangeAdvisoryDetails:
    """Release-specific Change Advisory content; empty = not provided yet (the page says so)."""

    source: str  # where it was written, for the page: a file name or "config"
    change_number: str | None = None
    change_type: str | None = None
    risk_rating: RiskRating | None = None
    affected_services: tuple[str, ...] = ()
    affected_users: str | None = None
    impact: str | None = None
    implementation_steps: tuple[str, ...] = ()
    pre_checks: tuple[str, ...] = ()
    post_checks: tuple[str, ...] = ()
    rollback_plan: str | None = None
    backout_triggers: tuple[str, ...] = ()
    backout_decider: str | None = None
    downtime: str | None = None
    change_window: ChangeWindow | None = None
    deployment_window: str | None = None
    communication: tuple[Communication, ...] = ()
    risks: tuple[Risk, ...] = ()
    # Which source gave each value (field → source), once several are combined; not part of
    # what the details say (equal details from other sources are equal).
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def origin(self, name: str) -> str:
        """Where the value `name` came from (the one source, when not combined)."""
        return dict(self.origins).get(name, self.source)


# A later source's value replaces an earlier one's; risks add up.
REPLACED = tuple(
    f.name for f in fields(ChangeAdvisoryDetails) if f.name not in {"source", "risks", "origins"}
)
ADVISORY_FILE = "change advisory file"


def details_from_spec(spec: ChangeAdvisoryFileSpec, source: str) -> ChangeAdvisoryDetails:
    """The details a file or the configuration gives, named by `source`."""
    window = spec.change_window
    # The texts and lists as they are (lists as tuples); the nested values converted below.
    values: dict[str, Any] = {
        name: tuple(value) if isinstance(value, list) else value
        for name in REPLACED
        if (value := getattr(spec, name)) is not None
    }
    values["risk_rating"] = (
        RiskRating(spec.risk_rating.likelihood, spec.risk_rating.impact)
        if spec.risk_rating
        else None
    )
    values["change_window"] = (
        ChangeWindow(
            time.fromisoformat(window.start), time.fromisoformat(window.end), window.time_zone
        )
        if window
        else None
    )
    values["communication"] = tuple(
        Communication(c.audience, c.message, c.when) for c in spec.communication
    )
    risks = tuple(Risk(r.risk, r.mitigation) for r in spec.risks)
    return ChangeAdvisoryDetails(source=source, risks=risks, **values)


def load_change_advisory(path: Path, text: str | None = None) -> ChangeAdvisoryDetails:
    """Load a Change Advisory file (or its `text`, already read or remembered); unknown keys
    and bad values are FILE:LINE problems."""
    doc = load_yaml_mapping(path, ADVISORY_FILE, text)
    return details_from_spec(parse_document(doc, ChangeAdvisoryFileSpec), display_path(path))


def combine(*sources: ChangeAdvisoryDetails) -> ChangeAdvisoryDetails:
    """Several sources (e.g. config, then the file): a later value replaces an earlier one,
    risks add up."""
    result = ChangeAdvisoryDetails(source=", ".join(s.source for s in sources if s.source))
    origins: dict[str, str] = {}
    for source in sources:
        given = {name: getattr(source, name) for name in REPLACED if getattr(source, name)}
        origins |= {name: source.origin(name) for name in given}
        result = replace(result, **given, risks=result.risks + source.risks)
    return replace(result, origins=tuple(origins.items()))
