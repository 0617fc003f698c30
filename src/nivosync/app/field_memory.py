"""The Jira project's custom field ids as the last run on this machine found them, so the next
run can send its release search in its first round of requests (issue 15) instead of after
the project's create screen has said which field is the start date.

Only a hint, never a fact: the search sent with it is used only if the fields the run then
reads are the same (else it searches again), and a missing, unreadable or unwritable file
just means no early search. The file holds field ids alone, one small file per site and
project, kept as `nivosync.machine_cache` keeps every such hint."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from nivosync.inputs.config import Config
from nivosync.jira.models import CustomFields
from nivosync.log_setup import get_logger
from nivosync.machine_cache import keep, read_kept

log = get_logger(__name__)


def remembered_fields(config: Config) -> CustomFields | None:
    """The custom fields the last run found for the configured project (None: none kept)."""
    value = read_kept(_file_name(config))
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str | None) for k in ("start_field", "epic_link_field")
    ):
        return None
    return CustomFields(value.get("start_field"), value.get("epic_link_field"))


def remember_fields(config: Config, fields: CustomFields) -> None:
    """Keep `fields` for the next run (silently not, where the cache cannot be written)."""
    problem = keep(_file_name(config), asdict(fields))
    if problem is not None:
        log.info("custom field ids not kept for the next run", reason=problem)


def _file_name(config: Config) -> str:
    """The project's file, one per site and project."""
    jira = config.spec.jira
    # The embedded sandbox is told apart by its database (its URL is the word "sandbox").
    sandbox = config.sandbox_db if config.uses_sandbox else ""
    site = f"{jira.flavor} {jira.url} {jira.project} {sandbox}"
    return f"jira-fields-{hashlib.sha256(site.encode()).hexdigest()[:24]}.json"
