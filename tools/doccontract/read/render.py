"""Documents back to text: markdown in the export's shape and HTML in the site's (stores and test sites)."""

from __future__ import annotations

import re
from collections.abc import Callable

from .model import CJK_RANGE, LANGS, Block, BulletList, CodeBlock, Document, Page, Paragraph, Table


def render_markdown(doc: Document) -> str:
    """A document back to markdown in the export's shape (used to store fetched HTML pages)."""
    out = [f"# {doc.title}", ""]
    for s in doc.sections:
        if s.heading:
            out += ["#" * max(s.level, 1) + " " + _escape_md(s.heading), ""]
        prev: Block | None = None
        for b in s.blocks:
            if (
                isinstance(prev, BulletList)
                and isinstance(b, (BulletList, CodeBlock))
                or isinstance(prev, CodeBlock)
                and isinstance(b, CodeBlock)
            ):
                out += ["<!-- -->", ""]  # ends the list or code block, or the next one would join it
            if isinstance(b, Paragraph):
                out += [_escape_md(b.text), ""]
            elif isinstance(b, BulletList):
                out += [f"{'    ' * d}  * {_escape_md(i)}" for d, i in zip(_depths(b), b.items, strict=True)] + [""]
            elif isinstance(b, CodeBlock):
                out += ["    " + ln if ln else "" for ln in b.text.split("\n")] + [""]
            elif isinstance(b, Table):
                out.append("| " + " | ".join(_cell(c) for c in b.header) + " |")
                out.append("|" + "---|" * len(b.header))
                out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in b.rows]
                out.append("")
            prev = b
    return "\n".join(out).rstrip() + "\n"


def _escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>|&])", r"\\\1", text)


def _escape_md(text: str) -> str:
    """Escape a paragraph so it reads back as the same text (and not as a list, heading or rule)."""
    text = _escape_inline(text)
    text = re.sub(r"^(\d+)([.)])", r"\1\\\2", text)
    return re.sub(r"^([#>+=~-])", r"\\\1", text)


def _cell(text: str) -> str:
    return _escape_inline(text) if text else " "


def render_crawler(page: Page) -> bytes:
    """A page as a spec file: front matter, English, ``---``, Chinese (or the one language it has)."""
    front = "".join(f"{k}: {v}\n" for k, v in page.meta.items())
    halves = "\n---\n\n".join(render_markdown(page.docs[lang]) for lang in LANGS if lang in page.docs)
    return f"---\n{front}---\n\n{halves}".encode()


def render_html(doc: Document, url: str = "") -> str:
    """A document as developers.binance.com serves it (Docusaurus structure); read_html reads it back.

    Used by the local docs site that tests and benchmarks fetch from.
    """
    from html import escape

    def anchor(text: str) -> str:
        slug = re.sub(rf"[^\w{CJK_RANGE}-]+", "-", text.lower()).strip("-")
        title = f"{text}的直接链接" if doc.lang == "zh-CN" else f"Direct link to {text}"
        return (
            f'<a href="#{escape(slug)}" class="hash-link" '
            f'aria-label="{escape(title)}" title="{escape(title)}">\u200b</a>'
        )

    out = [
        f'<!DOCTYPE html><html lang="{doc.lang}" dir="ltr"><head><meta charset="UTF-8">'
        f"<title>{escape(doc.title)} | Binance Open Platform</title>",
        f'<link rel="canonical" href="{escape(url)}"></head><body><nav class="navbar">Binance Open Platform</nav>'
        if url
        else "</head><body>",
        '<main class="docMainContainer"><article><div class="theme-doc-markdown markdown">',
        f"<header><h1>{escape(doc.title)}</h1></header>",
    ]
    for s in doc.sections:
        if s.heading:
            level = min(max(s.level, 1), 6)
            out.append(
                f'<h{level} class="anchor anchorWithStickyNavbar">{escape(s.heading)}{anchor(s.heading)}</h{level}>'
            )
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(f"<p>{escape(b.text)}</p>")
            elif isinstance(b, BulletList):
                out.append(_html_list(b, escape))
            elif isinstance(b, CodeBlock):
                lines = "".join(f'<span class="token-line">{escape(ln)}<br></span>' for ln in b.text.split("\n"))
                out.append(f'<div class="codeBlockContainer"><pre class="prism-code"><code>{lines}</code></pre></div>')
            elif isinstance(b, Table):
                head = "".join(f"<th>{escape(c)}</th>" for c in b.header)
                rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in b.rows)
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out.append('</div><footer class="theme-doc-footer">Edit this page</footer></article></main></body></html>')
    return "\n".join(out)


def _depths(block: BulletList) -> list[int]:
    """Each item's depth, at most one deeper than the item above (a list can only open inside an item)."""
    out: list[int] = []
    for n in range(len(block.items)):
        out.append(min(block.depth(n), out[-1] + 1) if out else 0)
    return out


def _html_list(block: BulletList, escape: Callable[[str], str]) -> str:
    """A list as nested ``<ul>``: an item deeper than the one above opens a list inside that item."""
    out = ["<ul>"]
    depth = 0
    for n, (want, item) in enumerate(zip(_depths(block), block.items, strict=True)):
        if n and want > depth:
            out.append("<ul>")
        elif n:
            out.append("</li>" + "</ul></li>" * (depth - want))
        out.append(f"<li>{escape(item)}")
        depth = want
    out.append("</li>" + "</ul></li>" * depth + "</ul>")
    return "".join(out)
