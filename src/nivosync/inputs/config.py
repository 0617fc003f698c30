"""nivosync's config file: schema, where it is found, and the per-customer view of it."""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from nivosync.core.calendar import CalendarError, WorkCalendar
from nivosync.core.identity import CONFLUENCE_TITLE_MAX
from nivosync.core.jql_template import check_jql_template
from nivosync.core.pages import portfolio_title
from nivosync.core.strict import Strict
from nivosync.core.template import PlanTemplate, UatScenarioSpec
from nivosync.errors import InvalidInput, Problem
from nivosync.inputs.change_advisory import ChangeAdvisoryFileSpec
from nivosync.inputs.holiday_memory import kept_regional_holidays
from nivosync.inputs.notes import SECTION_HINT, parse_section
from nivosync.inputs.notify_settings import NotifySettings
from nivosync.inputs.portfolio_settings import PortfolioSettings
from nivosync.inputs.run_settings import HttpSettings, LifecycleSettings, SyncSettings
from nivosync.inputs.schema import TimeZoneName, parse_document
from nivosync.inputs.templates import load_template, resolve_template
from nivosync.inputs.yamlfile import Location, YamlDocument, load_yaml_mapping

CONFIG_ENV = "NIVOSYNC_CONFIG"
DEFAULT_CONFIG = Path("nivosync.yaml")
SANDBOX = "sandbox"

Flavor = Literal["cloud", "datacenter"]
# basic = user + API token (Cloud) or password (DC); bearer = a DC personal access token.
AuthScheme = Literal["basic", "bearer"]
Text = Annotated[str, StringConstraints(min_length=1)]
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
ProjectKey = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,9}$")]
SpaceKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9~]{1,255}$")]


def _site_url(value: str) -> str:
    if value == SANDBOX:
        return value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{value}' must be 'sandbox' or a site URL such as https://example.com")
    if parts.query or parts.fragment:
        raise ValueError(f"'{value}': give the site's base URL, without ?query or #fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"'{value}' would send your token unencrypted: use https:// (plain http is only "
            "accepted for loopback addresses)"
        )
    return value.rstrip("/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SiteUrl = Annotated[str, AfterValidator(_site_url)]


class JiraSettings(Strict):
    url: SiteUrl
    flavor: Flavor = "cloud"
    project: ProjectKey
    user: Text
    token_env: EnvName = "NIVOSYNC_JIRA_TOKEN"
    auth: AuthScheme | None = None
    issue_type: Text = "Task"
    # One Jira version per milestone (due on the milestone's end), set as the tasks' fixVersion.
    milestone_versions: bool = False
    # How far the site's search may trail a write: after a write whose outcome is unknown
    # (a crash, a lost answer), `create` waits this long before trusting a search.
    search_lag_seconds: Annotated[float, Field(ge=0, le=900)] = 30.0
    # How long `create` waits for another run of the same release to finish writing.
    lease_wait_seconds: Annotated[float, Field(ge=0, le=3600)] = 120.0


class ConfluenceSettings(Strict):
    url: SiteUrl
    flavor: Flavor = "cloud"
    space: SpaceKey
    parent_page: Text
    user: Text
    token_env: EnvName = "NIVOSYNC_CONFLUENCE_TOKEN"
    auth: AuthScheme | None = None


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _holiday(value: object) -> date:
    """A date as YYYY-MM-DD; not a datetime, nor a number (pydantic reads those as Unix time)."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    reason = "a date and time, not a date" if isinstance(value, datetime) else "not a date"
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:  # 2026-02-30: YAML keeps it as text (see yamlfile)
            reason = f"not a real date ({exc})"
    raise ValueError(f"{reason}: write each holiday as YYYY-MM-DD, e.g. 2026-12-25")


Holiday = Annotated[date, BeforeValidator(_holiday)]


class CalendarSettings(Strict):
    holidays: list[Holiday] = []
    country: Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}$")] | None = None
    subdivision: Text | None = None


ChangeAdvisorySettings = ChangeAdvisoryFileSpec  # the same keys as a --change-advisory file


class CustomerSettings(Strict):
    roles: dict[Text, Text | None] = {}
    calendar: CalendarSettings | None = None
    change_advisory: ChangeAdvisorySettings | None = None
    uat_scenarios: list[UatScenarioSpec] = []


class ReleaseNotesSettings(Strict):
    # JQL of the release's Jira items; {project}, {release} and {customer} are filled in,
    # each as a quoted JQL string. Default: the product project's issues fixed in the release.
    jql: Annotated[Text, AfterValidator(check_jql_template)] | None = None
    project: ProjectKey | None = None  # the product project (default: jira.project)
    sections: dict[Text, Text] = {}  # issue type → section (new features, improvements, …)


SandboxAccess = Literal["site-admin", "project-admin", "member"]


class SandboxUser(Strict):
    name: Text
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]
    username: Annotated[str, StringConstraints(pattern=r"^[^\s]+$")]
    # What they may do in the sandbox's project and space. Unset: nivosync's own account
    # (jira.user) is a site admin, everyone else a project member (Jira's default scheme).
    access: SandboxAccess | None = None
    # Their Atlassian profile hides their email (Cloud): Jira cannot find them by it.
    email_hidden: bool = False


class SandboxSettings(Strict):
    db: Path = Path(".nivosync/sandbox.db")
    # `sandbox serve` listens here; links in pages written to the embedded sandbox use it.
    port: Annotated[int, Field(ge=1, le=65535)] = 8765
    users: list[SandboxUser] = []


class ConfigSpec(Strict):
    jira: JiraSettings
    confluence: ConfluenceSettings | None = None
    roles: dict[Text, Text | None]
    calendar: CalendarSettings = CalendarSettings()
    customers: dict[Text, CustomerSettings] = {}
    templates_dir: Path | None = None
    default_template: Text = "nivomax-5-week"
    sandbox: SandboxSettings = SandboxSettings()
    timezone: TimeZoneName = "UTC"
    release_notes: ReleaseNotesSettings = ReleaseNotesSettings()
    change_advisory: ChangeAdvisorySettings | None = None
    sync: SyncSettings = SyncSettings()
    lifecycle: LifecycleSettings = LifecycleSettings()
    http: HttpSettings = HttpSettings()
    notify: NotifySettings = NotifySettings()
    portfolio: PortfolioSettings = PortfolioSettings()


@dataclass(frozen=True)
class Config:
    """A loaded, checked config. Paths in it are resolved against the config file's folder."""

    path: Path
    spec: ConfigSpec
    doc: YamlDocument

    @property
    def name(self) -> str:
        return self.doc.name

    @property
    def templates_dir(self) -> Path | None:
        return self._resolve(self.spec.templates_dir) if self.spec.templates_dir else None

    @property
    def sandbox_db(self) -> Path:
        return self._resolve(self.spec.sandbox.db)

    @property
    def uses_sandbox(self) -> bool:
        confluence = self.spec.confluence
        return self.spec.jira.url == SANDBOX or (
            confluence is not None and confluence.url == SANDBOX
        )

    def _resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.path.parent / path

    def customer_key(self, customer: str) -> str | None:
        """The `customers` entry for `customer`, or None; a near-miss spelling is an error."""
        if customer in self.spec.customers:
            return customer
        folded = {name.casefold(): name for name in self.spec.customers}
        close = folded.get(customer.casefold()) or next(
            iter(difflib.get_close_matches(customer, list(self.spec.customers), n=1, cutoff=0.85)),
            None,
        )
        if close:
            raise InvalidInput(
                f"--customer '{customer}' is not in {self.name} customers, but '{close}' is: "
                f"use --customer '{close}' (spelled exactly) or add '{customer}' to customers"
            )
        return None

    def people(self, customer: str) -> dict[str, str | None]:
        """Role → person for `customer`: the global roles, overridden by the customer's."""
        people = dict(self.spec.roles)
        key = self.customer_key(customer)
        if key is not None:
            people.update(self.spec.customers[key].roles)
        return people

    def calendar_settings(self, customer: str) -> CalendarSettings:
        """The customer's calendar settings: each key it sets replaces the global one."""
        settings = self.spec.calendar
        key = self.customer_key(customer)
        override = self.spec.customers[key].calendar if key is not None else None
        if override is None:
            return settings
        return settings.model_copy(update=override.model_dump(include=override.model_fields_set))

    def calendar(self, customer: str) -> WorkCalendar:
        """The customer's working-day calendar (checked when the config was loaded)."""
        settings = self.calendar_settings(customer)
        return WorkCalendar.build(
            set(settings.holidays),
            settings.country,
            settings.subdivision,
            source=kept_regional_holidays,
        )

    def template(self, name_or_path: str | None) -> PlanTemplate:
        """--template (a name or a path), else default_template: loaded and fully checked."""
        chosen = name_or_path or self.spec.default_template
        return load_template(resolve_template(chosen, self.templates_dir))

    def role_problems(
        self, template_name: str, template_roles: Mapping[str, list[str]]
    ) -> list[Problem]:
        """Roles the template uses (role → task ids) that the config leaves unmapped or unknown."""
        problems = []
        for role, tasks in template_roles.items():
            if role not in self.spec.roles:
                problems.append(
                    self.doc.problem(
                        ("roles",),
                        f"role '{role}' (used by template {template_name}, tasks: "
                        f"{', '.join(tasks)}) has no entry: add '{role}: <person>' to roles, "
                        f"or '{role}: null' to leave those tasks unassigned",
                    )
                )
        for customer, settings in self.spec.customers.items():
            for role in settings.roles:
                if role not in template_roles and role not in self.spec.roles:
                    problems.append(
                        self.doc.problem(
                            ("customers", customer, "roles", role),
                            f"customers.{customer}.roles: unknown role '{role}' (template "
                            f"{template_name} uses: {', '.join(template_roles)})",
                        )
                    )
        return problems


def find_config(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """--config, else $NIVOSYNC_CONFIG, else ./nivosync.yaml."""
    environ = os.environ if environ is None else environ
    if explicit is not None:
        return explicit
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    if DEFAULT_CONFIG.is_file():
        return DEFAULT_CONFIG
    raise InvalidInput(
        "no config file: pass --config FILE, set NIVOSYNC_CONFIG, or create ./nivosync.yaml "
        "(copy config.example.yaml to start)"
    )


def load_settings(explicit: Path | None) -> Config:
    """The config a command runs with: --config, else $NIVOSYNC_CONFIG, else ./nivosync.yaml."""
    return load_config(find_config(explicit))


def load_config(path: Path) -> Config:
    """Load and check a config file; InvalidInput lists every problem with its line."""
    doc = load_yaml_mapping(path, "config")
    spec = parse_document(doc, ConfigSpec)
    config = Config(path=path, spec=spec, doc=doc)
    problems = list(_config_problems(config))
    if problems:
        raise InvalidInput.from_problems(problems)
    return config


def _config_problems(config: Config) -> Iterable[Problem]:
    spec, doc = config.spec, config.doc
    yield from _calendar_problems(doc, ("calendar",), spec.calendar)
    for name, customer in spec.customers.items():
        if customer.calendar is not None:
            merged = config.calendar_settings(name)
            yield from _calendar_problems(doc, ("customers", name, "calendar"), merged)
    confluence = spec.confluence
    cloud_site = (
        confluence is not None and confluence.url != SANDBOX and confluence.flavor == "cloud"
    )
    if cloud_site and confluence and not confluence.url.endswith("/wiki"):
        yield doc.problem(
            ("confluence", "url"),
            f"confluence.url '{confluence.url}': a Confluence Cloud URL ends in /wiki "
            "(https://YOUR-SITE.atlassian.net/wiki)",
        )
    one_sandbox = confluence is not None and SANDBOX == spec.jira.url == confluence.url
    if one_sandbox and confluence and confluence.flavor != spec.jira.flavor:
        yield doc.problem(
            ("confluence", "flavor"),
            f"confluence.flavor '{confluence.flavor}' differs from jira.flavor "
            f"'{spec.jira.flavor}': the embedded sandbox is one site of one flavour",
        )
    yield from _person_problems(config)
    http = spec.http
    if http.retry_budget_seconds < http.max_retry_wait_seconds:
        yield doc.problem(
            ("http", "retry_budget_seconds"),
            f"http.retry_budget_seconds ({http.retry_budget_seconds}) is less than "
            f"http.max_retry_wait_seconds ({http.max_retry_wait_seconds}): a wait the site may "
            "ask for would spend the whole budget; raise the budget or lower the cap",
        )
    for issue_type, section in spec.release_notes.sections.items():
        if parse_section(section) is None:
            yield doc.problem(
                ("release_notes", "sections", issue_type),
                f"release_notes.sections.{issue_type}: unknown section '{section}' "
                f"({SECTION_HINT})",
            )
    yield from _text_problems(config)


def _text_problems(config: Config) -> Iterable[Problem]:
    """Names that reach Jira, Confluence and the terminal are one line; the portfolio page's
    title (the parent page's and " — Portfolio") must fit Confluence."""
    spec, doc = config.spec, config.doc
    places: list[tuple[Location, str]] = [(("jira", "issue_type"), spec.jira.issue_type)]
    for section in ("customers", "roles"):  # the keys as written (the schema strips them)
        places += [((section, key), key) for key in doc.data.get(section) or {}]
    if spec.confluence is not None:
        parent = spec.confluence.parent_page
        places.append((("confluence", "parent_page"), parent))
        if len(portfolio_title(parent)) > CONFLUENCE_TITLE_MAX:
            yield doc.problem(
                ("confluence", "parent_page"),
                f"confluence.parent_page: the portfolio page's title (it adds ' — Portfolio') "
                f"would be {len(portfolio_title(parent))} characters; Confluence allows at most "
                f"{CONFLUENCE_TITLE_MAX}: use a parent page with a shorter title",
            )
    yield from doc.one_line_problems(places)


def _calendar_problems(
    doc: YamlDocument, at: tuple[str, ...], settings: CalendarSettings
) -> Iterable[Problem]:
    if settings.subdivision and not settings.country:
        yield doc.problem(
            (*at, "subdivision"),
            f"calendar.subdivision '{settings.subdivision}' needs calendar.country",
        )
    if settings.country:
        try:
            kept_regional_holidays(settings.country, settings.subdivision)
        except CalendarError as exc:
            key = "subdivision" if "subdivision" in str(exc) else "country"
            yield doc.problem((*at, key), f"calendar.{key}: {exc}")


def _person_problems(config: Config) -> Iterable[Problem]:
    """People must fit the Jira flavour and, on the sandbox, be among its users."""
    spec, doc = config.spec, config.doc
    cloud = spec.jira.flavor == "cloud"
    sandbox_people = {u.email if cloud else u.username for u in spec.sandbox.users}
    sandbox_people.add(spec.jira.user)
    places: list[tuple[tuple[str, ...], str]] = [
        (("roles", role), person) for role, person in spec.roles.items() if person
    ]
    for name, customer in spec.customers.items():
        places += [
            (("customers", name, "roles", role), person)
            for role, person in customer.roles.items()
            if person
        ]
    yield from _account_problems(config)
    for at, person in places:
        if cloud and not (_EMAIL.match(person) or CLOUD_ACCOUNT_ID.match(person)):
            yield doc.problem(
                at,
                f"{at[-1]}: '{person}' is neither an email nor an account ID; on Jira Cloud a "
                "role's person is the user's email address, or their account ID (e.g. "
                "712020:0b8a…) when their profile hides the email",
            )
        elif cloud and CLOUD_ACCOUNT_ID.match(person):
            continue  # only the site can say whether an account ID is one of its users
        elif not cloud and (_EMAIL.match(person) or " " in person):
            yield doc.problem(
                at,
                f"{at[-1]}: '{person}' is not a username; on Jira Data Center a role's person "
                "is the user's login name (e.g. jsmith)",
            )
        elif spec.jira.url == SANDBOX and person not in sandbox_people:
            yield doc.problem(
                at,
                f"{at[-1]}: '{person}' is not a sandbox user: add it to sandbox.users "
                "(name, email, username)",
            )


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Atlassian account IDs: 24 hex digits (older accounts) or "<number>:<uuid>".
CLOUD_ACCOUNT_ID = re.compile(
    r"^(?:[0-9a-f]{24}|\d+:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)


def _account_problems(config: Config) -> Iterable[Problem]:
    """Cloud's API tokens authenticate Basic auth with the account's email, never a username."""
    spec, doc = config.spec, config.doc
    for side, settings in (("jira", spec.jira), ("confluence", spec.confluence)):
        if settings is None or settings.flavor != "cloud" or settings.auth == "bearer":
            continue
        if not _EMAIL.match(settings.user):
            yield doc.problem(
                (side, "user"),
                f"{side}.user: '{settings.user}' is not an email; Atlassian Cloud's API tokens "
                "log in with the account's email address (a username is refused with HTTP 401)",
            )
