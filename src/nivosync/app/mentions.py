"""Who people are in Confluence, so that pages mention them instead of printing their email.

nivosync knows a person by their Jira user (`JiraUser.ref`: the accountId on Cloud, the
username on Data Center; for the plan's people, remembered on the epic). On Cloud that accountId
is the Atlassian account Confluence names too, so nothing is asked. Data Center Confluence
names a user by its own user key: it is looked up by the same username (Jira and Confluence
share the user directory), once per person and run. A person Confluence does not know, or a
mixed site (Cloud Jira with Data Center Confluence, or the reverse), stays text.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import partial

from nivosync.app.site_reads import at_once
from nivosync.confluence.cloud import CloudConfluence
from nivosync.confluence.gateway import ConfluenceGateway
from nivosync.render.storage import UserId


class Mentions:
    """Jira users → Confluence users, remembered for the run (one instance per run, shared by
    the threads that publish pages)."""

    def __init__(self, jira_cloud: bool) -> None:
        self.jira_cloud = jira_cloud
        self._known: dict[str, UserId | None] = {}
        self._lock = threading.Lock()
        self._asking: dict[str, threading.Lock] = {}  # one lookup per person, across threads

    def people(self, confluence: ConfluenceGateway, refs: Mapping[str, str]) -> dict[str, UserId]:
        """`refs` (a person's text → their Jira user) as text → Confluence user, for those
        Confluence can mention (the unknown ones asked at once); raises HttpError when
        Confluence cannot be asked."""
        if not self.jira_cloud and not isinstance(confluence, CloudConfluence):
            with self._lock:
                unknown = sorted({ref for ref in refs.values() if ref and ref not in self._known})
            at_once([partial(self._user, confluence, ref) for ref in unknown])  # remembered
        found = {text: self._user(confluence, ref) for text, ref in refs.items()}
        return {text: user for text, user in found.items() if user is not None}

    def _user(self, confluence: ConfluenceGateway, ref: str) -> UserId | None:
        cloud = isinstance(confluence, CloudConfluence)
        if cloud != self.jira_cloud or not ref:
            return None  # a Jira user of the other kind of site names nobody here
        if cloud:
            return UserId.cloud(ref)
        with self._lock:
            if ref in self._known:
                return self._known[ref]
            asking = self._asking.setdefault(ref, threading.Lock())
        with asking:  # another thread asking for the same person: its answer is waited for
            with self._lock:
                if ref in self._known:
                    return self._known[ref]
            user = confluence.user(username=ref)
            key = UserId.data_center(user.user_key) if user and user.user_key else None
            with self._lock:
                self._known[ref] = key
            return key
