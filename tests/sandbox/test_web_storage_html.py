"""The storage → HTML renderer of the browsing view: readable macros, and nothing that runs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nivosync.sandbox.web.storage_html import Context, parse_storage, render_storage

OUTPUT_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
    "del", "ins", "sub", "sup", "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "span", "div", "a", "small", "time",
    "caption", "dl", "dt", "dd", "mark", "kbd", "abbr", "cite", "q", "img", "nav", "details",
    "summary",
}  # fmt: skip
OUTPUT_ATTRIBUTES = {"class", "id", "href", "rel", "src", "alt", "colspan", "rowspan"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in OUTPUT_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in OUTPUT_ATTRIBUTES:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name == "href" and not re.match(r"^(https?://|mailto:|/(?!/)|#)", value):
                self.problems.append(f"href {value!r}")
            if name == "src" and not value.startswith("/_browse/attachments/"):
                self.problems.append(f"src {value!r}")


def audit(html: str) -> list[str]:
    parser = _Audit()
    parser.feed(html)
    parser.close()
    return parser.problems


def images(filename: str) -> str | None:
    return f"/_browse/attachments/1/{filename}" if filename == "chart.png" else None


ATTACKS = [
    "<script>alert(1)</script>",
    '<p onclick="alert(1)">x</p>',
    '<img src="x" onerror="alert(1)" />',
    '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVaScRiPt:alert(1)">x</a>',
    '<a href="//evil.example/x">x</a>',
    '<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{background:url(https://evil.example)}</style>",
    '<p style="background:url(https://evil.example)">x</p>',
    '<table><tr><td onmouseover="alert(1)" colspan="2">x</td></tr></table>',
    '<td colspan="2&quot; onmouseover=&quot;alert(1)">x</td>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">'
    "&lt;img src=x onerror=alert(1)&gt;</ac:parameter>"
    '<ac:parameter ac:name="colour">" onmouseover="alert(1)</ac:parameter>'
    "</ac:structured-macro>",
    '<ac:structured-macro ac:name="&lt;script&gt;"><ac:parameter ac:name="&lt;b&gt;">'
    "<![CDATA[</td><script>alert(1)</script>]]></ac:parameter></ac:structured-macro>",
    '<ac:image><ri:url ri:value="javascript:alert(1)" /></ac:image>',
    '<ac:image><ri:attachment ri:filename="&quot; onerror=&quot;alert(1).png" /></ac:image>',
    '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>alert(1)'
    "</script>]]></ac:plain-text-body></ac:structured-macro>",
    '<ac:link><ri:page ri:content-title="x" /><ac:link-body><script>alert(1)</script>'
    "</ac:link-body></ac:link>",
    '<object data="x"></object><embed src="x" /><form action="x"><input /></form>',
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    '<?xml-stylesheet href="https://evil.example/x.xsl"?><p>x</p><!-- <script> -->',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_active_survives(attack: str) -> None:
    html = render_storage(attack, Context(attachment_url=images))
    assert audit(html) == []
    assert "<script" not in html.lower()


@pytest.mark.parametrize(
    "hostile",
    [
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]><p>&b;</p>',
        '<!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]><p>&x;</p>',
        "<p>not closed",
    ],
)
def test_declarations_and_broken_xml_are_shown_as_source(hostile: str) -> None:
    assert parse_storage(hostile) is None
    html = render_storage(hostile, Context())
    assert "not well-formed" in html and audit(html) == []
    assert "root:" not in html and "aaaaaaaaaaaaaaaaaaaa" not in html


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_any_text_in_any_slot_stays_text(text: str) -> None:
    from html import escape

    xml = escape(text, quote=True)
    body = (
        f"<p>{xml}</p><table><tr><td>{xml}</td></tr></table>"
        f'<ac:structured-macro ac:name="status"><ac:parameter ac:name="title">{xml}'
        "</ac:parameter></ac:structured-macro>"
        f'<ac:structured-macro ac:name="whatever"><ac:parameter ac:name="p">{xml}'
        f"</ac:parameter><ac:rich-text-body><p>{xml}</p></ac:rich-text-body>"
        "</ac:structured-macro>"
        f'<ac:link><ri:page ri:content-title="{xml}" /></ac:link>'
    )
    html = render_storage(body, Context(page_url=lambda title: "/wiki/x"))
    if parse_storage(body) is None:  # control characters XML forbids
        assert "not well-formed" in html
    assert audit(html) == []


def test_the_readable_parts() -> None:
    body = (
        '<ac:structured-macro ac:name="toc" /><h2>Plan</h2>'
        '<ac:structured-macro ac:name="warning"><ac:parameter ac:name="title">Careful'
        "</ac:parameter><ac:rich-text-body><p>Freeze &rarr; Friday&nbsp;noon</p>"
        "</ac:rich-text-body></ac:structured-macro>"
        '<p><ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green'
        '</ac:parameter><ac:parameter ac:name="title">On track</ac:parameter>'
        "</ac:structured-macro></p>"
        '<ac:image ac:alt="chart"><ri:attachment ri:filename="chart.png" /></ac:image>'
        '<ac:image><ri:attachment ri:filename="gone.png" /></ac:image>'
        '<ac:structured-macro ac:name="jira"><ac:parameter ac:name="key">NIVO-7'
        "</ac:parameter></ac:structured-macro>"
        '<ac:structured-macro ac:name="roadmap"><ac:parameter ac:name="lanes">3'
        "</ac:parameter></ac:structured-macro>"
        "<ac:task-list><ac:task><ac:task-status>complete</ac:task-status>"
        "<ac:task-body>Sign-off</ac:task-body></ac:task></ac:task-list>"
        '<p><ac:emoticon ac:name="tick" /> <ac:link><ri:user ri:account-id="a1" /></ac:link></p>'
    )
    ctx = Context(
        attachment_url=images,
        user_name=lambda key: "Dana Delivery" if key == "a1" else None,
        issue=lambda key: ("Deploy", "In Progress", "yellow") if key == "NIVO-7" else None,
    )
    html = render_storage(body, ctx)
    assert '<li class="toc-2"><a href="#section-1">Plan</a></li>' in html
    assert '<h2 id="section-1">Plan</h2>' in html
    assert '<div class="panel warning"><div class="panel-title">Careful</div>' in html
    assert "Freeze → Friday\xa0noon" in html
    assert '<span class="lozenge green">On track</span>' in html
    assert '<img src="/_browse/attachments/1/chart.png" alt="chart">' in html
    assert "missing attachment image: gone.png" in html
    assert '<a href="/browse/NIVO-7">NIVO-7</a> Deploy <span class="lozenge yellow">' in html
    assert "macro: roadmap" in html and "<th>lanes</th><td>3</td>" in html
    assert "☑ Sign-off" in html and "✔" in html and "@Dana Delivery" in html
    assert audit(html) == []


def test_peoples_regions_are_framed_apart_from_nivosyncs_text():
    anchor = (
        '<ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">nivosync-region-{}'
        "</ac:parameter></ac:structured-macro>"
    )
    body = (
        "<h2>Impact</h2>"
        '<ac:structured-macro ac:name="panel"><ac:parameter ac:name="title">For people'
        f"</ac:parameter><ac:rich-text-body>{anchor.format('ca-impact')}<p>Dana's text</p>"
        "</ac:rich-text-body></ac:structured-macro>"
        f"<table><tbody><tr><td>S1</td><td>{anchor.format('s1-result')}PASS</td></tr>"
        "</tbody></table>"
    )
    html = render_storage(body, Context())
    assert html.startswith('<div class="region-legend">')
    # the panel's own title, once; no region id (the anchor's name is for the editor)
    assert '<div class="panel panel region"><div class="panel-title">For people</div>' in html
    assert "ca-impact" not in html and "Dana&#x27;s text" in html
    assert '<td class="region">PASS</td>' in html  # framed, with no label to wrap
    assert "<td>S1</td>" in html  # nivosync's cells: no frame
    audit = _Audit()
    audit.feed(html)
    assert audit.problems == []
    assert "region-legend" not in render_storage("<p>no regions</p>", Context())
