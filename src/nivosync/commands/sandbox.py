"""`nivosync sandbox serve|reset|advance`: the embedded Jira + Confluence site, for people and
scripts."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.sandbox_advance import AdvanceRequest, advance_sandbox
from nivosync.app.sandbox_site import check_exposure, fault_spec, reset_sandbox, serve_sandbox
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.views.advance_text import advance_text


def run_serve(
    config_path: Path | None,
    db: Path | None,
    host: str,
    port: int | None,
    flavor: str | None,
    faults: Sequence[str],
    latency_ms: int,
    fault_seed: int | None,
    retry_after: int | None,
    out: TextIO,
    *,
    allow_remote: bool = False,
) -> int:
    check_exposure(host, allow_remote)
    spec = fault_spec(faults, latency_ms, fault_seed, retry_after)
    return serve_sandbox(config_path, db, host, port, flavor, spec, out)


def run_reset(
    config_path: Path | None, db: Path | None, out: TextIO, confirm: Callable[[str], bool]
) -> int:
    return reset_sandbox(config_path, db, out, confirm)


def run_advance(
    config_path: Path | None,
    to: date,
    late: Sequence[str],
    customer: str | None,
    release: str | None,
    out: TextIO,
) -> int:
    """Exit 0 when every move was made; 1 when the site refused one (each is said)."""
    request = AdvanceRequest(to, tuple(late), customer, release)
    outcome = advance_sandbox(config_path, request)
    command = "nivosync" + (f" --config {shlex.quote(str(config_path))}" if config_path else "")
    out.write(advance_text(outcome, command))
    return EXIT_OPERATIONAL if outcome.refused else EXIT_OK
