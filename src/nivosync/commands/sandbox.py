"""`nivosync sandbox serve|reset`: the embedded Jira + Confluence site, for people and scripts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from nivosync.app.sandbox_site import check_exposure, fault_spec, reset_sandbox, serve_sandbox


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
