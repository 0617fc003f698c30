"""`nivosync create`: the release as one Jira epic with one issue per task, and its pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

import structlog

from nivosync.commands.common import load_settings, pick_template
from nivosync.commands.plan import compute_plan
from nivosync.commands.publish import pages_json, pages_text, prepare, publish_release
from nivosync.commands.sites import Sites, jira_gateway, open_sites
from nivosync.config import Config
from nivosync.creation import CreateOutcome, Progress, create_release, resolve
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL, NivosyncError
from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.plan import Plan
from nivosync.publishing import PageResult
from nivosync.releases import split_release
from nivosync.render.create_text import create_json, create_text
from nivosync.render.pages import PAGE_KINDS, page_title

log = structlog.get_logger(__name__)


def run_create(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    *,
    dry_run: bool,
    update: bool,
    publish: bool = True,
    as_json: bool,
    out: TextIO,
    progress: Progress,
) -> int:
    """Load, resolve, reconcile, publish the pages; exit 0 when complete, 1 when not."""
    config = load_settings(config_path)
    template = pick_template(config, template_name)
    plan = compute_plan(config, template, customer, release, start)
    pages: list[PageResult] = []
    page_error = None
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        resolved = resolve(jira, plan, config.spec.jira.issue_type)
        outcome = create_release(
            jira,
            plan,
            resolved,
            dry_run=dry_run,
            update=update,
            milestone_versions=config.spec.jira.milestone_versions,
            progress=progress,
        )
        if publish and config.spec.confluence is not None and outcome.ok:
            try:
                pages = _publish_pages(sites, config, jira, plan, outcome, dry_run)
            except (HttpError, NivosyncError) as exc:
                page_error = f"Jira is done, but the pages were not published: {exc}"
                log.error("pages not published", release=plan.release.slug, error=str(exc))
    names = {ref: person for person, ref in resolved.refs.items()}
    if as_json:
        document = create_json(outcome, jira.browse_url, names)
        document["pages"] = [pages_json(p) for p in pages]
        document["failures"] += [page_error] if page_error else []
        json.dump(document, out, indent=2)
        out.write("\n")
    else:
        out.write(create_text(outcome, jira.browse_url, names))
        if pages:
            out.write("\n" + pages_text(pages))
        if page_error:
            out.write(f"\n{page_error}\n")
    failed = not outcome.ok or page_error or any(p.action == "conflict" for p in pages)
    return EXIT_OPERATIONAL if failed else EXIT_OK


def _publish_pages(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    plan: Plan,
    outcome: CreateOutcome,
    dry_run: bool,
) -> list[PageResult]:
    """Create the release's pages that do not exist yet (`publish` updates existing ones)."""
    if dry_run and outcome.epic.key is None:
        return [PageResult(k, page_title(k, plan.release), "would create") for k in PAGE_KINDS]
    request = prepare(
        config,
        plan.release.customer,
        plan.release.release,
        ["all"],
        None,
        None,
        plan.template.name,
        dry_run,
    )
    # Nothing was created: the search create_release just made is still current.
    found = None if outcome.wrote_issues else split_release(jira, outcome.found)
    return publish_release(sites, config, jira, request, found, create_only=True)
