"""What Confluence does to a storage body when it saves one, so the sandbox is no kinder.

Confluence parses the body as XML and stores its own serialisation, not the text it was sent:

- every ``ac:structured-macro`` gets ``ac:schema-version="1"`` and an ``ac:macro-id`` (a UUID,
  generated on save unless given; a repeated id is replaced). Here the id is derived from the
  page id and the macro's position, so a test sees the same id on every run;
- empty void and ``ac:``/``ri:`` elements are written self-closed with a space (``<br />``,
  ``<ri:page ... />``); ``<b>``/``<i>`` become ``<strong>``/``<em>``;
- attributes come out in one order (a macro's name, schema version and id first, then by name);
- HTML named entities (``&nbsp;``) and character references come back as the characters
  themselves; only ``&amp; &lt; &gt; &quot;`` (and control characters) stay escaped;
- whitespace between block elements (and inside tables, lists, macros) is dropped.

A body that is not well-formed is refused as Confluence does: HTTP 400 "Error parsing xhtml".
Rewriting is idempotent: rewriting a rewritten body gives it back unchanged.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from html.entities import name2codepoint
from xml.parsers import expat

from nivosync.sandbox.confluence.errors import Problem

MACRO = "ac:structured-macro"
_MACRO_FIRST = ("ac:name", "ac:schema-version", "ac:macro-id")
_MACRO_IDS = uuid.UUID("6d1f3c52-8f0e-4a57-9c1b-2f4e7a9d0b31")  # namespace of derived ids
_RENAMED = {"b": "strong", "i": "em"}
_VOID = {"br", "hr", "img", "col", "area", "base", "input", "wbr", "meta", "link", "param"}
# Elements that hold no text of their own: whitespace directly inside them never matters.
_CONTAINERS = {
    "", "table", "thead", "tbody", "tfoot", "tr", "colgroup", "ul", "ol", "dl", MACRO,
    "ac:layout", "ac:layout-section", "ac:task-list", "ac:task", "ac:link", "ac:image",
}  # fmt: skip
# Block elements: whitespace next to one of them does not matter either.
_BLOCKS = _CONTAINERS - {"", MACRO, "ac:link", "ac:image"} | {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "dt", "dd", "blockquote",
    "pre", "hr", "caption", "section", "ac:layout-cell", "ac:rich-text-body", "ac:task-body",
}  # fmt: skip
_VERBATIM = {"pre", "ac:plain-text-body", "ac:plain-text-link-body"}
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
# Entity references outside CDATA sections, comments and processing instructions.
_ENTITY_OR_SKIPPED = re.compile(
    r"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<\?.*?\?>|&([A-Za-z][A-Za-z0-9]*);", re.DOTALL
)
_ROOT = "nivosync-sandbox-root"


@dataclass
class Element:
    name: str
    attrs: list[tuple[str, str]]
    children: list[Node] = field(default_factory=list)


@dataclass
class Text:
    value: str


@dataclass
class CData:
    value: str


@dataclass
class Markup:
    """A comment or processing instruction, kept as written."""

    source: str


Node = Element | Text | CData | Markup


def rewrite_storage(body: str, page_id: int) -> str:
    """The body as Confluence stores it (see the module docstring); 400 if it is malformed."""
    if not body.strip():
        return ""
    root = parse(body)
    try:
        _rewrite(root, _MacroIds(page_id))
        return "".join(_serialise(child) for child in root.children)
    except RecursionError:
        raise Problem(400, "Error parsing xhtml: the body is nested too deeply") from None


# --- parsing ---------------------------------------------------------------------------------


def parse(body: str) -> Element:
    """The body's nodes under an unnamed root element (a Problem 400 if not well-formed)."""
    builder = _Builder()
    parser = expat.ParserCreate()
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.StartCdataSectionHandler = builder.start_cdata
    parser.EndCdataSectionHandler = builder.end_cdata
    parser.CommentHandler = lambda data: builder.add(Markup(f"<!--{data}-->"))
    parser.ProcessingInstructionHandler = lambda target, data: builder.add(
        Markup(f"<?{target} {data}?>" if data else f"<?{target}?>")
    )
    prefix = f"<{_ROOT}>"
    source = (prefix + _numeric_entities(body) + f"</{_ROOT}>").encode()
    try:
        parser.Parse(source, True)
    except expat.ExpatError as exc:
        raise _parse_error(exc, source, builder, len(prefix)) from None
    return builder.root


def _numeric_entities(body: str) -> str:
    """HTML named entities, which XML does not declare, as character references."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None or name in _XML_ENTITIES or name not in name2codepoint:
            return match.group(0)  # skipped markup, an XML entity, or one nobody declares
        return f"&#{name2codepoint[name]};"

    return _ENTITY_OR_SKIPPED.sub(replace, body)


class _Builder:
    def __init__(self) -> None:
        self.root = Element("", [])
        self.stack = [self.root]
        self.cdata: CData | None = None
        self.opened = False  # the wrapping root's own start tag was seen

    def add(self, node: Node) -> None:
        self.stack[-1].children.append(node)

    def start(self, name: str, attrs: list[str]) -> None:
        if not self.opened:
            self.opened = True
            return
        element = Element(name, list(zip(attrs[::2], attrs[1::2], strict=True)))
        self.add(element)
        self.stack.append(element)

    def end(self, name: str) -> None:
        if len(self.stack) > 1:
            self.stack.pop()

    def text(self, data: str) -> None:
        if self.cdata is not None:
            self.cdata.value += data
            return
        children = self.stack[-1].children
        if children and isinstance(children[-1], Text):
            children[-1].value += data
        else:
            children.append(Text(data))

    def start_cdata(self) -> None:
        self.cdata = CData("")
        self.add(self.cdata)

    def end_cdata(self) -> None:
        self.cdata = None


def _parse_error(exc: expat.ExpatError, source: bytes, builder: _Builder, shift: int) -> Problem:
    """Confluence's wording, e.g. ``Unexpected close tag </p>; expected </br>.`` (Confluence
    wraps the body in ``<xml>`` too, and its messages say so)."""
    line, column = exc.lineno, exc.offset + 1 - (shift if exc.lineno == 1 else 0)
    reason = expat.ErrorString(exc.code) or "not well-formed"
    reason = reason[:1].upper() + reason[1:]
    if exc.code == expat.errors.codes[expat.errors.XML_ERROR_TAG_MISMATCH]:
        at = source[_byte_index(source, exc.lineno, exc.offset) :]
        found = re.match(rb"(?:</)?([^\s>]+)", at)  # expat points at the name
        column -= 2  # ... say where its "</" starts
        name = found.group(1).decode(errors="replace") if found else "?"
        name = "xml" if name == _ROOT else name
        expected = builder.stack[-1].name if len(builder.stack) > 1 else "xml"
        reason = f"Unexpected close tag </{name}>; expected </{expected}>."
    where = f"at [row,col {{unknown-source}}]: [{line},{max(column, 1)}]"
    return Problem(400, f"Error parsing xhtml: {reason}\n {where}")


def _byte_index(source: bytes, line: int, column: int) -> int:
    """Expat's (line, byte column) as an index into `source`."""
    start = 0
    for _ in range(line - 1):
        start = source.index(b"\n", start) + 1
    return start + column


# --- rewriting -------------------------------------------------------------------------------


class _MacroIds:
    """Macro ids: kept when given and unique; otherwise derived from page id and position."""

    def __init__(self, page_id: int) -> None:
        self.page_id = page_id
        self.position = 0
        self.seen: set[str] = set()

    def assign(self, given: str | None) -> str:
        self.position += 1
        chosen = given
        attempt = 0
        while not chosen or chosen in self.seen:
            key = f"{self.page_id}/{self.position}/{attempt}"
            chosen = str(uuid.uuid5(_MACRO_IDS, key))
            attempt += 1
        self.seen.add(chosen)
        return chosen


def _rewrite(element: Element, ids: _MacroIds) -> None:
    """Rename, complete macros, order attributes and drop insignificant whitespace, in place
    and in document order (so derived macro ids follow the macros' positions)."""
    element.name = _RENAMED.get(element.name, element.name)
    attrs = dict(element.attrs)
    if element.name == MACRO:
        attrs.setdefault("ac:schema-version", "1")
        attrs["ac:macro-id"] = ids.assign(attrs.get("ac:macro-id"))
    element.attrs = sorted(attrs.items(), key=lambda item: _attribute_rank(element.name, item[0]))
    if element.name not in _VERBATIM:
        element.children = _without_loose_whitespace(element)
    for child in element.children:
        if isinstance(child, Element):
            _rewrite(child, ids)


def _attribute_rank(element: str, attribute: str) -> tuple[int, str]:
    if element == MACRO and attribute in _MACRO_FIRST:
        return _MACRO_FIRST.index(attribute), ""
    return len(_MACRO_FIRST), attribute


def _without_loose_whitespace(parent: Element) -> list[Node]:
    """The children minus whitespace-only text that cannot show: directly inside a container,
    or next to a block element."""
    kept: list[Node] = []
    children = parent.children
    for index, child in enumerate(children):
        if isinstance(child, Text) and not child.value.strip():
            before = children[index - 1] if index else None
            after = children[index + 1] if index + 1 < len(children) else None
            if parent.name in _CONTAINERS or _is_block(before) or _is_block(after):
                continue
        kept.append(child)
    return kept


def _is_block(node: Node | None) -> bool:
    return isinstance(node, Element) and _RENAMED.get(node.name, node.name) in _BLOCKS


# --- writing ---------------------------------------------------------------------------------


def _serialise(node: Node) -> str:
    if isinstance(node, Text):
        return _escape_text(node.value)
    if isinstance(node, CData):
        return f"<![CDATA[{node.value}]]>"
    if isinstance(node, Markup):
        return node.source
    attrs = "".join(f' {name}="{_escape_attribute(value)}"' for name, value in node.attrs)
    if not node.children and (node.name in _VOID or ":" in node.name):
        return f"<{node.name}{attrs} />"
    inner = "".join(_serialise(child) for child in node.children)
    return f"<{node.name}{attrs}>{inner}</{node.name}>"


def _escape_text(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace("\r", "&#13;")


def _escape_attribute(value: str) -> str:
    value = _escape_text(value).replace('"', "&quot;")
    return value.replace("\n", "&#10;").replace("\t", "&#9;")
