"""The browsing view's issue page (both flavours): links, watchers, sub-tasks, the description
as formatted text, and the workflow forms — which work from the site's own page and are
refused (403, nothing changed) without the session's token or from another origin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.sandbox.auth import user_token
from nivosync.sandbox.seed import Flavor, UserSeed, demo_seed

from .jira_payloads import create, user_ref
from .site import Site, started

SCRIPT = "<script>alert(document.cookie)</script>"
READER = UserSeed("Rita Reader", "rita@example.com", "rita", project=frozenset({"BROWSE_PROJECTS"}))


@pytest.fixture(params=["cloud", "datacenter"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    flavor: Flavor = request.param
    seed = demo_seed(flavor)
    yield from started(tmp_path / "web.db", replace(seed, users=(*seed.users, READER)))


def adf(kind: str, *content: Any, **attrs: Any) -> dict[str, Any]:
    node: dict[str, Any] = {"type": kind, "content": list(content)}
    return {**node, "attrs": attrs} if attrs else node


def text(value: str, *marks: str) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value}
    return {**node, "marks": [{"type": m} for m in marks]} if marks else node


def rich_description(site: Site) -> Any:
    if site.flavor == "datacenter":
        steps = "h3. Steps\n* Share the \\[plan\\]\n* Book the demo"
        return f"Kick off the release {SCRIPT}\n\n{steps}"
    items = [adf("listItem", adf("paragraph", text(t))) for t in ("Share the [plan]", "Book it")]
    return {
        "version": 1,
        **adf(
            "doc",
            adf("paragraph", text("Kick off the release "), text(SCRIPT, "strong")),
            adf("heading", text("Steps"), level=1),
            adf("bulletList", *items),
        ),
    }


def browser(site: Site, auth: tuple[str, str] | None = None) -> requests.Session:
    """A browser's session: Basic credentials it remembers, and the cookies it is given."""
    session = requests.Session()
    session.auth = auth or site.sandbox.auth
    return session


def open_issue(session: requests.Session, site: Site, key: str) -> requests.Response:
    response = session.get(site.url(f"/browse/{key}"), timeout=10)
    assert response.status_code == 200, response.text
    return response


def form_fields(page: str, button: str) -> dict[str, str]:
    """The hidden fields of the form whose button says `button`."""
    form = next(f for f in re.findall(r"<form .*?</form>", page) if f">{button}</button>" in f)
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))


def status_of(site: Site, key: str) -> str:
    return str(site.get(site.rest(f"issue/{key}")).json()["fields"]["status"]["name"])


def post_form(
    session: requests.Session, site: Site, key: str, data: dict[str, str], **headers: str
) -> requests.Response:
    return session.post(
        site.url(f"/browse/{key}/transitions"),
        data=data,
        headers=headers,
        allow_redirects=False,
        timeout=10,
    )


def test_the_issue_page_shows_links_watchers_subtasks_and_the_description(site: Site) -> None:
    blocker = create(site, "Kick-off", description=rich_description(site))["key"]
    blocked = create(site, "Schedule <sharing>")["key"]
    link = {"type": {"name": "Blocks"}, "inwardIssue": {"key": blocker}}
    link["outwardIssue"] = {"key": blocked}
    assert site.post(site.rest("issueLink"), json=link).status_code == 201
    dana = user_ref(site, "dana@example.com", "dana")
    watcher = dana.get("accountId", dana.get("name"))
    assert site.post(site.rest(f"issue/{blocker}/watchers"), json=watcher).status_code == 204
    sub = create(site, "Book the room", "Sub-task", parent={"key": blocker})["key"]

    page = open_issue(browser(site), site, blocker).text
    assert (
        f'<th>blocks</th><td><a href="/browse/{blocked}">{blocked}</a> Schedule &lt;sharing' in page
    )
    assert "<th>Watchers</th><td>Ada Admin, Dana Delivery</td>" in page
    assert "<h2>Sub-tasks</h2>" in page and f'<a href="/browse/{sub}">{sub}</a>' in page
    assert "Kick off the release " in page and "&lt;script&gt;alert(document.cookie)" in page
    assert "<script" not in page
    assert re.search(r"<h3>Steps</h3>|<h5>Steps</h5>", page)
    assert re.search(r"<ul><li>(<p>)?Share the \[plan\](</p>)?</li><li>", page)
    back = open_issue(browser(site), site, blocked).text
    assert f'<th>is blocked by</th><td><a href="/browse/{blocker}">{blocker}</a> Kick-off' in back


def test_a_transition_form_moves_the_issue_and_sends_the_browser_back(site: Site) -> None:
    key = create(site, "Kick-off")["key"]
    session = browser(site)
    page = open_issue(session, site, key)
    assert "form-action 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["Referrer-Policy"] == "same-origin"  # a form then sends its Origin
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert ">In Progress</button>" in page.text and ">Done</button>" in page.text
    fields = form_fields(page.text, "In Progress")
    moved = post_form(session, site, key, fields, Origin=site.sandbox.base_url)
    assert moved.status_code == 303 and moved.headers["Location"].endswith(f"/browse/{key}")
    assert status_of(site, key) == "In Progress"
    # A browser that sends no Origin sends the page as its Referer: that is the site too.
    fields = form_fields(open_issue(session, site, key).text, "Done")
    done = post_form(session, site, key, fields, Referer=site.url(f"/browse/{key}"))
    assert done.status_code == 303 and status_of(site, key) == "Done"
    history = site.get(site.rest(f"issue/{key}"), params={"expand": "changelog"}).json()
    authors = {h["author"]["displayName"] for h in history["changelog"]["histories"]}
    assert authors == {"Ada Admin"}  # made as the logged-in user, through the API's handler


@pytest.mark.parametrize(
    "forgery",
    ["no token", "another session's token", "another origin", "no origin", "null origin"],
)
def test_a_forged_form_is_refused_and_changes_nothing(site: Site, forgery: str) -> None:
    key = create(site, "Kick-off")["key"]
    session = browser(site)
    fields = form_fields(open_issue(session, site, key).text, "Done")
    headers = {"Origin": site.sandbox.base_url}
    if forgery == "no token":
        fields.pop("csrf")
    elif forgery == "another session's token":
        other = browser(site)
        fields = form_fields(open_issue(other, site, key).text, "Done")
    elif forgery == "another origin":
        headers = {"Origin": "http://evil.example"}
    elif forgery == "null origin":
        headers = {"Origin": "null"}
    else:
        headers = {}
    refused = post_form(session, site, key, fields, **headers)
    assert refused.status_code == 403, refused.text
    assert "Nothing was changed" in refused.text
    assert status_of(site, key) == "To Do"


def test_the_forms_respect_the_transition_permission(site: Site) -> None:
    """No form for someone without Transition Issues; and a post of theirs with a genuine
    token gets the REST API's refusal (its status and words), and changes nothing."""
    key = create(site, "Kick-off")["key"]
    login = READER.email if site.flavor == "cloud" else READER.username
    reader = browser(site, (login, user_token(site.sandbox.seed, READER.email)))
    page = open_issue(reader, site, key)
    assert "<form" not in page.text and "needs the Transition Issues permission" in page.text
    route, _ = site.sandbox.app.router.match(f"/browse/{key}/transitions", "POST")
    guard = route.handler.keywords["guard"]  # the site's own: what the page would have held
    session = next(iter(reader.cookies.values()))
    fields = {"csrf": guard.token(session, READER.email), "transition": "31"}
    refused = post_form(reader, site, key, fields, Origin=site.sandbox.base_url)
    assert refused.status_code == 400
    assert "You do not have permission to transition this issue." in refused.text
    assert status_of(site, key) == "To Do"


def test_the_api_still_refuses_a_form_posted_to_it(site: Site) -> None:
    key = create(site, "Kick-off")["key"]
    response = browser(site).post(
        site.url(site.rest(f"issue/{key}/transitions")), data={"transition": "31"}, timeout=10
    )
    assert response.status_code == 403 and response.text == "XSRF check failed"


def test_a_done_form_offers_its_screens_resolutions(tmp_path: Path) -> None:
    seed = replace(demo_seed("cloud"), resolution_screen=True)
    for site in started(tmp_path / "screen.db", seed):
        key = create(site, "Kick-off")["key"]
        session = browser(site)
        page = open_issue(session, site, key).text
        assert '<option value="10000" selected>Done</option>' in page
        fields = {**form_fields(page, "Done"), "resolution": "10001"}
        moved = post_form(session, site, key, fields, Origin=site.sandbox.base_url)
        assert moved.status_code == 303
        got = site.get(site.rest(f"issue/{key}")).json()["fields"]
        assert (got["status"]["name"], got["resolution"]["name"]) == ("Done", "Won't Do")
