"""Inputs remembered with their pages: the last --notes and --change-advisory files.

A page made from a file people write (the release notes from `--notes`, the Change Advisory
from `--change-advisory`) keeps that file's text and hash in its page property
`nivosync.inputs`. A later run given no file (the default of `publish` is every page; `replan`
and `create` give none) makes the page from what it remembers instead of falling back to "To be
completed", and says so; `--forget-notes` / `--forget-change-advisory` drop it. The text is
loaded by the same loaders as the file, so what it shows follows nivosync's current rules. The
screenshots of remembered notes are already attachments of the notes page: they are shown by
name and never uploaded again (no local file is needed).

The property value: `{"schema": 1, "kind": "notes" | "change-advisory", "file": name as given,
"sha256": of the text, "saved_at": ISO date-time, "text": the file's text}`; once forgotten,
`{"schema": 1, "kind": …, "forgotten_at": …}`. Confluence keeps at most 32 KB of JSON in a
property on Data Center (64 KB on Cloud), so a file that does not fit in 32 KB is refused
before anything is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

from nivosync.app.publisher import PageResult
from nivosync.app.site_reads import at_once
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import PageProperty, StaleVersion
from nivosync.errors import InvalidInput, NivosyncError, display_path
from nivosync.http import AmbiguousWrite, HttpError
from nivosync.inputs.change_advisory import (
    ADVISORY_FILE,
    ChangeAdvisoryDetails,
    load_change_advisory,
)
from nivosync.inputs.files import read_text_file
from nivosync.inputs.notes import NOTES_FILE, ReleaseNotesFile, load_notes

INPUTS_KEY = "nivosync.inputs"
INPUTS_SCHEMA = 1
# Data Center keeps at most 32 KB of JSON in a content property, Cloud 64 KB: the smaller holds
# on both (a release may move from one to the other).
MAX_REMEMBERED_BYTES = 32 * 1024
InputKind = Literal["notes", "change-advisory"]
INPUT_KINDS: tuple[InputKind, ...] = ("notes", "change-advisory")
OPTION: dict[InputKind, str] = {"notes": "--notes", "change-advisory": "--change-advisory"}
FORGET_OPTION: dict[InputKind, str] = {
    "notes": "--forget-notes",
    "change-advisory": "--forget-change-advisory",
}
PAGE_NAME: dict[InputKind, str] = {"notes": "release notes", "change-advisory": "Change Advisory"}
# The pages each input is shown on (the Change Advisory lists the release notes' changes too).
SHOWN_ON: dict[InputKind, frozenset[str]] = {
    "notes": frozenset({"notes", "change-advisory"}),
    "change-advisory": frozenset({"change-advisory"}),
}
WRITTEN = frozenset({"created", "updated", "unchanged"})  # the page shows this run's inputs
UseAction = Literal[
    "remembered",
    "would remember",
    "already remembered",
    "not remembered",
    "kept",
    "forgotten",
    "would forget",
    "nothing to forget",
]


@dataclass(frozen=True)
class InputText:
    """One input file's text: read now from disk, or as its page remembers it."""

    kind: InputKind
    file: str  # as the user gave it
    sha256: str  # of the text
    text: str
    saved_at: datetime | None = None  # when the page remembered it (None: read now)

    @classmethod
    def of(cls, kind: InputKind, file: str, text: str) -> InputText:
        return cls(kind, file, hashlib.sha256(text.encode()).hexdigest(), text)

    def value(self, at: datetime) -> dict[str, Any]:
        """The page property that remembers it."""
        return {
            "schema": INPUTS_SCHEMA,
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "saved_at": at.isoformat(timespec="seconds"),
            "text": self.text,
        }

    def same(self, other: InputText | None) -> bool:
        """The same file and text (when it was remembered does not count)."""
        return other is not None and (self.file, self.sha256, self.text) == (
            other.file,
            other.sha256,
            other.text,
        )


@dataclass(frozen=True)
class GivenInputs:
    """This run's input files, read and checked before any request, and what to forget."""

    notes: ReleaseNotesFile | None = None
    advisory: ChangeAdvisoryDetails | None = None  # the file's part alone (not the config's)
    texts: Mapping[InputKind, InputText] = field(default_factory=dict)
    forget: frozenset[InputKind] = frozenset()


@dataclass(frozen=True)
class PageInputs:
    """What the notes and Change Advisory pages are made from in this run."""

    notes: ReleaseNotesFile | None
    advisory: ChangeAdvisoryDetails | None  # the file's part: given or remembered
    kept: Mapping[InputKind, InputText]  # remembered inputs reused (no file given)
    on_page: frozenset[str] = frozenset()  # screenshots already attached to the notes page


@dataclass(frozen=True)
class InputUse:
    """What became of one input in this run, for the output."""

    kind: InputKind
    action: UseAction
    file: str | None = None
    sha256: str | None = None
    saved_at: datetime | None = None
    reason: str = ""


def read_inputs(notes_path: Path | None, advisory_path: Path | None) -> GivenInputs:
    """Read and check the files (exit 2 for a bad one, or one too large to remember)."""
    paths: dict[InputKind, Path | None] = {"notes": notes_path, "change-advisory": advisory_path}
    texts = {
        kind: InputText.of(kind, display_path(path), _text(path, kind))
        for kind, path in paths.items()
        if path is not None
    }
    notes = load_notes(notes_path, texts["notes"].text) if notes_path else None
    advisory = None
    if advisory_path is not None:
        advisory = load_change_advisory(advisory_path, texts["change-advisory"].text)
    for given in texts.values():
        _check_size(given)
    return GivenInputs(notes, advisory, texts)


def forgetting(
    given: GivenInputs, forget: Collection[InputKind], kinds: Collection[str]
) -> GivenInputs:
    """The inputs, with those to forget (`--forget-notes`, …): only for a page published by
    the run (forgetting drops what the page shows), and never with a file for the same input."""
    for kind in forget:
        if kind in given.texts:
            raise InvalidInput(f"give {OPTION[kind]} FILE or {FORGET_OPTION[kind]}, not both")
        if kind not in kinds:
            raise InvalidInput(
                f"{FORGET_OPTION[kind]} drops what the {PAGE_NAME[kind]} page shows: publish "
                f"that page too (--page {kind}, or --page all)"
            )
    return replace(given, forget=frozenset(forget))


def _text(path: Path, kind: InputKind) -> str:
    return read_text_file(path, NOTES_FILE if kind == "notes" else ADVISORY_FILE)


def _check_size(given: InputText) -> None:
    size = len(json.dumps(given.value(datetime.now(UTC))).encode())  # as it is sent
    if size > MAX_REMEMBERED_BYTES:
        raise InvalidInput(
            f"{OPTION[given.kind]} {given.file}: too large to remember with its page ({size:,} "
            f"bytes as JSON; a Confluence page property holds at most "
            f"{MAX_REMEMBERED_BYTES // 1024} KB): shorten it (long descriptions can stay in "
            "the Jira issues); nothing was written"
        )


# --- reading what the pages remember --------------------------------------------------------


def gather(
    confluence: ConfluenceGateway,
    pages: Mapping[str, str],
    given: GivenInputs,
    kinds: Collection[str],
) -> PageInputs:
    """The given files; for an input given no file (nor forgotten) and shown on a page of
    `kinds`, what its page remembers."""
    wanted = [
        kind
        for kind in INPUT_KINDS
        if SHOWN_ON[kind] & set(kinds)
        and kind not in given.texts
        and kind not in given.forget
        and pages.get(kind)
    ]
    read = at_once([partial(read_remembered, confluence, pages[kind], kind) for kind in wanted])
    kept = {kind: found for kind, found in zip(wanted, read, strict=True) if found is not None}
    notes, on_page = given.notes, frozenset[str]()
    if "notes" in kept:
        with _reloading(kept["notes"]) as text:
            notes = load_notes(Path(text.file), text.text, attached=True)
        on_page = frozenset(shot.name for item in notes.items for shot in item.screenshots)
    advisory = given.advisory
    if "change-advisory" in kept:
        with _reloading(kept["change-advisory"]) as text:
            advisory = load_change_advisory(Path(text.file), text.text)
    return PageInputs(notes, advisory, kept, on_page)


@contextmanager
def _reloading(kept: InputText) -> Iterator[InputText]:
    """Loading a remembered text: a problem names what the page remembers, and the fix."""
    try:
        yield kept
    except InvalidInput as exc:
        raise InvalidInput(
            f"the inputs the {PAGE_NAME[kept.kind]} page remembers ({kept.file}, "
            f"{_day(kept.saved_at)}) no longer load ({'; '.join(exc.lines())}): give "
            f"{OPTION[kept.kind]} FILE to replace them, or {FORGET_OPTION[kept.kind]} to drop "
            "them"
        ) from None


def read_remembered(
    confluence: ConfluenceGateway, page_id: str, kind: InputKind
) -> InputText | None:
    """What page `page_id` remembers of input `kind`, or None (nothing, forgotten, no page)."""
    prop = _property(confluence, page_id)
    return parse_remembered(prop.value, kind) if prop is not None else None


def _property(confluence: ConfluenceGateway, page_id: str) -> PageProperty | None:
    try:
        return confluence.page_property(page_id, INPUTS_KEY)
    except HttpError as exc:
        if exc.status == 404:
            return None  # the page is gone: it remembers nothing (it will be made again)
        raise


def parse_remembered(value: object, kind: InputKind) -> InputText | None:
    """The remembered input in a property value; None once forgotten. A value nivosync cannot
    read is exit 2 naming the fix: the page is not made without what it remembers."""
    fix = f"give {OPTION[kind]} FILE to replace it, or {FORGET_OPTION[kind]} to drop it"
    where = f"the '{INPUTS_KEY}' property of the {PAGE_NAME[kind]} page"
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{where} is not nivosync's (not an object): {fix}")
    schema = value.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema > INPUTS_SCHEMA:
        raise InvalidInput(
            f"{where} has schema {schema!r} (this nivosync reads {INPUTS_SCHEMA}): upgrade "
            f"nivosync, or {fix}"
        )
    if value.get("kind") != kind:
        raise InvalidInput(f"{where} is for {value.get('kind')!r}, not {kind!r}: {fix}")
    if "text" not in value:
        return None  # forgotten
    file, sha256, text = (value.get(k) for k in ("file", "sha256", "text"))
    if not (isinstance(file, str) and file and isinstance(sha256, str) and isinstance(text, str)):
        raise InvalidInput(f"{where} lacks its file name, hash or text: {fix}")
    found = InputText.of(kind, file, text)
    if found.sha256 != sha256:
        raise InvalidInput(f"{where}: its text does not match its sha256 (edited?): {fix}")
    return InputText(kind, file, sha256, text, _datetime(value.get("saved_at")))


def _datetime(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _day(at: datetime | None) -> str:
    return at.date().isoformat() if at else "date unknown"


# --- remembering after the pages are written ------------------------------------------------


def remember(
    confluence: ConfluenceGateway,
    given: GivenInputs,
    used: PageInputs,
    results: Sequence[PageResult],
    dry_run: bool,
) -> list[InputUse]:
    """Each given file is remembered with its page once that page shows it (written or
    unchanged); a forgotten one is dropped; a kept one is said. Writes only what differs."""
    by_kind = {r.kind: r for r in results}
    uses: list[InputUse] = []
    now = datetime.now(UTC)
    for kind in INPUT_KINDS:
        result = by_kind.get(kind)
        if kind in given.texts:
            uses.append(_remember(confluence, given.texts[kind], result, dry_run, now))
        elif kind in given.forget:
            uses.append(_forget(confluence, kind, result, dry_run, now))
        elif kind in used.kept:
            kept = used.kept[kind]
            uses.append(InputUse(kind, "kept", kept.file, kept.sha256, kept.saved_at))
    return uses


def _remember(
    confluence: ConfluenceGateway,
    given: InputText,
    result: PageResult | None,
    dry_run: bool,
    now: datetime,
) -> InputUse:
    use = InputUse(given.kind, "remembered", given.file, given.sha256, now)
    if result is None:
        reason = f"the {PAGE_NAME[given.kind]} page was not published by this run"
        return InputUse(given.kind, "not remembered", given.file, given.sha256, reason=reason)
    if dry_run:
        return InputUse(given.kind, "would remember", given.file, given.sha256)
    if result.action not in WRITTEN or result.page_id is None:
        reason = f"the page was not written: {result.action}"
        return InputUse(given.kind, "not remembered", given.file, given.sha256, reason=reason)
    current = _property(confluence, result.page_id)
    if given.same(_readable(current, given.kind)):
        return InputUse(given.kind, "already remembered", given.file, given.sha256)
    _put(confluence, result.page_id, given.value(now), current)
    return use


def _forget(
    confluence: ConfluenceGateway,
    kind: InputKind,
    result: PageResult | None,
    dry_run: bool,
    now: datetime,
) -> InputUse:
    page_id = result.page_id if result is not None else None
    current = _property(confluence, page_id) if page_id else None
    old = _readable(current, kind)
    if old is None:
        return InputUse(kind, "nothing to forget")
    assert result is not None and page_id is not None
    if dry_run or result.action not in WRITTEN:
        reason = "" if dry_run else f"the page was not written: {result.action}"
        return InputUse(kind, "would forget", old.file, old.sha256, old.saved_at, reason)
    tombstone = {"schema": INPUTS_SCHEMA, "kind": kind, "forgotten_at": now.isoformat()}
    _put(confluence, page_id, tombstone, current)
    return InputUse(kind, "forgotten", old.file, old.sha256, old.saved_at)


def _readable(prop: PageProperty | None, kind: InputKind) -> InputText | None:
    """What a property remembers, or None when nothing (or nothing nivosync can read: it is
    about to be replaced)."""
    if prop is None:
        return None
    try:
        return parse_remembered(prop.value, kind)
    except InvalidInput:
        return None


def _put(
    confluence: ConfluenceGateway, page_id: str, value: dict[str, Any], current: PageProperty | None
) -> None:
    """Set the property; a 409 or a lost answer is settled by reading it again."""
    try:
        confluence.set_page_property(page_id, INPUTS_KEY, value, current)
        return
    except (StaleVersion, AmbiguousWrite):
        pass
    fresh = _property(confluence, page_id)
    if fresh is not None and fresh.value == value:
        return  # our write did land
    try:
        confluence.set_page_property(page_id, INPUTS_KEY, value, fresh)
    except StaleVersion:
        raise NivosyncError(
            f"the '{INPUTS_KEY}' property of page {page_id} keeps changing in Confluence (HTTP "
            "409 twice): another nivosync run may be publishing the same release; let it "
            "finish, then publish again"
        ) from None
