"""`nivosync create`: the release as one Jira epic with one issue per task."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.commands.common import load_settings, pick_template
from nivosync.commands.plan import compute_plan
from nivosync.commands.sites import jira_gateway, open_sites
from nivosync.creation import Progress, create_release, resolve
from nivosync.errors import EXIT_OK, EXIT_OPERATIONAL
from nivosync.render.create_text import create_json, create_text


def run_create(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    *,
    dry_run: bool,
    update: bool,
    as_json: bool,
    out: TextIO,
    progress: Progress,
) -> int:
    """Load, resolve, reconcile, render; exit 0 when complete, 1 when something failed."""
    config = load_settings(config_path)
    template = pick_template(config, template_name)
    plan = compute_plan(config, template, customer, release, start)
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
    names = {user.ref: person for person, user in resolved.people.items()}
    if as_json:
        json.dump(create_json(outcome, jira.browse_url, names), out, indent=2)
        out.write("\n")
    else:
        out.write(create_text(outcome, jira.browse_url, names))
    return EXIT_OK if outcome.ok else EXIT_OPERATIONAL
