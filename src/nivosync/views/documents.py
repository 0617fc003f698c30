"""The --json documents as text: indented, UTF-8 as it is, one newline at the end."""

from __future__ import annotations

import json
from typing import Any


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
