"""Where a release's pages go — the Confluence space and the configured parent page — read
before the publishing step needs them (`create` reads them alongside Jira's first reads), and
the pages a new release may already have, looked for while Jira is written."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import partial

from nivosync.app.publisher import PageIdentity, PagesAhead, pages_ahead
from nivosync.app.site_reads import Send, ahead_or_none
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.confluence.models import Space
from nivosync.core.identity import ReleaseIdentity
from nivosync.core.pages import RELEASE_PAGE_KINDS, page_title
from nivosync.errors import InvalidInput, NivosyncError
from nivosync.http import HttpError
from nivosync.inputs.config import Config
from nivosync.log_setup import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class Placed:
    """Where the release pages go, read already (`create` reads it alongside Jira's project
    and people): the Confluence client that read it, its space and the parent page's id;
    `ahead`: the release's pages, being looked for while Jira is written (`looking_ahead`)."""

    confluence: ConfluenceGateway
    space: Space
    root_id: str
    ahead: Future[object] | None = None

    def looking_ahead(self, send: Send, release: ReleaseIdentity) -> Placed:
        """This place, with a new release's pages (no ids recorded yet: each by its title)
        looked for behind the caller's next requests — what `Publisher.look_ahead` would read
        once the release is in Jira."""
        titles = [page_title(kind, release) for kind in RELEASE_PAGE_KINDS]
        identity = PageIdentity.of_release(release)
        read = partial(pages_ahead, self.confluence, self.space, identity, titles)
        return replace(self, ahead=send(partial(ahead_or_none, "the release's pages", read)))

    def pages_ahead(self) -> PagesAhead | None:
        """What `looking_ahead` read (waiting for it); None if it was not asked or failed."""
        found = self.ahead.result() if self.ahead is not None else None
        return found if isinstance(found, PagesAhead) else None


def space_and_root(confluence: ConfluenceGateway, config: Config) -> tuple[Space, str]:
    space = confluence.space()
    return space, root_page_id(confluence, space, config)


def early_place(confluence: ConfluenceGateway, config: Config) -> Placed | None:
    """Where the pages go, read before a run needs it (alongside its first Jira reads); None
    when Confluence could not say, and the publishing step asks again (and reports why)."""
    try:
        space, root_id = space_and_root(confluence, config)
    except (HttpError, NivosyncError) as exc:
        log.info("Confluence not read ahead: asked again when publishing", error=str(exc))
        return None
    return Placed(confluence, space, root_id)


def root_page_id(confluence: ConfluenceGateway, space: Space, config: Config) -> str:
    """The configured parent page of the release pages (InvalidInput when it is missing)."""
    settings = config.spec.confluence
    assert settings is not None
    root = confluence.find_page(space, settings.parent_page)
    if root is None:
        raise InvalidInput(
            f"confluence.parent_page '{settings.parent_page}' is not a page in space "
            f"{space.key}: create it, or fix the title in the config"
        )
    return root.id
