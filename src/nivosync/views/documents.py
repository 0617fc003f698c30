"""The --json documents as text: indented, UTF-8 as it is, one newline at the end."""

from __future__ import annotations

import json
from typing import Any, TextIO

_FORMAT: dict[str, Any] = {"indent": 2, "ensure_ascii": False}


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, **_FORMAT) + "\n"


def write_json(document: dict[str, Any], out: TextIO) -> None:
    """`json_text(document)` written piece by piece: the text of a large document (a nightly
    sync of 1,000 releases is ~23 MB) is never held whole, nor its pieces in a list."""
    json.dump(document, out, **_FORMAT)
    out.write("\n")
