"""Storage-format builders: every value is text, every body is well-formed XML."""

import pytest

from nivosync.render.storage import (
    AC_NAMESPACE,
    RI_NAMESPACE,
    CData,
    Element,
    MalformedStorage,
    element,
    heading,
    image,
    is_safe_url,
    is_well_formed,
    jira_issues,
    lines,
    link,
    p,
    page_link,
    panel,
    paragraphs,
    parse_storage,
    render,
    status,
    table,
    task_list,
    toc,
    ul,
)

HOSTILE = (
    "Evil <script>alert(\"x\")</script> & ]]> 'q' "
    '<ac:structured-macro ac:name="html"><ac:plain-text-body>x</ac:plain-text-body>'
)
AC = f"{{{AC_NAMESPACE}}}"
RI = f"{{{RI_NAMESPACE}}}"


def text_of(body: str) -> str:
    """The body's text without the line breaks that separate blocks."""
    return "".join(parse_storage(body).itertext()).replace("\n", "")


def test_text_is_escaped_once_and_reads_back_verbatim():
    body = render(p(HOSTILE), heading(2, HOSTILE), ul([HOSTILE]))
    is_well_formed(body)
    root = parse_storage(body)
    assert [e.tag for e in root.iter()] == ["root", "p", "h2", "ul", "li"]
    assert text_of(body) == HOSTILE * 3
    assert "&amp;amp;" not in body and "<script>" not in body and "]]>" not in body


def test_attribute_values_are_escaped_and_keep_whitespace():
    body = render(image('a"b<c>&\n.png', alt="x'y\tz"), page_link(HOSTILE, space_key='S"1'))
    root = parse_storage(body)
    attachment = root.find(f"{AC}image/{RI}attachment")
    assert attachment is not None
    assert attachment.get(f"{RI}filename") == 'a"b<c>&\n.png'
    assert root.find(f"{AC}image").get(f"{AC}alt") == "x'y\tz"
    page = root.find(f"{AC}link/{RI}page")
    assert (page.get(f"{RI}content-title"), page.get(f"{RI}space-key")) == (HOSTILE, 'S"1')


def test_cdata_link_body_survives_its_terminator():
    body = render(page_link("Runbook", "see ]]> here ]]>"))
    link_body = parse_storage(body).find(f"{AC}link/{AC}plain-text-link-body")
    assert link_body is not None and link_body.text == "see ]]> here ]]>"
    assert render(CData("a]]>b")) == "<![CDATA[a]]]]><![CDATA[>b]]>"


def test_characters_xml_forbids_are_replaced_not_fatal():
    body = render(p("bell\x07 nul\x00 ok\ttab"), image("x\x01.png"))
    is_well_formed(body)
    assert text_of(body) == "bell\ufffd nul\ufffd ok\ttab"


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://jira.example.com/browse/NVX-1", True),
        ("http://127.0.0.1:8080/browse/NVX-1", True),
        ("mailto:dana@example.com", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("/browse/NVX-1", False),
        ("https://", False),
        ("https://[broken", False),
    ],
)
def test_only_absolute_http_and_mailto_urls_become_links(url, safe):
    assert is_safe_url(url) is safe
    body = render(p(link(url, "NVX-1")))
    anchors = parse_storage(body).findall(".//a")
    assert len(anchors) == (1 if safe else 0)
    assert text_of(body) == "NVX-1"


def test_link_without_text_shows_the_url_and_none_leaves_text():
    assert render(link("https://x.example/a?b=1&c=2")) == (
        '<a href="https://x.example/a?b=1&amp;c=2">https://x.example/a?b=1&amp;c=2</a>'
    )
    assert render(link(None, "NVX-1")) == "NVX-1"


def test_status_lozenge_and_panels_are_native_macros():
    assert render(status("In Progress", "Blue", subtle=True)) == (
        '<ac:structured-macro ac:name="status">'
        '<ac:parameter ac:name="colour">Blue</ac:parameter>'
        '<ac:parameter ac:name="title">In Progress</ac:parameter>'
        '<ac:parameter ac:name="subtle">true</ac:parameter></ac:structured-macro>'
    )
    body = render(panel("warning", p("Body"), title="<Careful>"), toc(max_level=2))
    is_well_formed(body)
    macros = parse_storage(body).findall(f"{AC}structured-macro")
    assert [m.get(f"{AC}name") for m in macros] == ["warning", "toc"]
    params = {x.get(f"{AC}name"): x.text for x in macros[0].findall(f"{AC}parameter")}
    assert params == {"title": "<Careful>"}
    assert macros[0].find(f"{AC}rich-text-body/p").text == "Body"


def test_jira_issues_macro_carries_jql_and_optional_server():
    body = render(jira_issues('labels = "a&b"', server="Jira", server_id="1234-abcd"))
    macro = parse_storage(body).find(f"{AC}structured-macro")
    assert macro.get(f"{AC}name") == "jira"
    params = {x.get(f"{AC}name"): x.text for x in macro.findall(f"{AC}parameter")}
    assert params == {
        "jqlQuery": 'labels = "a&b"',
        "columns": "key,summary,type,status,assignee,due",
        "maximumIssues": "50",
        "server": "Jira",
        "serverId": "1234-abcd",
    }
    bare = parse_storage(render(jira_issues("project = X")))
    assert {x.get(f"{AC}name") for x in bare.iter(f"{AC}parameter")} == {
        "jqlQuery",
        "columns",
        "maximumIssues",
    }


def test_table_has_a_header_row_and_empty_cells_are_not_self_closed():
    body = render(table(["A", "B"], [["1", ""], [status("Done", "Green"), None]]))
    rows = parse_storage(body).findall("table/tbody/tr")
    assert [[c.tag for c in r] for r in rows] == [["th", "th"], ["td", "td"], ["td", "td"]]
    assert "<td></td>" in body and "<td />" not in body


def test_lines_and_paragraphs():
    assert render(p(lines("a\nb\n"))) == "<p>a<br />b<br /></p>"
    body = render(paragraphs("one\ntwo\n\n\n  three  \n"))
    assert body == "<p>one<br />two</p>\n<p>three</p>"
    assert paragraphs("   \n\n ") == []


def test_task_list_and_block_layout():
    body = render(task_list([("Sign <off>", False), ("Done", True)]))
    assert body == (
        "<ac:task-list>\n"
        "<ac:task><ac:task-status>incomplete</ac:task-status>"
        "<ac:task-body>Sign &lt;off&gt;</ac:task-body></ac:task>\n"
        "<ac:task><ac:task-status>complete</ac:task-status>"
        "<ac:task-body>Done</ac:task-body></ac:task>\n"
        "</ac:task-list>"
    )


def test_markup_cannot_be_smuggled_as_a_name():
    with pytest.raises(ValueError, match="not a storage-format name"):
        element("p onclick=x")
    with pytest.raises(ValueError, match="not a storage-format name"):
        Element("a", (('href="x" onclick', "y"),))
    with pytest.raises(ValueError, match="heading level 7"):
        heading(7, "x")


def test_malformed_bodies_are_reported_with_position():
    with pytest.raises(MalformedStorage, match=r"line 1, column \d+"):
        is_well_formed("<p>unclosed")
    with pytest.raises(MalformedStorage):
        is_well_formed("<p>&nbsp;</p>")  # HTML entities are not XML
    with pytest.raises(MalformedStorage):
        is_well_formed("<x:y>undeclared prefix</x:y>")
    is_well_formed("")
