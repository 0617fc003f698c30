"""What day it is for the releases (`site_now`, `today_in`): the one rule for "now", kept
apart from `sites` so that `plan` learns the date without importing the site clients."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from nivosync.inputs.config import SANDBOX, Config


def site_now(config: Config) -> datetime:
    """Now where the releases are run, in the config's timezone. The one rule for "now":

    - a config on the embedded sandbox (`jira.url: sandbox`): the sandbox's clock, kept in its
      database, so every command — and `nivosync sandbox serve` on the same file — is on the
      day `nivosync sandbox advance` (or ``POST /_sandbox/clock``) moved it to (real time
      until someone does);
    - a real site: the machine's clock."""
    frozen = None
    if config.spec.jira.url == SANDBOX:
        from nivosync.sandbox.clock import stored_moment  # a real site's run needs no sandbox

        frozen = stored_moment(config.sandbox_db)
    return (frozen or datetime.now(UTC)).astimezone(ZoneInfo(config.spec.timezone))


def today_in(config: Config) -> date:
    """Today where the releases are run (the config's timezone; see `site_now`)."""
    return site_now(config).date()
