"""`nivosync plan`: the complete desired state of one release, with no network and no writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

import structlog

from nivosync.commands.common import load_settings, pick_template, template_roles
from nivosync.config import Config
from nivosync.errors import EXIT_OK, InvalidInput
from nivosync.plan import Plan, ReleaseIdentity, build_plan, plan_to_json
from nivosync.render.plan_text import plan_text
from nivosync.template import PlanTemplate

log = structlog.get_logger(__name__)


def compute_plan(
    config: Config, template: PlanTemplate, customer: str, release: str, start: date
) -> Plan:
    """The release's plan, after checking that the config staffs every role the template uses."""
    problems = config.role_problems(template.name, template_roles(template))
    if problems:
        raise InvalidInput.from_problems(problems)
    identity = ReleaseIdentity.checked(customer, release)
    return build_plan(
        template, identity, start, config.people(identity.customer), config.calendar(customer)
    )


def run_plan(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    as_json: bool,
    out: TextIO,
) -> int:
    config = load_settings(config_path)
    template = pick_template(config, template_name)
    plan = compute_plan(config, template, customer, release, start)
    log.debug("plan computed", release=plan.release.slug, tasks=len(plan.tasks))
    if as_json:
        json.dump(plan_to_json(plan), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(plan_text(plan))
    return EXIT_OK
