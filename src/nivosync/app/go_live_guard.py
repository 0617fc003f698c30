"""Before `create` writes: does the new release's go-live land in a change freeze, or crowd a
day or week the config limits (issue 16, item 2)? Freezes cost no request; collisions, one
search of the running releases' epics (their baselines' planned go-lives), made only when a
limit is configured."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nivosync.app.releases import ReleaseRecord, epics
from nivosync.core.go_live_conflicts import GoLive, GoLiveConflict, go_live_conflicts
from nivosync.core.plan import Plan
from nivosync.errors import InvalidInput
from nivosync.inputs.config import Config
from nivosync.jira.gateway import JiraGateway


def go_live_conflicts_of(config: Config, go_lives: Sequence[GoLive]) -> tuple[GoLiveConflict, ...]:
    """The config's freezes and go-live limits applied to `go_lives`."""
    settings = config.spec.portfolio
    return go_live_conflicts(
        go_lives,
        [f.freeze() for f in settings.freezes],
        settings.max_go_lives_per_day,
        settings.max_go_lives_per_week,
    )


def new_go_live_conflicts(
    config: Config, jira: JiraGateway, plan: Plan, releases: Sequence[ReleaseRecord] | None = None
) -> tuple[GoLiveConflict, ...]:
    """The conflicts `plan`'s go-live would be part of, against the other running releases
    (`releases`: the epics, when already read)."""
    release = plan.release
    new = GoLive(release.title, release.customer, plan.go_live, plan.go_live)
    others: list[GoLive] = []
    if _limited(config):
        others = [
            GoLive(r.title, r.customer, r.baseline.go_live, r.baseline.go_live)
            for r in (epics(jira) if releases is None else releases)
            if r.finish is None and r.baseline is not None and r.slug != release.slug
        ]
    found = go_live_conflicts_of(config, [*others, new])
    return tuple(c for c in found if release.title in c.releases)


def _limited(config: Config) -> bool:
    settings = config.spec.portfolio
    return settings.max_go_lives_per_day is not None or settings.max_go_lives_per_week is not None


@dataclass(frozen=True)
class Guarded:
    """What the guard let through: its warnings, and the running releases' epics it read
    (None: no limit needed them), which the Change Advisory's collisions use again."""

    messages: list[str]
    releases: tuple[ReleaseRecord, ...] | None


def guard_go_live(
    config: Config, jira: JiraGateway, plan: Plan, allow: bool, moving: bool = False
) -> Guarded:
    """The conflicts as warnings with `allow`, or when the release exists already (a re-run of
    `create` is never refused; `moving`, a re-plan, is); else exit 2 before anything is
    written. At most one search."""
    releases = tuple(epics(jira)) if _limited(config) else None
    conflicts = new_go_live_conflicts(config, jira, plan, releases)
    messages = [c.message for c in conflicts]
    verb = "re-plan" if moving else "create"
    if messages and not allow and (moving or not _exists(jira, plan, releases)):
        raise InvalidInput(
            f"{plan.release.title}'s go-live {plan.go_live} conflicts: "
            + "; ".join(messages)
            + f". Choose another --start, or pass --allow-conflict to {verb} it anyway "
            "(nothing was written)"
        )
    return Guarded(messages, releases)


def _exists(jira: JiraGateway, plan: Plan, releases: Sequence[ReleaseRecord] | None) -> bool:
    """Whether the release was made before (a search only if none was made, and only when
    the go-live conflicts)."""
    listed = epics(jira) if releases is None else releases
    return any(r.slug == plan.release.slug for r in listed)
