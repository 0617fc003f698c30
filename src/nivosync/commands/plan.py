"""`nivosync plan`: the complete desired state of one release, with no network and no writes."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from nivosync.app.planning import plan_release
from nivosync.core.plan import late_start, plan_to_json
from nivosync.errors import EXIT_OK
from nivosync.views.documents import json_text
from nivosync.views.plan_text import plan_text
from nivosync.views.style import Format, OutputStyle
from nivosync.views.words import late_start_text


def run_plan(
    config_path: Path | None,
    template_name: str | None,
    customer: str,
    release: str,
    start: date,
    out: TextIO,
    *,
    fmt: Format,
    style: OutputStyle,
) -> int:
    plan, today = plan_release(config_path, template_name, customer, release, start)
    late = late_start(plan, today)
    if late is not None:
        print(late_start_text(plan.start, today, late), file=sys.stderr)
    if fmt == "json":
        out.write(json_text(plan_to_json(plan)))
    else:
        out.write(plan_text(plan, style, fmt))
    return EXIT_OK
