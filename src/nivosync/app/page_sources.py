"""Gathering what the release's pages show (Jira items, files, config) and rendering them."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nivosync.app.publisher import FileToAttach, PageSpec
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Page
from nivosync.core.approvals import Approval
from nivosync.core.identity import (
    APPROVAL_TASK,
    ReleaseIdentity,
    is_epic,
    jql_quote,
    oldest_first,
    task_issues,
)
from nivosync.core.jql_template import fill_jql
from nivosync.core.pages import RELEASE_PAGE_KINDS
from nivosync.core.plan import Plan
from nivosync.core.regions import RegionScan, scan_regions
from nivosync.core.template import UatScenarioSpec
from nivosync.core.uat_evidence import UatEvidence, read_evidence
from nivosync.http import HttpError
from nivosync.inputs.change_advisory import (
    ChangeAdvisoryDetails,
    combine,
    details_from_spec,
    load_change_advisory,
)
from nivosync.inputs.config import ChangeAdvisorySettings, Config
from nivosync.inputs.notes import (
    DEFAULT_TYPE_SECTIONS,
    ReleaseNotesFile,
    Section,
    parse_section,
)
from nivosync.inputs.screenshots import read_screenshot
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.log_setup import get_logger
from nivosync.render.pages import (
    GoLiveDates,
    IssueRef,
    JiraItem,
    JiraResults,
    RenderedPage,
    collect_changes,
    render_change_advisory,
    render_release_notes,
    render_release_plan,
    render_uat_form,
)
from nivosync.render.pages.change_advisory import AdvisoryContext
from nivosync.render.pages.common import People

log = get_logger(__name__)


@dataclass(frozen=True)
class PageSources:
    """Everything the four release pages are made from."""

    plan: Plan
    issues: Mapping[str, IssueRef]  # task id → its Jira issue
    epic: IssueRef | None
    jira_notes: JiraResults
    notes: ReleaseNotesFile | None
    advisory: ChangeAdvisoryDetails
    uat_extra: Sequence[UatScenarioSpec]
    forecast: GoLiveDates | None = None  # tonight's go-live, for a release that exists
    people: People = field(default_factory=dict)  # a person's text → their Confluence user
    approvals: tuple[Approval, ...] = ()  # each approver's decision on the Change Advisory
    evidence: UatEvidence | None = None  # what the UAT form records; None: not published
    time_zone: str = "UTC"  # the configuration's, for a change window that names none
    freezes: tuple[str, ...] | None = None  # the change freezes the go-live meets
    collisions: tuple[str, ...] | None = None  # too many go-lives that day or week; None: unchecked


def issue_refs(
    found: Iterable[IssueSnapshot], browse: Callable[[str], str]
) -> tuple[dict[str, IssueRef], IssueRef | None]:
    """The release's issues by task id (the oldest of duplicates), and its epic."""
    issues = list(found)

    def ref(issue: IssueSnapshot) -> IssueRef:
        return IssueRef(
            issue.key, browse(issue.key), issue.status, issue.status_category, issue.resolved
        )

    epic = next((ref(i) for i in oldest_first(issues) if is_epic(i)), None)
    return {task_id: ref(i) for task_id, i in task_issues(issues).items()}, epic


def default_notes_jql(project_key: str, fix_version: str) -> str:
    """The product project's issues fixed in the release."""
    return (
        f"project = {jql_quote(project_key)} AND fixVersion = {jql_quote(fix_version)} "
        "ORDER BY issuetype ASC, key ASC"
    )


def notes_jql(config: Config, jira: JiraGateway, release: ReleaseIdentity) -> str:
    """The search of the release's Jira items, shown in its release notes."""
    settings = config.spec.release_notes
    project = settings.project or jira.project_key
    if settings.jql:
        values = {"project": project, "release": release.release, "customer": release.customer}
        return fill_jql(settings.jql, values)
    return default_notes_jql(project, release.release)


def jira_notes(jira: JiraGateway, jql: str) -> JiraResults:
    """The release's Jira items; a query Jira refuses (e.g. no such fixVersion) finds nothing."""
    try:
        items = tuple(
            JiraItem(i.key, i.summary, i.issue_type, jira.browse_url(i.key))
            for i in jira.search(jql)
        )
    except HttpError as exc:
        if exc.status != 400:
            raise
        log.info("release notes query refused by Jira", jql=jql, error=str(exc))
        items = ()
    return JiraResults(jql, items)


def advisory_details(
    config: Config, customer_key: str | None, file: Path | None
) -> ChangeAdvisoryDetails:
    """Config (global, then the customer's), then the --change-advisory file: later wins."""
    sources = [_from_settings(config.spec.change_advisory, "config")]
    if customer_key is not None:
        customer = config.spec.customers[customer_key].change_advisory
        sources.append(_from_settings(customer, f"config (customers.{customer_key})"))
    if file is not None:
        sources.append(load_change_advisory(file))
    return combine(*[s for s in sources if s is not None])


def _from_settings(
    settings: ChangeAdvisorySettings | None, source: str
) -> ChangeAdvisoryDetails | None:
    return None if settings is None else details_from_spec(settings, source)


def uat_evidence(
    confluence: ConfluenceGateway,
    page_id: str | None,
    scenarios: Sequence[UatScenarioSpec],
    publishing: bool,
    read: Mapping[str, Page] | None = None,
) -> tuple[UatEvidence | None, Page | None]:
    """What the UAT form's testers recorded (one read of the page — unless `read` has it —
    returned too, so that publishing it does not read it again); None when it is not
    published (nor `publishing` now: then nothing is recorded yet), or its body cannot be
    read as storage format."""
    known = (read or {}).get(page_id) if page_id else None
    page = known or (confluence.page(page_id) if page_id else None)
    if page is None:
        return (read_evidence(RegionScan({}), scenarios) if publishing else None), None
    scan = scan_regions(page.body)
    return (read_evidence(scan, scenarios) if scan is not None else None), page


def type_sections(config: Config) -> dict[str, Section]:
    mapping = dict(DEFAULT_TYPE_SECTIONS)
    for issue_type, name in config.spec.release_notes.sections.items():
        section = parse_section(name)
        if section is not None:
            mapping[issue_type] = section
    return mapping


def render_pages(
    sources: PageSources, kinds: Sequence[str], sections: Mapping[str, Section]
) -> list[RenderedPage]:
    """The pages asked for, in publishing order (the plan page first: it is the parent)."""
    changes = collect_changes(sources.jira_notes, sources.notes, sections)
    makers: dict[str, Callable[[], RenderedPage]] = {
        "plan": lambda: render_release_plan(
            sources.plan,
            sources.issues,
            epic=sources.epic,
            forecast=sources.forecast,
            mentions=sources.people,
        ),
        "notes": lambda: render_release_notes(
            sources.plan.release, changes, go_live=sources.plan.go_live, forecast=sources.forecast
        ),
        "change-advisory": lambda: render_change_advisory(
            sources.plan,
            changes,
            sources.advisory,
            sources.issues.get(APPROVAL_TASK),
            sources.forecast,
            sources.people,
            AdvisoryContext(
                sources.issues,
                sources.approvals,
                sources.evidence,
                sources.time_zone,
                sources.freezes,
                sources.collisions,
            ),
        ),
        "uat": lambda: render_uat_form(
            sources.plan, extra_scenarios=sources.uat_extra, mentions=sources.people
        ),
    }
    return [makers[kind]() for kind in RELEASE_PAGE_KINDS if kind in kinds]


def page_spec(page: RenderedPage, on_page: Collection[str] = ()) -> PageSpec:
    """The page to publish, with its files read; those `on_page` (screenshots of remembered
    notes, attached when they were given) are the page's already: not read, not uploaded."""
    files = []
    for item in page.attachments:
        if item.filename in on_page:
            continue
        data = read_screenshot(item.path)  # checked when the notes were loaded; again here
        kind = mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
        files.append(FileToAttach(item.filename, data, kind))
    return PageSpec(page.kind, page.title, page.body, attachments=tuple(files))
