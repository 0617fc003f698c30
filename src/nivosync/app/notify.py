"""Telling people that a release changed (sync): a comment on its epic that mentions its Delivery
Supervisor, and — when the config names one — a post to an incoming webhook.

Who is mentioned, from what the release already records (no new config or template key):
the person the config names for the role "Delivery Supervisor" — the shipped template's
overseeing role — for the release's customer (its own `roles` first), as the Jira user the epic
recorded for that person when the release was created (`people`), else looked up now; when the
config names nobody for that role, the epic's assignee; else nobody (the comment is still made).

Once per change: each notice names its transition (`nivosync change <marker>`, see
`core.changes.transition_marker`), and the epic's newest comments are searched for it before
commenting, so a re-run after a crash between the comment and the history write does not
comment twice. A channel that fails stays owed (the history entry's `pending`) and is tried
again by the next run while the state is unchanged. The webhook is posted after the comment;
only a crash between the post and the history write can send it twice.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from nivosync.app.once import OncePerKey
from nivosync.app.publisher import PageResult
from nivosync.app.releases import ReleaseRecord
from nivosync.core.changes import WORDS
from nivosync.core.slippage import ReleaseSlippage
from nivosync.errors import InvalidInput, NivosyncError
from nivosync.http import AmbiguousWrite, HttpError
from nivosync.inputs.config import Config, is_loopback
from nivosync.jira.comments import IssueComments
from nivosync.jira.gateway import JiraGateway
from nivosync.log_setup import get_logger
from nivosync.webhook import Webhook

log = get_logger(__name__)

COMMENT, WEBHOOK = "comment", "webhook"
SUPERVISOR_ROLE = "Delivery Supervisor"
MARKER = "nivosync change"
COMMENT_ATTEMPTS = 3  # posts of one comment whose answers were lost and that did not land


@dataclass(frozen=True)
class Notice:
    """One release's change, ready to tell."""

    record: ReleaseRecord
    slippage: ReleaseSlippage
    kind: str  # worsened | improved | completed
    message: str
    marker: str
    page: PageResult | None = None

    @property
    def headline(self) -> str:
        return f"{self.record.title}: {self.message or self.kind}."

    @property
    def facts(self) -> str:
        slip = self.slippage
        return (
            f"Status {WORDS.get(slip.status, slip.status)}; projected go-live "
            f"{slip.projected_go_live.isoformat()} (planned {slip.planned_go_live.isoformat()}), "
            f"slip {slip.slip_days} working day{'s' if slip.slip_days != 1 else ''}."
        )

    @property
    def tag(self) -> str:
        return f"{MARKER} {self.marker}"

    def text(self) -> str:
        """The webhook's message (Slack and Teams show a URL as a link)."""
        url = self.page.url if self.page and self.page.url else ""
        return " ".join(part for part in (self.headline, self.facts, url) if part)


@dataclass
class Notifier:
    """The channels a sync tells changes on; `enabled` False (`--no-notify`) tells none."""

    jira: JiraGateway
    config: Config
    webhook: Webhook | None = None
    enabled: bool = True
    # person → their Jira user (None: not found), looked up once per run: many releases
    # share a Delivery Supervisor, and releases are told from several threads at once
    _users: OncePerKey[str, str | None] = field(default_factory=OncePerKey, init=False, repr=False)

    @property
    def channels(self) -> tuple[str, ...]:
        if not self.enabled:
            return ()
        wanted = ((COMMENT, self.config.spec.notify.comment), (WEBHOOK, self.webhook is not None))
        return tuple(name for name, on in wanted if on)

    def send(self, notice: Notice, channels: Sequence[str]) -> tuple[list[str], list[str]]:
        """Tell `notice` on `channels`; (the channels still owed, what went wrong)."""
        owed: list[str] = []
        errors: list[str] = []
        for channel in channels:
            if channel not in self.channels:
                continue  # no longer configured: no longer owed
            try:
                if channel == COMMENT:
                    self._comment(notice)
                elif self.webhook is not None:
                    self.webhook.post_text(notice.text())
            except NivosyncError as exc:  # HttpError, AmbiguousWrite, WebhookError
                owed.append(channel)
                errors.append(f"{channel} not sent: {exc}")
        return owed, errors

    def _comment(self, notice: Notice) -> None:
        epic = notice.record.epic.key
        comments = IssueComments(self.jira)
        if _told(comments, epic, notice.tag):
            return  # an earlier run told this change, then stopped before recording it
        page = notice.page
        link = (page.title, page.url) if page and page.url else None
        paragraphs = [notice.headline, notice.facts + (" Status page:" if link else "")]
        mention = self.supervisor(notice.record)
        for attempt in range(COMMENT_ATTEMPTS):
            try:
                comments.add(epic, [*paragraphs], mention, link, notice.tag)
                return
            except AmbiguousWrite:
                # Settled by reading: there, it was posted; absent, it was not — send again.
                if _told(comments, epic, notice.tag):
                    return
                if attempt == COMMENT_ATTEMPTS - 1:
                    raise
                log.info("comment did not land: sending it again", epic=epic)

    def supervisor(self, record: ReleaseRecord) -> str | None:
        """The Jira user to mention (see the module docstring), or None."""
        person = self._supervisor_person(record)
        stored = dict(record.stored.people) if record.stored else {}
        if person and person in stored:
            return stored[person]
        if person:
            user = self._users.get(person, lambda: self._lookup(person))
            if user is not None:
                return user
        return record.epic.assignee.ref if record.epic.assignee else None

    def _lookup(self, person: str) -> str | None:
        try:
            user = self.jira.find_assignable(person)
        except HttpError as exc:
            log.warning("supervisor not found", person=person, error=str(exc))
            return None
        return user.ref if user is not None else None

    def _supervisor_person(self, record: ReleaseRecord) -> str | None:
        try:
            return self.config.people(record.customer).get(SUPERVISOR_ROLE)
        except InvalidInput:  # a customer spelled close to a configured one: the global role
            return self.config.spec.roles.get(SUPERVISOR_ROLE)


def _told(comments: IssueComments, epic: str, tag: str) -> bool:
    return any(tag in text for text in comments.recent(epic))


def webhook_from(config: Config, environ: Mapping[str, str] | None = None) -> Webhook | None:
    """The configured webhook, its URL read from the environment; InvalidInput (before any
    write) when the variable is unset or holds no https URL. The URL is never shown."""
    name = config.spec.notify.webhook_url_env
    if name is None:
        return None
    url = (os.environ if environ is None else environ).get(name, "").strip()
    where = ("notify", "webhook_url_env")
    if not url:
        problem = config.doc.problem(
            where,
            f"notify.webhook_url_env: ${name} is not set: export it with the incoming-webhook "
            "URL, remove notify.webhook_url_env, or run with --no-notify (nothing was written)",
        )
        raise InvalidInput.from_problems([problem])
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (
        parts.scheme == "http" and bool(parts.hostname) and is_loopback(parts.hostname or "")
    )
    if not secure or not parts.hostname:
        problem = config.doc.problem(
            where,
            f"notify.webhook_url_env: ${name} does not hold an https:// URL (its value is a "
            "secret and is not shown; plain http is only accepted for loopback addresses)",
        )
        raise InvalidInput.from_problems([problem])
    return Webhook(url, f"${name}", max_wait=float(config.spec.http.max_retry_wait_seconds))
