"""A YAML composer with limits, so a small hostile file cannot hang or crash a run.

PyYAML keeps an alias as a second reference to its anchor's node; whatever walks the nodes
afterwards (our builder, the constructor) expands every reference. A 600-byte "billion laughs"
file expands to a billion values, and 5,000 nested brackets overflow Python's stack. This
composer counts, while the file is read and before anything is expanded:

- alias expansions as the fully expanded document would have them (an alias of a node that
  itself holds aliases counts them all again), and the values those expansions repeat;
- nesting depth (of collections: the top-level mapping is level 1), also as expanded (an
  alias placed deep in the document adds its node's depth);
- an alias of a node that contains it (a cycle, which would expand forever) is refused.

`FastLimitedLoader` takes its events from libyaml's parser (a template is read in ~5 ms instead
of ~45 ms); composing stays here, in Python, to count. libyaml words syntax errors its own way
and has a nesting limit of its own, so a file it refuses is read again with `LimitedLoader`,
whose messages are the ones people see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, Event, ScalarEvent
from yaml.resolver import Resolver

try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None  # type: ignore[assignment,misc]

MAX_ALIASES = 100
MAX_ALIASED_VALUES = 10_000
MAX_DEPTH = 50


class YamlLimitExceeded(Exception):
    """A file over one of the limits; the message names the limit, `line` where it was hit."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class _Weight:
    """What one anchored node adds each time an alias repeats it."""

    aliases: int  # alias expansions inside it, fully expanded
    values: int  # nodes in it, fully expanded
    height: int  # levels of collections in it, fully expanded (a scalar is 0)


class _LimitedComposer(Composer):
    """A composer that enforces MAX_ALIASES, MAX_ALIASED_VALUES and MAX_DEPTH; the builder in
    `yamlfile` walks only what it accepted."""

    def _start_counting(self) -> None:
        self._depth = 0  # of the node being composed
        self._deepest = 0  # the deepest level reached, counting what aliases expand to
        self._aliases = 0  # alias expansions so far, fully expanded
        self._values = 0  # nodes so far, fully expanded
        self._aliased_values = 0  # of those, the ones only aliases put there
        self._weights: dict[str, _Weight] = {}
        self._open: set[str] = set()  # anchors whose node is still being composed

    if TYPE_CHECKING:

        def peek_event(self) -> Event: ...  # the parser's: PyYAML's or libyaml's

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            self._expand(event)
            return super().compose_node(parent, index)
        level = 0 if isinstance(event, ScalarEvent) else 1  # only collections nest
        base = self._depth  # the depth of the collection holding this node
        self._depth += level
        if self._depth > MAX_DEPTH:
            self._refuse(event, _depth_message())
        anchor: str | None = getattr(event, "anchor", None)
        before = (self._aliases, self._values, self._deepest)
        self._deepest = self._depth
        if anchor is not None:
            self._open.add(anchor)
        node = super().compose_node(parent, index)
        self._values += 1
        if anchor is not None:
            self._open.discard(anchor)
            height = self._deepest - base
            self._weights[anchor] = _Weight(
                self._aliases - before[0], self._values - before[1], height
            )
        self._deepest = max(before[2], self._deepest)
        self._depth = base
        return node

    def _expand(self, event: AliasEvent) -> None:
        """Count what this alias repeats; refuse it when a limit is passed."""
        anchor = event.anchor
        if anchor in self._open:
            self._refuse(
                event,
                f"the YAML alias *{anchor} is inside the node it names, so it would repeat "
                "forever: nivosync reads no recursive aliases",
            )
        weight = self._weights.get(anchor or "")
        if weight is None:
            return  # an undefined alias: the composer reports it
        self._aliases += 1 + weight.aliases
        self._values += weight.values
        self._aliased_values += weight.values
        self._deepest = max(self._deepest, self._depth + weight.height)
        if self._aliases > MAX_ALIASES:
            self._refuse(
                event,
                f"more than {MAX_ALIASES} YAML aliases (a YAML 'billion laughs'?) — "
                f"nivosync reads at most {MAX_ALIASES}",
            )
        if self._aliased_values > MAX_ALIASED_VALUES:
            self._refuse(
                event,
                f"YAML aliases repeat more than {MAX_ALIASED_VALUES} values — nivosync reads "
                f"at most {MAX_ALIASED_VALUES}",
            )
        if self._deepest > MAX_DEPTH:
            self._refuse(event, _depth_message(" (counting what aliases repeat)"))

    def _refuse(self, event: Event, message: str) -> NoReturn:
        mark = event.start_mark
        raise YamlLimitExceeded(mark.line + 1 if mark else 0, message)


def _depth_message(how: str = "") -> str:
    return (
        f"nested deeper than {MAX_DEPTH} levels{how} — nivosync reads at most {MAX_DEPTH} "
        "levels of nesting"
    )


class LimitedLoader(_LimitedComposer, yaml.SafeLoader):
    """PyYAML's safe loader (pure Python) with the limited composer."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._start_counting()


if CParser is not None:

    class _FastLoader(_LimitedComposer, CParser, SafeConstructor, Resolver):
        """libyaml's parser under the limited composer (first in line: libyaml's own would
        compose the whole document, uncounted)."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)
            self._start_counting()


def compose(text: str) -> yaml.Node | None:
    """The document's nodes, counted (YamlLimitExceeded past a limit). A file libyaml refuses
    is read again by PyYAML's own parser, whose error is the one raised."""
    if CParser is not None:
        fast = _FastLoader(text)
        try:
            return fast.get_single_node()
        except yaml.YAMLError:
            pass  # worded below, as PyYAML's parser words it
        finally:
            fast.dispose()
    loader = LimitedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
