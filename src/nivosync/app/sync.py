"""The nightly sync as one use case: find active releases, measure them, publish their pages."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import structlog

from nivosync.app.publish import space_and_root
from nivosync.app.publisher import PageIdentity, PageResult, PageSpec, Publisher
from nivosync.app.releases import ReleaseRecord, epics, find_release
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites
from nivosync.app.status_reports import ReleaseSync, StatusPublisher, is_active, measure
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import portfolio_title
from nivosync.errors import InvalidInput
from nivosync.http import HttpError
from nivosync.inputs.config import Config, load_settings
from nivosync.jira.gateway import JiraGateway
from nivosync.render.status_page import PortfolioRow, portfolio_body

log = structlog.get_logger(__name__)


def today_in(config: Config) -> date:
    return datetime.now(ZoneInfo(config.spec.timezone)).date()


@dataclass
class SyncRun:
    """What a sync measured and published."""

    as_of: date
    results: list[ReleaseSync]
    portfolio: PageResult | None

    @property
    def failed(self) -> bool:
        portfolio_failed = self.portfolio is not None and self.portfolio.action == "conflict"
        return portfolio_failed or any(r.error or r.publish_error for r in self.results)

    @property
    def slipping(self) -> bool:
        return any(r.slippage and r.slippage.slip_days > 0 for r in self.results)


def sync_releases(
    config_path: Path | None,
    customer: str | None,
    release: str | None,
    *,
    everything: bool,
    as_of: date | None,
    publish: bool,
) -> SyncRun:
    if everything == bool(customer or release) or (not everything and not (customer and release)):
        raise InvalidInput("give either --all, or both --customer and --release")
    config = load_settings(config_path)
    as_of = as_of or today_in(config)
    began = time.monotonic()
    with open_sites(config) as sites:
        jira = jira_gateway(sites, config)
        jira.site_facts()
        records = _records(jira, config, customer, release, as_of, everything)
        results = list(measure(jira, records, as_of))
        portfolio = None
        if publish and results:
            portfolio = _publish(sites, config, jira, results, as_of, everything)
    _log_run(results, began)
    return SyncRun(as_of, results, portfolio)


def _log_run(results: list[ReleaseSync], began: float) -> None:
    for item in results:
        log.info(
            "release synced",
            release=item.record.slug,
            status=item.slippage.status if item.slippage else "error",
            slip_days=item.slippage.slip_days if item.slippage else None,
            tasks=len(item.slippage.tasks) if item.slippage else 0,
            error=item.error,
        )
    log.info(
        "sync finished",
        releases=len(results),
        failed=sum(1 for r in results if r.error or r.publish_error),
        duration_ms=round(1000 * (time.monotonic() - began)),
    )


def _records(
    jira: JiraGateway,
    config: Config,
    customer: str | None,
    release: str | None,
    as_of: date,
    everything: bool,
) -> list[ReleaseRecord]:
    if everything:
        days = config.spec.sync.inactive_after_days
        return [r for r in epics(jira) if is_active(r, as_of, days)]
    assert customer and release
    identity = ReleaseIdentity.checked(customer, release)
    record, _ = find_release(jira, identity)
    if record is None:
        raise InvalidInput(
            f"no release {identity.title} in Jira project {jira.project_key} (label "
            f"{identity.label}): create it first with `nivosync create`"
        )
    return [record]


def _publish(
    sites: Sites,
    config: Config,
    jira: JiraGateway,
    results: list[ReleaseSync],
    as_of: date,
    everything: bool,
) -> PageResult | None:
    confluence = confluence_gateway_for(sites, config)
    space, root_id = space_and_root(confluence, config)
    settings = config.spec.confluence
    assert settings is not None
    StatusPublisher(
        jira,
        lambda: confluence_gateway_for(sites, config),
        space,
        root_id,
        workers=config.spec.sync.page_workers,
    ).publish(results)
    if not everything:
        return None
    rows = [_portfolio_row(item) for item in results]
    identity = PageIdentity(f"portfolio-{jira.project_key.lower()}")
    title = portfolio_title(settings.parent_page)
    spec = PageSpec("portfolio", title, portfolio_body(rows, as_of))
    try:
        return Publisher(confluence, space, identity).publish(spec, root_id, None)
    except HttpError as exc:
        return PageResult("portfolio", title, "conflict", message=str(exc))


def _portfolio_row(item: ReleaseSync) -> PortfolioRow:
    slip = item.slippage
    page = item.page
    return PortfolioRow(
        customer=item.record.customer,
        release=item.record.release,
        status=slip.status if slip else "stale",
        planned_go_live=slip.planned_go_live if slip else None,
        projected_go_live=slip.projected_go_live if slip else None,
        slip_days=slip.slip_days if slip else 0,
        status_page_title=page.title if page else None,
        status_page_url=page.url if page else None,
        note=item.error or "",
    )
