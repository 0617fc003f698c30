"""structlog set-up: human-readable or one JSON object per line, always on stderr."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    import structlog

LogFormat = Literal["console", "json"]


def configure_logging(log_format: LogFormat, verbose: bool) -> None:
    # People at a terminal read the command's output, not progress chatter; schedulers get
    # the INFO records (release, counts, durations) as JSON lines.
    import structlog  # here, not at the top: `nivosync --help` never configures logging

    quiet = logging.INFO if log_format == "json" else logging.WARNING
    level = logging.DEBUG if verbose else quiet
    renderer: structlog.typing.Processor
    if log_format == "json":
        renderer = structlog.processors.JSONRenderer(sort_keys=True)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
