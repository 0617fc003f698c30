"""The release as Jira's search shows it, and the pages its epic records, read in `create`'s
first round of requests (issue 15): the search no longer waits for the ledger (a user property,
read once `myself` has answered) and the project's checks, nor the page reads for all of
them — a re-run is two round trips deep instead of four.

The search is sent only when an earlier run on this machine said which custom fields it must
read (`field_memory`), and used only if the site says the same, and the ledger, read after
it, that no run was writing and that it holds no issue the search does not show; else
`create` searches again, handing the ledger's issues to the search as before. A read ahead
that fails is simply made again when needed."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial
from typing import cast

from nivosync.app.ledger import ReleaseLedger
from nivosync.app.releases import ReleaseRecord, release_issues, split_release, unseen_known
from nivosync.app.site_reads import Send, ahead_or_none, at_once
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Page
from nivosync.core.identity import ReleaseIdentity
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import CustomFields, IssueSnapshot


@dataclass(frozen=True)
class ReleaseAhead:
    """The release's issues as the search showed them (None: that read failed), and the
    pages its epic records, by id (read as soon as the search answered)."""

    issues: Future[object]
    pages: Future[object]
    custom: CustomFields  # the custom fields the search read (before the site said which)

    @classmethod
    def sent(
        cls,
        send: Send,
        jira: JiraGateway,
        confluence: ConfluenceGateway | None,
        release: ReleaseIdentity,
        custom: CustomFields,
    ) -> ReleaseAhead:
        """Both reads, sent behind the caller's next requests; `confluence` None: no pages."""
        search = partial(_release_read, jira, release, custom)
        issues = send(partial(ahead_or_none, "the release's issues", search))
        pages = send(partial(ahead_or_none, "its pages", partial(_recorded, confluence, issues)))
        return cls(issues, pages, custom)

    def found(self, ledger: ReleaseLedger, jira: JiraGateway) -> list[IssueSnapshot] | None:
        """The issues read ahead, if they are what a search would find now that `ledger` and
        the site's fields are read: the same custom fields, no run writing then, and every
        issue the ledger records shown. None: search again."""
        read = cast("tuple[list[IssueSnapshot], object] | None", self.issues.result())
        if read is None or not ledger.quiet or jira.custom_fields() != self.custom:
            return None
        issues = read[0]
        missed = unseen_known({i.key: i for i in issues}, ledger.state.created)
        return None if missed else issues

    def pages_read(self) -> dict[str, Page]:
        """The recorded pages that exist, by id (waiting for their reads); {} if none."""
        return cast("dict[str, Page] | None", self.pages.result()) or {}


def _release_read(
    jira: JiraGateway, release: ReleaseIdentity, custom: CustomFields
) -> tuple[list[IssueSnapshot], ReleaseRecord | None]:
    """The release's issues, its epic with the properties the search returned or (Data
    Center, whose search cannot) read now — no later step reads them again — and its record."""
    issues = release_issues(jira, release, {}, custom)
    record, _others = split_release(jira, issues)
    if record is not None:
        epic, properties = record.epic.key, record.epic.properties
        issues = [replace(i, properties=properties) if i.key == epic else i for i in issues]
    return issues, record


def _recorded(confluence: ConfluenceGateway | None, issues: Future[object]) -> dict[str, Page]:
    read = cast("tuple[list[IssueSnapshot], ReleaseRecord | None] | None", issues.result())
    record = read[1] if read else None
    if confluence is None or record is None:
        return {}
    ids = list(dict.fromkeys(record.pages.values()))
    pages = at_once([partial(confluence.page, page_id) for page_id in ids])
    return {page.id: page for page in pages if page is not None}
