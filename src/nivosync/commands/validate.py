"""`nivosync validate`: check the config and template(s), listing every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.catalog import validate_inputs
from nivosync.errors import EXIT_INVALID_INPUT, EXIT_OK, InvalidInput
from nivosync.views.catalog_text import problems_json, validated_json, validated_text
from nivosync.views.documents import json_text
from nivosync.views.style import OutputStyle


def run_validate(
    config_path: Path | None,
    template_name: str | None,
    out: TextIO,
    *,
    as_json: bool = False,
    style: OutputStyle,
) -> int:
    try:
        result = validate_inputs(config_path, template_name)
    except InvalidInput as exc:
        if not as_json or not exc.problems:
            raise
        out.write(json_text(problems_json(exc.problems)))  # the problems are the result here
        return EXIT_INVALID_INPUT
    if as_json:
        out.write(json_text(validated_json(result)))
    else:
        out.write(validated_text(result, style))
    return EXIT_OK
