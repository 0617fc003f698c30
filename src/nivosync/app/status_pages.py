"""Whether a status page already shows tonight's measurement, decided before its chart is drawn.

The publisher decides "unchanged" by comparing hashes of the body *and* of the attachments it
would write, so it needs the chart; a quiet night must not even draw it (issue 12, item 7). The
body depends only on what was measured, so it is rendered (cheap) and compared with the hash the
page's `nivosync` property recorded at the last write; a chart recorded with that write is the
chart of the same measurement. Anything else — no page, someone else's, a human's edit since,
a missing chart, another title — goes to the publisher, which handles each case.
"""

from __future__ import annotations

import hashlib

from nivosync.app.publisher import PROPERTY_KEY, PageIdentity, PageResult, with_anchor
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.render.status_page import CHART_FILE

KIND = "status"


def unchanged_page(
    confluence: ConfluenceGateway,
    identity: PageIdentity,
    title: str,
    body: str,
    known_id: str | None,
) -> PageResult | None:
    """The page `known_id` as an "unchanged" result when nivosync's last write of it holds
    exactly `body` (and its chart); None when it must be published. Two reads, no write."""
    if not known_id:
        return None
    page = confluence.page(known_id)
    if page is None or page.title != title:
        return None
    prop = confluence.page_property(page.id, PROPERTY_KEY)
    recorded = prop.value if prop is not None and isinstance(prop.value, dict) else {}
    digest = hashlib.sha256(with_anchor(body, identity.anchor(KIND)).encode()).hexdigest()
    expected = {
        "slug": identity.slug,
        "kind": KIND,
        "hash": digest,
        "version": page.version,  # nobody wrote the page since (else: the publisher's checks)
        "labels": list(identity.labels(KIND)),
    }
    if any(recorded.get(key) != value for key, value in expected.items()):
        return None
    if CHART_FILE not in (recorded.get("attachments") or {}):
        return None
    return PageResult(KIND, title, "unchanged", page.id, page.url)
