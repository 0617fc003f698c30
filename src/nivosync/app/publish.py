"""Publishing a release's Confluence pages (`publish`, and the last step of `create`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nivosync.app.page_sources import (
    PageSources,
    advisory_details,
    issue_refs,
    jira_notes,
    load_notes_file,
    notes_jql,
    page_spec,
    render_pages,
    type_sections,
)
from nivosync.app.planning import compute_plan
from nivosync.app.publisher import PageIdentity, PageResult, Publisher, publish_all
from nivosync.app.releases import ReleaseRecord, find_release, record_pages
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites, today_in
from nivosync.app.status_reports import task_statuses
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Space
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import RELEASE_PAGE_KINDS
from nivosync.core.plan import Plan
from nivosync.core.slippage import compute_slippage
from nivosync.errors import InvalidInput
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails
from nivosync.inputs.config import Config, load_settings
from nivosync.inputs.notes import ReleaseNotesFile
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.render.pages import GoLiveDates, JiraResults, RenderedPage


@dataclass(frozen=True)
class PublishRequest:
    """What to publish, with every local input already loaded and checked."""

    identity: ReleaseIdentity
    kinds: tuple[str, ...]
    notes: ReleaseNotesFile | None
    advisory: ChangeAdvisoryDetails
    template_name: str | None
    dry_run: bool
    force: bool


def prepare(
    config: Config,
    customer: str,
    release: str,
    kinds: Sequence[str],
    notes_path: Path | None,
    advisory_path: Path | None,
    template_name: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> PublishRequest:
    """Load the files before touching the network: a bad file is exit 2 with nothing written."""
    identity = ReleaseIdentity.checked(customer, release)
    customer_key = config.customer_key(identity.customer)
    return PublishRequest(
        identity=identity,
        kinds=tuple(k for k in RELEASE_PAGE_KINDS if k in kinds or "all" in kinds),
        notes=load_notes_file(notes_path),
        advisory=advisory_details(config, customer_key, advisory_path),
        template_name=template_name,
        dry_run=dry_run,
        force=force,
    )


def publish_release(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    request: PublishRequest,
    found: tuple[ReleaseRecord | None, list[IssueSnapshot]] | None = None,
    create_only: bool = False,
    new_epic: bool = False,
) -> list[PageResult]:
    """Render and publish the requested pages; `found` reuses a search `create` just made.

    `create_only` (used by `create`): pages that exist are left as they are — only `publish`,
    with its --notes and --change-advisory inputs, updates them. `new_epic`: this run created
    the epic, so its page ids are nobody else's yet (no re-read before recording them).
    """
    record, issues = found or find_release(jira, request.identity)
    if record is None:
        raise InvalidInput(
            f"{request.identity.title} is not in Jira project {jira.project_key} yet: run "
            "`nivosync create` first"
        )
    confluence = confluence_gateway_for(sites, config)
    space, root_id = space_and_root(confluence, config)
    kinds = list(request.kinds)
    kept = _existing_pages(confluence, record, kinds) if create_only else []
    kinds = [k for k in kinds if k not in {r.kind for r in kept}]
    if not kinds:
        return kept
    if "plan" not in kinds and not record.pages.get("plan"):
        kinds.insert(0, "plan")  # the release page is the others' parent: it must exist
    specs = [page_spec(p) for p in _render(config, jira, record, issues, request, kinds)]
    identity = PageIdentity(record.slug, record.customer, record.release)
    publisher = Publisher(confluence, space, identity, force=request.force, dry_run=request.dry_run)
    if specs[0].kind == "plan":
        results = publish_all(publisher, specs, root_id, record.pages)
    else:  # the release page exists: publish the others under it
        parent = record.pages["plan"]
        results = [publisher.publish(s, parent, record.pages.get(s.kind)) for s in specs]
    written = {r.kind: r.page_id for r in results if r.page_id and r.action != "conflict"}
    if {**record.pages, **written} != record.pages and not request.dry_run:
        record_pages(jira, record, written, reread=not new_epic)
    order: dict[str, int] = {kind: n for n, kind in enumerate(RELEASE_PAGE_KINDS)}
    return sorted([*kept, *results], key=lambda r: order.get(r.kind, 99))


def space_and_root(confluence: ConfluenceGateway, config: Config) -> tuple[Space, str]:
    space = confluence.space()
    settings = config.spec.confluence
    assert settings is not None
    root = confluence.find_page(space, settings.parent_page)
    if root is None:
        raise InvalidInput(
            f"confluence.parent_page '{settings.parent_page}' is not a page in space "
            f"{space.key}: create it, or fix the title in the config"
        )
    return space, root.id


def _existing_pages(
    confluence: ConfluenceGateway, record: ReleaseRecord, kinds: Sequence[str]
) -> list[PageResult]:
    kept = []
    for kind in kinds:
        page = confluence.page(record.pages[kind]) if record.pages.get(kind) else None
        if page is not None:
            kept.append(PageResult(kind, page.title, "existing", page.id, page.url))
    return kept


def _render(
    config: Config,
    jira: JiraGateway,
    record: ReleaseRecord,
    issues: list[IssueSnapshot],
    request: PublishRequest,
    kinds: Sequence[str],
) -> list[RenderedPage]:
    plan = _plan_of(config, record, request)
    refs, epic = issue_refs([record.epic, *issues], jira.browse_url)
    jql = notes_jql(config, jira, plan)
    needs_notes = {"notes", "change-advisory"} & set(kinds)
    customer_key = config.customer_key(plan.release.customer)
    sources = PageSources(
        plan=plan,
        issues=refs,
        epic=epic,
        jira_notes=jira_notes(jira, jql) if needs_notes else JiraResults(jql, ()),
        notes=request.notes,
        advisory=request.advisory,
        uat_extra=config.spec.customers[customer_key].uat_scenarios if customer_key else [],
        forecast=_forecast(config, record, issues),
    )
    return render_pages(sources, kinds, type_sections(config))


def _forecast(
    config: Config, record: ReleaseRecord, issues: list[IssueSnapshot]
) -> GoLiveDates | None:
    """Today's go-live forecast from the issues just read (no extra request)."""
    if record.baseline is None:
        return None
    slip = compute_slippage(record.baseline, task_statuses(issues), today_in(config))
    return GoLiveDates(slip.planned_go_live, slip.projected_go_live, slip.actual_go_live)


def _plan_of(config: Config, record: ReleaseRecord, request: PublishRequest) -> Plan:
    if record.baseline is None or record.stored is None:
        raise InvalidInput(
            f"epic {record.epic.key} has no readable baseline (issue property 'nivosync'): "
            f"{record.problem or 'was it created by nivosync?'}"
        )
    template = config.template(request.template_name or record.stored.template_name)
    return compute_plan(config, template, record.customer, record.release, record.baseline.start)


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
    force: bool,
) -> list[PageResult]:
    """`nivosync publish`: every input checked first, then the pages written (or not)."""
    config = load_settings(config_path)
    request = prepare(
        config, customer, release, kinds, notes_path, advisory_path, template_name, dry_run, force
    )
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        jira.site_facts()
        return publish_release(sites, config, jira, request)
