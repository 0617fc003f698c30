"""structlog set-up: human-readable or one JSON object per line, always on stderr.

Issue 15: importing structlog costs ~0.15 s of CPU (its package imports `structlog.dev`, which
imports rich), more than `validate` or `plan` need in all. So modules log through
`get_logger(__name__)`, a thin proxy that imports structlog at the first record that can be
shown, and `configure_logging` applies its settings then (at once when structlog is already
imported). A record below the configured level is dropped without importing anything — the
filtering logger structlog would have used drops it too, so the output is the same.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    import structlog

LogFormat = Literal["console", "json"]


@dataclass(frozen=True)
class _Settings:
    log_format: LogFormat
    level: int
    stream: TextIO  # read when configure_logging is called, as structlog.configure would
    colors: bool


@dataclass
class _State:
    level: int | None = None  # None: nivosync configured no logging (structlog's defaults)
    pending: _Settings | None = None  # configured, not yet handed to structlog


_state = _State()


def configure_logging(log_format: LogFormat, verbose: bool) -> None:
    # People at a terminal read the command's output, not progress chatter; schedulers get
    # the INFO records (release, counts, durations) as JSON lines.
    quiet = logging.INFO if log_format == "json" else logging.WARNING
    level = logging.DEBUG if verbose else quiet
    settings = _Settings(log_format, level, sys.stderr, sys.stderr.isatty())
    _state.level = level
    if "structlog" in sys.modules:  # imported already: configure now, as before issue 15
        _state.pending = None
        _apply(settings)
    else:
        _state.pending = settings


def _apply(settings: _Settings) -> None:
    import structlog

    renderer: structlog.typing.Processor
    if settings.log_format == "json":
        renderer = structlog.processors.JSONRenderer(sort_keys=True)
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=settings.colors)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(settings.level),
        logger_factory=structlog.PrintLoggerFactory(file=settings.stream),
        cache_logger_on_first_use=False,
    )


def _structlog_ready() -> None:
    """Import structlog and hand it the pending settings — unless someone (a test) configured
    structlog itself after `configure_logging` was called: the later configuration wins."""
    import structlog

    pending, _state.pending = _state.pending, None
    if pending is not None and not structlog.is_configured():
        _apply(pending)


class LazyLogger:
    """`structlog.get_logger(name)`, imported and created at the first record shown."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._logger: Any = None

    def _real(self) -> Any:
        _structlog_ready()
        if self._logger is None:
            import structlog

            # a lazy proxy itself: it reads structlog's configuration at every record
            self._logger = structlog.get_logger(self._name)
        return self._logger

    def _log(self, method: str, level: int, event: str, args: tuple[Any, ...], kw: Any) -> Any:
        threshold = _state.level
        if threshold is not None and level < threshold and "structlog" not in sys.modules:
            return None  # nivosync's settings are the ones that will apply, and drop it
        return getattr(self._real(), method)(event, *args, **kw)

    def debug(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("debug", logging.DEBUG, event, args, kw)

    def info(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("info", logging.INFO, event, args, kw)

    def warning(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("warning", logging.WARNING, event, args, kw)

    def error(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("error", logging.ERROR, event, args, kw)

    def exception(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("exception", logging.ERROR, event, args, kw)

    def critical(self, event: str, *args: Any, **kw: Any) -> Any:
        return self._log("critical", logging.CRITICAL, event, args, kw)

    def __getattr__(self, name: str) -> Any:  # bind, new, … : structlog's own
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._real(), name)


def get_logger(name: str) -> LazyLogger:
    """A module's logger (`log = get_logger(__name__)`), costing nothing until it logs."""
    return LazyLogger(name)
