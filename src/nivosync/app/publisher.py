"""Publishing pages to Confluence: found by identity, written only when changed, never over a
human's edit of nivosync's part.

Each page nivosync makes carries (a) a page property `nivosync` with the release, the page kind,
the hash of the body last written, the version that write produced and what its people's
regions and nivosync's sections held (see `page_regions`), and (b) an invisible anchor macro
naming the release and kind, so that a page created just before a crash (its property not yet
set) is still recognised as ours and never duplicated.

What people write in a page's regions is kept at every update; only an edit of nivosync's part
(or of the title) keeps the page as it is until `--force KIND`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast
from xml.sax.saxutils import escape

from nivosync.app.page_regions import Reading, edited_message, read_page, region_record
from nivosync.app.page_specs import Action as Action  # the value types, re-exported
from nivosync.app.page_specs import FileToAttach as FileToAttach
from nivosync.app.page_specs import PageIdentity as PageIdentity
from nivosync.app.page_specs import PageResult as PageResult
from nivosync.app.page_specs import PageSpec as PageSpec
from nivosync.app.site_reads import Send, at_once, settled
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Page, PageProperty, Space, StaleVersion
from nivosync.core.storage_shape import same_storage as same_storage  # re-exported
from nivosync.errors import NivosyncError
from nivosync.http import AmbiguousWrite
from nivosync.log_setup import get_logger

log = get_logger(__name__)

PROPERTY_KEY = "nivosync"
CREATE_ATTEMPTS = 3  # creates of one page whose answers were lost and that did not happen


@dataclass(frozen=True)
class PagesAhead:
    """Pages looked for by title, and the pages labelled as `identity`'s (id → labels)."""

    identity: PageIdentity
    titled: dict[str, Page | None]
    claimed: dict[str, frozenset[str]]


def pages_ahead(
    confluence: ConfluenceGateway,
    space: Space,
    identity: PageIdentity,
    titles: Sequence[str],
    claimed: dict[str, frozenset[str]] | None = None,
) -> PagesAhead:
    """At once: a page by each title, and (unless `claimed` has them) the pages labelled as
    `identity`'s — what a publisher reads first for pages whose ids nothing recorded."""
    reads: list[Callable[[], object]] = [
        partial(confluence.find_page, space, title) for title in titles
    ]
    if claimed is None:
        reads.append(partial(confluence.labelled_pages, space, identity.slug_label))
    results = at_once(reads)
    pages = cast(list[Page | None], results[: len(titles)])
    if claimed is None:
        claimed = cast(dict[str, frozenset[str]], results[-1])
    return PagesAhead(identity, dict(zip(titles, pages, strict=True)), claimed)


@dataclass
class Publisher:
    """Publishes PageSpecs for one identity into one space."""

    confluence: ConfluenceGateway
    space: Space
    identity: PageIdentity
    force: Collection[str] = ()  # page kinds written over a person's edit of nivosync's part
    dry_run: bool = False
    minor: bool = False  # a routine update (the nightly status page): no watcher notifications
    published: Callable[[PageResult], None] = lambda _result: None  # after each page (progress)
    # Pages this run has just read (the UAT form, for the Change Advisory's evidence): each
    # is used once instead of a second GET; a stale one is caught by the version check.
    read: dict[str, Page] = field(default_factory=dict)
    # The pages labelled as this identity's (id → labels), when a search this run made for
    # many identities at once already listed them; else searched for when first needed.
    claimed: dict[str, frozenset[str]] | None = None
    # Pages found by title before they were needed (`look_ahead`): used once, like `read`.
    titled: dict[str, Page | None] = field(default_factory=dict)
    # nivosync's record of pages in `read` (`read_ahead`; None: the page has none): used once.
    records: dict[str, PageProperty | None] = field(default_factory=dict)
    # Where a new page's labels and record are sent, while the caller goes on (a
    # `site_reads.behind`); None: in line.
    trailing: Send | None = None

    def look_ahead(self, titles: Sequence[str]) -> None:
        """Make at once the reads `_locate` makes for pages with no recorded id, one after
        the other: the search for the pages labelled as this identity's, and a page by each
        title. (A page the search finds makes its title's read unneeded: rare, harmless.)"""
        titles = [t for t in titles if t not in self.titled]
        if titles:
            self.seen(pages_ahead(self.confluence, self.space, self.identity, titles, self.claimed))

    def read_ahead(self, page_ids: Sequence[str]) -> None:
        """Read at once the pages (and nivosync's record of each) that publishing them reads
        one after the other; a read that fails is made again when its page is published."""
        ids = [i for i in dict.fromkeys(page_ids) if i not in self.read]
        reads: list[Callable[[], object]] = [partial(self.confluence.page, i) for i in ids]
        reads += [partial(self.confluence.page_property, i, PROPERTY_KEY) for i in ids]
        found = settled(reads)
        pages, records = found[: len(ids)], found[len(ids) :]
        for page_id, page, record in zip(ids, pages, records, strict=True):
            if isinstance(page, Page):
                self.read[page_id] = page
                if not isinstance(record, Exception):  # else: read again when published
                    self.records[page_id] = cast(PageProperty | None, record)

    def _record_read(self, page_id: str) -> PageProperty | None:
        """nivosync's record of a page (read ahead, or read now)."""
        if page_id in self.records:
            return self.records.pop(page_id)
        return self.confluence.page_property(page_id, PROPERTY_KEY)

    def seen(self, ahead: PagesAhead) -> None:
        """Use what `pages_ahead` read, for this identity, before this publisher existed."""
        if ahead.identity.slug == self.identity.slug:
            self.titled.update(ahead.titled)
            self.claimed = ahead.claimed if self.claimed is None else self.claimed

    def _claimed_search(self) -> dict[str, frozenset[str]]:
        return self.confluence.labelled_pages(self.space, self.identity.slug_label)

    def publish(self, spec: PageSpec, parent_id: str, known_id: str | None) -> PageResult:
        result = self._publish(spec, parent_id, known_id)
        self.published(result)
        return result

    def _publish(self, spec: PageSpec, parent_id: str, known_id: str | None) -> PageResult:
        body = with_anchor(spec.body, self.identity.anchor(spec.kind))
        digest = hashlib.sha256(body.encode()).hexdigest()
        located = self._locate(spec, known_id)
        if isinstance(located, PageResult):
            return located
        page, prop = located
        if page is None:
            return self._create(spec, parent_id, body, digest)
        return self._update(spec, page, prop, body, digest)

    # --- finding --------------------------------------------------------------------------

    def _locate(
        self, spec: PageSpec, known_id: str | None
    ) -> tuple[Page | None, PageProperty | None] | PageResult:
        anchor = self.identity.anchor(spec.kind)
        if known_id:
            page = self.read.pop(known_id, None) or self.confluence.page(known_id)
            if page is not None:
                prop = self._record_read(page.id)
                if self._ours(prop, spec.kind) or anchor in page.body:
                    return page, prop
        for page_id in self._labelled(spec.kind, known_id):
            page = self.confluence.page(page_id)
            prop = self._record_read(page_id) if page else None
            if page is not None and (self._ours(prop, spec.kind) or anchor in page.body):
                return page, prop  # ours, though its id was not recorded (or its title changed)
        if spec.title in self.titled:
            page = self.titled.pop(spec.title)
        else:
            page = self.confluence.find_page(self.space, spec.title)
        if page is None:
            return None, None
        prop = self._record_read(page.id)
        if self._ours(prop, spec.kind) or anchor in page.body:
            return page, prop
        return PageResult(
            spec.kind,
            spec.title,
            "conflict",
            page.id,
            page.url,
            f"a page titled '{spec.title}' already exists in space {self.space.key} and was not "
            "made by nivosync for this release: rename or move that page, then publish again",
        )

    def _labelled(self, kind: str, known_id: str | None) -> list[str]:
        """Ids of the pages labelled as this identity's `kind` page, oldest first: one search
        per identity and run, made only when a page is not where its record says."""
        if self.claimed is None:
            self.claimed = self._claimed_search()
        kind_label = self.identity.labels(kind)[2].lower()
        found = [
            pid for pid, names in self.claimed.items() if kind_label in {n.lower() for n in names}
        ]
        return sorted((pid for pid in found if pid != known_id), key=_numeric_first)

    def _ours(self, prop: PageProperty | None, kind: str) -> bool:
        value = prop.value if prop else None
        return isinstance(value, dict) and (value.get("slug"), value.get("kind")) == (
            self.identity.slug,
            kind,
        )

    # --- writing --------------------------------------------------------------------------

    def _create(self, spec: PageSpec, parent_id: str, body: str, digest: str) -> PageResult:
        if self.dry_run:
            return PageResult(spec.kind, spec.title, "would create")
        page = self._create_page(spec, parent_id, body)
        fresh = read_page(body, body, {})
        finish = partial(self._after_write, spec, page, None, digest, {}, fresh, fresh, new=True)
        if self.trailing is None:
            finish()
        else:
            self.trailing(finish)  # its anchor already marks the page as ours
        return PageResult(spec.kind, spec.title, "created", page.id, page.url)

    def _create_page(self, spec: PageSpec, parent_id: str, body: str) -> Page:
        """Create the page; a create whose answer was lost is settled by reading: found (with
        our anchor), it happened; absent, it did not and is sent again (a few times)."""
        for _attempt in range(CREATE_ATTEMPTS - 1):
            try:
                return self.confluence.create_page(self.space, parent_id, spec.title, body)
            except AmbiguousWrite as exc:
                found = self.confluence.find_page(self.space, spec.title)
                if found is not None and self.identity.anchor(spec.kind) in found.body:
                    return found  # the create did happen
                if found is not None:
                    raise
                log.info("page create did not happen: sending it again", error=str(exc))
        return self.confluence.create_page(self.space, parent_id, spec.title, body)

    def _update(
        self, spec: PageSpec, page: Page, prop: PageProperty | None, body: str, digest: str
    ) -> PageResult:
        recorded = prop.value if prop and isinstance(prop.value, dict) else {}
        reading = read_page(page.body, body, recorded)
        editor = self._human_editor(page, recorded)
        retitled = page.title != recorded.get("title", spec.title)
        edited = bool(editor) and (reading.conflict or retitled)
        if edited and not self._forced(spec.kind):
            return self._kept(spec, page, recorded, reading, retitled)
        files_done = dict(recorded.get("attachments") or {})
        files_pending = [f for f in spec.attachments if files_done.get(f.name) != f.sha256]
        # A person's text in a region whose source line does not say so yet: that line is
        # nivosync's to correct, so the page is written once.
        resourced = list(recorded.get("sourced") or []) != list(reading.merged.sourced)
        same = (
            recorded.get("hash") == digest
            and page.title == spec.title
            and not edited
            and not resourced
        )
        labelled = recorded.get("labels") == list(self._labels(spec))
        if same and not files_pending and labelled:
            return PageResult(spec.kind, spec.title, "unchanged", page.id, page.url)
        adopt = not recorded and page.title == spec.title and not files_pending  # labels: below
        if adopt and same_storage(page.body, reading.body):
            # Ours, made just before a crash: only its property is missing (no hash to compare,
            # so the body, as Confluence rewrote it on save).
            if not self.dry_run:
                self._after_write(spec, page, prop, digest, files_done, reading)
            return PageResult(spec.kind, spec.title, "unchanged", page.id, page.url)
        if self.dry_run:
            return PageResult(spec.kind, spec.title, "would update", page.id, page.url)
        written = None
        if not same:
            page, written = self._write_body(spec, page, body, reading, recorded, digest)
        self._after_write(spec, page, prop, digest, files_done, written or reading, written)
        return PageResult(spec.kind, spec.title, "updated", page.id, page.url)

    def _forced(self, kind: str) -> bool:
        return kind in self.force or "all" in self.force

    def _kept(
        self,
        spec: PageSpec,
        page: Page,
        recorded: Mapping[str, Any],
        reading: Reading,
        retitled: bool,
    ) -> PageResult:
        """The page is left as a person made it: who, where, and what to do about it."""
        editor = (
            page.author_name
            if page.author_name != page.author
            else (self.confluence.display_name(page.author))
        )
        if page.author and page.author == recorded.get("writer"):
            editor += " (with the account nivosync runs as)"
        versions = f"version {recorded.get('version')} → {page.version}"
        message = edited_message(page.title, editor, versions, spec.kind, reading, retitled)
        return PageResult(spec.kind, spec.title, "skipped-edited", page.id, page.url, message)

    def _write_body(
        self,
        spec: PageSpec,
        page: Page,
        body: str,
        reading: Reading,
        recorded: Mapping[str, Any],
        digest: str,
    ) -> tuple[Page, Reading]:
        """Write the merged body; on a 409, the page is read again (a person may have just
        written in a region: their text is merged in) and written once more."""
        message = version_message(spec.message or "Updated by nivosync", digest)
        try:
            written = self.confluence.update_page(
                page, spec.title, reading.body, message, minor=self.minor
            )
            return written, reading
        except StaleVersion:
            fresh = self.confluence.page(page.id)
            if fresh is None:
                raise NivosyncError(f"page '{page.title}' was deleted while publishing") from None
            if same_storage(fresh.body, reading.body) and fresh.title == spec.title:
                return fresh, reading  # our own PUT, replayed after its answer was lost: it landed
            again = read_page(fresh.body, body, recorded)
            editor = self._human_editor(fresh, recorded)
            if editor and again.conflict and not self._forced(spec.kind):
                raise NivosyncError(
                    f"'{page.title}' was edited by {editor} while publishing; run again to "
                    f"see it reported, or use --force {spec.kind}"
                ) from None
            try:
                written = self.confluence.update_page(
                    fresh, spec.title, again.body, message, minor=self.minor
                )
                return written, again
            except StaleVersion:
                raise NivosyncError(
                    f"'{page.title}' keeps changing in Confluence (HTTP 409 twice); "
                    "publish again later"
                ) from None

    def _after_write(
        self,
        spec: PageSpec,
        page: Page,
        prop: PageProperty | None,
        digest: str,
        files_done: dict[str, str],
        reading: Reading,
        written: Reading | None = None,
        new: bool = False,
    ) -> None:
        """Upload changed files, complete the labels, then record what this write produced (the
        last step: a crash before it makes the next run complete whatever is missing).

        `written`: the body just written, if one was; else the page's body stays as it is (a
        person's region edits included) and is recorded as found. A `new` page (created by
        this call) has no attachments yet: they are not listed."""
        labels = list(self._labels(spec))
        if (prop.value if prop and isinstance(prop.value, dict) else {}).get("labels") != labels:
            self.confluence.add_labels(page.id, labels)  # adding a label twice is harmless
        uploading = any(files_done.get(f.name) != f.sha256 for f in spec.attachments)
        existing = (
            {a.title: a for a in self.confluence.attachments(page.id)}
            if uploading and not new
            else {}
        )
        for item in spec.attachments:
            if files_done.get(item.name) == item.sha256:
                continue
            self.confluence.upload_attachment(
                page.id,
                item.name,
                item.content(),
                item.content_type,
                f"nivosync sha256:{item.sha256}",
                existing.get(item.name),
            )
            files_done[item.name] = item.sha256
        value = {
            "schema": 1,
            "slug": self.identity.slug,
            "customer": self.identity.customer,
            "release": self.identity.release,
            "kind": spec.kind,
            "hash": digest,
            "version": page.version,
            "writer": page.author,
            "attachments": files_done,
            "labels": labels,
            "title": spec.title,
            **region_record(written.body if written else page.body, reading.merged.defaults),
            "sourced": list(reading.merged.sourced),
        }
        self._record(page, value, prop)

    def _labels(self, spec: PageSpec) -> tuple[str, ...]:
        return (*self.identity.labels(spec.kind), *spec.labels)

    def _record(self, page: Page, value: dict[str, Any], prop: PageProperty | None) -> None:
        """Set the page property; a 409 or a lost answer is resolved by re-reading it.

        A PUT whose answer was lost is replayed by the transport and then answered 409, as
        the version it names has just been taken by that same write."""
        try:
            self.confluence.set_page_property(page.id, PROPERTY_KEY, value, prop)
            return
        except (StaleVersion, AmbiguousWrite) as exc:
            log.info("page property write unconfirmed: re-reading", page=page.id, error=str(exc))
        fresh = self.confluence.page_property(page.id, PROPERTY_KEY)
        if fresh is not None and fresh.value == value:
            return  # our write did land
        try:
            self.confluence.set_page_property(page.id, PROPERTY_KEY, value, fresh)
        except StaleVersion:
            raise NivosyncError(
                f"the '{PROPERTY_KEY}' property of page '{page.title}' (id {page.id}) keeps "
                "changing in Confluence (HTTP 409 twice): another nivosync run may be "
                "publishing the same release; let it finish, then publish again"
            ) from None

    @staticmethod
    def _human_editor(page: Page, recorded: Mapping[str, Any]) -> str | None:
        """Who changed the page after nivosync's last recorded write, if anyone did.

        nivosync's own versions are known by the mark in their version message, not by their
        author: people often run nivosync with their own account, and their edits (a rename,
        a restored version) must count as theirs. A marked version newer than the record is
        nivosync's write whose property update did not happen (a crash between the two)."""
        version = recorded.get("version")
        if not isinstance(version, int) or page.version <= version:
            return None
        if is_nivosync_version(page.version_message, page.author == recorded.get("writer")):
            return None
        return page.author_name or page.author or "someone"


_MARK = re.compile(r"\[nivosync [0-9a-f]{16}\]")
_LEGACY_MESSAGE = "Updated by nivosync"  # what versions said before they were marked


def version_message(text: str, digest: str) -> str:
    """A page version's message: what changed, then the mark of nivosync's own writes."""
    return f"{text} [nivosync {digest[:16]}]"


def is_nivosync_version(message: str, by_our_writer: bool) -> bool:
    """Whether a version was written by nivosync: its mark (or, for pages written before
    versions were marked, the old message from the account that wrote them)."""
    if _MARK.search(message or ""):
        return True
    return by_our_writer and (message or "").strip() == _LEGACY_MESSAGE


def _numeric_first(page_id: str) -> tuple[int, str]:
    return (int(page_id), "") if page_id.isdigit() else (0, page_id)


def with_anchor(body: str, anchor: str) -> str:
    """The body with an invisible anchor macro naming what the page is."""
    macro = (
        '<ac:structured-macro ac:name="anchor" ac:schema-version="1">'
        f'<ac:parameter ac:name="">{escape(anchor)}</ac:parameter></ac:structured-macro>'
    )
    return macro + body


def publish_all(
    publisher: Publisher,
    specs: Sequence[PageSpec],
    root_parent_id: str,
    known: Mapping[str, str],
) -> list[PageResult]:
    """The first spec is the release's page; the others become its children (one after the
    other: Confluence lists children in the order they were made)."""
    first, *rest = specs
    head = publisher.publish(first, root_parent_id, known.get(first.kind))
    if head.action == "conflict":
        reason = f"not published: its parent page '{first.title}' is not nivosync's"
        return [head, *(PageResult(s.kind, s.title, "conflict", message=reason) for s in rest)]
    if head.page_id is None:  # a dry run that would create the release page
        return [head, *(PageResult(s.kind, s.title, "would create") for s in rest)]
    return [head, *(publisher.publish(s, head.page_id, known.get(s.kind)) for s in rest)]
