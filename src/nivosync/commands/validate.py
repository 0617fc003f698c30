"""`nivosync validate`: check the config and template(s), listing every problem at once."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from nivosync.app.catalog import validate_inputs
from nivosync.errors import EXIT_OK
from nivosync.views.catalog_text import validated_text


def run_validate(config_path: Path | None, template_name: str | None, out: TextIO) -> int:
    out.write(validated_text(validate_inputs(config_path, template_name)))
    return EXIT_OK
