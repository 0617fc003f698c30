"""Whether a status page already shows tonight's measurement, decided before its chart is drawn.

The publisher decides "unchanged" by comparing hashes of the body *and* of the attachments it
would write; a quiet night must not even draw the chart (issue 12, item 7). The body depends
only on what was measured, so it is rendered (cheap) and compared with the hash the page's
`nivosync` property recorded at the last write; a chart recorded with that write is the chart
of the same measurement. Anything else — no page, someone else's, a human's edit since, a
missing chart, another title — goes to the publisher, which handles each case; what the
property recorded for each attachment comes along, so that a chart showing what the page's
chart already shows is not drawn either (issue 15: a changed body, e.g. a new history row,
with the same bars).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from nivosync.app.publisher import PROPERTY_KEY, PageIdentity, PageResult, with_anchor
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import ListedPage
from nivosync.render.status_page import CHART_FILE

KIND = "status"


@dataclass(frozen=True)
class Shown:
    """A status page as nivosync's last write of it left it."""

    unchanged: PageResult | None = None  # it shows exactly tonight's body and its chart
    files: Mapping[str, str] = field(default_factory=dict)  # attachment → digest recorded


def shown_page(
    confluence: ConfluenceGateway,
    identity: PageIdentity,
    title: str,
    body: str,
    known_id: str | None,
    listed: ListedPage | None = None,
) -> Shown:
    """The page `known_id`: "unchanged" when nivosync's last write of it holds exactly `body`
    (and its chart), and the attachments that write recorded. No write; no read either when
    `listed` (the night's one search of every status page) brings its version and property,
    else two reads."""
    if not known_id:
        return Shown()
    if listed is not None and listed.id == known_id:
        page = _Seen(listed.id, listed.title, listed.version, listed.url)
        value = listed.property
    else:
        found = confluence.page(known_id)
        if found is None:
            return Shown()
        page = _Seen(found.id, found.title, found.version, found.url)
        prop = confluence.page_property(found.id, PROPERTY_KEY)
        value = prop.value if prop is not None else None
    if page.title != title:
        return Shown()
    recorded = value if isinstance(value, dict) else {}
    files = recorded.get("attachments")
    files = {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    digest = hashlib.sha256(with_anchor(body, identity.anchor(KIND)).encode()).hexdigest()
    expected = {
        "slug": identity.slug,
        "kind": KIND,
        "hash": digest,
        "version": page.version,  # nobody wrote the page since (else: the publisher's checks)
        "labels": list(identity.labels(KIND)),
    }
    if (recorded.get("slug"), recorded.get("kind")) != (identity.slug, KIND):
        return Shown()  # not nivosync's record of this page: the publisher finds out whose
    if any(recorded.get(key) != value for key, value in expected.items()):
        return Shown(files=files)
    if CHART_FILE not in files:
        return Shown(files=files)
    return Shown(PageResult(KIND, title, "unchanged", page.id, page.url), files)


@dataclass(frozen=True)
class _Seen:
    """What is compared of the page: read (with its URL) or listed by the search."""

    id: str
    title: str
    version: int | None
    url: str
