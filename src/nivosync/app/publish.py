"""Publishing a release's Confluence pages (`publish`, and the last step of `create`)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

from nivosync.app.approval_reading import read_approvals
from nivosync.app.go_live_guard import go_live_conflicts_of
from nivosync.app.mentions import Mentions
from nivosync.app.page_place import Placed, early_place, root_page_id
from nivosync.app.page_sources import (
    PageSources,
    advisory_details,
    issue_refs,
    jira_notes,
    notes_jql,
    page_spec,
    render_pages,
    type_sections,
    uat_evidence,
)
from nivosync.app.planning import compute_plan
from nivosync.app.progress import SILENT, Progress
from nivosync.app.publisher import (
    PageIdentity,
    PageResult,
    PageSpec,
    Publisher,
    publish_all,
)
from nivosync.app.release_template import release_template
from nivosync.app.releases import ReleaseRecord, epics, find_release, record_pages
from nivosync.app.remembered import (
    GivenInputs,
    InputKind,
    InputUse,
    PageInputs,
    forgetting,
    gather,
    read_inputs,
    remember,
)
from nivosync.app.site_clock import today_in
from nivosync.app.site_reads import alongside, at_once, behind, both
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites
from nivosync.app.task_states import task_statuses
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Page, Space
from nivosync.core.approvals import Approval
from nivosync.core.go_live_conflicts import FREEZE, GoLive
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.core.plan import Plan
from nivosync.core.slippage import compute_slippage
from nivosync.core.template import PlanTemplate, UatScenarioSpec
from nivosync.core.uat_evidence import UatEvidence
from nivosync.errors import InvalidInput
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails, combine
from nivosync.inputs.config import Config, load_settings
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.log_setup import get_logger
from nivosync.render.pages import GoLiveDates, JiraResults, RenderedPage
from nivosync.render.pages.common import People
from nivosync.render.pages.uat_form import merge_scenarios

log = get_logger(__name__)


@dataclass(frozen=True)
class PublishRequest:
    """What to publish, with every local input already loaded and checked."""

    identity: ReleaseIdentity
    kinds: tuple[str, ...]
    inputs: GivenInputs  # the --notes / --change-advisory files, and what to forget
    advisory: ChangeAdvisoryDetails  # from the config; the file's part is in `inputs`
    template_name: str | None
    dry_run: bool
    force: frozenset[str]  # page kinds (or "all") written over a person's edit
    template: PlanTemplate | None = None  # already loaded (`create`, `replan`): used as it is
    also_if_kept: tuple[str, ...] = ()  # pages published only when their inputs are remembered
    # the running releases' epics, when this run read them already (the go-live guard of
    # `create` and `replan`): the Change Advisory's collisions need no second search
    running: tuple[ReleaseRecord, ...] | None = None
    # the release notes' Jira items, when this run searched for them already (`create`,
    # alongside reading back the issues it made); used when their query is the one asked
    notes_found: JiraResults | None = None


@dataclass
class PublishOutcome:
    """The pages, what became of the input files, and what to know about the template."""

    pages: list[PageResult]
    inputs: list[InputUse] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def prepare(
    config: Config,
    customer: str,
    release: str,
    kinds: Sequence[str],
    notes_path: Path | None,
    advisory_path: Path | None,
    template_name: str | None = None,
    dry_run: bool = False,
    force: Collection[str] = (),
) -> PublishRequest:
    """Load the files before touching the network: a bad file is exit 2 with nothing written."""
    identity = ReleaseIdentity.checked(customer, release)
    customer_key = config.customer_key(identity.customer)
    selected = tuple(k for k in RELEASE_PAGE_KINDS if k in kinds or "all" in kinds)
    return PublishRequest(
        identity=identity,
        kinds=selected,
        inputs=read_inputs(notes_path, advisory_path),
        advisory=advisory_details(config, customer_key, None),
        template_name=template_name,
        dry_run=dry_run,
        force=frozenset(force),
    )


def publish_release(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    request: PublishRequest,
    found: tuple[ReleaseRecord | None, list[IssueSnapshot]] | None = None,
    create_only: bool = False,
    new_epic: bool = False,
    progress: Progress = SILENT,
    place: Placed | None = None,
    read: Mapping[str, Page] | None = None,
) -> PublishOutcome:
    """Render and publish the requested pages; `found` reuses a search `create` just made,
    `place` the space and parent page it read, `read` the pages it read (by id).

    An input given no file (nor forgotten) is what its page remembers; a file given is
    remembered with its page once the page shows it. `create_only` (used by `create`): pages
    that exist are left as they are — only `publish` updates them. `new_epic`: this run
    created the epic, so its page ids are nobody else's yet (no re-read before recording them).
    """
    progress.stage("reading the release in Jira and Confluence")
    record, issues = found or find_release(jira, request.identity)
    if record is None:
        raise InvalidInput(
            f"{request.identity.title} is not in Jira project {jira.project_key} yet: run "
            "`nivosync create` first"
        )
    publisher, root_id = _placed_publisher(sites, config, record, request, progress, place)
    confluence = publisher.confluence
    kinds = list(request.kinds)
    kept = _existing_pages(confluence, record, kinds, read or {}) if create_only else []
    kinds = [k for k in kinds if k not in {r.kind for r in kept}]
    inputs, request = _read_ahead(config, jira, publisher, record, request, kinds)
    kinds = [k for k in RELEASE_PAGE_KINDS if k in kinds or _kept(k, request, inputs)]
    if not kinds:
        return PublishOutcome(kept)
    if "plan" not in kinds and not record.pages.get("plan"):
        kinds.insert(0, "plan")  # the release page is the others' parent: it must exist
    plan, notes = _plan_of(config, record, request)
    people = Mentions(jira.flavor.cloud).people(
        confluence, dict(record.stored.people) if record.stored else {}
    )
    scenarios = merge_scenarios(plan.template.uat_scenarios, _uat_extra(config, plan))
    evidence, uat_page = (
        uat_evidence(confluence, record.pages.get("uat"), scenarios, "uat" in kinds, publisher.read)
        if "change-advisory" in kinds
        else (None, None)
    )
    rendered = _render(config, jira, record, issues, plan, inputs, request, kinds, people, evidence)
    specs = [page_spec(p, inputs.on_page if p.kind == "notes" else ()) for p in rendered]
    progress.stage("publishing pages", len(specs))
    if uat_page is not None and "uat" in kinds:
        publisher.read[uat_page.id] = uat_page
    results = _publish_specs(jira, publisher, root_id, record, specs, request, new_epic)
    uses = remember(confluence, request.inputs, inputs, results, request.dry_run)
    order: dict[str, int] = {kind: n for n, kind in enumerate(RELEASE_PAGE_KINDS)}
    pages = sorted([*kept, *results], key=lambda r: order.get(r.kind, 99))
    return PublishOutcome(pages, uses, notes)


def _placed_publisher(
    sites: Sites,
    config: Config,
    record: ReleaseRecord,
    request: PublishRequest,
    progress: Progress,
    place: Placed | None,
) -> tuple[Publisher, str]:
    """The publisher for the release's space, with the pages the release has no ids of looked
    for at once (alongside the parent page's look-up, unless `place` has it), and the parent
    page's id."""
    titles = _unrecorded_titles(record, request)
    if place is not None:
        publisher = _publisher(place.confluence, place.space, record, request, progress)
        ahead = place.pages_ahead()
        if ahead is not None:
            publisher.seen(ahead)
        publisher.look_ahead(titles)  # the titles not looked for ahead, if any
        return publisher, place.root_id
    confluence = confluence_gateway_for(sites, config)
    space = confluence.space()
    publisher = _publisher(confluence, space, record, request, progress)
    root_id = alongside(
        partial(root_page_id, confluence, space, config), partial(publisher.look_ahead, titles)
    )
    return publisher, root_id


def _read_ahead(
    config: Config,
    jira: JiraGateway,
    publisher: Publisher,
    record: ReleaseRecord,
    request: PublishRequest,
    kinds: Sequence[str],
) -> tuple[PageInputs, PublishRequest]:
    """At once, the reads publishing `kinds` made one after the other: what the pages remember
    of their inputs, the recorded pages (with nivosync's record of each; the UAT form too,
    for the Change Advisory's evidence) and the release notes' Jira search. The inputs, and
    the request with the search's result."""
    asked = [*kinds, *request.also_if_kept]
    notes = {"notes", "change-advisory"} & set(asked) and request.notes_found is None
    wanted = {*asked, "plan", *(["uat"] if "change-advisory" in asked else [])} if asked else ()
    pages = [record.pages[k] for k in RELEASE_PAGE_KINDS if k in wanted and record.pages.get(k)]
    inputs, _read, found = at_once(
        [
            partial(gather, publisher.confluence, record.pages, request.inputs, asked),
            partial(publisher.read_ahead, pages),
            partial(jira_notes, jira, notes_jql(config, jira, request.identity))
            if notes
            else _nothing,
        ]
    )
    if isinstance(found, JiraResults):
        request = replace(request, notes_found=found)
    return cast(PageInputs, inputs), request


def _nothing() -> None:
    return None


def _kept(kind: str, request: PublishRequest, inputs: PageInputs) -> bool:
    """A page published only when its inputs are remembered (`replan`), and they are."""
    return kind in request.also_if_kept and kind in inputs.kept


def _publisher(
    confluence: ConfluenceGateway,
    space: Space,
    record: ReleaseRecord,
    request: PublishRequest,
    progress: Progress,
) -> Publisher:
    identity = PageIdentity.of_release(record)
    return Publisher(
        confluence,
        space,
        identity,
        force=request.force,
        dry_run=request.dry_run,
        published=lambda _result: progress.advance(),
    )


def _publish_specs(
    jira: JiraGateway,
    publisher: Publisher,
    root_id: str,
    record: ReleaseRecord,
    specs: Sequence[PageSpec],
    request: PublishRequest,
    new_epic: bool,
) -> list[PageResult]:
    # A new page's labels and record are sent behind the next request: the next page's
    # create, or the epic's record of the page ids (its anchor marks the page as ours already).
    with behind() as publisher.trailing:
        try:
            if specs[0].kind == "plan":
                results = publish_all(publisher, specs, root_id, record.pages)
            else:  # the release page exists: publish the others under it
                parent = record.pages["plan"]
                results = [publisher.publish(s, parent, record.pages.get(s.kind)) for s in specs]
            written = {r.kind: r.page_id for r in results if r.page_id and r.action != "conflict"}
            if {**record.pages, **written} != record.pages and not request.dry_run:
                record_pages(jira, record, written, reread=not new_epic)
        finally:
            publisher.trailing = None
    return results


def _unrecorded_titles(record: ReleaseRecord, request: PublishRequest) -> list[str]:
    """The titles of the pages this run may publish that the release has no id of: each is
    looked for by title (with the release's labelled pages), all at once, up front."""
    asked = {"plan", *request.kinds, *request.also_if_kept}
    return [
        page_title(kind, record)
        for kind in RELEASE_PAGE_KINDS
        if kind in asked and not record.pages.get(kind)
    ]


def _existing_pages(
    confluence: ConfluenceGateway,
    record: ReleaseRecord,
    kinds: Sequence[str],
    read: Mapping[str, Page],
) -> list[PageResult]:
    """The recorded pages that exist (`read`: some of them, read already)."""
    known = [kind for kind in kinds if record.pages.get(kind)]
    unread = [record.pages[kind] for kind in known if record.pages[kind] not in read]
    fetched = at_once([partial(confluence.page, page_id) for page_id in unread])
    by_id = {**read, **dict(zip(unread, fetched, strict=True))}
    pages = [by_id[record.pages[kind]] for kind in known]
    return [
        PageResult(kind, page.title, "existing", page.id, page.url)
        for kind, page in zip(known, pages, strict=True)
        if page is not None
    ]


def _render(
    config: Config,
    jira: JiraGateway,
    record: ReleaseRecord,
    issues: list[IssueSnapshot],
    plan: Plan,
    inputs: PageInputs,
    request: PublishRequest,
    kinds: Sequence[str],
    people: People,
    evidence: UatEvidence | None,
) -> list[RenderedPage]:
    refs, epic = issue_refs([record.epic, *issues], jira.browse_url)
    jql = notes_jql(config, jira, plan.release)
    needs_notes = {"notes", "change-advisory"} & set(kinds)
    forecast = _forecast(config, record, issues)
    projected = forecast.projected if forecast else plan.go_live
    freezes, collisions = go_live_conflicts_met(
        config, jira, record, plan, projected, kinds, request.running
    )
    sources = PageSources(
        plan=plan,
        issues=refs,
        epic=epic,
        jira_notes=_notes_found(jira, jql, request) if needs_notes else JiraResults(jql, ()),
        notes=inputs.notes,
        advisory=(
            combine(request.advisory, inputs.advisory) if inputs.advisory else request.advisory
        ),
        uat_extra=_uat_extra(config, plan),
        forecast=forecast,
        people=people,
        evidence=evidence,
        time_zone=config.spec.timezone,
        freezes=freezes,
        collisions=collisions,
        approvals=_approvals(jira, record, issues, plan, kinds),
    )
    return render_pages(sources, kinds, type_sections(config))


def _notes_found(jira: JiraGateway, jql: str, request: PublishRequest) -> JiraResults:
    found = request.notes_found
    return found if found is not None and found.jql == jql else jira_notes(jira, jql)


def _approvals(
    jira: JiraGateway,
    record: ReleaseRecord,
    issues: list[IssueSnapshot],
    plan: Plan,
    kinds: Sequence[str],
) -> tuple[Approval, ...]:
    """The approvers' decisions, for the Change Advisory page (read only when it is shown)."""
    if "change-advisory" not in kinds:
        return ()
    return read_approvals(jira, plan, issues, dict(record.stored.people) if record.stored else {})


def go_live_conflicts_met(
    config: Config,
    jira: JiraGateway,
    record: ReleaseRecord,
    plan: Plan,
    projected: date,
    kinds: Sequence[str],
    running: Sequence[ReleaseRecord] | None = None,
) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """What the Change Advisory says of the release's go-live (forecast; planned for a freeze
    it slid into): the change freezes it falls in — the config's freezes, no request — and,
    when the config limits go-lives per day or week and the Change Advisory is shown, the
    collisions with the other running releases' planned go-lives: one search of their epics
    (their forecasts would cost their tasks' searches), unless `running` holds them already.
    Collisions None: not checked."""
    release = plan.release
    ours = GoLive(release.title, release.customer, projected, plan.go_live)
    settings = config.spec.portfolio
    limited = (
        settings.max_go_lives_per_day is not None or settings.max_go_lives_per_week is not None
    )
    checked = limited and "change-advisory" in kinds
    others = [
        GoLive(r.title, r.customer, r.baseline.go_live, r.baseline.go_live)
        for r in ((epics(jira) if running is None else running) if checked else ())
        if r.finish is None and r.baseline is not None and r.slug != record.slug
    ]
    found = [
        c for c in go_live_conflicts_of(config, [*others, ours]) if release.title in c.releases
    ]
    freezes = tuple(c.message for c in found if c.kind == FREEZE)
    collisions = tuple(c.message for c in found if c.kind != FREEZE)
    return freezes, collisions if checked else None


def _uat_extra(config: Config, plan: Plan) -> list[UatScenarioSpec]:
    """The customer's own UAT scenarios, from the configuration."""
    customer_key = config.customer_key(plan.release.customer)
    return config.spec.customers[customer_key].uat_scenarios if customer_key else []


def _forecast(
    config: Config, record: ReleaseRecord, issues: list[IssueSnapshot]
) -> GoLiveDates | None:
    """Today's go-live forecast from the issues just read (no extra request)."""
    if record.baseline is None:
        return None
    slip = compute_slippage(record.baseline, task_statuses(issues), today_in(config))
    return GoLiveDates(slip.planned_go_live, slip.projected_go_live, slip.actual_go_live)


def _plan_of(
    config: Config, record: ReleaseRecord, request: PublishRequest
) -> tuple[Plan, list[str]]:
    """The plan the pages show (the release's template, from its baseline's start), and what
    to know about that template (changed since the release was created)."""
    if record.baseline is None or record.stored is None:
        raise InvalidInput(
            f"epic {record.epic.key} has no readable baseline (issue property 'nivosync'): "
            f"{record.problem or 'was it created by nivosync?'}"
        )
    template, notes = request.template, []
    if template is None:
        chosen = release_template(config, record.stored, request.template_name)
        template, notes = chosen.template, chosen.notes
    start = record.baseline.start
    return compute_plan(config, template, record.customer, record.release, start), notes


def publish_pages(
    config_path: Path | None,
    customer: str,
    release: str,
    *,
    kinds: Sequence[str],
    notes_path: Path | None,
    advisory_path: Path | None,
    template_name: str | None,
    dry_run: bool,
    force: Collection[str],
    forget: Collection[InputKind] = (),
    progress: Progress = SILENT,
) -> PublishOutcome:
    """`nivosync publish`: every input checked first, then the pages written (or not)."""
    config = load_settings(config_path)
    request = prepare(
        config, customer, release, kinds, notes_path, advisory_path, template_name, dry_run, force
    )
    if forget:
        request = replace(request, inputs=forgetting(request.inputs, forget, request.kinds))
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        # Where the pages go is read alongside the release in Jira.
        found, place = both(
            partial(find_release, jira, request.identity),
            partial(early_place, confluence_gateway_for(sites, config), config),
        )
        return publish_release(sites, config, jira, request, found, progress=progress, place=place)
