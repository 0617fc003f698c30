"""Release-notes items: their sections, and the `--notes FILE` loader (YAML or Markdown).

Descriptions are plain text (never markup): the page escapes them. Screenshots are image files
in the notes file's folder (see `inputs.screenshots`); the publisher uploads them as page
attachments, named by file name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, field_validator

from nivosync.core.strict import Strict
from nivosync.errors import InvalidInput, Problem, display_path
from nivosync.inputs.files import read_text_file
from nivosync.inputs.schema import parse_document
from nivosync.inputs.screenshots import IMAGE_SUFFIXES, screenshot_problem
from nivosync.inputs.yamlfile import load_yaml_mapping

Section = Literal["features", "improvements", "fixes", "other", "known-issues", "upgrade-notes"]
SECTIONS: dict[Section, str] = {
    "features": "New features",
    "improvements": "Improvements",
    "fixes": "Bug fixes",
    "other": "Other changes",
    "known-issues": "Known issues",
    "upgrade-notes": "Upgrade notes",
}
# Jira issue type → section; a type not listed goes to "other". Matched ignoring case.
DEFAULT_TYPE_SECTIONS: Mapping[str, Section] = {
    "New Feature": "features",
    "Story": "features",
    "Improvement": "improvements",
    "Bug": "fixes",
}
_SECTION_NAMES: dict[str, Section] = {
    **{name.replace("-", " "): name for name in SECTIONS},
    **{title.casefold(): section for section, title in SECTIONS.items()},
    "feature": "features",
    "new feature": "features",
    "improvement": "improvements",
    "fix": "fixes",
    "bug fix": "fixes",
    "bugs": "fixes",
    "known issue": "known-issues",
    "upgrade": "upgrade-notes",
    "upgrading": "upgrade-notes",
}
SECTION_HINT = (
    ", ".join(list(SECTIONS)[:-1])
    + f" or {list(SECTIONS)[-1]} (or a title: "
    + ", ".join(SECTIONS.values())
    + ")"
)
YAML_SUFFIXES = (".yaml", ".yml")
MARKDOWN_SUFFIXES = (".md", ".markdown")
_JIRA_KEY = re.compile(r"^[A-Z][A-Z0-9_]+-[1-9][0-9]*$")


def parse_section(name: str) -> Section | None:
    """The section a user's name for it means (`fixes`, `Bug fixes`, …), or None."""
    words = name.replace("_", " ").replace("-", " ")  # known_issues, known-issues
    return _SECTION_NAMES.get(" ".join(words.split()).casefold())


def section_for_issue_type(
    issue_type: str, mapping: Mapping[str, Section] = DEFAULT_TYPE_SECTIONS
) -> Section:
    wanted = issue_type.casefold()
    return next((s for t, s in mapping.items() if t.casefold() == wanted), "other")


@dataclass(frozen=True)
class NoteItem:
    """One release-notes entry written by a person."""

    section: Section
    title: str
    description: str = ""
    jira_key: str | None = None
    screenshots: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ReleaseNotesFile:
    path: Path
    summary: str = ""
    items: tuple[NoteItem, ...] = field(default_factory=tuple)

    @property
    def name(self) -> str:
        return display_path(self.path)


NOTES_FILE = "notes file"


def load_notes(path: Path, text: str | None = None, *, attached: bool = False) -> ReleaseNotesFile:
    """Load a notes file (by suffix: YAML or Markdown); InvalidInput lists FILE:LINE problems.

    `text`: the file's text, already read (or remembered with its page). `attached`: its
    screenshots are already the page's attachments (remembered notes), so no local file is
    looked for; they were checked when the file was first given."""
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return _load_yaml(path, text, attached)
    if suffix in MARKDOWN_SUFFIXES:
        return _load_markdown(path, text, attached)
    allowed = ", ".join(YAML_SUFFIXES + MARKDOWN_SUFFIXES)
    raise InvalidInput(f"--notes {display_path(path)}: the file name must end in {allowed}")


# --- screenshots (both formats) ------------------------------------------------------------


@dataclass(frozen=True)
class _Shot:
    text: str
    line: int | None


def _screenshots(
    notes: Path, shots: Iterable[_Shot], seen: dict[str, Path], attached: bool = False
) -> tuple[tuple[Path, ...], list[Problem]]:
    """Resolve screenshot paths against the notes file's folder; report what cannot be shown.

    `seen` (file name → path) spans the whole file: attachments on a page are named by file
    name, so two different files with one name would show the same image.
    """
    name = display_path(notes)
    paths: list[Path] = []
    problems: list[Problem] = []
    for shot in shots:
        path = notes.parent / shot.text
        same = seen.get(path.name)
        message = None if attached else _screenshot_problem(notes.parent, shot.text, path, same)
        if message:
            problems.append(Problem(name, shot.line, message))
            continue
        seen[path.name] = path
        paths.append(path)
    return tuple(paths), problems


def _screenshot_problem(folder: Path, text: str, path: Path, same_name: Path | None) -> str | None:
    if "://" in text:
        return f"screenshot '{text}' is a URL: give an image file next to the notes file"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return f"screenshot '{text}' is not an image ({', '.join(IMAGE_SUFFIXES)})"
    problem = screenshot_problem(folder, text)
    if problem is not None:
        return problem
    if same_name is not None and same_name.resolve() != path.resolve():
        return (
            f"screenshot '{text}' has the same file name as {display_path(same_name)}: page "
            "attachments are named by file name, so rename one of them"
        )
    return None


# --- YAML ----------------------------------------------------------------------------------


def _jira_key(value: str) -> str:
    if not _JIRA_KEY.match(value):
        raise ValueError(f"'{value}' is not a Jira issue key (like NVX-123)")
    return value


JiraKey = Annotated[str, AfterValidator(_jira_key)]


class NoteItemSpec(Strict):
    section: str
    title: str
    description: str = ""
    jira: JiraKey | None = None
    screenshots: list[str] = []

    @field_validator("section")
    @classmethod
    def _known_section(cls, value: str) -> str:
        if parse_section(value) is None:
            raise ValueError(f"unknown section '{value}': use {SECTION_HINT}")
        return value

    @field_validator("title")
    @classmethod
    def _has_title(cls, value: str) -> str:
        if not value:
            raise ValueError("an item needs a title")
        return value


class NotesFileSpec(Strict):
    summary: str = ""
    items: list[NoteItemSpec]


def _load_yaml(path: Path, text: str | None, attached: bool) -> ReleaseNotesFile:
    doc = load_yaml_mapping(path, NOTES_FILE, text)
    spec = parse_document(doc, NotesFileSpec)
    items: list[NoteItem] = []
    problems: list[Problem] = []
    seen: dict[str, Path] = {}
    for i, item in enumerate(spec.items):
        shots = [
            _Shot(text, doc.line_of(("items", i, "screenshots", j)))
            for j, text in enumerate(item.screenshots)
        ]
        paths, found = _screenshots(path, shots, seen, attached)
        problems += found
        section = parse_section(item.section)
        assert section is not None  # checked by the schema
        items.append(NoteItem(section, item.title, item.description.strip(), item.jira, paths))
    if problems:
        raise InvalidInput.from_problems(problems)
    return ReleaseNotesFile(path, spec.summary.strip(), tuple(items))


# --- Markdown ------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_KEY_SUFFIX = re.compile(r"\s*\[([^\]\s]+)\]$")
_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class _Draft:
    section: Section
    title: str
    line: int
    bullet: bool
    body: list[tuple[int, str]] = field(default_factory=list)


class _MarkdownNotes:
    """A line-by-line reader: `## Section`, then items as `### Title [KEY-1]` or `- Title`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = display_path(path)
        self.summary: list[str] = []
        self.drafts: list[_Draft] = []
        self.problems: list[Problem] = []
        self.section: Section | None = None
        self.seen_section = False
        self.item: _Draft | None = None
        self.in_fence = False

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.name, line, message))

    def read(self, text: str) -> None:
        for number, raw in enumerate(text.splitlines(), 1):
            self.line(number, raw.rstrip())

    def line(self, number: int, line: str) -> None:
        if self.in_fence or _FENCE.match(line):
            self.in_fence = self.in_fence != bool(_FENCE.match(line))
            self.text(number, line)
            return
        heading = _HEADING.match(line)
        if heading:
            self.heading(number, len(heading.group(1)), heading.group(2))
            return
        bullet = _BULLET.match(line)
        if bullet and self.section and (self.item is None or self.item.bullet):
            self.start(number, bullet.group(1), bullet=True)
            return
        if self.item and self.item.bullet and line and not line[0].isspace():
            self.problem(
                number,
                "text after a list item: indent it to continue the item, or start a new item "
                "with '- Title' or '### Title'",
            )
            return
        self.text(number, line)

    def text(self, number: int, line: str) -> None:
        if self.item is not None:
            self.item.body.append((number, line))
        elif not self.seen_section:
            self.summary.append(line)
        elif self.section and line.strip():
            self.problem(
                number,
                f"text under '## {SECTIONS[self.section]}' belongs to no item: start an item "
                "with '### Title' or '- Title'",
            )

    def heading(self, number: int, level: int, title: str) -> None:
        if level == 1 and not self.seen_section:
            return  # the document's own title
        if level == 1:
            self.problem(number, "a level-1 heading may only be the document title, at the top")
        elif level == 2:
            self.item = None
            self.seen_section = True
            self.section = parse_section(title)
            if self.section is None:
                self.problem(number, f"unknown section '{title}': use {SECTION_HINT}")
        elif level == 3 and self.section is None and not self.seen_section:
            self.problem(number, f"item '{title}' is not under a section such as '## New features'")
        elif level == 3 and self.section is not None:
            self.start(number, title, bullet=False)
        elif level > 3:
            self.text(number, "#" * level + " " + title)

    def start(self, number: int, title: str, *, bullet: bool) -> None:
        assert self.section is not None
        self.item = _Draft(self.section, title, number, bullet)
        self.drafts.append(self.item)


def _load_markdown(path: Path, text: str | None, attached: bool) -> ReleaseNotesFile:
    text = read_text_file(path, NOTES_FILE) if text is None else text
    reader = _MarkdownNotes(path)
    reader.read(text)
    items: list[NoteItem] = []
    seen: dict[str, Path] = {}
    for draft in reader.drafts:
        item, problems = _markdown_item(path, draft, seen, attached)
        reader.problems += problems
        if item:
            items.append(item)
    if reader.problems:
        raise InvalidInput.from_problems(reader.problems)
    return ReleaseNotesFile(path, _tidy(reader.summary), tuple(items))


def _markdown_item(
    path: Path, draft: _Draft, seen: dict[str, Path], attached: bool
) -> tuple[NoteItem | None, list[Problem]]:
    name = display_path(path)
    title, key = draft.title, None
    match = _KEY_SUFFIX.search(title)
    if match:
        title, key = title[: match.start()].strip(), match.group(1)
    problems: list[Problem] = []
    if key is not None and not _JIRA_KEY.match(key):
        problems.append(Problem(name, draft.line, f"'{key}' is not a Jira issue key (like NVX-1)"))
    if not title:
        problems.append(Problem(name, draft.line, "an item needs a title"))
    shots = [_Shot(m.group(1), n) for n, line in draft.body for m in _IMAGE.finditer(line)]
    paths, found = _screenshots(path, shots, seen, attached)
    problems += found
    if problems:
        return None, problems
    body = [_IMAGE.sub("", line) for _, line in draft.body]
    return NoteItem(draft.section, title, _tidy(_dedent(body)), key, paths), []


def _dedent(lines: list[str]) -> list[str]:
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return [line[cut:] for line in lines]


def _tidy(lines: list[str]) -> str:
    """Lines joined, with runs of blank lines (and blank edges) reduced to one paragraph break."""
    return re.sub(r"\n\s*\n(\s*\n)+", "\n\n", "\n".join(lines)).strip()
