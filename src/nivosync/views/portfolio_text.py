"""The portfolio analysis of `sync --all` in the terminal and in `--json` (issue 16)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from nivosync.core.portfolio_load import Overload
from nivosync.core.slip_attribution import SlipAttribution

if TYPE_CHECKING:  # `plan` imports this view: sites and charts load only when they are used
    from nivosync.app.portfolio import PortfolioAnalysis
    from nivosync.app.what_if import WhatIf

_WEEK = timedelta(days=6)  # Monday to Sunday


def portfolio_lines(analysis: PortfolioAnalysis, titles: dict[str, str]) -> list[str]:
    """'Conflicts: …' one per overload, then each slipping release's cause (by slug → title)."""
    overloads, go_lives = analysis.load.overloads, analysis.go_lives
    lines = [f"Conflicts: {len(overloads) + len(go_lives) or 'none'}"]
    lines += [f"  {c.message}" for c in go_lives]
    lines += [f"  {o.message}: {'; '.join(c.name for c in o.items)}" for o in overloads]
    causes = [(s, a) for s, a in analysis.attributions.items() if a.slip_days > 0]
    if causes:
        lines.append("Who caused the slip:")
        lines += [f"  {titles.get(slug, slug)}: {a.text}" for slug, a in causes]
    return lines


def portfolio_json(analysis: PortfolioAnalysis) -> dict[str, Any]:
    """`portfolio` in `sync --all --json`: the overloads and each release's slip attribution."""
    return {
        "go_live_conflicts": [
            {
                "kind": c.kind,
                "on": c.on.isoformat(),
                "releases": list(c.releases),
                "limit": c.limit,
                "freeze": c.freeze.name if c.freeze else None,
                "slid_into_freeze": c.slid,
                "message": c.message,
            }
            for c in analysis.go_lives
        ],
        "overloads": [_overload(o) for o in analysis.load.overloads],
        "slip_attribution": {slug: _attribution(a) for slug, a in analysis.attributions.items()},
        "people": [
            {
                "person": w.person,
                "roles": list(w.roles),
                "peak_per_week": {
                    week.isoformat(): w.peak(week, week + _WEEK) for week in analysis.weeks
                },
            }
            for w in analysis.load.people
        ],
    }


def _overload(overload: Overload) -> dict[str, Any]:
    return {
        "person": overload.person,
        "kind": overload.kind,
        "on": overload.on.isoformat(),
        "count": overload.count,
        "limit": overload.limit,
        "releases": list(overload.releases),
        "tasks": [
            {"release": c.release, "key": c.task.key, "task_id": c.task.task_id, "how": c.how}
            for c in overload.items
        ],
        "message": overload.message,
    }


def _attribution(attribution: SlipAttribution) -> dict[str, Any]:
    return {
        "slip_days": attribution.slip_days,
        "by_side": attribution.by_side(),
        "shares": [
            {
                "task_id": s.task_id,
                "role": s.role,
                "side": s.side,
                "days": s.days,
                "sla_breached": s.sla_breached,
            }
            for s in attribution.shares
        ],
        "text": attribution.text,
    }


def what_if_lines(result: WhatIf) -> list[str]:
    """`plan --what-if`: what the release would add to the live portfolio, and when it need not."""
    release = result.plan.release.title
    head = f"What-if against {result.releases} live release{'s' if result.releases != 1 else ''}"
    if result.clean:
        return [f"{head}: {release} adds no conflict."]
    lines = [f"{head}: {release} would add"]
    lines += [f"  {c.message}" for c in result.go_lives]
    lines += [f"  {o.message}: {'; '.join(c.name for c in o.items)}" for o in result.overloads]
    if result.earliest_start is not None:
        lines.append(f"Earliest start with no new conflict: {result.earliest_start.isoformat()}")
    else:
        lines.append("No start in the next 60 working days is free of conflicts.")
    return lines


def what_if_json(result: WhatIf) -> dict[str, Any]:
    return {
        "live_releases": result.releases,
        "go_live_conflicts": [c.message for c in result.go_lives],
        "overloads": [_overload(o) for o in result.overloads],
        "earliest_start": result.earliest_start.isoformat() if result.earliest_start else None,
    }
