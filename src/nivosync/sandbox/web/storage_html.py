"""Confluence storage format → safe, readable HTML for the sandbox's browsing view.

The body is parsed as XML (wrapped in a root that declares ``ac``/``ri``; a DOCTYPE or entity
declaration is refused, so nothing expands) and re-emitted from an allowlist: known HTML
elements with a few attributes, known macros drawn as HTML, and everything else shown as a
labelled box with its text — never as markup, never silently dropped. Every text and attribute
value is escaped on the way out; links keep only http(s), mailto, relative and anchor targets.

nivosync's people's regions (a table cell or a macro body whose first child is the anchor
``nivosync-region-<id>``) are framed, with a legend at the top of the page, so that what people
own and what nivosync rewrites can be told apart at a glance (a sandbox aid: Confluence shows
the dashed panel, and nothing on a cell). Only a panel without a title of its own is labelled:
a label in every cell of a results table wraps in narrow columns and buries what is written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.entities import name2codepoint
from typing import Any
from urllib.parse import quote

AC = "http://atlassian.com/content"
RI = "http://atlassian.com/resource/identifier"

_BLOCK_OR_INLINE = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s",
    "del", "ins", "sub", "sup", "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "colgroup", "col", "span", "div", "a", "small", "time",
    "caption", "dl", "dt", "dd", "mark", "kbd", "abbr", "cite", "q",
}  # fmt: skip
_VOID = {"br", "hr", "col"}
_ATTRIBUTES = {"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}, "a": {"href"}}
_SAFE_HREF = re.compile(r"^(https?://|mailto:|/(?!/)|#)", re.IGNORECASE)
_LOZENGE_COLOURS = {"grey", "red", "yellow", "green", "blue", "purple"}
_PANELS = {"info", "note", "warning", "tip", "panel", "success", "error"}
_EMOTICONS = {
    "tick": "✔", "cross": "✘", "warning": "⚠", "information": "ℹ", "smile": "🙂",
    "sad": "🙁", "thumbs-up": "👍", "thumbs-down": "👎", "star_yellow": "★", "question": "?",
    "plus": "+", "minus": "−", "light-on": "💡", "light-off": "💡",
}  # fmt: skip
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
REGION_PREFIX = "nivosync-region-"
_LEGEND = (
    '<div class="region-legend"><span class="region-label">for people to fill in</span> '
    "Framed like this: written by people, kept by nivosync. Everything else on this page is "
    "nivosync's and is rewritten when it publishes.</div>"
)


@dataclass
class Context:
    """What the renderer may look up: attachment URLs, page links, user names, Jira issues."""

    attachment_url: Callable[[str], str | None] = lambda filename: None
    page_url: Callable[[str], str | None] = lambda title: None
    user_name: Callable[[str], str | None] = lambda key: None
    # key → (summary, status, lozenge colour)
    issue: Callable[[str], tuple[str, str, str] | None] = lambda key: None
    # (anchor id, level, text) of the headings, for the toc macro
    headings: list[tuple[str, int, str]] = field(default_factory=list)


def _numeric_entities(body: str) -> str:
    """Storage uses HTML named entities (``&nbsp;``) that XML does not know: make them numeric."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in name2codepoint:
            return match.group(0)
        return f"&#{name2codepoint[name]};"

    return _ENTITY.sub(replace, body)


def parse_storage(body: str) -> ET.Element | None:
    """The body as an element tree under a ``<root>``, or None when it is not well-formed."""
    if re.search(r"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):
        return None
    wrapped = f'<root xmlns:ac="{AC}" xmlns:ri="{RI}">{_numeric_entities(body)}</root>'
    try:
        return ET.fromstring(wrapped)
    except ET.ParseError:
        return None


def render_storage(body: str, ctx: Context) -> str:
    """Safe HTML for a storage body (unparseable bodies are shown as escaped source)."""
    root = parse_storage(body)
    if root is None:
        return (
            '<div class="box unknown"><div class="label">storage body is not well-formed XML;'
            " shown as source</div><pre>" + escape(body) + "</pre></div>"
        )
    _collect_headings(root, ctx)
    html = _Renderer(ctx).children(root)
    return (_LEGEND + html) if any(_region(e) for e in root.iter()) else html


def _region(container: ET.Element) -> str | None:
    """The region id of a cell or macro body whose first child is a region's anchor (alone in
    a first `<p>` too), else None."""
    if not isinstance(container.tag, str) or _local(container.tag)[1] not in (
        "td",
        "th",
        "rich-text-body",
    ):
        return None
    first = next(iter(container), None)
    if first is not None and _local(first.tag) == ("", "p") and len(first) == 1:
        first = first[0]
    if first is None or _local(first.tag) != ("ac", "structured-macro"):
        return None
    if (_attr(first, "ac", "name") or "") != "anchor":
        return None
    name = next((_text(p) for p in first.findall(f"{{{AC}}}parameter")), "")
    return name[len(REGION_PREFIX) :] if name.startswith(REGION_PREFIX) else None


def _collect_headings(root: ET.Element, ctx: Context) -> None:
    ctx.headings.clear()
    for element in root.iter():
        if isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag):
            ident = f"section-{len(ctx.headings) + 1}"
            element.set("data-sandbox-id", ident)
            ctx.headings.append((ident, int(element.tag[1]), _text(element)))


def _text(element: ET.Element) -> str:
    return "".join(element.itertext()).strip()


def _local(tag: str) -> tuple[str, str]:
    """(namespace prefix, local name): ``("ac", "structured-macro")``, ``("", "p")``."""
    if tag.startswith("{"):
        uri, _, name = tag[1:].partition("}")
        return {AC: "ac", RI: "ri"}.get(uri, "?"), name
    return "", tag


def _attr(element: ET.Element, ns: str, name: str) -> str | None:
    return element.get(f"{{{AC if ns == 'ac' else RI}}}{name}")


class _Renderer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def children(self, element: ET.Element) -> str:
        parts = [escape(element.text or "")]
        for child in element:
            parts.append(self.element(child))
            parts.append(escape(child.tail or ""))
        return "".join(parts)

    def element(self, element: ET.Element[Any]) -> str:
        # Element[Any]: a child's tag may be the Comment or ProcessingInstruction factory.
        if not isinstance(element.tag, str):  # comments, processing instructions
            return ""
        ns, name = _local(element.tag)
        if ns == "" and name in _BLOCK_OR_INLINE:
            return self.html(element, name)
        if ns == "ac":
            handler = getattr(self, "ac_" + name.replace("-", "_"), None)
            if handler is not None:
                return str(handler(element))
        if ns:
            return self.unknown(f"{ns}:{name}", element)
        attributes = "".join(f' {_local(k)[1]}="{v}"' for k, v in element.attrib.items())
        return self.unknown(f"<{name}{attributes}> (not rendered)", element)

    def html(self, element: ET.Element, name: str) -> str:
        attrs = ""
        for key in sorted(_ATTRIBUTES.get(name, ())):
            value = element.get(key)
            if value is None:
                continue
            if key == "href":
                value = value.strip()
                if not _SAFE_HREF.match(value):
                    continue
                attrs += ' rel="noopener noreferrer nofollow"'
            elif not value.isdigit():
                continue
            attrs += f' {key}="{escape(value)}"'
        ident = element.get("data-sandbox-id")
        if ident:
            attrs += f' id="{ident}"'
        if name in _VOID:
            return f"<{name}{attrs}>"
        if _region(element) is not None:
            attrs += ' class="region"'
        return f"<{name}{attrs}>{self.children(element)}</{name}>"

    def unknown(self, label: str, element: ET.Element, params: str = "") -> str:
        inner = self.children(element) if len(element) else escape(_text(element))
        return (
            f'<div class="box unknown"><div class="label">{escape(label)}</div>'
            f"{params}<div>{inner}</div></div>"
        )

    # --- ac: elements --------------------------------------------------------------------

    def ac_structured_macro(self, element: ET.Element) -> str:
        name = (_attr(element, "ac", "name") or "").lower()
        params = {
            (_attr(p, "ac", "name") or ""): _text(p) for p in element.findall(f"{{{AC}}}parameter")
        }
        render = getattr(self, "macro_" + name.replace("-", "_"), None)
        if name in _PANELS:
            return self.panel(name, element, params)
        if render is not None:
            return str(render(element, params))
        return self.unknown_macro(name, element, params)

    def ac_macro(self, element: ET.Element) -> str:
        return self.ac_structured_macro(element)

    def unknown_macro(self, name: str, element: ET.Element, params: dict[str, str]) -> str:
        rows = "".join(
            f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in params.items()
        )
        table = f'<table class="params">{rows}</table>' if rows else ""
        body = element.find(f"{{{AC}}}rich-text-body")
        plain = element.find(f"{{{AC}}}plain-text-body")
        inner = self.children(body) if body is not None else ""
        if plain is not None:
            inner += f"<pre>{escape(plain.text or '')}</pre>"
        return (
            f'<div class="box unknown"><div class="label">macro: {escape(name or "?")}</div>'
            f"{table}<div>{inner}</div></div>"
        )

    def macro_status(self, element: ET.Element, params: dict[str, str]) -> str:
        colour = params.get("colour", params.get("color", "Grey")).lower()
        colour = colour if colour in _LOZENGE_COLOURS else "grey"
        subtle = " subtle" if params.get("subtle", "").lower() == "true" else ""
        title = params.get("title", "") or colour.upper()
        return f'<span class="lozenge {colour}{subtle}">{escape(title)}</span>'

    def panel(self, kind: str, element: ET.Element, params: dict[str, str]) -> str:
        body = element.find(f"{{{AC}}}rich-text-body")
        title = params.get("title", "")
        heading = f'<div class="panel-title">{escape(title)}</div>' if title else ""
        inner = self.children(body) if body is not None else ""
        if body is not None and _region(body) is not None:
            label = heading or '<div class="region-label">for people to fill in</div>'
            return f'<div class="panel {kind} region">{label}{inner}</div>'
        return f'<div class="panel {kind}">{heading}{inner}</div>'

    def macro_toc(self, element: ET.Element, params: dict[str, str]) -> str:
        items = "".join(
            f'<li class="toc-{level}"><a href="#{ident}">{escape(text)}</a></li>'
            for ident, level, text in self.ctx.headings
        )
        return f'<nav class="toc"><div class="label">Contents</div><ul>{items}</ul></nav>'

    def macro_jira(self, element: ET.Element, params: dict[str, str]) -> str:
        key = params.get("key", "").strip()
        if key:
            found = self.ctx.issue(key)
            link = f'<a href="/browse/{quote(key)}">{escape(key)}</a>'
            if found is None:
                return f'<span class="jira-issue">{link} <em>(not in this sandbox)</em></span>'
            summary, status, colour = found
            lozenge = f'<span class="lozenge {colour}">{escape(status)}</span>'
            return f'<span class="jira-issue">{link} {escape(summary)} {lozenge}</span>'
        jql = params.get("jqlQuery", "")
        return (
            '<div class="box jira"><div class="label">Jira issues (live on a real site)</div>'
            f"<code>{escape(jql)}</code></div>"
        )

    def macro_code(self, element: ET.Element, params: dict[str, str]) -> str:
        plain = element.find(f"{{{AC}}}plain-text-body")
        return f"<pre><code>{escape(plain.text or '' if plain is not None else '')}</code></pre>"

    def macro_expand(self, element: ET.Element, params: dict[str, str]) -> str:
        body = element.find(f"{{{AC}}}rich-text-body")
        inner = self.children(body) if body is not None else ""
        title = params.get("title", "Click here to expand...")
        return f"<details><summary>{escape(title)}</summary>{inner}</details>"

    def macro_anchor(self, element: ET.Element, params: dict[str, str]) -> str:
        return ""  # an invisible link target on the real site too

    def ac_parameter(self, element: ET.Element) -> str:
        return ""  # read by the macro that owns it

    def ac_rich_text_body(self, element: ET.Element) -> str:
        return self.children(element)

    def ac_plain_text_body(self, element: ET.Element) -> str:
        return f"<pre>{escape(element.text or '')}</pre>"

    def ac_image(self, element: ET.Element) -> str:
        attachment = element.find(f"{{{RI}}}attachment")
        url = element.find(f"{{{RI}}}url")
        alt = _attr(element, "ac", "alt") or ""
        if attachment is not None:
            filename = _attr(attachment, "ri", "filename") or ""
            src = self.ctx.attachment_url(filename)
            if src is None:
                return self.note(f"missing attachment image: {filename}")
            return f'<img src="{escape(src)}" alt="{escape(alt or filename)}">'
        if url is not None:
            # Never fetched (the CSP forbids it too): shown as text.
            return self.note(f"external image (not loaded): {_attr(url, 'ri', 'value') or ''}")
        return self.note("image without a source")

    def ac_link(self, element: ET.Element) -> str:
        body = element.find(f"{{{AC}}}link-body")
        plain = element.find(f"{{{AC}}}plain-text-link-body")
        page = element.find(f"{{{RI}}}page")
        attachment = element.find(f"{{{RI}}}attachment")
        user = element.find(f"{{{RI}}}user")
        href, default = None, ""
        if page is not None:
            default = _attr(page, "ri", "content-title") or ""
            href = self.ctx.page_url(default)
        elif attachment is not None:
            default = _attr(attachment, "ri", "filename") or ""
            href = self.ctx.attachment_url(default)
        elif user is not None:
            key = _attr(user, "ri", "account-id") or _attr(user, "ri", "userkey") or ""
            name = self.ctx.user_name(key) or key
            return f'<span class="mention">@{escape(name)}</span>'
        if body is not None:
            text = self.children(body)
        else:
            text = escape(plain.text or "" if plain is not None else default)
        if href is None:
            return f'<span class="broken-link">{text or escape(default)}</span>'
        return f'<a href="{escape(href)}">{text or escape(default)}</a>'

    def ac_emoticon(self, element: ET.Element) -> str:
        name = _attr(element, "ac", "name") or ""
        return escape(_EMOTICONS.get(name, f":{name}:"))

    def ac_task_list(self, element: ET.Element) -> str:
        return f'<ul class="tasks">{self.children(element)}</ul>'

    def ac_task(self, element: ET.Element) -> str:
        status = element.find(f"{{{AC}}}task-status")
        body = element.find(f"{{{AC}}}task-body")
        done = status is not None and (status.text or "").strip() == "complete"
        inner = self.children(body) if body is not None else ""
        return f"<li>{'☑' if done else '☐'} {inner}</li>"

    def ac_placeholder(self, element: ET.Element) -> str:
        return f'<span class="placeholder">{escape(_text(element))}</span>'

    def note(self, text: str) -> str:
        return f'<span class="box note">{escape(text)}</span>'
