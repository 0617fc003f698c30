"""What one run keeps on this machine for the next (issue 15): small JSON files of hints that
only save time — never facts the run relies on, never anything secret.

They live in the user's cache directory (`NIVOSYNC_CACHE_DIR` to choose another). A missing,
unreadable, damaged or unwritable file just means nothing is kept; with no home directory (a
bare container) nothing is kept anywhere — not in whatever folder the run started in. Each file
is written whole (a reader never sees half of one, two runs writing at once leave one of them).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CACHE_DIR_ENV = "NIVOSYNC_CACHE_DIR"


def read_kept(name: str) -> object:
    """The JSON value kept under `name`, or None (nothing kept, or unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def keep(name: str, value: object) -> str | None:
    """Keep `value` under `name`; the reason it could not be kept, or None when it was."""
    folder = cache_dir()
    if folder is None:
        return "no cache directory (no home directory, and NIVOSYNC_CACHE_DIR is not set)"
    text = json.dumps(value, sort_keys=True)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=folder, prefix=f".{name}-", delete=False, encoding="utf-8"
        ) as out:
            out.write(text)
        try:
            os.replace(out.name, folder / name)
        finally:
            Path(out.name).unlink(missing_ok=True)
    except OSError as exc:
        return f"{folder / name}: {exc}"
    return None


def cache_dir() -> Path | None:
    """Where kept files go; None where there is no such place."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    try:
        folder = Path(user_cache_dir("nivosync", appauthor=False))
    except RuntimeError:  # platformdirs: "could not determine the home directory"
        return None
    # No home to expand `~` to: keep nothing — not in the current folder.
    return folder if folder.is_absolute() else None
