"""Gathering what the release's pages show (Jira items, files, config) and rendering them."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import structlog

from nivosync.change_advisory import ChangeAdvisoryDetails, combine, load_change_advisory
from nivosync.config import ChangeAdvisorySettings, Config
from nivosync.errors import InvalidInput
from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot
from nivosync.notes import (
    DEFAULT_TYPE_SECTIONS,
    ReleaseNotesFile,
    Section,
    load_notes,
    parse_section,
)
from nivosync.plan import Plan, Risk
from nivosync.publishing import FileToAttach, PageSpec
from nivosync.reconcile import EPIC_LABEL, TASK_LABEL_PREFIX
from nivosync.render.pages import (
    PAGE_KINDS,
    IssueRef,
    JiraItem,
    JiraResults,
    RenderedPage,
    collect_changes,
    default_notes_jql,
    render_change_advisory,
    render_release_notes,
    render_release_plan,
    render_uat_form,
)
from nivosync.template import UatScenarioSpec

log = structlog.get_logger(__name__)
APPROVAL_TASK = "change-advisory-approval"


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


def issue_refs(
    found: Iterable[IssueSnapshot], browse: Callable[[str], str]
) -> tuple[dict[str, IssueRef], IssueRef | None]:
    """The release's issues by task id (oldest key wins), and its epic."""
    refs: dict[str, IssueRef] = {}
    epic = None
    for issue in sorted(found, key=lambda i: i.key, reverse=True):
        ref = IssueRef(
            issue.key, browse(issue.key), issue.status, issue.status_category, issue.resolved
        )
        if EPIC_LABEL in issue.labels:
            epic = ref
        task_id = issue.identity.get("task_id") or next(
            (
                x.removeprefix(TASK_LABEL_PREFIX)
                for x in issue.labels
                if x.startswith(TASK_LABEL_PREFIX)
            ),
            None,
        )
        if isinstance(task_id, str):
            refs[task_id] = ref
    return refs, epic


def notes_jql(config: Config, jira: JiraGateway, plan: Plan) -> str:
    settings = config.spec.release_notes
    project = settings.project or jira.project_key
    if settings.jql:
        return settings.jql.format(
            project=project, release=plan.release.release, customer=plan.release.customer
        )
    return default_notes_jql(project, plan.release.release)


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
    if settings is None:
        return None
    return ChangeAdvisoryDetails(
        source=source,
        impact=settings.impact,
        rollback_plan=settings.rollback_plan,
        downtime=settings.downtime,
        deployment_window=settings.deployment_window,
        risks=tuple(Risk(r.risk, r.mitigation) for r in settings.risks),
    )


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
        "plan": lambda: render_release_plan(sources.plan, sources.issues, epic=sources.epic),
        "notes": lambda: render_release_notes(sources.plan.release, changes),
        "change-advisory": lambda: render_change_advisory(
            sources.plan, changes, sources.advisory, sources.issues.get(APPROVAL_TASK)
        ),
        "uat": lambda: render_uat_form(sources.plan, extra_scenarios=sources.uat_extra),
    }
    return [makers[kind]() for kind in PAGE_KINDS if kind in kinds]


def page_spec(page: RenderedPage) -> PageSpec:
    files = []
    for item in page.attachments:
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{item.path}: cannot read screenshot: {exc.strerror}") from None
        kind = mimetypes.guess_type(item.filename)[0] or "application/octet-stream"
        files.append(FileToAttach(item.filename, data, kind))
    return PageSpec(page.kind, page.title, page.body, attachments=tuple(files))


def load_notes_file(path: Path | None) -> ReleaseNotesFile | None:
    return load_notes(path) if path is not None else None
