"""Planning a release from the config and a template: the desired state, no network."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from nivosync.app.site_clock import today_in
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.plan import Plan, build_plan
from nivosync.core.template import PlanTemplate
from nivosync.errors import InvalidInput
from nivosync.inputs.config import Config, load_settings
from nivosync.log_setup import get_logger

log = get_logger(__name__)


def compute_plan(
    config: Config, template: PlanTemplate, customer: str, release: str, start: date
) -> Plan:
    """The release's plan, after checking that the config staffs every role the template uses."""
    problems = config.role_problems(template.name, template.roles_used())
    if problems:
        raise InvalidInput.from_problems(problems)
    identity = ReleaseIdentity.checked(customer, release)
    return build_plan(
        template, identity, start, config.people(identity.customer), config.calendar(customer)
    )


def plan_release(
    config_path: Path | None, template_name: str | None, customer: str, release: str, start: date
) -> tuple[Plan, date]:
    """`nivosync plan`: load the config and template, compute the plan; and today where the
    releases are run (the config's time zone)."""
    config = load_settings(config_path)
    plan = compute_plan(config, config.template(template_name), customer, release, start)
    log.debug("plan computed", release=plan.release.slug, tasks=len(plan.tasks))
    return plan, today_in(config)
