"""The `--change-advisory FILE`: what only a person can say about one release's deployment."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints

from nivosync.core.plan import Risk
from nivosync.core.strict import Strict
from nivosync.core.template import RiskSpec
from nivosync.errors import display_path
from nivosync.inputs.schema import parse_document
from nivosync.inputs.yamlfile import load_yaml_mapping

Text = Annotated[str, StringConstraints(min_length=1)]


class ChangeAdvisoryFileSpec(Strict):
    impact: Text | None = None
    rollback_plan: Text | None = None
    downtime: Text | None = None
    deployment_window: Text | None = None
    risks: list[RiskSpec] = []


@dataclass(frozen=True)
class ChangeAdvisoryDetails:
    """Release-specific Change Advisory content; None = not provided yet (the page says so)."""

    source: str  # where it was written, for the page: a file name or "config"
    impact: str | None = None
    rollback_plan: str | None = None
    downtime: str | None = None
    deployment_window: str | None = None  # e.g. "Saturday 22:00-02:00 CET", beside the dates
    risks: tuple[Risk, ...] = ()
    # Which source gave each text (field → source), once several are combined; not part of
    # what the details say (equal details from other sources are equal).
    origins: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    def origin(self, name: str) -> str:
        """Where the text `name` came from (the one source, when not combined)."""
        return dict(self.origins).get(name, self.source)


ADVISORY_FILE = "change advisory file"


def load_change_advisory(path: Path, text: str | None = None) -> ChangeAdvisoryDetails:
    """Load a Change Advisory file (or its `text`, already read or remembered); unknown keys
    and bad values are FILE:LINE problems."""
    doc = load_yaml_mapping(path, ADVISORY_FILE, text)
    spec = parse_document(doc, ChangeAdvisoryFileSpec)
    return ChangeAdvisoryDetails(
        source=display_path(path),
        impact=spec.impact,
        rollback_plan=spec.rollback_plan,
        downtime=spec.downtime,
        deployment_window=spec.deployment_window,
        risks=tuple(Risk(r.risk, r.mitigation) for r in spec.risks),
    )


def combine(*sources: ChangeAdvisoryDetails) -> ChangeAdvisoryDetails:
    """Several sources (e.g. config, then the file): a later text replaces an earlier one,
    risks add up."""
    result = ChangeAdvisoryDetails(source=", ".join(s.source for s in sources if s.source))
    origins: dict[str, str] = {}
    for source in sources:
        texts = {
            name: getattr(source, name) or getattr(result, name)
            for name in ("impact", "rollback_plan", "downtime", "deployment_window")
        }
        origins |= {name: source.origin(name) for name in texts if getattr(source, name)}
        result = replace(result, **texts, risks=result.risks + source.risks)
    return replace(result, origins=tuple(origins.items()))
