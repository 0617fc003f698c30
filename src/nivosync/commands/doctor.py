"""`nivosync doctor`: read-only checks of the configured sites before the first write."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.doctor import run_doctor
from nivosync.errors import EXIT_INVALID_INPUT, EXIT_OK
from nivosync.views.doctor_text import doctor_json, doctor_text
from nivosync.views.documents import json_text
from nivosync.views.style import PLAIN, OutputStyle


def run_doctor_command(
    config_path: Path | None,
    template_name: str | None,
    as_json: bool,
    out: TextIO,
    style: OutputStyle = PLAIN,
) -> int:
    report = run_doctor(config_path, template_name, date.today())
    if as_json:
        out.write(json_text(doctor_json(report)))
    else:
        out.write(doctor_text(report, style))
    return EXIT_INVALID_INPUT if report.blocked else EXIT_OK
