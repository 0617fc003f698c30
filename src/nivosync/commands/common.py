"""What several commands share: loading the config and picking a template."""

from __future__ import annotations

from pathlib import Path

from nivosync.config import Config, find_config, load_config
from nivosync.template import PlanTemplate, load_template, resolve_template


def load_settings(config_path: Path | None) -> Config:
    return load_config(find_config(config_path))


def pick_template(config: Config, name_or_path: str | None) -> PlanTemplate:
    """--template (a name or a path), else the config's default_template."""
    chosen = name_or_path or config.spec.default_template
    return load_template(resolve_template(chosen, config.templates_dir))


def template_roles(template: PlanTemplate) -> dict[str, list[str]]:
    """Each role the template's tasks use → the ids of those tasks."""
    roles: dict[str, list[str]] = {}
    for task in template.spec.tasks:
        for role in task.roles:
            roles.setdefault(role, []).append(task.id)
    return roles
