"""Read a YAML file into plain data plus the line of every key, for FILE:LINE messages."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from nivosync.core.identity import control_message, escaped, first_control
from nivosync.errors import InvalidInput, Problem, display_path
from nivosync.inputs.files import read_text_file
from nivosync.inputs.yaml_limits import YamlLimitExceeded, compose

__all__ = ["Location", "YamlDocument", "dotted", "load_yaml_mapping", "read_text_file"]

Location = tuple[str | int, ...]
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML mapping and where each of its values was written."""

    path: Path
    data: dict[str, Any]
    lines: dict[Location, int] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return display_path(self.path)

    def line_of(self, location: Location) -> int | None:
        """Line of the deepest part of `location` that exists in the file."""
        for end in range(len(location), -1, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return None

    def problem(self, location: Location, message: str) -> Problem:
        return Problem(self.name, self.line_of(location), message)

    def one_line_problems(self, places: Iterable[tuple[Location, str]]) -> Iterator[Problem]:
        """Texts that must be one line (names, titles, summaries) but hold a tab or line break."""
        for location, text in places:
            char = first_control(text, one_line=True)
            if char is not None:
                message = f"{dotted(location)}: {control_message(char, one_line=True)}"
                yield self.problem(location, message)


def dotted(location: Location) -> str:
    """A key path as users write it: `tasks[2].summary`."""
    text = ""
    for part in location:
        part = escaped(part) if isinstance(part, str) else part
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


class _Builder:
    """Builds Python values from YAML nodes, recording lines and rejecting duplicate keys."""

    def __init__(self, doc_name: str) -> None:
        self._constructor = SafeConstructor()
        self.lines: dict[Location, int] = {}
        self.problems: list[Problem] = []
        self._doc_name = doc_name

    def build(self, node: yaml.Node, location: Location) -> Any:
        self.lines[location] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, location)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*location, i)) for i, item in enumerate(node.value)]
        try:
            value = self._constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            plain = isinstance(node, yaml.ScalarNode) and not node.style  # libyaml: ''
            if plain and node.tag == TIMESTAMP_TAG:
                # Looks like a date but is none (2026-02-30): kept as the text written, so the
                # schema reports it at its key, with its line, or takes it where text is meant.
                return node.value
            line = node.start_mark.line + 1
            self.problems.append(
                Problem(self._doc_name, line, f"cannot read {node.value!r} ({node.tag}): {exc}")
            )
            return None
        self._check_text(value, node, location)
        return value

    def _check_text(self, value: Any, node: yaml.Node, location: Location) -> None:
        """A string holding a control character (say an ANSI escape written as "\\e") is a
        problem at its line: it would reach Jira, Confluence and the terminal."""
        char = first_control(value) if isinstance(value, str) else None
        if char is not None:
            message = f"{dotted(location)}: {control_message(char)}"
            self.problems.append(Problem(self._doc_name, node.start_mark.line + 1, message))

    def _mapping(self, node: yaml.MappingNode, location: Location) -> dict[Any, Any]:
        self._constructor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._constructor.construct_object(key_node, deep=True)
            self._check_text(key, key_node, (*location, str(key)))
            line = key_node.start_mark.line + 1
            if not isinstance(key, str | int):
                self.problems.append(
                    Problem(self._doc_name, line, f"key {key!r} must be a plain name")
                )
                continue
            if key in result:
                self.problems.append(
                    Problem(self._doc_name, line, f"duplicate key {key!r}: keep only one")
                )
                continue
            result[key] = self.build(value_node, (*location, key))
            self.lines[(*location, key)] = line
        return result


def load_yaml_mapping(path: Path, what: str, text: str | None = None) -> YamlDocument:
    """Parse `path` as a YAML mapping; any syntax problem is an InvalidInput naming file:line.
    `text`: the file's text already read (or remembered), parsed as if read from `path`."""
    name = display_path(path)
    text = read_text_file(path, what) if text is None else text
    try:
        node = compose(text)
    except YamlLimitExceeded as exc:
        raise InvalidInput(f"{name}: {exc}", [Problem(name, exc.line, str(exc))]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or exc.context or "invalid YAML"
        raise InvalidInput(
            "invalid YAML", [Problem(name, line, f"invalid YAML: {detail}")]
        ) from None
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{name}: invalid YAML: {exc}") from None
    if node is None:
        raise InvalidInput(f"{name}: {what} is empty")
    if not isinstance(node, yaml.MappingNode):
        raise InvalidInput(
            "not a mapping",
            [Problem(name, node.start_mark.line + 1, f"{what} must be a mapping of keys")],
        )
    builder = _Builder(name)
    try:
        data = builder.build(node, ())
    except yaml.YAMLError as exc:
        raise InvalidInput(f"{name}: invalid YAML value: {exc}") from None
    if builder.problems:
        raise InvalidInput.from_problems(builder.problems)
    return YamlDocument(path=path, data=data, lines=builder.lines)
