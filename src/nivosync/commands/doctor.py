"""`nivosync doctor`: read-only checks of the configured sites before the first write."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.doctor import run_doctor
from nivosync.errors import EXIT_INVALID_INPUT, EXIT_OK
from nivosync.views.doctor_text import doctor_json, doctor_text


def run_doctor_command(
    config_path: Path | None, template_name: str | None, as_json: bool, out: TextIO
) -> int:
    report = run_doctor(config_path, template_name, date.today())
    if as_json:
        json.dump(doctor_json(report), out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(doctor_text(report))
    return EXIT_INVALID_INPUT if report.blocked else EXIT_OK
