"""Where the Jira and Confluence sites are, and how to log in: a real site or the sandbox."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nivosync.confluence.dialects import confluence_gateway
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.errors import InvalidInput
from nivosync.http import Credentials, RetryPolicy, Transport
from nivosync.inputs.config import (
    SANDBOX,
    Config,
    ConfluenceSettings,
    JiraSettings,
)
from nivosync.jira.flavor import flavor_named
from nivosync.jira.gateway import JiraGateway

if TYPE_CHECKING:
    from nivosync.sandbox import Sandbox  # started (werkzeug imported) only by open_sites


@dataclass(frozen=True)
class Endpoint:
    url: str
    flavor: str
    credentials: Credentials
    public_url: str | None = None  # where people open links (differs for the embedded sandbox)


@dataclass(frozen=True)
class Sites:
    jira: Endpoint
    confluence: Endpoint | None
    embedded: Sandbox | None = None


@contextmanager
def open_sites(config: Config, environ: Mapping[str, str] | None = None) -> Iterator[Sites]:
    """The configured sites; `url: sandbox` starts the embedded sandbox for the duration."""
    environ = os.environ if environ is None else environ
    embedded = None
    token = secrets.token_urlsafe(24)
    jira, confluence = config.spec.jira, config.spec.confluence
    port = config.spec.sandbox.port
    if config.uses_sandbox:
        # imported here: a real site's run needs none of the sandbox (werkzeug, its seed, SQLite)
        from nivosync.app.sandbox_seeding import site_seed
        from nivosync.sandbox import Sandbox, private_dir

        private_dir(config.sandbox_db.parent)
        embedded = Sandbox.start(config.sandbox_db, site_seed(config, token))
    try:
        yield Sites(
            jira=_endpoint(
                jira, embedded, embedded.jira_url if embedded else "", token, environ, port
            ),
            confluence=(
                _endpoint(
                    confluence,
                    embedded,
                    embedded.confluence_url if embedded else "",
                    token,
                    environ,
                    port,
                )
                if confluence
                else None
            ),
            embedded=embedded,
        )
    finally:
        if embedded is not None:
            embedded.stop()


def _endpoint(
    settings: JiraSettings | ConfluenceSettings,
    embedded: Sandbox | None,
    embedded_url: str,
    token: str,
    environ: Mapping[str, str],
    public_port: int,
) -> Endpoint:
    if settings.url == SANDBOX and embedded is not None:
        # Pages link to where `nivosync sandbox serve` shows the site, not to this run's
        # ephemeral port: links stay valid and re-publishing stays a no-op.
        public = embedded_url.replace(embedded.base_url, f"http://127.0.0.1:{public_port}")
        return Endpoint(embedded_url, settings.flavor, Credentials(settings.user, token), public)
    bearer = (
        settings.auth or ("bearer" if settings.flavor == "datacenter" else "basic")
    ) == "bearer"
    secret = environ.get(settings.token_env, "").strip()
    source = f"${settings.token_env}"
    if not secret:
        secret = keyring_secret(settings.url, settings.user)
        source = f"the OS keyring entry nivosync / {settings.url} / {settings.user}"
    if not secret:
        kind = "personal access token" if bearer else "API token"
        raise InvalidInput(
            f"${settings.token_env} is not set: export it with the {kind} of {settings.user} "
            f"for {settings.url} (the config names the variable in token_env), or store it in "
            f"the OS keyring: keyring set nivosync/{settings.url} {settings.user}"
        )
    return Endpoint(
        settings.url,
        settings.flavor,
        Credentials(settings.user, secret, bearer=bearer, source=source),
    )


def keyring_secret(url: str, user: str) -> str:
    """The token kept in the OS keyring (service `nivosync/<url>`), if `keyring` is installed."""
    try:
        import keyring  # optional: pip install 'nivosync[keyring]'
        from keyring.errors import KeyringError
    except ImportError:
        return ""
    try:
        return (keyring.get_password(f"nivosync/{url}", user) or "").strip()
    except KeyringError:
        return ""


def retry_policy(config: Config) -> RetryPolicy:
    """How long requests wait and retry on a busy site (the config's `http` section)."""
    http = config.spec.http
    return RetryPolicy(
        max_wait=float(http.max_retry_wait_seconds),
        budget=float(http.retry_budget_seconds),
        near_limit_pause=http.near_limit_pause_seconds,
    )


def jira_gateway(sites: Sites, config: Config, retry: RetryPolicy | None = None) -> JiraGateway:
    endpoint = sites.jira
    transport = Transport(endpoint.url, endpoint.credentials, retry=retry or retry_policy(config))
    return JiraGateway(
        transport, flavor_named(endpoint.flavor), config.spec.jira.project, endpoint.public_url
    )


def confluence_gateway_for(
    sites: Sites, config: Config, retry: RetryPolicy | None = None
) -> ConfluenceGateway:
    endpoint, settings = sites.confluence, config.spec.confluence
    if endpoint is None or settings is None:
        raise InvalidInput(
            f"{config.name} has no confluence section: add one (space, parent_page, url, user) "
            "to publish pages"
        )
    transport = Transport(endpoint.url, endpoint.credentials, retry=retry or retry_policy(config))
    return confluence_gateway(transport, endpoint.flavor, settings.space, endpoint.public_url)
