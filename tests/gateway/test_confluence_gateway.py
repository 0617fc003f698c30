"""ConfluenceGateway's REST shapes per flavour and its error translation, against responses."""

from __future__ import annotations

import json

import pytest
import responses
from responses import matchers

from nivosync.confluence.cloud import CloudConfluence
from nivosync.confluence.data_center import DataCenterConfluence
from nivosync.confluence.models import Attachment, Page, PageProperty, Space, StaleVersion
from nivosync.errors import EXIT_OPERATIONAL, NivosyncError
from nivosync.http import Credentials, HttpError, RetryPolicy, Transport

CLOUD = "https://acme.atlassian.net/wiki"
DC = "https://wiki.example.com"
SPACE = Space("98", "REL", "Releases")


def transport(base: str) -> Transport:
    credentials = Credentials("me@example.com", "tok", source="$NIVOSYNC_CONFLUENCE_TOKEN")
    return Transport(base, credentials, retry=RetryPolicy(attempts=2, sleep=lambda _s: None))


def cloud_page(**over):
    page = {
        "id": "11",
        "title": "T",
        "parentId": "5",
        "version": {"number": 3, "authorId": "acc-1"},
        "body": {"storage": {"value": "<p>x</p>", "representation": "storage"}},
        "_links": {"webui": "/spaces/REL/pages/11/T"},
    }
    return {**page, **over}


@responses.activate
def test_cloud_uses_v2_for_spaces_pages_and_properties():
    responses.get(
        f"{CLOUD}/api/v2/spaces", json={"results": [{"id": "98", "key": "REL", "name": "Releases"}]}
    )
    responses.post(f"{CLOUD}/api/v2/pages", json=cloud_page())
    responses.put(
        f"{CLOUD}/api/v2/pages/11", json=cloud_page(version={"number": 4, "authorId": "acc-1"})
    )
    responses.post(f"{CLOUD}/api/v2/pages/11/properties", json={"id": "7", "key": "k"})
    gw = CloudConfluence(transport(CLOUD), "REL")
    assert gw.space() == SPACE
    page = gw.create_page(SPACE, "5", "T", "<p>x</p>")
    assert (page.id, page.version, page.author, page.parent_id) == ("11", 3, "acc-1", "5")
    assert page.url == f"{CLOUD}/spaces/REL/pages/11/T"
    created = json.loads(responses.calls[1].request.body)
    assert created == {
        "spaceId": "98",
        "status": "current",
        "title": "T",
        "parentId": "5",
        "body": {"representation": "storage", "value": "<p>x</p>"},
    }
    gw.update_page(page, "T", "<p>y</p>", "msg", minor=True)
    update = json.loads(responses.calls[2].request.body)
    # v2 has no minorEdit (the sandbox refuses one): a minor update is not sent as such.
    assert update["version"] == {"number": 4, "message": "msg"}
    gw.set_page_property("11", "k", {"a": 1}, None)
    assert json.loads(responses.calls[3].request.body) == {"key": "k", "value": {"a": 1}}


@responses.activate
def test_dc_uses_content_api_with_ancestors_and_version_author():
    item = {
        "id": "11",
        "title": "T",
        "version": {"number": 2, "by": {"username": "dana", "displayName": "Dana D"}},
        "ancestors": [{"id": "1"}, {"id": "5"}],
        "body": {"storage": {"value": "<p>x</p>"}},
        "_links": {"webui": "/display/REL/T"},
    }
    responses.post(f"{DC}/rest/api/content", json=item)
    gw = DataCenterConfluence(transport(DC), "REL")
    page = gw.create_page(SPACE, "5", "T", "<p>x</p>")
    assert (page.author, page.author_name, page.parent_id) == ("dana", "Dana D", "5")
    body = json.loads(responses.calls[0].request.body)
    assert body["ancestors"] == [{"id": "5"}] and body["space"] == {"key": "REL"}
    assert body["body"] == {"storage": {"value": "<p>x</p>", "representation": "storage"}}


@responses.activate
def test_stale_version_raises_and_missing_page_is_none():
    responses.put(f"{CLOUD}/api/v2/pages/11", status=409, json={"errors": [{"title": "stale"}]})
    responses.get(f"{CLOUD}/api/v2/pages/12", status=404)
    gw = CloudConfluence(transport(CLOUD), "REL")
    page = Page("11", "T", 3, "acc-1", "acc-1", "", None, "")
    with pytest.raises(StaleVersion):
        gw.update_page(page, "T", "<p>y</p>", "m")
    assert gw.page("12") is None


@responses.activate
def test_stale_version_is_a_nivosync_error_with_the_request_and_what_to_do():
    body = {"message": "Version must be incremented on update. Current version is: 4"}
    responses.put(f"{DC}/rest/api/content/11/property/nivosync", status=409, json=body)
    gw = DataCenterConfluence(transport(DC), "REL")
    current = PageProperty("7", "nivosync", {"a": 1}, 3)
    with pytest.raises(NivosyncError) as caught:
        gw.set_page_property("11", "nivosync", {"a": 2}, current)
    error = caught.value
    assert isinstance(error, StaleVersion) and isinstance(error, HttpError)
    assert (error.status, error.method, error.what) == (409, "PUT", "page property")
    assert error.path == "/rest/api/content/11/property/nivosync" and error.body == body
    assert error.exit_code == EXIT_OPERATIONAL
    message = str(error)
    assert "page property changed in Confluence" in message and "HTTP 409" in message
    assert "run the command again" in message


@responses.activate
def test_attachment_upload_sends_the_xsrf_header_and_updates_existing_files():
    url = f"{DC}/rest/api/content/11/child/attachment"
    responses.post(url, json={"results": []})
    responses.post(f"{url}/att9/data", json={})
    gw = DataCenterConfluence(transport(DC), "REL")
    gw.upload_attachment("11", "a.png", b"png", "image/png", "c", None)
    gw.upload_attachment("11", "a.png", b"png", "image/png", "c", Attachment("att9", "a.png", ""))
    assert responses.calls[0].request.headers["X-Atlassian-Token"] == "no-check"
    assert b'filename="a.png"' in responses.calls[0].request.body
    assert responses.calls[1].request.url.endswith("/att9/data")


@responses.activate
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "check that $NIVOSYNC_CONFLUENCE_TOKEN holds a valid token"),
        (403, "ask a space admin for the 'Add Page' permission in REL"),
        # Cloud v2 answers a page write the account may not make with 404 (its spec says so)
        (
            404,
            "may not access the page in space REL (HTTP 404): ask a space admin for the 'Add Page'",
        ),
        (400, "Confluence refused the page (HTTP 400): A page with this title already exists"),
    ],
)
def test_errors_are_translated(status, expected):
    responses.post(
        f"{CLOUD}/api/v2/pages",
        status=status,
        json={
            "errors": [
                {
                    "status": str(status),
                    "title": "Bad",
                    "detail": "A page with this title already exists",
                }
            ]
        },
    )
    with pytest.raises(HttpError) as caught:
        CloudConfluence(transport(CLOUD), "REL").create_page(SPACE, "5", "T", "")
    assert expected in str(caught.value)


@responses.activate
def test_missing_space_is_named():
    responses.get(f"{CLOUD}/api/v2/spaces", json={"results": []})
    with pytest.raises(HttpError, match="space REL not found"):
        CloudConfluence(transport(CLOUD), "REL").space()


def v2_attachment(att_id: str, title: str, comment: str = "") -> dict:
    return {"id": att_id, "title": title, "pageId": "11", "comment": comment, "fileSize": 3}


ATTACHMENTS = f"{CLOUD}/api/v2/pages/11/attachments"


@responses.activate
def test_cloud_lists_attachments_with_v2_following_the_cursor():
    # Page 1 says where next in the Link header (relative to the host, as Cloud sends it),
    # page 2 only in _links.next; the next URL already holds the query (limit, cursor).
    responses.get(
        ATTACHMENTS,
        match=[matchers.query_param_matcher({"limit": "250"})],
        json={
            "results": [v2_attachment("att1", "a.png", "nivosync sha256:aa")],
            "_links": {"base": CLOUD},
        },
        headers={
            "Link": '</wiki/api/v2/pages/11/attachments?limit=250&cursor=c1>; rel="next", '
            f'<{CLOUD}>; rel="base"'
        },
    )
    responses.get(
        ATTACHMENTS,
        match=[matchers.query_param_matcher({"limit": "250", "cursor": "c1"})],
        json={
            "results": [v2_attachment("att2", "b.png")],
            "_links": {"next": "/wiki/api/v2/pages/11/attachments?limit=250&cursor=c2"},
        },
    )
    responses.get(
        ATTACHMENTS,
        match=[matchers.query_param_matcher({"limit": "250", "cursor": "c2"})],
        json={"results": [v2_attachment("att3", "c.png")], "_links": {"base": CLOUD}},
    )
    found = CloudConfluence(transport(CLOUD), "REL").attachments("11")
    assert found == [
        Attachment("att1", "a.png", "nivosync sha256:aa"),
        Attachment("att2", "b.png", ""),
        Attachment("att3", "c.png", ""),
    ]
    assert len(responses.calls) == 3
    assert all("/rest/api/" not in call.request.url for call in responses.calls)


@responses.activate
def test_cloud_attachment_listing_filters_by_filename():
    responses.get(
        ATTACHMENTS,
        match=[matchers.query_param_matcher({"limit": "250", "filename": "chart.png"})],
        json={"results": [v2_attachment("att7", "chart.png")], "_links": {}},
    )
    found = CloudConfluence(transport(CLOUD), "REL").attachments("11", filename="chart.png")
    assert [a.id for a in found] == ["att7"]


@responses.activate
def test_cloud_attachment_listing_refuses_a_next_link_outside_v2():
    responses.get(
        ATTACHMENTS, json={"results": [], "_links": {"next": "/wiki/rest/api/elsewhere?x=1"}}
    )
    with pytest.raises(HttpError, match="next-page link"):
        CloudConfluence(transport(CLOUD), "REL").attachments("11")


@responses.activate
def test_cloud_attachment_listing_errors_are_translated():
    responses.get(ATTACHMENTS, status=404, json={"errors": [{"status": "404", "title": "nope"}]})
    with pytest.raises(HttpError) as caught:
        CloudConfluence(transport(CLOUD), "REL").attachments("11")
    assert caught.value.status == 404 and caught.value.path.endswith("/pages/11/attachments")


@responses.activate
def test_dc_lists_attachments_with_v1_offset_paging_and_filename():
    url = f"{DC}/rest/api/content/11/child/attachment"
    item = {"id": "att1", "title": "a.png", "metadata": {"comment": "c"}}
    responses.get(
        url,
        match=[
            matchers.query_param_matcher(
                {"expand": "metadata", "filename": "a.png", "start": "0", "limit": "50"}
            )
        ],
        json={"results": [item], "_links": {}},
    )
    found = DataCenterConfluence(transport(DC), "REL").attachments("11", filename="a.png")
    assert found == [Attachment("att1", "a.png", "c")]


@responses.activate
@pytest.mark.parametrize("minor", [True, False])
def test_dc_update_sends_minor_edit(minor):
    item = {"id": "11", "title": "T", "version": {"number": 3}, "_links": {}}
    responses.put(f"{DC}/rest/api/content/11", json=item)
    gw = DataCenterConfluence(transport(DC), "REL")
    gw.update_page(Page("11", "T", 2, "me", "me", "", None, ""), "T", "<p/>", "m", minor=minor)
    version = json.loads(responses.calls[0].request.body)["version"]
    assert version == {"number": 3, "message": "m", "minorEdit": minor}


def _labelled(page_id: str, *names: str) -> dict:
    return {"id": page_id, "metadata": {"labels": {"results": [{"name": n} for n in names]}}}


@pytest.mark.parametrize(
    ("cls", "base", "next_link"),
    [
        (CloudConfluence, CLOUD, "/rest/api/content/search?cql=x&cursor=abc"),
        (DataCenterConfluence, DC, f"{DC}/rest/api/content/search?cql=x&start=1&limit=1"),
    ],
)
@responses.activate
def test_labelled_pages_searches_by_cql_and_follows_next(cls, base, next_link):
    search = f"{base}/rest/api/content/search"
    cql = 'space = "R\\"L" AND type = page AND label = "nivosync-a"'
    responses.get(
        search,
        match=[
            matchers.query_param_matcher({"cql": cql, "expand": "metadata.labels", "limit": 50})
        ],
        json={
            "results": [_labelled("12", "nivosync", "nivosync-a")],
            "_links": {"next": next_link},
        },
    )
    responses.get(
        search,
        match=[matchers.query_string_matcher(next_link.split("?", 1)[1])],
        json={"results": [_labelled("9", "nivosync-a", "nivosync-page-plan")], "_links": {}},
    )
    gw = cls(transport(base), 'R"L')
    found = gw.labelled_pages(Space("98", 'R"L', "Releases"), "nivosync-a")
    assert found == {
        "12": frozenset({"nivosync", "nivosync-a"}),
        "9": frozenset({"nivosync-a", "nivosync-page-plan"}),
    }
    assert len(responses.calls) == 2


@responses.activate
def test_dc_user_by_username_gives_the_user_key_a_mention_names():
    responses.get(
        f"{DC}/rest/api/user",
        match=[matchers.query_param_matcher({"username": "dana"})],
        json={"type": "known", "username": "dana", "userKey": "8a7f808a", "displayName": "Dana D"},
    )
    responses.get(
        f"{DC}/rest/api/user",
        match=[matchers.query_param_matcher({"username": "ghost"})],
        status=404,
        json={"statusCode": 404, "message": "No user found with username: ghost"},
    )
    gw = DataCenterConfluence(transport(DC), "REL")
    dana = gw.user(username="dana")
    assert dana is not None
    assert (dana.user_key, dana.username, dana.display_name, dana.account_id) == (
        "8a7f808a",
        "dana",
        "Dana D",
        None,
    )
    assert gw.user(username="ghost") is None


@responses.activate
def test_cloud_user_by_account_id_and_refusals_are_errors():
    responses.get(
        f"{CLOUD}/rest/api/user",
        match=[matchers.query_param_matcher({"accountId": "acc-1"})],
        json={"type": "known", "accountId": "acc-1", "displayName": "Dana D"},
    )
    responses.get(f"{DC}/rest/api/user", status=403, json={"message": "not permitted"})
    cloud = CloudConfluence(transport(CLOUD), "REL").user(account_id="acc-1")
    assert cloud is not None and (cloud.account_id, cloud.user_key) == ("acc-1", None)
    with pytest.raises(HttpError) as caught:
        DataCenterConfluence(transport(DC), "REL").user(username="dana")
    assert caught.value.status == 403
    with pytest.raises(ValueError):
        DataCenterConfluence(transport(DC), "REL").user()
