"""`nivosync plan`: the complete desired state of one release, with no network and no writes;
`--what-if` also reads the live releases (read-only) to show its effect on the portfolio."""

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
    with_what_if: bool = False,
) -> int:
    plan, today = plan_release(config_path, template_name, customer, release, start)
    late = late_start(plan, today)
    if late is not None:
        print(late_start_text(plan.start, today, late), file=sys.stderr)
    if not with_what_if:
        out.write(json_text(plan_to_json(plan)) if fmt == "json" else plan_text(plan, style, fmt))
        return EXIT_OK
    # imported here: a plain `plan` opens no site, loads no HTTP client nor the portfolio's
    # forecast and slippage code behind its view
    from nivosync.app.what_if import what_if
    from nivosync.views.portfolio_text import what_if_json, what_if_lines

    effect = what_if(config_path, template_name, customer, release, start)
    if fmt == "json":
        document = plan_to_json(plan)
        document["what_if"] = what_if_json(effect)
        out.write(json_text(document))
    else:
        out.write(plan_text(plan, style, fmt))
        out.write("\n" + "\n".join(what_if_lines(effect)) + "\n")
    return EXIT_OK
