"""The browsing view over real HTTP: auth, headers, the index, pages, issues, images."""

from __future__ import annotations

from typing import Any

import requests

from .site import Site

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 8
BODY = (
    "<h2>Plan</h2><table><tr><th>Task</th><th>Status</th></tr><tr><td>Kick-off</td><td>"
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Red</ac:parameter>'
    '<ac:parameter ac:name="title">Late</ac:parameter></ac:structured-macro></td></tr></table>'
    '<ac:image><ri:attachment ri:filename="chart.png" /></ac:image>'
    "<script>alert(document.cookie)</script>"
    '<ac:structured-macro ac:name="mystery"><ac:parameter ac:name="x">1</ac:parameter>'
    "</ac:structured-macro>"
)


def make_page(site: Site, title: str, body: str) -> tuple[str, str]:
    """Create a page under "Releases"; returns (id, its webui path on this flavour)."""
    if site.flavor == "cloud":
        parent = site.get("/wiki/api/v2/pages", params={"title": "Releases"}).json()["results"][0]
        made = site.post(
            "/wiki/api/v2/pages",
            json={
                "spaceId": parent["spaceId"],
                "title": title,
                "parentId": parent["id"],
                "body": {"representation": "storage", "value": body},
            },
        ).json()
        return made["id"], "/wiki" + made["_links"]["webui"]
    api = "/confluence/rest/api"
    parent = site.get(f"{api}/content", params={"spaceKey": "NIVO", "title": "Releases"})
    made = site.post(
        f"{api}/content",
        json={
            "type": "page",
            "title": title,
            "space": {"key": "NIVO"},
            "ancestors": [{"id": parent.json()["results"][0]["id"]}],
            "body": {"storage": {"value": body, "representation": "storage"}},
        },
    ).json()
    return made["id"], "/confluence" + made["_links"]["webui"]


def attach(site: Site, page_id: str, name: str, data: bytes, mime: str) -> None:
    root = "/wiki" if site.flavor == "cloud" else "/confluence"
    response = site.post(
        f"{root}/rest/api/content/{page_id}/child/attachment",
        files={"file": (name, data, mime)},
        headers={"X-Atlassian-Token": "no-check"},
    )
    assert response.ok, response.text


def make_issue(site: Site, fields: dict[str, Any]) -> str:
    payload = {"fields": {"project": {"key": "NIVO"}, **fields}}
    response = site.post(site.rest("issue"), json=payload)
    assert response.status_code == 201, response.text
    return response.json()["key"]


def html(site: Site, path: str) -> requests.Response:
    return site.get(path, headers={"Accept": "text/html"})


def test_the_view_needs_a_login_and_prompts_for_it(site: Site) -> None:
    for path in ("/", "/browse/NIVO-1", "/_browse/style.css"):
        response = requests.get(site.url(path), timeout=10)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith('Basic realm="nivosync sandbox"')
        assert response.headers["Content-Type"].startswith("text/html")


def test_index_lists_epics_issues_and_the_page_tree(site: Site) -> None:
    epic_fields: dict[str, Any] = {"issuetype": {"name": "Epic"}, "summary": "ACME <2026.12>"}
    if site.flavor == "datacenter":
        epic_fields["customfield_10102"] = "ACME 2026.12"
    epic = make_issue(site, epic_fields)
    task_fields: dict[str, Any] = {
        "issuetype": {"name": "Task"},
        "summary": "Deploy <img src=x onerror=alert(1)>",
        "duedate": "2026-12-18",
    }
    if site.flavor == "cloud":
        task_fields["parent"] = {"key": epic}
    else:
        task_fields["customfield_10100"] = epic
    task = make_issue(site, task_fields)
    make_page(site, "Plan <script>", "<p>x</p>")
    response = html(site, "/")
    assert response.status_code == 200
    text = response.text
    assert f'<a href="/browse/{epic}">{epic}</a> ACME &lt;2026.12&gt;' in text
    assert f'<a href="/browse/{task}">{task}</a>' in text
    assert "Deploy &lt;img src=x onerror=alert(1)&gt;" in text and "2026-12-18" in text
    assert '<span class="lozenge blue-gray">To Do</span>' in text
    assert "Releases</a>" in text and "Plan &lt;script&gt;</a>" in text
    assert "<script" not in text.lower() and "<img" not in text


def test_pages_render_at_their_webui_path_with_a_strict_csp(site: Site) -> None:
    page_id, webui = make_page(site, "Release plan", BODY)
    attach(site, page_id, "chart.png", PNG, "image/png")
    response = html(site, webui)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    text = response.text
    assert '<span class="lozenge red">Late</span>' in text
    assert f'<img src="/_browse/attachments/{page_id}/chart.png"' in text
    assert "macro: mystery" in text
    assert "<script" not in text and "alert(document.cookie)" in text
    image = site.get(f"/_browse/attachments/{page_id}/chart.png")
    assert image.content == PNG and image.headers["Content-Type"] == "image/png"


def test_only_raster_images_are_served_inline(site: Site) -> None:
    page_id, _ = make_page(site, "Files", "<p>x</p>")
    attach(site, page_id, "x.svg", b"<svg onload='alert(1)'/>", "image/svg+xml")
    assert site.get(f"/_browse/attachments/{page_id}/x.svg").status_code == 404
    assert site.get(f"/_browse/attachments/{page_id}/none.png").status_code == 404


def test_issue_page(site: Site) -> None:
    key = make_issue(
        site,
        {"issuetype": {"name": "Task"}, "summary": "Kick-off", "labels": ["acme-2026-12"]},
    )
    response = html(site, f"/browse/{key}")
    assert response.status_code == 200
    assert f"{key}: Kick-off" in response.text and "acme-2026-12" in response.text
    assert html(site, "/browse/NIVO-999").status_code == 404


def test_unknown_pages_are_404_and_browsing_is_not_logged(site: Site) -> None:
    site.sandbox.requests.clear()
    if site.flavor == "cloud":
        assert html(site, "/wiki/spaces/NIVO/pages/424242").status_code == 404
    else:
        assert html(site, "/confluence/pages/viewpage.action?pageId=424242").status_code == 404
        assert html(site, "/confluence/pages/viewpage.action?pageId=x").status_code == 404
    assert html(site, "/").ok and site.get("/_browse/style.css").ok
    assert site.sandbox.requests.entries() == []


ANCHOR = (
    '<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">nivosync-region-{}'
    "</ac:parameter></ac:structured-macro>"
)
REGIONS = (
    '<ac:structured-macro ac:name="panel"><ac:parameter ac:name="title">For people to fill in'
    f"</ac:parameter><ac:rich-text-body>{ANCHOR.format('ca-impact')}<p>Restart.</p>"
    "</ac:rich-text-body></ac:structured-macro>"
    f'<ac:structured-macro ac:name="panel"><ac:rich-text-body>{ANCHOR.format("notes")}'
    "<p>Notes</p></ac:rich-text-body></ac:structured-macro>"
    "<table><tr><th>Steps</th><th>Result</th><th>Defects</th></tr><tr><td><ol><li>Log in</li>"
    f"</ol></td><td>{ANCHOR.format('uat-login-result')}"
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">Not tested'
    "</ac:parameter></ac:structured-macro></td>"
    f"<td>{ANCHOR.format('uat-login-defects')}</td></tr></table>"
)


def test_regions_are_framed_without_a_label_in_every_cell(site: Site) -> None:
    """Seen in the browser screenshots (tests/browser): a "for people" label in each results
    cell wrapped in narrow columns, and a panel said "for people to fill in" twice."""
    _, webui = make_page(site, "UAT", REGIONS)
    text = html(site, webui).text
    assert '<td class="region"><span class="lozenge grey">Not tested</span></td>' in text
    assert '<td class="region"></td>' in text
    label = '<div class="region-label">for people to fill in</div>'
    assert text.count(label) == 1  # the untitled panel's; the legend explains the frame
    assert "For people to fill in</div><p>Restart.</p>" in text  # its own title, once
    assert "ca-impact" not in text and "uat-login" not in text  # anchors are for the editor


def test_cells_start_at_the_top_and_names_and_lozenges_stay_on_one_line(site: Site) -> None:
    css = site.get("/_browse/style.css").text
    assert "td > :first-child { margin-top: 0; }" in css  # a cell's <p> or <ol> too
    for rule in (".mention {", ".lozenge {", ".region-label {"):
        block = css[css.index(rule) :]
        assert "white-space: nowrap" in block[: block.index("}")], rule
