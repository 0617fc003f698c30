"""Attachments and labels over real HTTP: the v1 API on both flavours (Cloud keeps only the
writes: its v1 reads answer 410) and Cloud's v2 listings."""

from __future__ import annotations

from typing import Any

import pytest

from .site import Site

NO_CHECK = {"X-Atlassian-Token": "no-check"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def v1(site: Site) -> str:
    return "/wiki/rest/api" if site.flavor == "cloud" else "/confluence/rest/api"


def root(site: Site) -> str:
    return "/wiki" if site.flavor == "cloud" else "/confluence"


def parent_page(site: Site) -> str:
    if site.flavor == "cloud":
        found = site.get("/wiki/api/v2/pages", params={"title": "Releases"})
    else:
        found = site.get(f"{v1(site)}/content", params={"spaceKey": "NIVO", "title": "Releases"})
    return str(found.json()["results"][0]["id"])


def upload(site: Site, page_id: str, name: str, data: bytes, path: str = "", **kw: Any) -> Any:
    method = kw.pop("method", "POST")
    headers = kw.pop("headers", NO_CHECK)
    files = {"file": (name, data, kw.pop("mime", "image/png"))}
    url = f"{v1(site)}/content/{page_id}/child/attachment{path}"
    return site.request(method, url, files=files, data={"comment": "chart"}, headers=headers)


def test_upload_list_download_and_update_data(site: Site) -> None:
    page_id = parent_page(site)
    created = upload(site, page_id, "chart.png", PNG)
    assert created.status_code == 200
    att = created.json()["results"][0]
    assert att["id"].startswith("att") and att["type"] == "attachment"
    assert (att["title"], att["extensions"]["fileSize"]) == ("chart.png", len(PNG))
    assert att["metadata"]["mediaType"] == "image/png"
    assert att["container"]["id"] == page_id
    download = site.get(root(site) + att["_links"]["download"])
    assert download.content == PNG and download.headers["Content-Type"] == "image/png"

    dup = upload(site, page_id, "chart.png", b"other")
    assert dup.status_code == 400
    assert "same file name" in dup.json()["message"]

    updated = upload(site, page_id, "chart.png", PNG + b"v2", path=f"/{att['id']}/data")
    assert updated.status_code == 200
    assert (updated.json()["id"], updated.json()["version"]["number"]) == (att["id"], 2)
    latest = site.get(root(site) + updated.json()["_links"]["download"])
    assert latest.content == PNG + b"v2"
    first = site.get(f"{root(site)}/download/attachments/{page_id}/chart.png?version=1")
    assert first.content == PNG

    listed = listing(site, page_id).json()
    assert [a["title"] for a in listed["results"]] == ["chart.png"]
    assert listed["results"][0]["version"]["number"] == 2
    filtered = listing(site, page_id, filename="nope.png").json()
    assert filtered["results"] == []


def listing(site: Site, page_id: str, **params: Any) -> Any:
    """A page's attachments where the flavour lists them (Cloud: v2; DC: v1)."""
    if site.flavor == "cloud":
        return site.get(f"/wiki/api/v2/pages/{page_id}/attachments", params=params)
    return site.get(f"{v1(site)}/content/{page_id}/child/attachment", params=params)


def test_uploads_need_the_xsrf_header(site: Site) -> None:
    refused = upload(site, parent_page(site), "a.png", PNG, headers={})
    assert refused.status_code == 403
    assert refused.text == "XSRF check failed"


def test_unknown_page_or_attachment_is_404(site: Site) -> None:
    assert upload(site, "999999", "a.png", PNG).status_code == 404
    page_id = parent_page(site)
    assert upload(site, page_id, "a.png", PNG, path="/att424242/data").status_code == 404


def test_non_images_download_as_files_never_inline(site: Site) -> None:
    page_id = parent_page(site)
    html = b"<script>alert(1)</script>"
    att = upload(site, page_id, "x.html", html, mime="text/html").json()["results"][0]
    served = site.get(root(site) + att["_links"]["download"])
    assert served.headers["Content-Type"] == "application/octet-stream"
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_cloud_put_creates_or_updates_and_download_redirects(cloud: Site) -> None:
    page_id = parent_page(cloud)
    first = upload(cloud, page_id, "plot.png", PNG, method="PUT").json()["results"][0]
    again = upload(cloud, page_id, "plot.png", PNG + b"2", method="PUT").json()["results"][0]
    assert (again["id"], again["version"]["number"]) == (first["id"], 2)
    hop = cloud.get(
        f"/wiki/rest/api/content/{page_id}/child/attachment/{first['id']}/download",
        allow_redirects=False,
    )
    assert hop.status_code == 302 and "/wiki/download/attachments/" in hop.headers["Location"]
    assert cloud.session.get(hop.headers["Location"], timeout=10).content == PNG + b"2"
    v2 = cloud.get(f"/wiki/api/v2/pages/{page_id}/attachments").json()["results"]
    assert [(a["id"], a["fileSize"]) for a in v2] == [(first["id"], len(PNG) + 1)]


def test_labels_add_list_remove(site: Site) -> None:
    page_id = parent_page(site)
    base = f"{v1(site)}/content/{page_id}/label"
    added = site.post(base, json=[{"prefix": "global", "name": "Release"}, {"name": "acme"}])
    assert added.status_code == 200
    assert [lb["name"] for lb in added.json()["results"]] == ["acme", "release"]
    single = site.post(base, json={"prefix": "global", "name": "nivosync"})
    assert single.json()["size"] == 3
    assert site.post(base, json={"prefix": "global", "name": "two words"}).status_code == 400
    assert site.delete(base, params={"name": "acme"}).status_code == 204
    assert site.delete(f"{base}/release").status_code == 204
    assert site.delete(f"{base}/release").status_code == 404
    if site.flavor == "cloud":
        left = site.get(f"/wiki/api/v2/pages/{page_id}/labels").json()["results"]
        assert [(lb["prefix"], lb["name"]) for lb in left] == [("global", "nivosync")]
    else:
        left = site.get(base).json()["results"]
        assert [(lb["prefix"], lb["name"], lb["label"]) for lb in left] == [
            ("global", "nivosync", "nivosync")
        ]


@pytest.mark.parametrize("payload", [[], ["x"], {"prefix": "nope", "name": "x"}])
def test_bad_label_payloads_are_400(site: Site, payload: Any) -> None:
    assert (
        site.post(f"{v1(site)}/content/{parent_page(site)}/label", json=payload).status_code == 400
    )


def test_cloud_v2_lists_labels(cloud: Site) -> None:
    page_id = parent_page(cloud)
    cloud.post(f"/wiki/rest/api/content/{page_id}/label", json=[{"name": "b"}, {"name": "a"}])
    listed = cloud.get(f"/wiki/api/v2/pages/{page_id}/labels", params={"limit": 1}).json()
    assert [lb["name"] for lb in listed["results"]] == ["a"]
    rest = cloud.get(listed["_links"]["next"]).json()
    assert [lb["name"] for lb in rest["results"]] == ["b"]


def test_xsrf_header_spelling_per_flavour(site: Site) -> None:
    # Cloud's documentation sends "nocheck" and Cloud takes it; DC insists on "no-check".
    sloppy = upload(site, parent_page(site), "n.png", PNG, headers={"X-Atlassian-Token": "nocheck"})
    assert sloppy.status_code == (200 if site.flavor == "cloud" else 403)


def test_dc_has_no_put_on_the_attachment_collection(dc: Site) -> None:
    assert upload(dc, parent_page(dc), "a.png", PNG, method="PUT").status_code == 405


def test_cloud_v1_reads_of_attachments_and_labels_are_gone_but_writes_stay(cloud: Site) -> None:
    page_id = parent_page(cloud)
    assert upload(cloud, page_id, "chart.png", PNG).status_code == 200
    assert cloud.post(f"{v1(cloud)}/content/{page_id}/label", json={"name": "x"}).ok
    for path in ("child/attachment", "label"):
        gone = cloud.get(f"{v1(cloud)}/content/{page_id}/{path}")
        assert gone.status_code == 410
        body = gone.json()
        assert (body["statusCode"], body["reason"]) == (410, "Gone")
        assert "This deprecated endpoint has been removed" in body["message"]
        assert 'rel="deprecation"' in gone.headers["Link"]
    assert (
        "/wiki/api/v2/pages/{id}/attachments"
        in cloud.get(f"{v1(cloud)}/content/{page_id}/child/attachment").json()["message"]
    )


def test_dc_keeps_the_v1_reads(dc: Site) -> None:
    page_id = parent_page(dc)
    upload(dc, page_id, "chart.png", PNG)
    assert dc.get(f"{v1(dc)}/content/{page_id}/child/attachment").json()["size"] == 1
    assert dc.get(f"{v1(dc)}/content/{page_id}/label").status_code == 200


def test_cloud_v2_attachment_listing_pages_with_link_header_and_next(cloud: Site) -> None:
    page_id = parent_page(cloud)
    for name in ("a.png", "b.png", "c.png"):
        upload(cloud, page_id, name, PNG)
    url = f"/wiki/api/v2/pages/{page_id}/attachments"
    first = cloud.get(url, params={"limit": 2})
    assert [a["title"] for a in first.json()["results"]] == ["a.png", "b.png"]
    following = first.links["next"]["url"]
    assert following == first.json()["_links"]["next"] and following.startswith(url + "?")
    assert "limit=2" in following and "cursor=" in following
    assert first.links["base"]["url"] == first.json()["_links"]["base"]
    second = cloud.get(following)
    assert [a["title"] for a in second.json()["results"]] == ["c.png"]
    assert "next" not in second.json()["_links"] and "Link" not in second.headers


def test_cloud_v2_attachment_fields_and_filters(cloud: Site) -> None:
    page_id = parent_page(cloud)
    upload(cloud, page_id, "chart.png", PNG)
    upload(cloud, page_id, "notes.txt", b"text", mime="text/plain")
    url = f"/wiki/api/v2/pages/{page_id}/attachments"
    (att,) = cloud.get(url, params={"filename": "chart.png"}).json()["results"]
    assert att["id"].startswith("att") and att["pageId"] == page_id
    assert (att["title"], att["mediaType"], att["fileSize"]) == ("chart.png", "image/png", 24)
    assert (att["status"], att["comment"], att["version"]["number"]) == ("current", "chart", 1)
    assert att["downloadLink"] == att["_links"]["download"]
    assert att["downloadLink"].startswith(f"/download/attachments/{page_id}/chart.png?")
    by_type = cloud.get(url, params={"mediaType": "text/plain"}).json()["results"]
    assert [a["title"] for a in by_type] == ["notes.txt"]
    assert cloud.get(url, params={"status": "trashed"}).json()["results"] == []
    newest = cloud.get(url, params={"sort": "-created-date", "limit": 1}).json()
    assert [a["title"] for a in newest["results"]] == ["notes.txt"]
    assert [a["title"] for a in cloud.get(newest["_links"]["next"]).json()["results"]] == [
        "chart.png"
    ]
    for bad in ({"sort": "name"}, {"status": "gone"}):
        refused = cloud.get(url, params=bad)
        assert refused.status_code == 400 and refused.json()["errors"][0]["status"] == "400"
    missing = cloud.get("/wiki/api/v2/pages/999999/attachments")
    assert missing.status_code == 404 and missing.json()["errors"][0]["code"] == "NOT_FOUND"
