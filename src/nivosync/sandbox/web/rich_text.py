"""Issue descriptions as safe HTML for the browsing view: ADF (Cloud) and wiki markup (DC).

ADF's blocks become their HTML (paragraphs, headings, lists, quotes, code, rules, tables) and
its marks the inline elements (strong, em, code, strike, underline, links); wiki markup's
headings (``h3.``), bullet and numbered lists (``*``, ``#``, nested, and ``-``), rules and
``{code}`` / ``{noformat}`` blocks become theirs, its ``*bold*``, ``_italic_``,
``{{monospace}}`` and ``[text|url]`` links too, and every backslash escape its character.
Everything else is text. Every value is escaped on the way out; a link keeps only an http(s)
or mailto target. Headings start at h3: the page has its title and a "Description" heading.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

MAX_DEPTH = 40  # ADF nesting followed (a deeper document is shown as its text)
_SAFE_HREF = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_ADF_TAGS = {
    "paragraph": "p",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "blockquote": "blockquote",
    "table": "table",
    "tableRow": "tr",
    "tableHeader": "th",
    "tableCell": "td",
}
_MARKS = {"strong": "strong", "em": "em", "code": "code", "strike": "s", "underline": "u"}


def description_html(stored: str | None) -> str:
    """A description as stored (JSON: an ADF document, or a string of wiki markup or plain
    text) as safe HTML; empty for none."""
    if not stored:
        return ""
    try:
        value: Any = json.loads(stored)
    except ValueError:
        value = stored
    if isinstance(value, dict) and value.get("type") == "doc":
        return adf_html(value)
    if isinstance(value, str):
        return wiki_html(value)
    return f"<pre>{escape(stored)}</pre>"


def adf_html(node: Any, depth: int = 0) -> str:
    if not isinstance(node, dict):
        return ""
    kind, attrs = node.get("type"), _field(node, "attrs", dict)
    if kind == "text":
        return _marked(escape(str(node.get("text", ""))), node.get("marks"))
    if kind in ("hardBreak", "rule"):
        return "<br>" if kind == "hardBreak" else "<hr>"
    if kind in ("mention", "emoji", "status", "date"):
        return escape(str(attrs.get("text") or attrs.get("shortName") or ""))
    if kind == "inlineCard":
        return _link(str(attrs.get("url", "")), escape(str(attrs.get("url", ""))))
    content = _field(node, "content", list)
    if depth >= MAX_DEPTH:
        return escape(_text(node))
    inner = "".join(adf_html(child, depth + 1) for child in content)
    if kind == "heading":
        level = _heading_level(attrs.get("level"))
        return f"<h{level}>{inner}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{escape(_text(node))}</code></pre>"
    tag = _ADF_TAGS.get(str(kind))
    return f"<{tag}>{inner}</{tag}>" if tag else inner


def _marked(text: str, marks: Any) -> str:
    for mark in marks if isinstance(marks, list) else []:
        kind = mark.get("type") if isinstance(mark, dict) else None
        if kind == "link":
            attrs = _field(mark, "attrs", dict)
            text = _link(str(attrs.get("href", "")), text)
        elif kind in _MARKS:
            text = f"<{_MARKS[kind]}>{text}</{_MARKS[kind]}>"
    return text


def _text(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    return "".join(_text(child) for child in _field(node, "content", list))


def _field(node: dict[str, Any], name: str, kind: type[Any]) -> Any:
    """`node[name]` if it is a `kind` (dict or list), else an empty one."""
    value = node.get(name)
    return value if isinstance(value, kind) else kind()


def _heading_level(value: Any) -> int:
    level = value if isinstance(value, int) and not isinstance(value, bool) else 3
    return min(6, max(3, level + 2))


def _link(href: str, inner: str) -> str:
    """`inner` (safe HTML) linked to `href` when it is a web or mail address, else as is."""
    if not _SAFE_HREF.match(href.strip()):
        return inner
    return f'<a href="{escape(href.strip())}" rel="noopener noreferrer">{inner}</a>'


# --- wiki markup ------------------------------------------------------------------------------

_HEADING = re.compile(r"^h([1-6])\.\s+(.*)$")
_ITEM = re.compile(r"^([*#]+|-)\s+(.*)$")
_BLOCK = re.compile(r"^\{(code|noformat)(?::[^}]*)?\}(.*)$")
_INLINE = re.compile(
    r"\\(?P<escaped>.)"
    r"|\{\{(?P<mono>.+?)\}\}"
    r"|\[(?P<label>[^\]|]+)\|(?P<href>[^\]]+)\]"
    r"|(?<![\w*])\*(?P<bold>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"
    r"|(?<![\w_])_(?P<italic>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"
)


class _Wiki:
    """Builds the HTML of wiki markup line by line: the open paragraph, the open lists."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.paragraph: list[str] = []
        self.lists: list[str] = []  # the open list tags, outermost first
        self.block: tuple[str, list[str]] | None = None  # an open {code}/{noformat}

    def line(self, line: str) -> None:
        if self.block is not None:
            self._in_block(line)
            return
        stripped = line.strip()
        heading, item, block = (p.match(stripped) for p in (_HEADING, _ITEM, _BLOCK))
        if block or heading or not stripped or stripped == "----":
            self.end()
        if block:
            self.block = (block.group(1), [])
            if block.group(2):
                self._in_block(block.group(2))
        elif heading:
            level = min(6, int(heading.group(1)) + 2)
            self.out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif stripped == "----":
            self.out.append("<hr>")
        elif item:
            self._item(item.group(1), item.group(2))
        elif stripped:
            self._close_lists()
            self.paragraph.append(_inline(stripped))

    def _in_block(self, line: str) -> None:
        assert self.block is not None
        name, lines = self.block
        if line.strip().startswith("{" + name):
            self.block = None
            self.out.append(f"<pre>{escape(chr(10).join(lines))}</pre>")
        else:
            lines.append(line)

    def _item(self, markers: str, text: str) -> None:
        self._close_paragraph()
        depth, tag = len(markers), "ol" if markers.endswith("#") else "ul"
        while len(self.lists) > depth or (len(self.lists) == depth and self.lists[-1] != tag):
            self.out.append(f"</li></{self.lists.pop()}>")
        if len(self.lists) == depth:
            self.out.append("</li><li>")
        while len(self.lists) < depth:
            self.out.append(f"<{tag}><li>")
            self.lists.append(tag)
        self.out.append(_inline(text))

    def _close_paragraph(self) -> None:
        if self.paragraph:
            self.out.append(f"<p>{'<br>'.join(self.paragraph)}</p>")
            self.paragraph = []

    def _close_lists(self) -> None:
        while self.lists:
            self.out.append(f"</li></{self.lists.pop()}>")

    def end(self) -> None:
        self._close_paragraph()
        self._close_lists()
        if self.block is not None:
            self.out.append(f"<pre>{escape(chr(10).join(self.block[1]))}</pre>")
            self.block = None


def wiki_html(text: str) -> str:
    builder = _Wiki()
    for line in text.replace("\r\n", "\n").split("\n"):
        builder.line(line)
    builder.end()
    return "".join(builder.out)


def _inline(text: str) -> str:
    parts, position = [], 0
    for match in _INLINE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        parts.append(_inline_part(match))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _inline_part(match: re.Match[str]) -> str:
    if match.group("escaped") is not None:
        return escape(match.group("escaped"))
    if match.group("mono") is not None:
        return f"<code>{escape(_unescaped(match.group('mono')))}</code>"
    if match.group("href") is not None:
        label = escape(_unescaped(match.group("label")))
        return _link(match.group("href"), label)
    if match.group("bold") is not None:
        return f"<strong>{escape(_unescaped(match.group('bold')))}</strong>"
    return f"<em>{escape(_unescaped(match.group('italic')))}</em>"


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)
