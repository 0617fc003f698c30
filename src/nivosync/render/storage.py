"""Confluence storage format (XHTML + `ac:`/`ri:` elements) built as a tiny node tree (pure).

Page renderers compose `Element`s with the builders below and call `render()` once. A plain
`str` anywhere in the tree is *text*: it is escaped when rendered, never parsed as markup. Markup
only comes from builders, so a value from Jira, a template or a notes file cannot inject an element,
and nothing is escaped twice (escaping happens in exactly one place, `render`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias
from urllib.parse import urlsplit

# The namespace URIs Confluence itself binds to the `ac` and `ri` prefixes of storage format.
AC_NAMESPACE = "http://atlassian.com/content"
RI_NAMESPACE = "http://atlassian.com/resource/identifier"

Colour = Literal["Grey", "Red", "Yellow", "Green", "Blue", "Purple"]
PanelKind = Literal["info", "note", "warning", "tip"]
SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})

_NAME = re.compile(r"^(?:(?:ac|ri):)?[a-z][a-z0-9-]*$")
# Characters XML 1.0 forbids outright; a stray one from Jira would make the whole page unparsable.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_VOID_TAGS = frozenset({"br", "hr"})
_BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "tr", "ul", "ol", "li", "hr"}
    | {"ac:rich-text-body", "ac:task-list", "ac:task"}
)


@dataclass(frozen=True)
class Element:
    """One element; `block` puts a line break after it so bodies and golden files read well."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple[Node, ...] = ()
    block: bool = False

    def __post_init__(self) -> None:
        for name in (self.tag, *(k for k, _ in self.attrs)):
            if name not in _NAMES_SEEN:
                if not _NAME.match(name):
                    raise ValueError(f"not a storage-format name: {name!r}")
                _NAMES_SEEN.add(name)


_NAMES_SEEN: set[str] = set()  # tag and attribute names already checked (a page has ~20)


@dataclass(frozen=True)
class CData:
    """Text rendered as a CDATA section (Confluence wants one in plain-text bodies)."""

    text: str


Node: TypeAlias = Element | CData | str
_NODE_TYPES = (Element, CData, str)
Content: TypeAlias = Node | Iterable["Content"] | None


def element(tag: str, *content: Content, attrs: dict[str, str] | None = None) -> Element:
    """An element with `content` flattened (None skipped); plain strings stay text."""
    return Element(
        tag, tuple((attrs or {}).items()), tuple(_flatten(content)), block=tag in _BLOCK_TAGS
    )


def _flatten(content: Iterable[Content]) -> list[Node]:
    nodes: list[Node] = []
    _flatten_into(content, nodes)
    return nodes


def _flatten_into(content: Iterable[Content], nodes: list[Node]) -> None:
    # A list, not nested generators: pages are built from thousands of small pieces.
    for item in content:
        if item is None:
            continue
        if isinstance(item, _NODE_TYPES):
            nodes.append(item)
        else:
            _flatten_into(item, nodes)


# --- rendering -----------------------------------------------------------------------------


def render(*content: Content) -> str:
    """The storage-format string of `content`: the only place where text is escaped."""
    out: list[str] = []
    for node in _flatten(content):
        _write(node, out)
    return "".join(out).rstrip("\n")


def _write(node: Node, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(escape_text(node))
        return
    if isinstance(node, CData):
        out.append(_cdata(node.text))
        return
    attrs = "".join(f' {name}="{escape_attr(value)}"' for name, value in node.attrs)
    if not node.children and (":" in node.tag or node.tag in _VOID_TAGS):
        out.append(f"<{node.tag}{attrs} />")
    elif not node.children:
        out.append(f"<{node.tag}{attrs}></{node.tag}>")  # `<td />` would open a cell in HTML
    else:
        first = node.children[0]
        opener_break = "\n" if node.block and isinstance(first, Element) and first.block else ""
        out.append(f"<{node.tag}{attrs}>{opener_break}")
        for child in node.children:
            _write(child, out)
        out.append(f"</{node.tag}>")
    if node.block:
        out.append("\n")


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub("\ufffd", text)


def escape_text(text: str) -> str:
    """Text content: `&`, `<` and `>` (so `]]>` can never appear) become references."""
    return _clean(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    """An attribute value in double quotes; whitespace kept as references so parsers keep it."""
    escaped = escape_text(text).replace('"', "&quot;")
    return escaped.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def _cdata(text: str) -> str:
    # A CDATA section cannot contain "]]>": split it across two sections.
    return "<![CDATA[" + _clean(text).replace("]]>", "]]]]><![CDATA[>") + "]]>"


# --- text and blocks -----------------------------------------------------------------------


def lines(text: str) -> list[Node]:
    """Text whose newlines become `<br />`."""
    nodes: list[Node] = []
    for i, line in enumerate(text.replace("\r\n", "\n").split("\n")):
        if i:
            nodes.append(element("br"))
        if line:
            nodes.append(line)
    return nodes


def paragraphs(text: str) -> list[Element]:
    """One `<p>` per blank-line-separated paragraph; single newlines become `<br />`."""
    parts = _BLANK_LINES.split(text.replace("\r\n", "\n").strip())
    return [p(lines(part.strip("\n"))) for part in parts if part.strip()]


def p(*content: Content) -> Element:
    return element("p", *content)


def heading(level: int, *content: Content) -> Element:
    if not 1 <= level <= 6:
        raise ValueError(f"heading level {level} is not 1-6")
    return element(f"h{level}", *content)


def strong(*content: Content) -> Element:
    return element("strong", *content)


def em(*content: Content) -> Element:
    return element("em", *content)


def code(*content: Content) -> Element:
    return element("code", *content)


def ul(items: Iterable[Content]) -> Element:
    return element("ul", [element("li", item) for item in items])


def ol(items: Iterable[Content]) -> Element:
    return element("ol", [element("li", item) for item in items])


def table(headers: Sequence[Content], rows: Iterable[Sequence[Content]]) -> Element:
    """A table with one header row; Confluence keeps header cells in the first `<tr>`."""
    head = element("tr", [element("th", cell) for cell in headers])
    body = [element("tr", [element("td", cell) for cell in row]) for row in rows]
    return element("table", element("tbody", head, body))


def key_value_table(rows: Iterable[tuple[str, Content]]) -> Element:
    """A two-column table whose first column is a header (a page's summary block)."""
    trs = [element("tr", element("th", name), element("td", value)) for name, value in rows]
    return element("table", element("tbody", trs))


# --- links and images ----------------------------------------------------------------------


def is_safe_url(url: str) -> bool:
    """An absolute http(s) or mailto URL; anything else (javascript:, data:, relative) is not."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() not in SAFE_URL_SCHEMES:
        return False
    return bool(parts.netloc) or parts.scheme.lower() == "mailto"


def link(url: str | None, *content: Content) -> Content:
    """An external link; an unsafe or missing URL leaves just the text (never a dead link)."""
    label: list[Content] = list(content) or [url or ""]
    if url is None or not is_safe_url(url):
        return label
    return element("a", *label, attrs={"href": url.strip()})


def page_link(title: str, text: str | None = None, *, space_key: str | None = None) -> Element:
    """A link to another Confluence page by title (and space, when it is in another space)."""
    target = {"ri:content-title": title} | ({"ri:space-key": space_key} if space_key else {})
    return element(
        "ac:link",
        element("ri:page", attrs=target),
        element("ac:plain-text-link-body", CData(text or title)),
    )


def attachment_link(filename: str, text: str | None = None) -> Element:
    """A link to a file attached to the page itself."""
    return element(
        "ac:link",
        element("ri:attachment", attrs={"ri:filename": filename}),
        element("ac:plain-text-link-body", CData(text or filename)),
    )


def image(filename: str, *, alt: str | None = None, width: int | None = None) -> Element:
    """An image attached to the page itself, shown inline."""
    attrs = ({"ac:alt": alt} if alt else {}) | ({"ac:width": str(width)} if width else {})
    attachment = element("ri:attachment", attrs={"ri:filename": filename})
    return element("ac:image", attachment, attrs=attrs)


# --- macros --------------------------------------------------------------------------------


def macro(name: str, params: dict[str, str] | None = None, body: Content = None) -> Element:
    """An `ac:structured-macro` with text parameters and an optional rich-text body."""
    parts: list[Content] = [
        element("ac:parameter", value, attrs={"ac:name": key})
        for key, value in (params or {}).items()
    ]
    if body is not None:
        parts.append(element("ac:rich-text-body", body))
    return Element(
        "ac:structured-macro",
        (("ac:name", name),),
        tuple(_flatten(parts)),
        block=body is not None,
    )


def status(title: str, colour: Colour = "Grey", *, subtle: bool = False) -> Element:
    """A status lozenge (Confluence shows the title in capitals)."""
    params = {"colour": colour, "title": title} | ({"subtle": "true"} if subtle else {})
    return macro("status", params)


def panel(kind: PanelKind, *body: Content, title: str | None = None) -> Element:
    """An info / note / warning / tip panel around block content."""
    return macro(kind, {"title": title} if title else None, list(body))


def toc(*, max_level: int = 3) -> Element:
    return _block(macro("toc", {"maxLevel": str(max_level)}))


def jira_issues(
    jql: str,
    *,
    columns: Sequence[str] = ("key", "summary", "type", "status", "assignee", "due"),
    maximum_issues: int = 50,
    server: str | None = None,
    server_id: str | None = None,
) -> Element:
    """The Jira issues macro: a live table of the issues `jql` finds, on a site linked to Jira."""
    params = {"jqlQuery": jql, "columns": ",".join(columns), "maximumIssues": str(maximum_issues)}
    if server:
        params["server"] = server
    if server_id:
        params["serverId"] = server_id
    return _block(macro("jira", params))


def _block(node: Element) -> Element:
    return Element(node.tag, node.attrs, node.children, block=True)


def task_list(tasks: Iterable[tuple[Content, bool]]) -> Element:
    """A checklist readers can tick in view mode; each task is (body, done)."""
    return element(
        "ac:task-list",
        [
            element(
                "ac:task",
                element("ac:task-status", "complete" if done else "incomplete"),
                element("ac:task-body", body),
            )
            for body, done in tasks
        ],
    )


# --- checking ------------------------------------------------------------------------------


class MalformedStorage(ValueError):
    """A body that is not well-formed XML once its `ac`/`ri` prefixes are declared."""


def parse_storage(body: str) -> ET.Element:
    """Parse `body` inside a root declaring the `ac` and `ri` namespaces (as Confluence does)."""
    wrapped = f'<root xmlns:ac="{AC_NAMESPACE}" xmlns:ri="{RI_NAMESPACE}">{body}</root>'
    try:
        return ET.fromstring(wrapped)
    except ET.ParseError as exc:
        line, column = exc.position
        source = wrapped.splitlines()[line - 1] if line else ""
        raise MalformedStorage(
            f"storage body is not well-formed XML at line {line}, column {column}: {exc}\n"
            f"  {source[max(0, column - 60) : column + 20]}"
        ) from None


def is_well_formed(body: str) -> None:
    """Raise MalformedStorage unless `body` is well-formed storage format."""
    parse_storage(body)


# --- people and dates ----------------------------------------------------------------------

NON_BREAKING_HYPHEN = "\u2011"
UserIdKind = Literal["account-id", "userkey"]


@dataclass(frozen=True)
class UserId:
    """A Confluence user as storage format names one: Cloud by Atlassian account ID (the same
    account as in Jira Cloud), Data Center by user key (Confluence's own, looked up by name)."""

    kind: UserIdKind
    value: str

    @classmethod
    def cloud(cls, account_id: str) -> UserId:
        return cls("account-id", account_id)

    @classmethod
    def data_center(cls, user_key: str) -> UserId:
        return cls("userkey", user_key)


def user_mention(user: UserId) -> Element:
    """A user mention: Confluence shows the person's current name and links their profile."""
    return element("ac:link", element("ri:user", attrs={f"ri:{user.kind}": user.value}))


def unbroken(text: str) -> str:
    """`text` with non-breaking hyphens, so that a date never wraps inside a table cell.

    A style cannot do it: Confluence's editor keeps no `white-space` style on a cell or a span
    (Cloud's drops it at the first edit), while a character is kept by every editor and API."""
    return text.replace("-", NON_BREAKING_HYPHEN)


def date_text(value: date) -> str:
    """An ISO date that stays on one line ('2027‑01‑07', with U+2011 hyphens)."""
    return unbroken(value.isoformat())
