"""Acting as the embedded sandbox's people (`nivosync sandbox advance`).

In the sandbox every seeded person can log in (see `nivosync.sandbox.auth`), so the work of a
task is done by its assignee, over the REST API like any client: Jira's changelog then says
who moved it, and an approver's sub-task is approved by that approver, as the Change Advisory
page reads it. An issue nobody the sandbox knows is assigned, or that its assignee may not
move, is moved by nivosync's own account.
"""

from __future__ import annotations

from types import TracebackType

from nivosync.app.lifecycle import close_issue
from nivosync.app.sites import Sites, retry_policy
from nivosync.http import Credentials, Transport
from nivosync.inputs.config import Config
from nivosync.jira.flavor import flavor_named
from nivosync.jira.gateway import JiraGateway
from nivosync.jira.models import IssueSnapshot, JiraUser
from nivosync.jira.workflow import IssueWorkflow
from nivosync.sandbox import Sandbox, UserSeed
from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import account_id_for

IN_PROGRESS = "indeterminate"


class People:
    """A JiraGateway per person, opened on first use; `own` is nivosync's account."""

    def __init__(self, sites: Sites, config: Config, own: JiraGateway) -> None:
        if sites.embedded is None:
            raise ValueError("People needs the embedded sandbox")
        self._sandbox: Sandbox = sites.embedded
        self._sites, self._config, self._own = sites, config, own
        cloud = self._sandbox.flavor == "cloud"
        self._by_ref = {
            (account_id_for(u.email) if cloud else u.username.casefold()): u
            for u in self._sandbox.seed.all_users()
        }
        self._opened: dict[str, tuple[Transport, JiraGateway]] = {}

    def start(self, issue: IssueSnapshot) -> str | None:
        """Move `issue` to In Progress; None when done, else why not."""
        for jira in self._actors(issue.assignee):
            workflow = IssueWorkflow(jira)
            found = [t for t in workflow.transitions(issue.key) if t.to_category == IN_PROGRESS]
            if found:
                workflow.transition(issue.key, found[0], None)
                return None
        return f"{issue.key} was not started: no transition to In Progress is open"

    def finish(self, issue: IssueSnapshot, resolution: str) -> str | None:
        """Move `issue` to Done (`resolution` where its screen asks); None, else why not."""
        note = None
        for jira in self._actors(issue.assignee):
            note = close_issue(jira, issue.key, resolution)
            if note is None:
                return None
        return note

    def _actors(self, assignee: JiraUser | None) -> list[JiraGateway]:
        """Who tries: the assignee where the sandbox knows them, then nivosync's account."""
        person = self._person(assignee)
        return [self._gateway(person), self._own] if person is not None else [self._own]

    def _person(self, user: JiraUser | None) -> UserSeed | None:
        if user is None:
            return None
        cloud = self._sandbox.flavor == "cloud"
        return self._by_ref.get(user.ref if cloud else user.ref.casefold())

    def _gateway(self, person: UserSeed) -> JiraGateway:
        if person.email not in self._opened:
            seed, endpoint = self._sandbox.seed, self._sites.jira
            login = person.email if seed.flavor == "cloud" else person.username
            token = person.token or user_token(seed, person.email)
            transport = Transport(
                endpoint.url, Credentials(login, token), retry=retry_policy(self._config)
            )
            jira = JiraGateway(
                transport,
                flavor_named(endpoint.flavor),
                self._config.spec.jira.project,
                endpoint.public_url,
            )
            self._opened[person.email] = (transport, jira)
        return self._opened[person.email][1]

    def close(self) -> None:
        for transport, _ in self._opened.values():
            transport.close()
        self._opened.clear()

    def __enter__(self) -> People:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
