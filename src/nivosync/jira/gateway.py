"""JiraGateway: every Jira REST call nivosync makes, for Cloud and Data Center."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from nivosync.http import HttpError, SiteWords, Transport, json_body
from nivosync.jira.errors import explain, messages
from nivosync.jira.fields import field_of_type, int_or_none, on_screen, screen_field
from nivosync.jira.fields import start_field as start_field_of
from nivosync.jira.flavor import EPIC_LINK_TYPE, EPIC_NAME_TYPE, JiraFlavor
from nivosync.jira.models import (
    BulkFailure,
    BulkResult,
    CreateScreen,
    CustomFields,
    IssueSnapshot,
    IssueTypeRef,
    JiraUser,
    SiteFacts,
)
from nivosync.jira.snapshots import LINK_TYPE, issue_snapshot, snapshot_fields
from nivosync.log_setup import get_logger

if TYPE_CHECKING:
    import requests  # only its types: the transport imports it with a site

log = get_logger(__name__)
RECONCILE_LIMIT = 50  # ids Cloud's search reconciles per request

BULK_LIMIT = 50
CREATEMETA_PAGE = 200  # the most Cloud's createmeta returns per page
CREATE = "Create Issues"


class JiraGateway:
    """One Jira site and project, spoken to in its flavour's dialect."""

    def __init__(
        self,
        transport: Transport,
        flavor: JiraFlavor,
        project_key: str,
        public_url: str | None = None,
    ) -> None:
        self.transport = transport
        self.public_url = (public_url or transport.base_url).rstrip("/")
        self.flavor = flavor
        self.project_key = project_key
        self._facts: SiteFacts | None = None  # set by site_facts(); custom field ids
        self._screens: dict[str, CreateScreen] = {}  # issue type id → its create screen
        # Edits ask Jira not to notify watchers, which needs (project) admin: after one 403,
        # this account edits with notifications like any user would.
        self._quiet_edits = True
        self._me: JiraUser | None = None
        self._permissions: dict[str, bool] = {}  # project permission key → held
        # The reads kept for the run are sent once even when threads ask at the same time
        # (independent requests are sent together): one lock per kept read.
        self._locks_lock = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    def browse_url(self, key: str) -> str:
        return f"{self.public_url}/browse/{key}"

    @property
    def facts(self) -> SiteFacts | None:
        """What `site_facts()` read this run (None before it is called)."""
        return self._facts

    # --- reading -----------------------------------------------------------------------

    def site_facts(self, create_type: str | None = None) -> SiteFacts:
        """The project, its issue types and the custom fields nivosync writes (2 requests).

        With `create_type` on Cloud, the start-date field is found on that issue type's create
        screen, which is read instead of the field list (that screen is needed before creating
        such issues anyway); the field list is read only when the screen has no start date.
        Data Center reads the field list: its Epic Name is on the epic's screen alone."""
        api = self.flavor.api
        project = self._json("GET", f"{api}/project/{self.project_key}", what="project")
        project_id = str(project["id"])
        types = tuple(
            IssueTypeRef(
                str(t["id"]),
                str(t["name"]),
                int_or_none(t.get("hierarchyLevel")),
                subtask=t.get("subtask") is True,
            )
            for t in project.get("issueTypes", [])
        )
        fields = self._screen_fields(types, create_type) if self.flavor.cloud else []
        if not self.flavor.cloud or start_field_of(fields, project_id) is None:
            fields = self._json("GET", f"{api}/field", what="field list")
        self._facts = SiteFacts(
            project_id=project_id,
            project_key=str(project["key"]),
            project_name=str(project.get("name", project["key"])),
            issue_types=types,
            start_field=start_field_of(fields, project_id),
            epic_link_field=None if self.flavor.cloud else field_of_type(fields, EPIC_LINK_TYPE),
            epic_name_field=None if self.flavor.cloud else field_of_type(fields, EPIC_NAME_TYPE),
            # Cloud: "next-gen" is the API's name of a team-managed project ("simplified").
            team_managed=project.get("style") == "next-gen" or project.get("simplified") is True,
        )
        return self._facts

    def _screen_fields(
        self, types: Sequence[IssueTypeRef], name: str | None
    ) -> list[Mapping[str, Any]]:
        """The fields of issue type `name`'s create screen, shaped like the field list's."""
        wanted = next((t for t in types if name and t.name.casefold() == name.casefold()), None)
        if wanted is None:
            return []
        return [
            {"id": f.id, "name": f.name, "schema": {"custom": f.custom}}
            for f in self.create_screen(wanted).fields
        ]

    def create_screen(self, issue_type: IssueTypeRef) -> CreateScreen:
        """The fields `issue_type`'s create screen has in the project (createmeta; read once
        per run, one request a page of 200)."""
        with self._once(f"screen {issue_type.id}"):
            return self._create_screen(issue_type)

    def _create_screen(self, issue_type: IssueTypeRef) -> CreateScreen:
        if issue_type.id not in self._screens:
            path = (
                f"{self.flavor.api}/issue/createmeta/{self.project_key}/issuetypes/{issue_type.id}"
            )
            found: list[Mapping[str, Any]] = []
            while True:
                page = self._json(
                    "GET",
                    path,
                    params={"startAt": len(found), "maxResults": CREATEMETA_PAGE},
                    what=f"create screen of issue type {issue_type.name}",
                    permission=CREATE,
                )
                # Cloud pages its fields as "fields", Data Center as "values".
                items = page.get("fields") or page.get("values") or page.get("results") or []
                found += items
                if not items or page.get("isLast") or len(found) >= int(page.get("total", 0)):
                    break
            self._screens[issue_type.id] = CreateScreen(
                issue_type, tuple(screen_field(f) for f in found)
            )
        return self._screens[issue_type.id]

    def find_assignable(self, person: str) -> JiraUser | None:
        """The user `person` (email on Cloud, username on DC) if they can be assigned issues."""
        params = self.flavor.user_search_params(self.project_key, person)
        path = f"{self.flavor.api}/user/assignable/search"
        found = self._json("GET", path, params=params, what="user search")
        users = [u for u in (self.flavor.user_from_json(d) for d in found or []) if u]
        exact = [u for u in users if self.flavor.matches(u, person)]
        if exact:
            return exact[0]
        # Cloud hides most emails; the email query itself is then the only match we can see.
        hidden = [u for u in users if u.email is None]
        return hidden[0] if self.flavor.cloud and len(hidden) == 1 == len(users) else None

    def search(
        self,
        jql: str,
        properties: Sequence[str] = (),
        reconcile: Sequence[str] = (),
        custom: CustomFields | None = None,
    ) -> Iterator[IssueSnapshot]:
        """Every issue matching `jql`, as snapshots (paginated the flavour's way).

        Only the fields a snapshot holds are asked for, never `*all`. Issue properties come
        with the results on Cloud; Data Center's search cannot return them. `reconcile`: ids
        of issues this client wrote, which Cloud's index may not show yet (at most 50 are sent;
        Data Center has no such option — use `issue()` for those). `custom`: the custom fields
        to ask for instead of `custom_fields()` (a search sent before `site_facts` answered).
        """
        custom = custom or self.custom_fields()
        fields = snapshot_fields(custom)

        def send(body: dict[str, Any]) -> Mapping[str, Any]:
            path = self.flavor.search_path
            page: Mapping[str, Any] = self._json(
                "POST", path, body=body, idempotent=True, what="search"
            )
            return page

        props = list(properties) if self.flavor.cloud else []
        ids = [int(i) for i in reconcile][:RECONCILE_LIMIT] if self.flavor.cloud else []
        for raw in self.flavor.search(send, jql, fields, props, ids):
            yield issue_snapshot(raw, self.flavor, custom)

    def issue(self, key: str, properties: Sequence[str] = ()) -> IssueSnapshot | None:
        """One issue read directly (consistent, unlike search), or None if it is gone."""
        custom = self.custom_fields()
        params: dict[str, Any] = {"fields": ",".join(snapshot_fields(custom))}
        if properties:
            params["properties"] = ",".join(properties)
        path = f"{self.flavor.api}/issue/{key}"
        response = self.transport.request("GET", path, params=params)
        if response.status_code == 404:
            return None
        return issue_snapshot(
            self._checked(response, "GET", path, f"issue {key}"), self.flavor, custom
        )

    def custom_fields(self) -> CustomFields | None:
        """The custom fields a snapshot holds on this site (None before `site_facts`)."""
        facts = self._facts
        return CustomFields(facts.start_field, facts.epic_link_field) if facts else None

    def myself(self) -> JiraUser:
        """The account nivosync runs as (read once per run)."""
        with self._once("myself"):
            if self._me is None:
                found = self._json("GET", f"{self.flavor.api}/myself", what="current user")
                user = self.flavor.user_from_json(found)
                if user is None:
                    raise HttpError(
                        "Jira did not say who the current user is", 200, "GET", "myself"
                    )
                self._me = user
            return self._me

    def own_property(self, name: str) -> tuple[bool, Any]:
        """(allowed, value) of a property on nivosync's own user record; value None if unset.

        `allowed` is False where the account may not keep properties on itself (Data Center
        lets only admins write user properties)."""
        path = f"{self.flavor.api}/user/properties/{name}"
        response = self.transport.request("GET", path, params=self._own_user_params())
        if response.status_code == 404:
            return True, None
        if response.status_code == 403:
            return False, None
        return True, self._checked(response, "GET", path, "user property").get("value")

    def set_own_property(self, name: str, value: Any) -> bool:
        """Write a property on nivosync's own user record; False when the site refuses (403)."""
        path = f"{self.flavor.api}/user/properties/{name}"
        response = self.transport.request(
            "PUT", path, params=self._own_user_params(), json=value, idempotent=True
        )
        if response.status_code == 403:
            return False
        self._checked(response, "PUT", path, "user property")
        return True

    def _own_user_params(self) -> dict[str, str]:
        me = self.myself()
        return {"accountId": me.ref} if self.flavor.cloud else {"username": me.ref}

    def my_permissions(self, keys: Sequence[str]) -> dict[str, bool]:
        """Whether this account holds each of the project permissions `keys` (read once per
        run; Cloud needs the keys named, Data Center answers with all of its permissions)."""
        with self._once("permissions"):
            wanted = [k for k in keys if k not in self._permissions]
            if wanted:
                params = {"projectKey": self.project_key}
                if self.flavor.cloud:
                    params["permissions"] = ",".join(wanted)
                found = self._json(
                    "GET", f"{self.flavor.api}/mypermissions", params=params, what="permissions"
                )
                held = found.get("permissions") or {}
                for key in wanted:
                    self._permissions[key] = bool((held.get(key) or {}).get("havePermission"))
            return {k: self._permissions[k] for k in keys}

    def versions(self) -> dict[str, str]:
        """The project's versions: name → id."""
        found = self._json(
            "GET", f"{self.flavor.api}/project/{self.project_key}/versions", what="versions"
        )
        return {str(v["name"]): str(v["id"]) for v in found or []}

    def issue_property(self, key: str, name: str) -> Any:
        """An issue property's value, or None when the issue has no such property."""
        path = f"{self.flavor.api}/issue/{key}/properties/{name}"
        response = self.transport.request("GET", path)
        if response.status_code == 404:
            return None
        return self._checked(response, "GET", path, "issue property").get("value")

    # --- writing -----------------------------------------------------------------------

    def create_version(self, project_id: str, name: str, release_date: str, text: str) -> str:
        body = {
            "name": name,
            "projectId": int(project_id),
            "releaseDate": release_date,
            "description": text,
            "released": False,
        }
        created = self._json(
            "POST",
            f"{self.flavor.api}/version",
            body=body,
            what="version",
            permission="Administer Projects",
            refused=(403, 404),  # Cloud: 404 when the account may not administer the project
        )
        return str(created["id"])

    def set_issue_property(self, key: str, name: str, value: Any) -> None:
        path = f"{self.flavor.api}/issue/{key}/properties/{name}"
        response = self.transport.request("PUT", path, json=value)
        self._checked(response, "PUT", path, f"issue {key} property", "Edit Issues")

    def create_issue(self, payload: Mapping[str, Any]) -> tuple[str, str]:
        """Create one issue; returns (key, id). Ambiguous failures propagate to the caller."""
        created = self._json(
            "POST",
            f"{self.flavor.api}/issue",
            body=self._on_screen(payload),
            what="issue",
            permission=CREATE,
        )
        return str(created["key"]), str(created["id"])

    def bulk_create(self, payloads: Sequence[Mapping[str, Any]]) -> BulkResult:
        """Create up to 50 issues in one request; partial failures are reported, not raised."""
        if len(payloads) > BULK_LIMIT:
            raise ValueError(f"bulk create takes at most {BULK_LIMIT} issues")
        path = f"{self.flavor.api}/issue/bulk"
        updates = [self._on_screen(p) for p in payloads]
        response = self.transport.request("POST", path, json={"issueUpdates": updates})
        body = json_body(response) or {}
        if response.status_code not in (200, 201) and not body.get("errors"):
            self._checked(response, "POST", path, "issues", CREATE)
        failures = tuple(
            BulkFailure(
                index=int(err.get("failedElementNumber", -1)),
                status=int(err.get("status", response.status_code)),
                messages=tuple(messages(err.get("elementErrors"))),
            )
            for err in body.get("errors", [])
        )
        failed = {f.index for f in failures}
        ok_indexes = [i for i in range(len(payloads)) if i not in failed]
        created = tuple(
            (index, str(issue["key"]), str(issue["id"]))
            for index, issue in zip(ok_indexes, body.get("issues", []), strict=False)
        )
        return BulkResult(created=created, failures=failures)

    def add_watcher(self, key: str, ref: str) -> None:
        path = f"{self.flavor.api}/issue/{key}/watchers"
        # Adding a watcher twice is harmless, so the POST may be repeated safely.
        response = self.transport.request("POST", path, json=ref, idempotent=True)
        # Data Center answers a missing Manage Watchers permission with 401 (its spec says so).
        refused = (403,) if self.flavor.cloud else (401, 403)
        self._checked(response, "POST", path, "watchers", "Manage Watchers", refused)

    def edit_issue(self, key: str, fields: Mapping[str, Any], update: Mapping[str, Any]) -> None:
        path = f"{self.flavor.api}/issue/{key}"
        body: dict[str, Any] = {}
        if fields:
            body["fields"] = dict(fields)
        if update:
            body["update"] = dict(update)
        if self._quiet_edits:
            quiet = {"notifyUsers": "false"}
            response = self.transport.request("PUT", path, json=body, params=quiet)
            if response.status_code != 403:
                self._checked(response, "PUT", path, f"issue {key}", "Edit Issues")
                return
            log.info("account may not edit quietly; editing with notifications", key=key)
            self._quiet_edits = False
        response = self.transport.request("PUT", path, json=body)
        self._checked(response, "PUT", path, f"issue {key}", "Edit Issues")

    def link_blocks(self, blocker: str, blocked: str) -> None:
        """Record that `blocker` blocks `blocked` (a missing dependency link)."""
        path = f"{self.flavor.api}/issueLink"
        # POST /issueLink reads "inwardIssue <outward description> outwardIssue", i.e. the
        # inward issue is the blocker — the reverse of how a GET issue shows the same link.
        body = {
            "type": {"name": LINK_TYPE},
            "inwardIssue": {"key": blocker},
            "outwardIssue": {"key": blocked},
        }
        response = self.transport.request("POST", path, json=body)
        # Cloud says 404 and Data Center 401 when the account lacks Link Issues.
        refused = (403, 404) if self.flavor.cloud else (401, 403)
        self._checked(response, "POST", path, "issue links", "Link Issues", refused)

    # --- plumbing ----------------------------------------------------------------------

    def _once(self, read: str) -> threading.Lock:
        """The lock of one kept read (see __init__)."""
        with self._locks_lock:
            return self._locks.setdefault(read, threading.Lock())

    def _on_screen(self, payload: Mapping[str, Any]) -> Mapping[str, Any]:
        issue_type = (payload.get("fields") or {}).get("issuetype") or {}
        return on_screen(payload, self._screens.get(str(issue_type.get("id"))))

    def _json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        idempotent: bool | None = None,
        what: str = "resource",
        permission: str | None = None,
        refused: Collection[int] = (403,),
    ) -> Any:
        response = self.transport.request(
            method, path, params=params, json=body, idempotent=idempotent
        )
        return self._checked(response, method, path, what, permission, refused)

    def _checked(
        self,
        response: requests.Response,
        method: str,
        path: str,
        what: str,
        permission: str | None = None,
        refused: Collection[int] = (403,),
    ) -> Any:
        if response.status_code < 300:
            return json_body(response) or {}
        body = json_body(response)
        raise HttpError(
            explain(response.status_code, body, what, self._site_words(), permission, refused),
            response.status_code,
            method,
            path,
            body,
        )

    def _site_words(self) -> SiteWords:
        credentials = self.transport.credentials
        return SiteWords(
            product="Jira",
            site=self.base_url,
            user=credentials.user,
            secret=credentials.source,
            container_kind="project",
            key=self.project_key,
            admin="a Jira admin",
            config_key="jira.project",
        )
