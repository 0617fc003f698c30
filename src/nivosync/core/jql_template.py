"""A configured JQL with placeholders (`release_notes.jql`), filled in without injection.

Each `{project}`, `{release}` and `{customer}` becomes a quoted JQL string, so a release
named `2.4.0" OR fixVersion = "9.9` stays one value. Nothing else may be in braces: a
format string reaching into objects (`{project.__class__}`), positional `{}`, a format spec
or an unknown name is refused when the config is read, never after Jira was written to.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from string import Formatter

from nivosync.core.identity import jql_quote

PLACEHOLDERS = ("project", "release", "customer")
_QUOTED = re.compile(r"""["']\{(\w+)\}["']""")


class JqlTemplateError(ValueError):
    """A `release_notes.jql` that cannot be filled in safely."""


def check_jql_template(template: str) -> str:
    """`template` if every brace is a known placeholder (else JqlTemplateError)."""
    known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
    try:
        parts = list(Formatter().parse(template))
    except ValueError as exc:
        raise JqlTemplateError(f"{exc} (write a literal brace as {{{{ or }}}})") from None
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = (
                "{"
                + name
                + (f"!{conversion}" if conversion else "")
                + (f":{spec}" if spec else "")
                + "}"
            )
            raise JqlTemplateError(f"'{shown}' is not a placeholder; use only {known}")
    quoted = _QUOTED.search(template)
    if quoted:
        raise JqlTemplateError(
            f"{quoted.group(0)}: nivosync quotes the values itself; write {{{quoted.group(1)}}} "
            "without quotes"
        )
    return template


def fill_jql(template: str, values: Mapping[str, str]) -> str:
    """The JQL with each placeholder replaced by its value as a quoted JQL string."""
    check_jql_template(template)
    return template.format(**{name: jql_quote(values[name]) for name in PLACEHOLDERS})
