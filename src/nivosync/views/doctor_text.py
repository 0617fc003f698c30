"""What `nivosync doctor` prints: one line per check (✓ ok, ! warning, ✗ failure) and the fix."""

from __future__ import annotations

from typing import Any

from nivosync.app.doctor import Check, DoctorReport
from nivosync.views.style import OutputStyle, Painted
from nivosync.views.table import fit, text_table
from nivosync.views.words import count

MARKS = {"ok": Painted("✓", "good"), "warn": Painted("!", "warn"), "fail": Painted("✗", "bad")}


def doctor_text(report: DoctorReport, style: OutputStyle) -> str:
    rows: list[list[object]] = []
    for check in report.checks:
        rows.append([MARKS[check.status], check.area, check.name, check.detail])
        if check.fix and check.status != "ok":
            rows.append(["", "", "", f"fix: {check.fix}"])
    flavor = "Cloud" if report.flavor == "cloud" else "Data Center"
    title = f"nivosync doctor — Jira {flavor}, {report.site} (read only: nothing was written)"
    table = text_table(["", "site", "check", "result"], rows, style)
    lines = [fit(title, style), "", table, "", fit(_summary(report), style)]
    return "\n".join(lines) + "\n"


def _summary(report: DoctorReport) -> str:
    failures = _count(report.checks, "fail")
    warnings = _count(report.checks, "warn")
    counts = f"{count(failures, 'failure')}, {count(warnings, 'warning')}"
    if report.blocked:
        return f"{counts}: create, publish and sync would stop — fix the ✗ lines, then run again."
    if warnings:
        return f"{counts}: create, publish and sync will work; the ! lines are left out."
    return f"{counts}: create, publish and sync will work."


def _count(checks: list[Check], status: str) -> int:
    return sum(1 for c in checks if c.status == status)


def doctor_json(report: DoctorReport) -> dict[str, Any]:
    return {
        "site": report.site,
        "flavor": report.flavor,
        "ok": not report.blocked,
        "checks": [
            {
                "area": c.area,
                "check": c.name,
                "status": c.status,
                "detail": c.detail,
                "fix": c.fix or None,
            }
            for c in report.checks
        ],
    }
