"""What the UAT form's people wrote: each scenario's result and each role's sign-off (pure).

The region ids of the form's people's cells are defined here, once: the UAT form renders them
and the Change Advisory reads them back as its test evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from nivosync.core.regions import RegionScan, region_id
from nivosync.core.storage_shape import STORAGE_NS, parse_fragment
from nivosync.core.template import UatScenarioSpec

Result = Literal["passed", "failed", "blocked", "not tested"]
Decision = Literal["signed off", "rejected", "pending"]
RESULTS: tuple[Result, ...] = ("passed", "failed", "blocked", "not tested")
_STATUS_MACRO = f"{{{STORAGE_NS['ac']}}}structured-macro"
_PARAMETER = f"{{{STORAGE_NS['ac']}}}parameter"
_NAME = f"{{{STORAGE_NS['ac']}}}name"


def scenario_region(scenario_id: str, column: str) -> str:
    """'uat-deployment-result' (the shipped ids start with "uat-" already)."""
    prefix = () if scenario_id.casefold().startswith("uat") else ("uat",)
    return region_id(*prefix, scenario_id, column)


def sign_off_region(role: str, part: str) -> str:
    """'uat-sign-off-client-sme-teams-decision' (part: decision, date or comments)."""
    return region_id("uat-sign-off", role, part)


def sign_off_roles(scenarios: Sequence[UatScenarioSpec]) -> list[str]:
    """The roles that sign the UAT off: those who test its scenarios, in order."""
    return list(dict.fromkeys(role for s in scenarios for role in s.roles))


@dataclass(frozen=True)
class SignOff:
    role: str
    decision: Decision
    said: str  # the decision as written ("Approved", "Signed off 12 Jan"), or ""
    on: str  # the date cell's text as written, or ""


@dataclass(frozen=True)
class ScenarioResult:
    id: str
    title: str
    result: Result


@dataclass(frozen=True)
class UatEvidence:
    """The results recorded on the UAT form, scenario by scenario, and its sign-offs."""

    results: tuple[ScenarioResult, ...]
    sign_offs: tuple[SignOff, ...]

    def count(self, result: Result) -> int:
        return sum(1 for r in self.results if r.result == result)

    @property
    def signed_off(self) -> bool:
        return bool(self.sign_offs) and all(s.decision == "signed off" for s in self.sign_offs)


def read_evidence(scan: RegionScan, scenarios: Sequence[UatScenarioSpec]) -> UatEvidence:
    """The evidence in a UAT form's regions; a cell missing or left as nivosync wrote it
    ("Not tested", "Pending") counts as not tested / pending."""
    results = []
    for scenario in scenarios:
        region = scan.regions.get(scenario_region(scenario.id, "result"))
        said = cell_text(region.content) if region else ""
        results.append(ScenarioResult(scenario.id, scenario.title, _result(said)))
    sign_offs = []
    for role in sign_off_roles(scenarios):
        decision = scan.regions.get(sign_off_region(role, "decision"))
        day = scan.regions.get(sign_off_region(role, "date"))
        said = cell_text(decision.content) if decision else ""
        on = cell_text(day.content) if day else ""
        sign_offs.append(SignOff(role, _decision(said), said, on))
    return UatEvidence(tuple(results), tuple(sign_offs))


def cell_text(content: str) -> str:
    """A cell's words: a status lozenge's title, else its text, whitespace collapsed."""
    root = parse_fragment(content)
    if root is None:
        return ""
    for macro in root.iter(_STATUS_MACRO):
        if macro.get(_NAME) == "status":
            for parameter in macro.iter(_PARAMETER):
                if parameter.get(_NAME) == "title" and parameter.text:
                    return " ".join(parameter.text.split())
    return " ".join("".join(root.itertext()).split())


def _result(text: str) -> Result:
    word = text.casefold()
    if word.startswith(("pass", "ok", "success")):
        return "passed"
    if word.startswith("fail"):
        return "failed"
    if word.startswith("block"):
        return "blocked"
    return "not tested"


def _decision(text: str) -> Decision:
    word = text.casefold()
    if word.startswith(("approv", "accept", "sign", "yes", "go")):
        return "signed off"
    if word.startswith(("reject", "declin", "no")):
        return "rejected"
    return "pending"
