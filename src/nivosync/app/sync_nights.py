"""Where `sync --all` keeps its night record (`core.nights`): a property on nivosync's own
Jira user, next to the releases' ledgers — read once per run, written once per night."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from nivosync.app.releases import ReleaseRecord
from nivosync.core.changes import PAST
from nivosync.core.nights import SyncNight, covered, tonight_record
from nivosync.http import HttpError
from nivosync.jira.gateway import JiraGateway
from nivosync.log_setup import get_logger

if TYPE_CHECKING:
    from nivosync.app.status_reports import ReleaseSync

log = get_logger(__name__)


def nights_property(project_key: str) -> str:
    return f"nivosync.nights.{project_key.lower()}"


@dataclass
class NightBook:
    """The night record as this run read it, and whether this run keeps tonight's."""

    jira: JiraGateway
    previous: SyncNight | None
    keeps: bool

    @classmethod
    def read(cls, jira: JiraGateway, as_of: date, keep: bool) -> NightBook:
        """`keep`: this run records every running release (`sync --all` with pages). A look
        back (before the recorded night) keeps nothing; neither does an account that may not
        keep properties on itself (Data Center's non-admins): each release then writes its
        own `last_seen`, as a single release's sync always does."""
        try:
            allowed, value = jira.own_property(nights_property(jira.project_key))
        except HttpError as exc:  # the releases still sync: each writes its own last_seen
            log.warning("night record not read", error=str(exc))
            return cls(jira, None, False)
        previous = SyncNight.from_json(value)
        late_enough = previous is None or as_of >= previous.night
        return cls(jira, previous, keep and allowed and late_enough)

    @classmethod
    def none(cls, jira: JiraGateway) -> NightBook:
        """No record read (a run that writes no history: `--no-publish`)."""
        return cls(jira, None, False)

    def applied(self, record: ReleaseRecord) -> ReleaseRecord:
        """A running release's record, its history seen on the recorded night too."""
        return replace(
            record,
            history=covered(record.history, record.slug, self.previous),
            last_night=self.previous,
            nights_kept=self.keeps,
        )

    def close(self, as_of: date, results: Sequence[ReleaseSync]) -> None:
        """Keep tonight's record, after every release's history was written (a failure to
        keep it only leaves tonight out of `last_seen`: it is logged)."""
        if not self.keeps:
            return
        left_out = (r.record.slug for r in results if not _recorded(r))
        kept = tonight_record(as_of, left_out, self.previous)
        if kept is None:
            log.warning("night not recorded: too many releases left out", night=str(as_of))
            return
        if kept == self.previous:
            return
        try:
            if self.jira.set_own_property(nights_property(self.jira.project_key), kept.to_json()):
                return
            reason = "this account may not keep properties on its own Jira user"
        except HttpError as exc:
            reason = str(exc)
        log.warning(
            "night not recorded: tonight's unchanged states keep their last night", reason=reason
        )


def _recorded(item: ReleaseSync) -> bool:
    """Whether tonight's state of the release is in its history (written, or seen again)."""
    change = item.change
    return (
        item.state is not None
        and change is not None
        and change.kind != PAST
        and not item.error
        and not item.publish_error
    )
