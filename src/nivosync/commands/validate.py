"""`nivosync validate`: check the config and template(s), listing every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.commands.common import template_roles
from nivosync.config import Config, find_config, load_config
from nivosync.errors import EXIT_OK, InvalidInput, Problem, display_path
from nivosync.template import discover_templates, load_template, resolve_template


def run_validate(config_path: Path | None, template_name: str | None, out: TextIO) -> int:
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
            problems += config.role_problems(template.name, template_roles(template))
        checked.append(template)
    if problems:
        raise InvalidInput.from_problems(problems)
    out.write(f"{display_path(path)}: OK\n")
    for template in checked:
        spec = template.spec
        out.write(
            f"{display_path(template.source)}: OK — template {template.name}, "
            f"{len(spec.tasks)} tasks, {len(spec.milestones)} milestones, {template.weeks} weeks\n"
        )
    return EXIT_OK


def _problems_of(exc: InvalidInput, file: str) -> list[Problem]:
    return list(exc.problems) or [Problem(file, None, str(exc).removeprefix(f"{file}: "))]
