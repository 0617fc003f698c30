"""Issue comments in each flavour's dialect: Cloud's /rest/api/3 takes and returns Atlassian
Document Format (a mention is a `mention` node naming an account ID), Data Center's /rest/api/2
wiki markup (a mention is `[~username]`).

`IssueComments` makes the calls through the site's JiraGateway (its session, retries and error
messages); it lives apart only to keep gateway.py readable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nivosync.jira.documents import escape_wiki
from nivosync.jira.gateway import JiraGateway

Link = tuple[str, str]  # (text, url)
COMMENTS = "Add Comments"


class IssueComments:
    """Comments on the issues of one JiraGateway's project."""

    def __init__(self, jira: JiraGateway) -> None:
        self.jira = jira

    def add(
        self,
        key: str,
        paragraphs: Sequence[str],
        mention: str | None = None,
        link: Link | None = None,
        footer: str = "",
    ) -> str:
        """Comment on `key`; its id. Not idempotent: a lost answer raises AmbiguousWrite, and
        the caller looks for the comment (`recent`) before sending it again. Both specs
        document 400 for a refused comment (Cloud 404 when the issue cannot be seen)."""
        jira = self.jira
        body = comment_payload(jira.flavor.cloud, paragraphs, mention, link, footer)
        path = f"{jira.flavor.api}/issue/{key}/comment"
        created = jira._json(  # the gateway's own request-and-explain, shared in its package
            "POST", path, body=body, what=f"comment on {key}", permission=COMMENTS,
            refused=(400, 403),
        )  # fmt: skip
        return str(created.get("id", ""))

    def recent(self, key: str, limit: int = 50) -> list[str]:
        """The text of the newest `limit` comments on `key`, newest first."""
        jira = self.jira
        params = {"orderBy": "-created", "maxResults": limit}
        path = f"{jira.flavor.api}/issue/{key}/comment"
        page = jira._json("GET", path, params=params, what=f"comments of {key}")
        return [comment_text(c.get("body")) for c in page.get("comments") or []]


def comment_payload(
    cloud: bool,
    paragraphs: Sequence[str],
    mention: str | None,
    link: Link | None,
    footer: str = "",
) -> dict[str, Any]:
    """The body of `POST /issue/{key}/comment`: `paragraphs` of plain text, the first one
    opened by a mention of the user `mention` (an account ID on Cloud, a username on Data
    Center), the last one closed by `link`, then `footer` as a paragraph of its own."""
    if cloud:
        body: Any = _adf(paragraphs, mention, link)
        if footer:
            body["content"].append({"type": "paragraph", "content": [_text(footer)]})
    else:
        body = _wiki(paragraphs, mention, link)
        body += f"\n\n{escape_wiki(footer)}" if footer else ""
    return {"body": body}


def _adf(paragraphs: Sequence[str], mention: str | None, link: Link | None) -> dict[str, Any]:
    blocks: list[list[dict[str, Any]]] = [[_text(t)] for t in paragraphs]
    if mention and blocks:
        blocks[0] = [{"type": "mention", "attrs": {"id": mention}}, _text(" "), *blocks[0]]
    if link and blocks:
        text, url = link
        blocks[-1] += [_text(" "), {**_text(text), "marks": [_href(url)]}]
    content = [{"type": "paragraph", "content": b} for b in blocks]
    return {"type": "doc", "version": 1, "content": content}


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


def _href(url: str) -> dict[str, Any]:
    return {"type": "link", "attrs": {"href": url}}


def _wiki(paragraphs: Sequence[str], mention: str | None, link: Link | None) -> str:
    parts = [escape_wiki(t) for t in paragraphs]
    if mention and parts:
        parts[0] = f"[~{mention}] {parts[0]}"
    if link and parts:
        text, url = link
        label = escape_wiki(text.replace("|", " "))  # '|' ends a link's text
        parts[-1] += f" [{label}|{url}]"
    return "\n\n".join(parts)


def comment_text(body: Any) -> str:
    """A comment's body as plain text, from ADF (Cloud v3) or a string (v2, Data Center)."""
    if isinstance(body, str):
        return body
    if isinstance(body, Mapping):
        if body.get("type") == "text":
            return str(body.get("text", ""))
        return " ".join(comment_text(child) for child in body.get("content") or [])
    if isinstance(body, list):
        return " ".join(comment_text(child) for child in body)
    return ""
