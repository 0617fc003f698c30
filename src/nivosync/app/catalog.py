"""Checking the config and templates (`validate`) and listing the templates (`templates`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nivosync.core.template import PlanTemplate
from nivosync.errors import InvalidInput, Problem, display_path
from nivosync.inputs.config import Config, find_config, load_config, load_settings
from nivosync.inputs.templates import discover_templates, load_template, resolve_template


@dataclass(frozen=True)
class Validated:
    """What `validate` checked and found sound."""

    config_path: Path
    templates: tuple[PlanTemplate, ...]


def validate_inputs(config_path: Path | None, template_name: str | None) -> Validated:
    """Check the config and the template(s); InvalidInput lists every problem at once."""
    problems: list[Problem] = []
    config: Config | None = None
    path = find_config(config_path)
    try:
        config = load_config(path)
    except InvalidInput as exc:
        problems += _problems_of(exc, display_path(path))
    templates_dir = config.templates_dir if config else None
    if template_name is not None:
        sources = [resolve_template(template_name, templates_dir)]
    else:
        sources = [e.source for e in discover_templates(templates_dir)]
    checked = []
    for source in sources:
        try:
            template = load_template(source)
        except InvalidInput as exc:
            problems += _problems_of(exc, display_path(source))
            continue
        if config is not None:
            problems += config.role_problems(template.name, template.roles_used())
        checked.append(template)
    if problems:
        raise InvalidInput.from_problems(problems)
    return Validated(path, tuple(checked))


def _problems_of(exc: InvalidInput, file: str) -> list[Problem]:
    return list(exc.problems) or [Problem(file, None, str(exc).removeprefix(f"{file}: "))]


@dataclass(frozen=True)
class TemplateListing:
    """One template file as `nivosync templates` lists it."""

    name: str
    source: Path
    origin: str  # shipped | templates_dir, with ", shadowed" when an earlier one has its name
    template: PlanTemplate | None
    problem: str | None  # why it does not load


def list_templates(config_path: Path | None) -> list[TemplateListing]:
    config = load_settings(config_path)
    listed = []
    seen: set[str] = set()
    for entry in discover_templates(config.templates_dir):
        template, problem = None, None
        try:
            template = load_template(entry.source)
        except InvalidInput as exc:
            problem = str(exc)
        origin = entry.origin if entry.name not in seen else f"{entry.origin}, shadowed"
        seen.add(entry.name)
        listed.append(TemplateListing(entry.name, entry.source, origin, template, problem))
    return listed
