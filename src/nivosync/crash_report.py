"""The crash report of an unexpected exception (a bug): a private file in the temp folder.

The file is created exclusively under a fresh random name, mode 0600, never through a link
(`tempfile.mkstemp`: O_CREAT | O_EXCL | O_NOFOLLOW where the system has it), so a file planted
at a predictable name is neither followed nor overwritten, and two crashes give two reports.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

PREFIX = "nivosync-crash-"
SUFFIX = ".log"


def write_crash_report(text: str) -> Path | None:
    """Write `text` to a new private report file; its path, or None when it cannot be written."""
    prefix = f"{PREFIX}{datetime.now():%Y%m%d-%H%M%S}-"  # sorts by time; mkstemp adds the rest
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=SUFFIX)
    except OSError:
        return None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as report:
            report.write(text)
    except OSError:
        Path(name).unlink(missing_ok=True)
        return None
    return Path(name)


def crash_message(exc: BaseException) -> str:
    """The one-line error for `exc`, after writing its traceback to a report; the line says
    where the report is, or that none could be written."""
    report = write_crash_report("".join(traceback.format_exception(exc)))
    if report is None:
        where = "no crash report could be written; rerun with -v to see the details"
    else:
        where = f"details in {report}; rerun with -v to see them here"
    return f"error: unexpected {type(exc).__name__}: {exc} ({where})"
