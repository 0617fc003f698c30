"""Free text given on the command line (a `--reason`), checked before anything is written."""

from __future__ import annotations

import unicodedata

from nivosync.errors import InvalidInput

MAX_REASON = 500  # characters: it is shown on pages and kept on the epic


def reason_text(option: str, value: str) -> str:
    """`value` stripped; exit 2 when it is empty, too long or holds control characters."""
    text = value.strip()
    if not text:
        raise InvalidInput(f"{option} must say why, in a few words (it is empty)")
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"{option} is {len(text)} characters long: at most {MAX_REASON} (say it shorter)"
        )
    bad = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    if bad is not None:
        raise InvalidInput(
            f"{option} holds the control character U+{ord(bad):04X}: type it as plain text"
        )
    return text
