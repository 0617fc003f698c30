"""The baseline: the per-issue script a team would write for `nivosync create`, with pycontribs
`jira` (a test extra) and plain `requests` for Confluence.

    python benchmarks/per_issue_baseline.py JOB.json    # $BASELINE_TOKEN: the API token

JOB.json (written by benchmarks/compare.py from nivosync's own plan, so both make the same
release): site, project, label, epic, tasks (summary, assignee, dates, dependencies, watchers),
the approvers' sub-tasks and the pages. One call at a time, as such scripts do: look up each
person, search the release's label (a re-run creates only what is missing), create the epic,
create each issue, then set its parent (Cloud) or Epic Link (Data Center), add each link and
each watcher; then the release page and its children, each found by title or created.
Nothing here is nivosync's code: only its plan, as data.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import requests
from jira import JIRA

EPIC_LINK = "Epic Link"  # Data Center's custom field, found by name
EPIC_NAME = "Epic Name"


def connect(job: dict[str, Any], token: str) -> JIRA:
    if job["flavor"] == "cloud":
        return JIRA(job["jira_url"], basic_auth=(job["user"], token))
    return JIRA(job["jira_url"], token_auth=token)


def look_up(jira: JIRA, job: dict[str, Any]) -> dict[str, str]:
    """Each person's account id (Cloud) or username (Data Center)."""
    people = {t["assignee"] for t in job["tasks"] if t["assignee"]}
    people |= {w for t in job["tasks"] for w in t["watchers"]}
    people |= {a["assignee"] for a in job["approvals"] if a["assignee"]}
    found = {}
    for person in sorted(people):
        if job["flavor"] == "cloud":
            (user,) = jira.search_users(query=person)
            found[person] = user.accountId
        else:
            (user,) = jira.search_users(user=person)
            found[person] = user.name
    return found


def existing(jira: JIRA, job: dict[str, Any]) -> dict[str, str]:
    """summary → key of the release's issues already in Jira."""
    issues = jira.search_issues(f'labels = "{job["label"]}"', maxResults=100, fields="summary")
    return {issue.fields.summary: issue.key for issue in issues}


def assignee(job: dict[str, Any], users: dict[str, str], person: str | None) -> dict[str, str]:
    if not person:
        return {}
    key = "accountId" if job["flavor"] == "cloud" else "name"
    return {"assignee": {key: users[person]}}


def create_epic(jira: JIRA, job: dict[str, Any], fields: dict[str, str]) -> str:
    epic = job["epic"]
    data: dict[str, Any] = {
        "project": {"key": job["project"]},
        "issuetype": {"name": "Epic"},
        "summary": epic["summary"],
        "description": epic["description"],
        "labels": [job["label"]],
    }
    if job["flavor"] != "cloud":
        data[fields[EPIC_NAME]] = epic["summary"][:60]
    return str(jira.create_issue(fields=data).key)


def create_tasks(
    jira: JIRA, job: dict[str, Any], users: dict[str, str], keys: dict[str, str]
) -> dict[str, str]:
    """task id → key; each missing task created, then given its epic."""
    fields = {f["name"]: f["id"] for f in jira.fields()} if job["flavor"] != "cloud" else {}
    epic = keys.get(job["epic"]["summary"]) or create_epic(jira, job, fields)
    made: dict[str, str] = {}
    for task in job["tasks"]:
        if task["summary"] in keys:
            made[task["id"]] = keys[task["summary"]]
            continue
        issue = jira.create_issue(
            fields={
                "project": {"key": job["project"]},
                "issuetype": {"name": job["issue_type"]},
                "summary": task["summary"],
                "description": task["description"],
                "duedate": task["due"],
                "labels": [job["label"]],
                **assignee(job, users, task["assignee"]),
            }
        )
        if job["flavor"] == "cloud":
            issue.update(fields={"parent": {"key": epic}})
        else:
            issue.update(fields={fields[EPIC_LINK]: epic})
        made[task["id"]] = issue.key
        for before in task["depends_on"]:
            jira.create_issue_link("Blocks", made[before], issue.key)
        for person in task["watchers"]:
            jira.add_watcher(issue.key, person)  # the library looks the person up again
    return made


def create_approvals(
    jira: JIRA,
    job: dict[str, Any],
    users: dict[str, str],
    keys: dict[str, str],
    made: dict[str, str],
) -> None:
    for approval in job["approvals"]:
        if approval["summary"] in keys:
            continue
        jira.create_issue(
            fields={
                "project": {"key": job["project"]},
                "issuetype": {"name": "Sub-task"},
                "parent": {"key": made[approval["task"]]},
                "summary": approval["summary"],
                "labels": [job["label"]],
                **assignee(job, users, approval["assignee"]),
            }
        )


def publish_pages(job: dict[str, Any], token: str) -> None:
    """The release page under the parent page, then its children: each found by title,
    created when missing (Cloud: REST v2; Data Center: REST v1)."""
    session = requests.Session()
    if job["flavor"] == "cloud":
        session.auth = (job["user"], token)
    else:
        session.headers["Authorization"] = f"Bearer {token}"
    wiki = Wiki(session, job["confluence_url"], job["flavor"], job["space"])
    parent = wiki.find(job["parent_page"])
    assert parent is not None, f"no page '{job['parent_page']}' in {job['space']}"
    first, *children = job["pages"]
    release_page = wiki.find(first["title"]) or wiki.create(first, parent)
    for page in children:
        wiki.find(page["title"]) or wiki.create(page, release_page)


class Wiki:
    def __init__(self, session: requests.Session, url: str, flavor: str, space: str) -> None:
        self.session, self.url, self.cloud, self.space = session, url, flavor == "cloud", space
        self.space_id = ""
        if self.cloud:
            spaces = self._get("/api/v2/spaces", {"keys": space})["results"]
            self.space_id = spaces[0]["id"]

    def _get(self, path: str, params: dict[str, str]) -> Any:
        response = self.session.get(self.url + path, params=params)
        response.raise_for_status()
        return response.json()

    def find(self, title: str) -> str | None:
        if self.cloud:
            found = self._get("/api/v2/pages", {"space-id": self.space_id, "title": title})
        else:
            found = self._get("/rest/api/content", {"spaceKey": self.space, "title": title})
        return found["results"][0]["id"] if found["results"] else None

    def create(self, page: dict[str, str], parent: str) -> str:
        if self.cloud:
            path, body = (
                "/api/v2/pages",
                {
                    "spaceId": self.space_id,
                    "status": "current",
                    "title": page["title"],
                    "parentId": parent,
                    "body": {"representation": "storage", "value": page["body"]},
                },
            )
        else:
            path, body = (
                "/rest/api/content",
                {
                    "type": "page",
                    "title": page["title"],
                    "space": {"key": self.space},
                    "ancestors": [{"id": parent}],
                    "body": {"storage": {"value": page["body"], "representation": "storage"}},
                },
            )
        response = self.session.post(self.url + path, json=body)
        response.raise_for_status()
        return str(response.json()["id"])


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    token = os.environ["BASELINE_TOKEN"]
    jira = connect(job, token)
    users = look_up(jira, job)
    keys = existing(jira, job)
    made = create_tasks(jira, job, users, keys)
    create_approvals(jira, job, users, keys, made)
    if job["pages"]:
        publish_pages(job, token)


if __name__ == "__main__":
    main()
