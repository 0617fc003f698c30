"""Storage bodies are stored as Confluence rewrites them on save, on both flavours, and the
rewrite itself: macro ids, <br />, attribute order, entities, whitespace; idempotent."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from nivosync.sandbox.confluence.errors import Problem
from nivosync.sandbox.confluence.storage_rewrite import rewrite_storage

from .site import Site

GOLDEN = Path(__file__).resolve().parents[1] / "unit" / "golden"
V2 = "/wiki/api/v2"
DC = "/confluence/rest/api"
MACROS = (
    '<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">here</ac:parameter>'
    '</ac:structured-macro><p>Status: <ac:structured-macro ac:name="status">'
    '<ac:parameter ac:name="colour">Green</ac:parameter></ac:structured-macro></p>'
)
MACRO_TAG = re.compile(r"<ac:structured-macro ([^>]*)>")


# --- over HTTP, both flavours ----------------------------------------------------------------


def _space_id(site: Site) -> str:
    return site.get(f"{V2}/spaces", params={"keys": "NIVO"}).json()["results"][0]["id"]


def create(site: Site, title: str, body: str) -> requests.Response:
    if site.flavor == "cloud":
        payload: dict[str, Any] = {"spaceId": _space_id(site), "status": "current", "title": title}
        payload["body"] = {"representation": "storage", "value": body}
        return site.post(f"{V2}/pages", json=payload)
    storage = {"value": body, "representation": "storage"}
    payload = {"type": "page", "title": title, "space": {"key": "NIVO"}}
    return site.post(f"{DC}/content", json={**payload, "body": {"storage": storage}})


def update(site: Site, page_id: str, title: str, number: int, body: str) -> requests.Response:
    version = {"number": number}
    if site.flavor == "cloud":
        payload: dict[str, Any] = {"id": page_id, "status": "current", "title": title}
        payload.update(body={"representation": "storage", "value": body}, version=version)
        return site.put(f"{V2}/pages/{page_id}", json=payload)
    storage = {"value": body, "representation": "storage"}
    payload = {"id": page_id, "type": "page", "title": title, "version": version}
    return site.put(f"{DC}/content/{page_id}", json={**payload, "body": {"storage": storage}})


def stored_body(site: Site, page_id: str) -> str:
    if site.flavor == "cloud":
        got = site.get(f"{V2}/pages/{page_id}", params={"body-format": "storage"}).json()
        return str(got["body"]["storage"]["value"])
    got = site.get(f"{DC}/content/{page_id}", params={"expand": "body.storage"}).json()
    return str(got["body"]["storage"]["value"])


def written_body(site: Site, response: requests.Response) -> str:
    """The body in a create/update answer (the rewritten one, as GET serves it)."""
    assert response.status_code == 200, response.text
    return str(response.json()["body"]["storage"]["value"])


def error_message(site: Site, response: requests.Response) -> str:
    if site.flavor == "cloud" and response.request.path_url.startswith(V2):
        return str(response.json()["errors"][0]["title"])
    return str(response.json()["message"])


def macro_ids(body: str) -> list[str]:
    return re.findall(r'ac:macro-id="([^"]+)"', body)


def test_macros_get_a_schema_version_and_a_stable_macro_id(site: Site) -> None:
    created = create(site, "Macros", MACROS)
    page_id = str(created.json()["id"])
    body = written_body(site, created)
    assert stored_body(site, page_id) == body != MACROS
    ids = macro_ids(body)
    assert len(ids) == 2 and len(set(ids)) == 2
    assert all(uuid.UUID(i) for i in ids)
    assert all(
        attrs.startswith('ac:name="') and ' ac:schema-version="1" ac:macro-id="' in attrs
        for attrs in MACRO_TAG.findall(body)
    )
    # The same body sent again (as nivosync does, without the ids) gets the same ids back.
    again = written_body(site, update(site, page_id, "Macros", 2, MACROS))
    assert again == body
    assert rewrite_storage(MACROS, int(page_id)) == body  # derived from page id + position


def test_br_is_self_closed_and_an_unclosed_br_refused(site: Site) -> None:
    created = create(site, "Breaks", "<p>a<br/>b<br></br>c</p>")
    assert written_body(site, created) == "<p>a<br />b<br />c</p>"
    unclosed = create(site, "Unclosed", "<p>a<br>b</p>")
    assert unclosed.status_code == 400
    assert error_message(site, unclosed).startswith(
        "Error parsing xhtml: Unexpected close tag </p>; expected </br>."
    )


@pytest.mark.parametrize(
    "body",
    ["<p>x<p>", "<p>a</b>", "<p>&nosuchentity;</p>", "<p a=1>x</p>", "<p>x</p></p>", "<p"],
)
def test_malformed_storage_is_refused_and_nothing_is_stored(site: Site, body: str) -> None:
    refused = create(site, "Broken", body)
    assert refused.status_code == 400, refused.text
    assert error_message(site, refused).startswith("Error parsing xhtml: ")
    page = create(site, "Broken", "<p>fine</p>")  # the refused create left no page behind
    page_id = str(page.json()["id"])
    assert written_body(site, page) == "<p>fine</p>"
    refused_update = update(site, page_id, "Broken", 2, body)
    assert refused_update.status_code == 400
    assert stored_body(site, page_id) == "<p>fine</p>"
    assert written_body(site, update(site, page_id, "Broken", 2, "<p>next</p>")) == "<p>next</p>"


# --- the rewrite itself ----------------------------------------------------------------------


def test_a_given_macro_id_is_kept_and_a_repeated_one_replaced() -> None:
    body = (
        '<ac:structured-macro ac:name="toc" ac:macro-id="given"></ac:structured-macro>'
        '<ac:structured-macro ac:macro-id="given" ac:name="toc"></ac:structured-macro>'
    )
    first, second = macro_ids(rewrite_storage(body, 7))
    assert first == "given" and second != "given" and uuid.UUID(second)
    assert macro_ids(rewrite_storage(MACROS, 7)) != macro_ids(rewrite_storage(MACROS, 8))


def test_attributes_come_out_in_one_order() -> None:
    one = '<ac:structured-macro ac:schema-version="1" ac:name="x"/><a title="t" href="h">l</a>'
    other = '<ac:structured-macro ac:name="x" ac:schema-version="1"/><a href="h" title="t">l</a>'
    rewritten = rewrite_storage(one, 1)
    assert rewritten == rewrite_storage(other, 1)
    assert rewritten.endswith('<a href="h" title="t">l</a>')
    assert MACRO_TAG.findall(rewritten)[0].startswith('ac:name="x" ac:schema-version="1" ')


def test_named_entities_and_character_references_become_characters() -> None:
    body = "<p>a&nbsp;b &rsquo;&#169;&#x2014; &amp; &lt;x&gt; &quot;</p>"
    assert rewrite_storage(body, 1) == '<p>a\u00a0b \u2019\u00a9\u2014 &amp; &lt;x&gt; "</p>'
    cdata = "<ac:plain-text-body><![CDATA[&nbsp; <b>]]></ac:plain-text-body>"
    assert rewrite_storage(cdata, 1) == cdata  # CDATA is kept as written


def test_mentions_and_non_breaking_hyphens_are_kept() -> None:
    """What pages write for people and dates: a user link stays as written; a non-breaking
    hyphen, sent as a character or a reference, is stored as the character."""
    mention = '<ac:link><ri:user ri:userkey="8a7f808a" /></ac:link>'
    cloud = '<ac:link><ri:user ri:account-id="712020:07e2" /></ac:link>'
    cells = f"<td>{mention}{cloud}</td><td>2027&#8209;01\u201107</td>"
    body = f"<table><tbody><tr>{cells}</tr></tbody></table>"
    assert rewrite_storage(body, 1) == body.replace("&#8209;", "\u2011")


def test_whitespace_between_blocks_goes_inline_and_pre_whitespace_stays() -> None:
    body = (
        "<h2>T</h2>\n<table>\n <tbody>\n  <tr><td>\n<p>x</p>\n</td></tr>\n </tbody>\n</table>\n"
        "<p><a href='h'>NVX-1</a> <strong>bold</strong></p>\n<pre>  a\n  b </pre>"
    )
    assert rewrite_storage(body, 1) == (
        '<h2>T</h2><table><tbody><tr><td><p>x</p></td></tr></tbody></table><p><a href="h">'
        "NVX-1</a> <strong>bold</strong></p><pre>  a\n  b </pre>"
    )


def test_b_and_i_are_saved_as_strong_and_em() -> None:
    assert rewrite_storage("<p><b>x</b> <i>y</i></p>", 1) == "<p><strong>x</strong> <em>y</em></p>"


GOLDEN_BODIES = sorted(GOLDEN.glob("*.xml"))


@pytest.mark.parametrize(
    "body",
    [
        MACROS,
        "<p>a<br/>b</p>\n\n<p>x&nbsp;y</p><!-- note --><?pi data?>",
        '<p title="a&#10;b&#9;c">x&#13;y</p><ac:image><ri:attachment ri:filename="a.png">'
        "</ri:attachment></ac:image>",
        *(path.read_text(encoding="utf-8") for path in GOLDEN_BODIES),
    ],
)
def test_rewriting_twice_is_rewriting_once(body: str) -> None:
    once = rewrite_storage(body, 65601)
    assert rewrite_storage(once, 65601) == once


def test_the_golden_pages_nivosync_renders_are_accepted() -> None:
    assert GOLDEN_BODIES
    for path in GOLDEN_BODIES:
        assert rewrite_storage(path.read_text(encoding="utf-8"), 1)


def test_an_empty_body_stays_empty_and_errors_say_where() -> None:
    assert rewrite_storage("", 1) == rewrite_storage("  \n", 1) == ""
    with pytest.raises(Problem) as caught:
        rewrite_storage("<p>one</p>\n<p>two</b>", 1)
    assert caught.value.status == 400
    assert caught.value.message.endswith("[row,col {unknown-source}]: [2,7]")
