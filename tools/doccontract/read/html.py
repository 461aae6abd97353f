"""The developers.binance.com (Docusaurus) reader (beautifulsoup4): the article to a Document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Union, cast

if TYPE_CHECKING:
    from bs4.element import PageElement, Tag

from .model import BulletList, CodeBlock, Document, Page, Paragraph, Section, Table, TemplateError, clean, clean_code

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


_LISTS = frozenset({"ul", "ol"})


#: what the readers below walk: bs4's nodes (tags, strings, comments), and the paragraphs
#: :func:`_inline_runs` makes of bare text; told apart by ``name`` (None for all but tags)
_Node = Union["PageElement", "_Line"]


def _children(node: _Node) -> list[PageElement]:
    return list(node.contents) if hasattr(node, "contents") else []


def _is_text(node: object) -> bool:
    from bs4.element import CData, NavigableString

    return type(node) in (NavigableString, CData)


def _html_text(node: Tag) -> str:
    """A node's text, ``<br>`` as a space and Docusaurus's '#' links left out; no recursion, so depth costs nothing."""
    parts: list[str] = []
    stack: list[PageElement] = [node]
    while stack:
        n = stack.pop()
        name = getattr(n, "name", None)  # None for strings and comments
        if _is_text(n):
            parts.append(str(n))
        elif name == "br":
            parts.append(" ")
        elif (
            name is not None
            and name not in _SKIPPED
            and not (name == "a" and "hash-link" in (cast("Tag", n).get("class") or ()))
        ):
            stack.extend(reversed(_children(n)))
    return clean("".join(parts))


def _list_items(node: Tag, deferred: list[_Node]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """A list's items in document order, nested lists flattened after their item's own text, and
    each item's depth (0 outermost).

    One pass over the subtree (the old copy-and-decompose per item was cubic in
    the nesting depth).  Tables, code and headings inside items are kept for the
    caller to read as blocks after the list.
    """
    items: list[list[str]] = []
    depths: list[int] = []
    stack: list[tuple[_Node, int | None]] = [(node, None)]
    while stack:
        n, owner = stack.pop()
        if _is_text(n):
            if owner is not None:
                items[owner].append(str(n))
            continue
        name = getattr(n, "name", None)
        if name is None:
            continue
        if name == "br":
            if owner is not None:
                items[owner].append(" ")
            continue
        if name == "li":
            items.append([])
            depths.append(0 if owner is None else depths[owner] + 1)
            owner = len(items) - 1
        elif name in ("table", "pre") or name in _HEADINGS:
            deferred.append(n)
        stack.extend((c, owner) for c in reversed(_children(n)))
    texts = [clean("".join(i)) for i in items]
    kept = [i for i, text in enumerate(texts) if text]
    return tuple(texts[i] for i in kept), tuple(depths[i] for i in kept)


def _code_text(node: Tag) -> str:
    lines = node.select("span.token-line")
    if lines:  # Prism's lines: some Docusaurus versions end them with <br>, others only with CSS
        return clean_code("\n".join(ln.get_text("").rstrip("\n") for ln in lines))
    for br in node.find_all("br"):
        br.replace_with("\n")
    return clean_code(node.get_text(""))


def _html_blocks(root: Tag) -> list[tuple[str, Any]]:
    """The article's headings and blocks in document order: ('h2', text) or ('block', Block)."""
    out: list[tuple[str, Any]] = []
    stack: list[_Node] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _Line):
            out.append(("block", Paragraph(str(node))))
            continue
        name = getattr(node, "name", None)
        if name is None:
            continue
        node = cast("Tag", node)  # only bs4's tags have a name
        if name in _HEADINGS:
            out.append((name, _html_text(node)))
        elif name == "p":
            text = _html_text(node)
            if text:
                out.append(("block", Paragraph(text)))
        elif name in _LISTS:
            deferred: list[_Node] = []
            items, depths = _list_items(node, deferred)
            if items:
                out.append(("block", BulletList(items, depths)))
            stack.extend(reversed(deferred))
        elif name == "pre":
            code = _code_text(node)
            if code:
                out.append(("block", CodeBlock(code)))
        elif name == "table":
            trs = node.find_all("tr")
            if trs:
                header = tuple(_html_text(c) for c in trs[0].find_all(["th", "td"]))
                rows = tuple(tuple(_html_text(c) for c in tr.find_all(["td", "th"])) for tr in trs[1:])
                out.append(("block", Table(header, rows)))
        elif name in _SKIPPED:
            continue
        else:
            stack.extend(reversed(_inline_runs(node)))
    return out


class _Line(str):
    """A run of bare text found in a container: a paragraph of the page."""


#: elements whose text is no part of the page: scripts, styles, icons, the code block's copy button
_SKIPPED = frozenset({"script", "style", "svg", "button", "noscript", "template"})


#: elements that are blocks of a page; anything else is part of a line of text (unless it holds a block)
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    }
)  # fmt: skip


def _inline_runs(node: Tag) -> list[_Node]:
    """A container's children, with each run of text and inline elements standing directly in it
    made one paragraph (a Docusaurus note box's title and body, a ``<div>`` of bare text): the
    export writes them as paragraphs, so the HTML reader must not drop them."""
    out: list[_Node] = []
    run: list[PageElement] = []

    def close() -> None:
        text = clean("".join(str(n) if _is_text(n) else _html_text(cast("Tag", n)) for n in run))  # the rest are tags
        if text:
            out.append(_Line(text))
        run.clear()

    for child in _children(node):
        name = getattr(child, "name", None)
        if _is_text(child):
            run.append(child)
        elif name is None or name in _SKIPPED:
            continue  # a comment ('<!-- -->' between React's text fragments), a button: no text, no break
        elif name in _BLOCKS or cast("Tag", child).find(_BLOCKS) is not None:  # named: a tag
            close()
            out.append(child)  # a block, or an inline element holding blocks (a card link): read as a container
        else:
            run.append(child)
    close()
    return out


def looks_like_html(text: str) -> bool:
    head = text.lstrip()[:200].lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or "<body" in text[:2000].lower()


def read_html(html: str, lang: str | None = None, source: str = "<html>") -> tuple[Document, dict[str, str]]:
    """A developers.binance.com (Docusaurus) page: the article's title, headings, tables, code.

    Returns the document and what the page says about itself (canonical url, language).
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    meta: dict[str, str] = {}
    html_tag = soup.find("html")
    if html_tag and html_tag.get("lang"):
        meta["lang"] = str(html_tag["lang"])  # a single-valued attribute: already a str
    canon = soup.find("link", rel="canonical") or soup.find("meta", property="og:url")
    if canon:
        meta["source_url"] = str(canon.get("href") or canon.get("content") or "")  # single-valued: a str
    root = soup.select_one(".theme-doc-markdown") or soup.find("article")
    if root is None:
        raise TemplateError(
            source, "no <article> or .theme-doc-markdown element; expected a developers.binance.com doc page"
        )
    lang = lang or ("zh-CN" if meta.get("lang", "").lower().startswith("zh") else "en")
    title = ""
    sections: list[Section] = []
    current = Section("", 0)
    for kind, value in _html_blocks(root):
        if kind == "block":
            current.blocks.append(value)
        elif kind == "h1" and not title:
            title = value
        else:
            if current.heading or current.blocks:
                sections.append(current)
            current = Section(value, int(kind[1]))
    if current.heading or current.blocks:
        sections.append(current)
    if not title:
        raise TemplateError(source, "the article has no <h1> title")
    return Document(lang, title, sections, source), meta


def read_html_pair(en_html: str, zh_html: str, source: str) -> Page:
    """The two developers.binance.com pages of one endpoint as one Page (what fetch stores)."""
    en, en_meta = read_html(en_html, "en", f"{source} (en)")
    zh, zh_meta = read_html(zh_html, "zh-CN", f"{source} (zh-CN)")
    url = en_meta.get("source_url", "")
    return Page(source, {"source_url": url} if url else {}, {"en": en, "zh-CN": zh})
