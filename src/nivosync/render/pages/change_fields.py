"""The Change Advisory's people's regions: each field's value, its source, or who writes it.

A field's region holds the value from the configuration or the `--change-advisory` file (or the
plan template's standard), and the line under it names that source; with no value, it says who
is to write what. What people write in the region is theirs (see `render.regions`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nivosync.core.regions import region_id
from nivosync.inputs.change_advisory import ChangeAdvisoryDetails
from nivosync.render.regions import region_panel, source_line, to_fill_in
from nivosync.render.storage import Content, Element, paragraphs, ul

TEMPLATE_SOURCE = "plan template"
NO_SOURCE = "none yet"


def source_of(source: str) -> str:
    """A value's source as the page names it for its readers."""
    if source.startswith("config"):
        return "nivosync configuration" + source[len("config") :]
    return f"Change Advisory file {source}" if source else NO_SOURCE


class AdvisoryFields:
    """Regions of one Change Advisory: `who` is the person who completes what is missing."""

    def __init__(self, details: ChangeAdvisoryDetails, who: Content) -> None:
        self.details = details
        self.who = who

    def region(self, name: str, default: Sequence[Content], source: str) -> list[Content]:
        ident = region_id("ca", name.replace("_plan", "").replace("_", "-"))
        return [region_panel(ident, *default), source_line(source)]

    def missing(self, what: str) -> Element:
        return to_fill_in(self.who, what)

    def text(self, name: str, what: str, standard: str | None = None) -> list[Content]:
        """A text field: the release's value, else the template's `standard`, else `what`
        is to be written."""
        value = getattr(self.details, name)
        if value:
            return self.region(name, paragraphs(value), source_of(self.details.origin(name)))
        if standard:
            return self.region(name, paragraphs(standard), TEMPLATE_SOURCE)
        return self.region(name, [self.missing(what)], NO_SOURCE)

    def items(
        self,
        name: str,
        what: str,
        standard: Sequence[str] = (),
        shape: Callable[[Sequence[str]], Element] = ul,
    ) -> list[Content]:
        """A list field (steps, checks, triggers), like `text`."""
        values: Sequence[str] = getattr(self.details, name)
        if values:
            return self.region(name, [shape(values)], source_of(self.details.origin(name)))
        if standard:
            return self.region(name, [shape(standard)], TEMPLATE_SOURCE)
        return self.region(name, [self.missing(what)], NO_SOURCE)

    def given(self, name: str, default: Sequence[Content], what: str) -> list[Content]:
        """A field whose value the caller has shaped (`default`, empty when not given)."""
        if default:
            return self.region(name, default, source_of(self.details.origin(name)))
        return self.region(name, [self.missing(what)], NO_SOURCE)
