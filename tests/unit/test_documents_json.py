"""The --json text: the same whether built whole or written piece by piece (sync streams it)."""

from __future__ import annotations

import io

from nivosync.views.documents import json_text, write_json


def test_written_json_is_the_json_text():
    document = {"schema": "x/1", "names": ["Café Olé", "$^$"], "n": 1, "nested": {"a": None}}
    out = io.StringIO()
    write_json(document, out)
    assert out.getvalue() == json_text(document)
    assert out.getvalue().endswith("}\n") and "Café" in out.getvalue()
