"""Issue payloads in each flavor's dialect (assignee refs, descriptions, epic linking)."""

from __future__ import annotations

from typing import Any

from nivosync.sandbox.seed import account_id_for

from .site import Site


def user_ref(site: Site, email: str, username: str) -> dict[str, str]:
    if site.flavor == "cloud":
        return {"accountId": account_id_for(email)}
    return {"name": username}


def description(site: Site, text: str) -> Any:
    if site.flavor == "cloud":
        return {
            "type": "doc",
            "version": 1,
            "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
        }
    return text


def issue_fields(
    site: Site, summary: str, issue_type: str = "Task", **extra: Any
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "project": {"key": "NIVO"},
        "issuetype": {"name": issue_type},
        "summary": summary,
    }
    if issue_type == "Epic" and site.flavor == "datacenter":
        fields["customfield_10102"] = summary
    fields.update(extra)
    return fields


def epic_link(site: Site, epic_key: str) -> dict[str, Any]:
    if site.flavor == "cloud":
        return {"parent": {"key": epic_key}}
    return {"customfield_10100": epic_key}


def create(site: Site, summary: str, issue_type: str = "Task", **extra: Any) -> dict[str, Any]:
    response = site.post(
        site.rest("issue"), json={"fields": issue_fields(site, summary, issue_type, **extra)}
    )
    assert response.status_code == 201, response.text
    return response.json()
