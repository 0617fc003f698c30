"""The Jira project's custom field ids as the last run on this machine found them, so the next
run can send its release search in its first round of requests (issue 15) instead of after
the project's create screen has said which field is the start date.

Only a hint, never a fact: the search sent with it is used only if the fields the run then
reads are the same (else it searches again), and a missing, unreadable or unwritable file
just means no early search. The file holds field ids alone — nothing secret — under the
user's cache directory (`NIVOSYNC_CACHE_DIR` to choose another), one small file per site and
project, written whole (a reader never sees half of one)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path

from nivosync.inputs.config import Config
from nivosync.jira.models import CustomFields
from nivosync.log_setup import get_logger

log = get_logger(__name__)
CACHE_DIR_ENV = "NIVOSYNC_CACHE_DIR"


def remembered_fields(config: Config) -> CustomFields | None:
    """The custom fields the last run found for the configured project (None: none kept)."""
    path = _file(config)
    if path is None:
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(value, dict) or not all(
        isinstance(value.get(k), str | None) for k in ("start_field", "epic_link_field")
    ):
        return None
    return CustomFields(value.get("start_field"), value.get("epic_link_field"))


def remember_fields(config: Config, fields: CustomFields) -> None:
    """Keep `fields` for the next run (silently not, where the cache cannot be written)."""
    path = _file(config)
    if path is None:
        return
    text = json.dumps(asdict(fields))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, prefix=".fields-", delete=False, encoding="utf-8"
        ) as out:
            out.write(text)
        try:
            os.replace(out.name, path)
        finally:
            Path(out.name).unlink(missing_ok=True)
    except OSError as exc:
        log.info("custom field ids not kept for the next run", path=str(path), error=str(exc))


def _file(config: Config) -> Path | None:
    """The project's file; None where there is no cache directory to keep it in."""
    folder = _cache_dir()
    if folder is None:
        return None
    jira = config.spec.jira
    # The embedded sandbox is told apart by its database (its URL is the word "sandbox").
    sandbox = config.sandbox_db if config.uses_sandbox else ""
    site = f"{jira.flavor} {jira.url} {jira.project} {sandbox}"
    name = hashlib.sha256(site.encode()).hexdigest()[:24]
    return folder / f"jira-fields-{name}.json"


def _cache_dir() -> Path | None:
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    try:
        folder = Path(user_cache_dir("nivosync", appauthor=False))
    except RuntimeError:  # platformdirs: "could not determine the home directory"
        return None
    # No home to expand `~` to (a bare container): keep nothing — not in the current folder.
    return folder if folder.is_absolute() else None
