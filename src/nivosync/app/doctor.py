"""`nivosync doctor`: check a site before the first write, reading only.

Who nivosync is on Jira and whether the auth scheme fits the flavour; the project, its
issue types and style; what the create screens let nivosync set; the account's project
permissions; that every configured person can be assigned issues; the Confluence space,
parent page and the rights to add pages and attachments; what the answers said about the
rate limit. Each check is ok, a warning (a feature is off or a field stays unset) or a
failure (`create`, `publish` or `sync` would stop): exit 2 when any check fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from nivosync.app.permissions import Held, Need, needs, read_permissions
from nivosync.app.planning import compute_plan
from nivosync.app.resolving import Resolved, check_screens_of, not_assignable_text, resolve
from nivosync.app.sites import Sites, confluence_gateway_for, jira_gateway, open_sites
from nivosync.confluence.errors import ADD_ATTACHMENT, ADD_PAGE
from nivosync.core.approvals import planned_approvals
from nivosync.core.plan import Plan
from nivosync.errors import NivosyncError
from nivosync.http import HttpError, RateSeen
from nivosync.inputs.config import Config, load_settings
from nivosync.jira.gateway import JiraGateway

Status = Literal["ok", "warn", "fail"]
DOCTOR_RELEASE = "0.0.0-doctor"  # the plan doctor checks the screens with (never written)


@dataclass(frozen=True)
class Check:
    area: str  # Jira | Confluence
    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass
class DoctorReport:
    site: str
    flavor: str
    checks: list[Check] = field(default_factory=list)

    @property
    def blocked(self) -> bool:
        return any(c.status == "fail" for c in self.checks)


def run_doctor(config_path: Path | None, template_name: str | None, today: date) -> DoctorReport:
    """Every check, in order; a check that cannot run because an earlier one failed says so."""
    config = load_settings(config_path)
    customer = _customer(config)
    # a plan as `create` would make today — or on the next working day, on a weekend/holiday
    start = config.calendar(customer).next_working_day(today)
    plan = compute_plan(config, config.template(template_name), customer, DOCTOR_RELEASE, start)
    with open_sites(config) as sites:
        where = "the embedded sandbox" if sites.embedded else sites.jira.url
        report = DoctorReport(where, sites.jira.flavor)
        jira = jira_gateway(sites, config)
        report.checks += _jira_checks(jira, config, plan, sites)
        if config.spec.confluence is not None:
            report.checks += _confluence_checks(sites, config)
    return report


def _customer(config: Config) -> str:
    """The first configured customer (their roles override the global ones), else any."""
    return next(iter(config.spec.customers), "Doctor Check")


def _jira_checks(jira: JiraGateway, config: Config, plan: Plan, sites: Sites) -> Iterator[Check]:
    account = _account(jira, config)
    yield account
    if account.status == "fail":
        return
    try:
        resolved = resolve(jira, config.spec.jira.issue_type)
    except NivosyncError as exc:
        yield Check("Jira", "project", "fail", str(exc), "check jira.project and issue_type")
        return
    yield _project(resolved)
    wanted = needs(config.spec.jira.milestone_versions)
    try:
        resolved.held = read_permissions(jira, wanted)
    except NivosyncError as exc:
        yield Check("Jira", "permissions", "fail", str(exc), "check jira.project")
        return
    yield from _screens(jira, resolved, plan, config.spec.jira.milestone_versions)
    yield from _permissions(jira, wanted, resolved.held)
    yield from _people(jira, config)
    yield _rate("Jira", jira.transport.rate)


def _account(jira: JiraGateway, config: Config) -> Check:
    credentials = jira.transport.credentials
    scheme = "Bearer (personal access token)" if credentials.bearer else "Basic"
    if jira.flavor.cloud and credentials.bearer:
        return Check(
            "Jira",
            "account",
            "fail",
            f"{credentials.user}: Bearer auth on Jira Cloud",
            "Cloud API tokens use Basic auth with the account's email: remove jira.auth",
        )
    try:
        me = jira.myself()
    except HttpError as exc:
        return Check("Jira", "account", "fail", str(exc), _login_fix(jira, config))
    return Check("Jira", "account", "ok", f"{me.display_name} ({me.ref}), {scheme} auth")


def _login_fix(jira: JiraGateway, config: Config) -> str:
    var = f"${config.spec.jira.token_env}"
    if jira.flavor.cloud:
        return f"jira.user is the account's email and {var} one of its API tokens"
    return f"{var} holds a personal access token of jira.user (or its password with auth: basic)"


def _project(resolved: Resolved) -> Check:
    facts = resolved.facts
    style = "team-managed" if facts.team_managed else "company-managed"
    types = ", ".join(t.name for t in facts.issue_types)
    detail = (
        f"{facts.project_key} '{facts.project_name}' ({style}); epic type "
        f"{resolved.epic_type.name}, task type {resolved.task_type.name}, sub-task type "
        f"{resolved.subtask_type.name if resolved.subtask_type else 'none'}; issue types: {types}"
    )
    if facts.epic_link_field:
        detail += f"; Epic Link {facts.epic_link_field}, Epic Name {facts.epic_name_field}"
    return Check("Jira", "project", "ok", detail)


def _screens(
    jira: JiraGateway, resolved: Resolved, plan: Plan, milestone_versions: bool
) -> Iterator[Check]:
    versions = [m.id for m in plan.milestones] if milestone_versions else []
    try:
        approvals = planned_approvals(plan)  # the approvers' sub-tasks' screen too
        unset = check_screens_of(jira, resolved, True, plan.tasks, versions, approvals)
    except NivosyncError as exc:
        yield Check("Jira", "create screens", "fail", str(exc), "fix the screens named")
        return
    if not unset:
        yield Check("Jira", "create screens", "ok", "every planned field is on the screens")
    for item in unset:
        yield Check(
            "Jira",
            "create screens",
            "warn",
            item.text(),
            "add the field to the issue type's create screen (Project settings → Screens)",
        )


def _permissions(jira: JiraGateway, wanted: Sequence[Need], held: Held) -> Iterator[Check]:
    for need in wanted:
        if not held.lacks(need.key):
            yield Check("Jira", f"permission {need.name}", "ok", f"to {need.why}")
            continue
        yield Check(
            "Jira",
            f"permission {need.name}",
            "fail" if need.blocking else "warn",
            f"missing: nivosync cannot {need.why}",
            f"a Jira admin grants '{need.name}' to this account in project {jira.project_key}'s "
            "permission scheme",
        )


def _people(jira: JiraGateway, config: Config) -> Iterator[Check]:
    roles: dict[str, list[str]] = {}
    for customer in (None, *config.spec.customers):
        people = config.people(customer) if customer else dict(config.spec.roles)
        for role, person in people.items():
            if person and role not in roles.setdefault(person, []):
                roles[person].append(role)
    for person, played in roles.items():
        try:
            user = jira.find_assignable(person)
        except HttpError as exc:
            yield Check("Jira", f"person {person}", "fail", str(exc))
            continue
        if user is None:
            text = not_assignable_text(jira, person, played)
            yield Check("Jira", f"person {person}", "fail", text, "fix roles in the config")
        else:
            yield Check("Jira", f"person {person}", "ok", f"{user.display_name}: assignable")


def _rate(area: str, rate: RateSeen) -> Check:
    seen = (
        f"{rate.remaining} of {rate.limit} requests left"
        if rate.remaining is not None and rate.limit
        else "no rate-limit headers in the answers"
    )
    if rate.throttled or rate.near_limit:
        return Check(
            area,
            "rate limit",
            "warn",
            f"{rate.throttled} answers were 429, {rate.near_limit} flagged near the limit; {seen}",
            "other apps share this site's budget: run nivosync at a quieter hour, or raise "
            "http.max_retry_wait_seconds so it waits the site out",
        )
    return Check(area, "rate limit", "ok", f"no throttling seen; {seen}")


def _confluence_checks(sites: Sites, config: Config) -> Iterator[Check]:
    settings = config.spec.confluence
    assert settings is not None
    confluence = confluence_gateway_for(sites, config)
    try:
        space = confluence.space()
    except HttpError as exc:
        yield Check("Confluence", "space", "fail", str(exc), "check confluence.space")
        return
    yield Check("Confluence", "space", "ok", f"{space.key} '{space.name}'")
    try:
        parent = confluence.find_page(space, settings.parent_page)
        allowed = confluence.operations(space, parent.id if parent else None)
    except HttpError as exc:
        yield Check("Confluence", "parent page", "fail", str(exc))
        return
    if parent is None:
        yield Check(
            "Confluence",
            "parent page",
            "fail",
            f"no page titled '{settings.parent_page}' in space {space.key}",
            "create it, or set confluence.parent_page to an existing page's title",
        )
    else:
        yield Check("Confluence", "parent page", "ok", f"'{parent.title}' (id {parent.id})")
    yield from _rights(allowed, space.key)
    yield _rate("Confluence", confluence.transport.rate)


RIGHTS: tuple[tuple[str, tuple[str, str], str], ...] = (
    ("add pages", ("create", "page"), ADD_PAGE),
    ("add attachments", ("create", "attachment"), ADD_ATTACHMENT),
)


def _rights(allowed: set[tuple[str, str]], space_key: str) -> Iterator[Check]:
    for name, operation, permission in RIGHTS:
        if operation in allowed:
            yield Check("Confluence", f"may {name}", "ok", f"'{permission}' in {space_key}")
        else:
            yield Check(
                "Confluence",
                f"may {name}",
                "fail",
                f"this account lacks '{permission}' in space {space_key}",
                f"a space admin grants '{permission}' (Space settings → Permissions)",
            )
