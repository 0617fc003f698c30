"""The template a release was created from, found again for `publish` and `replan`.

`create` records the template's name, its file (an absolute path) and the hash of its content
on the epic. Without `--template`, the later commands use that file, else a template of the
same name (shipped or in templates_dir), and say so when its content is no longer the one the
release was created from; one that cannot be found at all is exit 2, naming the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from nivosync.core.baseline import StoredRelease, template_digest
from nivosync.core.template import PlanTemplate
from nivosync.errors import InvalidInput, display_path
from nivosync.inputs.config import Config


@dataclass(frozen=True)
class ChosenTemplate:
    """The template to plan with, and what the user should know about it."""

    template: PlanTemplate
    notes: list[str] = field(default_factory=list)


def with_absolute_source(template: PlanTemplate) -> PlanTemplate:
    """The template with its file as an absolute path: what `create` records on the epic, so
    that a later run from another folder finds it (`./my.yaml` means nothing there)."""
    return replace(template, source=template.source.absolute())


def release_template(config: Config, stored: StoredRelease, given: str | None) -> ChosenTemplate:
    """`--template` when given; else the release's own: its file, else its name."""
    if given:
        return ChosenTemplate(config.template(given))
    name = stored.template_name
    source = Path(stored.template_source) if stored.template_source else None
    if source is not None and source.is_file():
        template = config.template(str(source))
        return ChosenTemplate(template, _changed(stored, template, None))
    if name is None:
        if source is None:  # an epic with no template recorded: the config's default
            return ChosenTemplate(config.template(None))
        raise _lost(stored, source)
    try:
        template = config.template(name)
    except InvalidInput:
        if source is None:  # an older epic: only its name was recorded
            raise _lost(stored, None) from None
        raise _lost(stored, source) from None
    return ChosenTemplate(template, _changed(stored, template, source))


def _changed(stored: StoredRelease, template: PlanTemplate, moved: Path | None) -> list[str]:
    """What differs from the template the release was created from (nothing: no note)."""
    found = display_path(template.source)
    if stored.template_sha256 is None:
        return []  # an older epic: no hash to compare with
    digest = template_digest(template)
    if digest == stored.template_sha256:
        return []
    where = (
        f"not found at {display_path(moved)} any more; used {found} of the same name, whose"
        if moved is not None
        else f"({found})"
    )
    then, now = stored.template_sha256[:12], digest[:12]
    lead = f"template '{stored.template_name or template.name}' {where}"
    change = "content differs" if moved is not None else "changed since the release was created"
    return [f"{lead} {change} (sha256 {then}… then, {now}… now): this run uses it as it is now"]


def _lost(stored: StoredRelease, source: Path | None) -> InvalidInput:
    name = stored.template_name or "(no name)"
    where = f" from {display_path(source)}, which cannot be found any more" if source else ""
    looked = "" if source else ", and no template of that name is shipped or in templates_dir"
    return InvalidInput(
        f"the release was created with template '{name}'{where}{looked}: give it with "
        "`--template PATH` (nothing was written)"
    )
