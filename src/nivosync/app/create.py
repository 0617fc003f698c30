"""`nivosync create` as one use case: the release in Jira, then its missing Confluence pages."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

from nivosync.app.creation import CreateOutcome, create_release, resolve
from nivosync.app.field_memory import remember_fields, remembered_fields
from nivosync.app.go_live_guard import guard_go_live
from nivosync.app.ledger import LedgerTiming, ReleaseLedger
from nivosync.app.page_place import Placed, early_place
from nivosync.app.page_sources import jira_notes, notes_jql
from nivosync.app.planning import compute_plan
from nivosync.app.progress import SILENT, Progress
from nivosync.app.publisher import PageResult
from nivosync.app.release_ahead import ReleaseAhead
from nivosync.app.release_template import with_absolute_source
from nivosync.app.releases import ReleaseRecord, release_issues, split_release
from nivosync.app.resolving import Resolved
from nivosync.app.site_clock import today_in
from nivosync.app.site_reads import Send, alongside, behind, both
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Page
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.core.plan import LateStart, Plan, late_start
from nivosync.errors import NivosyncError
from nivosync.http import HttpError
from nivosync.inputs.config import Config, load_settings
from nivosync.jira.gateway import JiraGateway
from nivosync.log_setup import get_logger

log = get_logger(__name__)


@dataclass
class CreateRun:
    """What `create` did: the Jira outcome, the pages, and how to show people and links."""

    outcome: CreateOutcome
    names: dict[str, str]  # Jira user ref → the configured person
    browse_url: Callable[[str], str]  # an issue key → where people open it
    pages: list[PageResult] = field(default_factory=list)
    page_error: str | None = None
    late: tuple[date, LateStart] | None = None  # a new release planned to start before today
    conflicts: list[str] = field(default_factory=list)  # go-live conflicts let through

    @property
    def ok(self) -> bool:
        conflict = any(p.action == "conflict" for p in self.pages)
        return self.outcome.ok and self.page_error is None and not conflict


def create_and_publish(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    *,
    dry_run: bool,
    update: bool,
    publish: bool,
    progress: Progress = SILENT,
    allow_conflict: bool = False,
) -> CreateRun:
    """Load, resolve, reconcile in Jira, then create the pages that do not exist yet; a
    go-live in a freeze or crowding a day or week is exit 2 unless `allow_conflict`."""
    config = load_settings(config_path)
    template = with_absolute_source(config.template(template_name))  # recorded on the epic
    plan = compute_plan(config, template, customer, release, start)
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        guarded = guard_go_live(config, jira, plan, allow_conflict)
        progress.stage("checking Jira: project, fields, people")
        confluence = _confluence(sites, config) if publish else None
        ledger = _ledger(config, jira, plan.release)
        # Sent behind what follows: the first reads, a new release's pages looked for while
        # Jira is written, and the ledger's last write alongside the issues' read-back.
        with behind() as send:
            first = _FirstReads.sent(send, config, jira, confluence, ledger, plan.release)
            importlib.import_module("nivosync.app.publish")  # its code loads while they travel
            resolved, place = first.answered()
            _remember_fields(config, jira, first.early)
            if place is not None and ledger.blank and not dry_run:
                place = place.looking_ahead(send, plan.release)
            outcome = create_release(
                jira,
                plan,
                resolved,
                dry_run=dry_run,
                update=update,
                milestone_versions=config.spec.jira.milestone_versions,
                progress=progress,
                ledger=ledger,
                trailing=send,
                early=first.early,
            )
            run = _run_of(config, plan, resolved.refs, outcome, jira, guarded.messages)
            if confluence is not None and outcome.ok:
                try:
                    run.pages = _publish_pages(
                        sites, config, jira, plan, outcome, dry_run, progress, guarded.releases,
                        place, first.early.pages_read() if first.early else None,
                    )  # fmt: skip
                except (HttpError, NivosyncError) as exc:
                    run.page_error = f"Jira is done, but the pages were not published: {exc}"
                    log.error("pages not published", release=plan.release.slug, error=str(exc))
    return run


def _confluence(sites: Sites, config: Config) -> ConfluenceGateway | None:
    """Where the pages go (None: the config has no Confluence)."""
    return confluence_gateway_for(sites, config) if config.spec.confluence else None


def _ledger(config: Config, jira: JiraGateway, identity: ReleaseIdentity) -> ReleaseLedger:
    timing = LedgerTiming(
        index_lag=config.spec.jira.search_lag_seconds,
        wait_seconds=config.spec.jira.lease_wait_seconds,
    )
    return ReleaseLedger(jira, identity.slug, timing)


@dataclass(frozen=True)
class _FirstReads:
    """A run's first reads, in independent chains: the project and its task screen; who we
    are and our ledger; the Confluence space and parent page the pages go under; and `early`,
    the release's search and recorded pages — where an earlier run on this machine said which
    custom fields the search reads (else it is sent once they are known, when reconciling)."""

    answers: Future[object]
    early: ReleaseAhead | None

    @classmethod
    def sent(
        cls,
        send: Send,
        config: Config,
        jira: JiraGateway,
        confluence: ConfluenceGateway | None,
        ledger: ReleaseLedger,
        identity: ReleaseIdentity,
    ) -> _FirstReads:
        custom = remembered_fields(config)
        early = ReleaseAhead.sent(send, jira, confluence, identity, custom) if custom else None
        resolving = partial(resolve, jira, config.spec.jira.issue_type)
        place_of = partial(early_place, confluence, config) if confluence else _nowhere
        return cls(send(partial(both, lambda: alongside(resolving, ledger.load), place_of)), early)

    def answered(self) -> tuple[Resolved, Placed | None]:
        """What the project, the ledger and the place said (waiting for them)."""
        return cast("tuple[Resolved, Placed | None]", self.answers.result())


def _remember_fields(config: Config, jira: JiraGateway, early: ReleaseAhead | None) -> None:
    found = jira.custom_fields()
    if found is not None and (early is None or early.custom != found):
        remember_fields(config, found)


def _run_of(
    config: Config,
    plan: Plan,
    refs: Mapping[str, str],
    outcome: CreateOutcome,
    jira: JiraGateway,
    conflicts: list[str],
) -> CreateRun:
    """What Jira's part of the run did, and whether the release starts before today."""
    names = {ref: person for person, ref in refs.items()}
    run = CreateRun(outcome, names, jira.browse_url, conflicts=conflicts)
    if outcome.epic.action != "existing":  # said once, when the release is made
        today = today_in(config)
        late = late_start(plan, today)
        run.late = (today, late) if late else None
    return run


def _nowhere() -> None:
    return None


def _publish_pages(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    plan: Plan,
    outcome: CreateOutcome,
    dry_run: bool,
    progress: Progress = SILENT,
    running: tuple[ReleaseRecord, ...] | None = None,
    place: Placed | None = None,
    read: Mapping[str, Page] | None = None,
) -> list[PageResult]:
    """Create the release's pages that do not exist yet (`publish` updates existing ones);
    `running`: the other releases' epics, read by the go-live guard; `place`: where the
    pages go, read alongside Jira's first reads; `read`: pages read already, by id."""
    from nivosync.app.publish import prepare, publish_release  # loaded ahead: see above

    if dry_run and outcome.epic.key is None:
        return [
            PageResult(k, page_title(k, plan.release), "would create") for k in RELEASE_PAGE_KINDS
        ]
    request = prepare(config, plan.release.customer, plan.release.release, ["all"], None, None)
    # The template just planned with (a path given as `./my.yaml` is no shipped template's
    # name); no input file: a page made again shows what its page remembered, if anything.
    request = replace(request, template=plan.template, dry_run=dry_run, running=running)
    # Nothing was created: the search create_release just made is still current; else the
    # issues it recorded are read back consistently (the search index may not show them yet),
    # with the release notes' search alongside (new issues: pages to make).
    issues = outcome.found
    if outcome.wrote_issues:
        notes = partial(jira_notes, jira, notes_jql(config, jira, plan.release))
        issues, notes_found = both(
            partial(release_issues, jira, plan.release, outcome.known), notes
        )
        request = replace(request, notes_found=notes_found)
    found = split_release(jira, issues)
    new_epic = outcome.epic.action == "created"
    published = publish_release(
        sites,
        config,
        jira,
        request,
        found,
        create_only=True,
        new_epic=new_epic,
        progress=progress,
        place=place,
        read=read or {},
    )
    return published.pages
