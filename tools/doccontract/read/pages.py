"""Read doc pages into one document model, whatever format they came in.

Two readers (markdown via markdown-it-py, developers.binance.com HTML via
beautifulsoup4) produce the same :class:`Document`, so everything downstream
(extraction, contracts, drift) is written once.  The crawler export format
(front matter, English, a ``---`` line, Chinese) is a pair of markdown pages.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from .._files import FileProblem, read_regular

MAX_PAGE_BYTES = 5 * 1024 * 1024
LANGS = ("en", "zh-CN")

_ZW = re.compile(r"[\u200b\u200c\u200d\ufeff]")
_MD = MarkdownIt("commonmark").enable("table")
#: Block structure only: inline content is parsed on demand, and only when it holds markup
#: (most table cells and lines are plain text, which the inline parser would only copy).
_MD_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")


class PageError(ValueError):
    """A page that cannot be read; the message names the file and what was expected."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class CodeBlock:
    text: str


Block = Paragraph | BulletList | Table | CodeBlock


@dataclass
class Section:
    heading: str
    level: int
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    """One language of one page: its title and its sections in order."""

    lang: str
    title: str
    sections: list[Section]
    source: str = ""

    def canonical(self) -> dict:
        """Content only (no source), with block kinds named: what hashes and drift compare."""
        return {
            "lang": self.lang,
            "title": self.title,
            "sections": [
                {
                    "heading": s.heading,
                    "level": s.level,
                    "blocks": [{"kind": type(b).__name__, **vars(b)} for b in s.blocks],  # fields are str/tuples: no deep copy needed
                }
                for s in self.sections
            ],
        }

    def sha256(self) -> str:
        data = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class Page:
    """A page in both languages, as read from one spec file (or one fetch)."""

    source: str
    meta: dict[str, str]
    docs: dict[str, Document]

    @property
    def url(self) -> str:
        return self.meta.get("source_url", "")


def clean(text: str) -> str:
    """Collapse whitespace and drop zero-width characters, as a reader of the page sees it."""
    if _ZW.search(text):  # rare: a search is far cheaper than a translate on every text
        text = _ZW.sub("", text)
    return " ".join(text.split())


def clean_code(text: str) -> str:
    lines = [line.rstrip() for line in _ZW.sub("", text).replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def zh_url(url: str) -> str:
    """The Chinese twin of an English developers.binance.com URL."""
    if "/docs/zh-CN/" in url or "/docs/" not in url:
        return url
    return url.replace("/docs/", "/docs/zh-CN/", 1)


# --------------------------------------------------------------------------- text checks


def decode(data: bytes, source: str) -> str:
    """Bytes to text, refusing what is not a page rather than guessing."""
    if not data.strip():
        raise PageError(source, "the file is empty; expected a doc page")
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(source, f"{len(data)} bytes is larger than a doc page can be ({MAX_PAGE_BYTES} at most)")
    if b"\x00" in data:
        raise PageError(source, "binary content (NUL bytes); expected a UTF-8 doc page")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PageError(source, f"not UTF-8 text (byte {exc.start}); expected a doc page") from None
    # a Windows checkout (CRLF) or an old Mac file (CR) reads like LF
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# --------------------------------------------------------------------------- markdown


def _inline_text(token) -> str:
    if not token.children:  # the block parser's token: inline content not parsed yet
        return _inline_source(token.content)
    parts = []
    for child in token.children or ():
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return clean("".join(parts))


_INLINE_MARKUP = re.compile(r"[*_`\[\]<>&\\!~]")


#: Docusaurus's heading anchor as the export writes it: '[​](/docs/...#anchor "Direct link to ...")'.
#: It shows no text, so it is dropped before deciding whether the rest needs the inline parser.
_ANCHOR_LINK = re.compile(r'\[\u200b?\]\((?:[^()\\\s]|\\.)*(?:\s+"(?:[^"\\]|\\.)*")?\)\s*$')


def _inline_source(src: str) -> str:
    """Inline markdown to plain text; text without markup needs no parser."""
    if src.endswith(")") and "](" in src[-400:]:  # the anchor is short and last: look only there
        tail = src[-400:]
        src = src[: len(src) - len(tail)] + _ANCHOR_LINK.sub("", tail)
    if not _INLINE_MARKUP.search(src):
        return clean(src)
    plain = _plain_markup(src)
    if plain is not None:
        return clean(plain)
    tokens = _MD.parseInline(src)
    return _inline_text(tokens[0]) if tokens else ""


_OTHER_MARKUP = re.compile(r"[\[\]<>&\\!~]")
_STRONG_ONLY = re.compile(r"(?:[^*]*\*\*[^*\s](?:[^*]*[^*\s])?\*\*)+[^*]*")
_UNDERSCORES = re.compile(r"_+")
_STARS = re.compile(r"\*+")


def _kind_of(ch: str) -> str:
    """How markdown-it sees a neighbour of a delimiter: 'space' (also the line's ends), 'punct' or 'word'."""
    if isWhiteSpace(ord(ch)):
        return "space"
    return "punct" if isMdAsciiPunct(ord(ch)) or isPunctChar(ch) else "word"


def _plain_markup(src: str) -> str | None:
    """The text of the commonest markup, without the inline parser: single-backtick code spans,
    underscores inside words (never emphasis), and ``**bold**`` runs that markdown-it would pair.
    None for anything else, which the parser reads.  The table cells and lines of a page are mostly
    these; tests hold this to the parser's own reading."""
    if _OTHER_MARKUP.search(src) or "``" in src:
        return None
    for m in _UNDERSCORES.finditer(src):  # an underscore run with a letter or digit on both sides is literal
        before = src[m.start() - 1] if m.start() else " "
        after = src[m.end()] if m.end() < len(src) else " "
        if _kind_of(before) != "word" or _kind_of(after) != "word":
            return None
    if "*" in src:
        if "`" in src or not _STRONG_ONLY.fullmatch(src) or any(len(run) != 2 for run in _STARS.findall(src)):
            return None
        for i, m in enumerate(re.finditer(r"\*\*", src)):
            before = _kind_of(src[m.start() - 1]) if m.start() else "space"
            after = _kind_of(src[m.end()]) if m.end() < len(src) else "space"
            if i % 2 == 0 and not (after != "space" and (after != "punct" or before != "word")):
                return None  # an opener must be left-flanking
            if i % 2 == 1 and not (before != "space" and (before != "punct" or after != "word")):
                return None  # a closer must be right-flanking
        return src.replace("**", "")
    parts = src.split("`")
    out = [parts[0]]
    for i in range(1, len(parts) - 1, 2):  # a code span: line ends are spaces, one space each side trimmed
        code = parts[i].replace("\n", " ")
        if len(code) > 1 and code[0] == " " and code[-1] == " " and code.strip(" "):
            code = code[1:-1]
        out += [code, parts[i + 1]]
    if len(parts) % 2 == 0:  # the last backtick has no closer: it stays, as text
        out += ["`", parts[-1]]
    return "".join(out)


def _split_row(line: str) -> list[str]:
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [_inline_source(cell) for cell in re.split(r"(?<!\\)\|", line)]


def _continue_table(table: Table, para_src: str) -> tuple[Table, list[str]] | None:
    """Rows of a table that a whitespace-only line or an italic note cut off.

    The crawler export breaks tables where the site had a blank row or a note;
    a paragraph right after a table whose lines are rows of the same width
    belongs to it.  A line without pipes continues the previous row's last cell;
    a line in italics is a note and is returned separately.
    """
    width = len(table.header)
    lines = [ln for ln in para_src.split("\n") if ln.strip()]
    if not any(len(_split_row(ln)) >= width - 1 and "|" in ln for ln in lines):
        return None
    rows = [list(r) for r in table.rows]
    notes: list[str] = []
    for ln in lines:
        if "|" in ln:
            cells = _split_row(ln)
            cells = (cells + [""] * width)[:width] if len(cells) <= width else cells[: width - 1] + [" | ".join(cells[width - 1 :])]
            rows.append(cells)
        elif re.match(r"\s*[*_]", ln):
            notes.append(_inline_source(ln))
        elif rows:
            rows[-1][-1] = clean(rows[-1][-1] + " " + _inline_source(ln))
    return Table(table.header, tuple(tuple(r) for r in rows)), notes


def read_markdown(text: str, lang: str, source: str = "<markdown>") -> Document:
    """One language of a page in markdown (crawler export or hand-written)."""
    tokens = _MD_BLOCKS.parse(text)
    lines = text.split("\n")
    title = ""
    sections: list[Section] = []
    current = Section("", 0)
    i = 0
    flat: list[str] = []  # items of the outermost open list, nested ones flattened in order
    open_items: list[int] = []
    list_depth = 0
    while i < len(tokens):
        tok = tokens[i]
        t = tok.type
        if t == "heading_open":
            text_ = _inline_text(tokens[i + 1])
            level = int(tok.tag[1])
            if level == 1 and not title:
                title = text_
            else:
                if current.heading or current.blocks:
                    sections.append(current)
                current = Section(text_, level)
            i += 3
            continue
        if t in ("bullet_list_open", "ordered_list_open"):
            if list_depth == 0:
                flat = []
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            items = tuple(x for x in flat if x)
            if list_depth == 0 and items:
                current.blocks.append(BulletList(items))
        elif t == "list_item_open":
            flat.append("")
            open_items.append(len(flat) - 1)
        elif t == "list_item_close":
            open_items.pop()
        elif t == "inline" and tokens[i - 1].type == "paragraph_open":
            if open_items:
                n = open_items[-1]
                flat[n] = clean(flat[n] + " " + _inline_text(tok))
            else:
                m = tokens[i - 1].map
                raw = "\n".join(lines[m[0] : m[1]]) if m else ""
                # '> 1000| 10' after a LIMIT table: markdown reads a quote, the page meant a row '> 1000'
                _add_paragraph(current, tok, raw if raw.lstrip().startswith(">") else None)
        elif t in ("code_block", "fence"):
            code = clean_code(tok.content)
            if code:
                current.blocks.append(CodeBlock(code))
        elif t == "table_open":
            j = i
            header: list[str] = []
            rows: list[tuple[str, ...]] = []
            row: list[str] = []
            continued = False  # a row whose source line has no pipe continues the cell above
            while tokens[j].type != "table_close":
                tj = tokens[j]
                if tj.type == "tr_open":
                    row = []
                    src = lines[tj.map[0]] if tj.map and tj.map[0] < len(lines) else "|"
                    continued = bool(rows) and not re.search(r"(?<!\\)\|", src)
                elif tj.type == "inline":
                    row.append(_inline_text(tj))
                elif tj.type == "tr_close":
                    if not header:
                        header = row
                    elif continued:
                        text_ = " ".join(c for c in row if c)
                        last = list(rows[-1])
                        last[-1] = clean(f"{last[-1]} {text_}")
                        rows[-1] = tuple(last)
                    else:
                        rows.append(tuple(row))
                j += 1
            current.blocks.append(Table(tuple(header), tuple(rows)))
            i = j
        i += 1
    if current.heading or current.blocks:
        sections.append(current)
    return Document(lang, title, sections, source)


#: paragraphs (a cell's lines cut apart by blank lines) that may sit between a table and its next rows
MAX_CUT_PARAGRAPHS = 8


def _add_paragraph(section: Section, tok, quoted: str | None = None) -> None:
    """A paragraph, or rows a table lost to it; ``quoted``: the source lines of a paragraph markdown
    read as a quote, whose '>' may be a row's own text."""
    prev = section.blocks[-1] if section.blocks else None
    if isinstance(prev, Table):
        merged = _continue_table(prev, quoted) if quoted is not None else None
        merged = merged or _continue_table(prev, tok.content)
        if merged is not None:
            section.blocks[-1] = merged[0]
            section.blocks.extend(Paragraph(n) for n in merged[1] if n)
            return
    k = len(section.blocks) - 1
    while k >= 0 and len(section.blocks) - k <= MAX_CUT_PARAGRAPHS and isinstance(section.blocks[k], Paragraph):
        k -= 1
    if isinstance(prev, Paragraph) and k >= 0 and isinstance(section.blocks[k], Table):
        # notes or a cell's continuation lines (blank lines between them) already split a table;
        # rows after them still belong to it
        merged = _continue_table(section.blocks[k], tok.content)
        if merged is not None:
            section.blocks[k] = merged[0]
            section.blocks.extend(Paragraph(n) for n in merged[1] if n)
            return
    text = _inline_text(tok)
    if text:
        section.blocks.append(Paragraph(text))


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)


def split_front_matter(text: str, source: str) -> tuple[dict[str, str], str]:
    m = _FRONT.match(text)
    if not m:
        return {}, text
    meta: dict[str, str] = {}
    for line in m.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise PageError(source, f"front matter line {line!r} is not 'key: value'")
        meta[key.strip()] = value.strip().strip("'\"")
    return meta, text[m.end() :]


_LANG_SPLIT = re.compile(r"^---[ \t]*\n(?=(?:[ \t]*\n)*# )", re.M)


def _split_languages(body: str) -> tuple[str, str] | None:
    """English and Chinese halves: split at the first ``---`` line followed by an h1, outside code
    fences; None when there is no such line (a page exported in one language)."""
    for m in _LANG_SPLIT.finditer(body):
        if body.count("```", 0, m.start()) % 2 == 0:
            return body[: m.start()].rstrip("\n"), body[m.end() :]
    return None


_CJK = re.compile(r"[\u3400-\u9fff]")
_RULE_LINE = re.compile(r"^---[ \t]*$", re.M)
_TITLE_LINE = re.compile(r"^# ", re.M)


def _lone_language(meta: dict[str, str], body: str) -> str:
    """The language of a page exported without its twin: a Chinese URL or a title in Chinese script
    says Chinese; anything else is English."""
    title = next((line for line in body.splitlines() if line.startswith("# ")), "")
    return "zh-CN" if "/zh-CN/" in meta.get("source_url", "") or _CJK.search(title) else "en"


def read_crawler(text: str, source: str) -> Page:
    """A spec file in the crawler export format: front matter, English, ``---``, Chinese.

    A page Binance publishes in one language only is exported without the ``---`` and
    the second half; it is read as that one language (nothing to compare it with).
    """
    meta, body = split_front_matter(text, source)
    if not meta:
        raise PageError(source, "no front matter; expected '---', 'source_url: ...', '---' at the top")
    if not body.strip():
        raise PageError(source, "front matter only; expected the English page, '---', then the Chinese page")
    halves = _split_languages(body)
    if halves is None and _RULE_LINE.search(body) and len(_TITLE_LINE.findall(body)) > 1:
        # a '---' line and several titles: two languages whose split is broken, not one language
        raise PageError(source, "no '---' line followed by a '# ' title; expected English, '---', then Chinese")
    texts = {"en": halves[0], "zh-CN": halves[1]} if halves else {_lone_language(meta, body): body}
    docs = {lang: read_markdown(t, lang, f"{source} ({lang})") for lang, t in texts.items()}
    for lang, doc in docs.items():
        if not doc.title:
            raise PageError(f"{source} ({lang})", "no '# ' title heading")
    return Page(source, meta, docs)


# --------------------------------------------------------------------------- HTML


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})


def _children(node) -> list:
    return list(node.contents) if hasattr(node, "contents") else []


def _is_text(node) -> bool:
    from bs4.element import CData, NavigableString

    return type(node) in (NavigableString, CData)


def _html_text(node) -> str:
    """A node's text, ``<br>`` as a space and Docusaurus's '#' links left out; no recursion, so depth costs nothing."""
    parts: list[str] = []
    stack = [node]
    while stack:
        n = stack.pop()
        if _is_text(n):
            parts.append(str(n))
        elif getattr(n, "name", None) == "br":
            parts.append(" ")
        elif n.name is not None and n.name not in _SKIPPED and not (n.name == "a" and "hash-link" in (n.get("class") or ())):
            stack.extend(reversed(_children(n)))
    return clean("".join(parts))


def _list_items(node, deferred: list) -> tuple[str, ...]:
    """A list's items in document order, nested lists flattened after their item's own text.

    One pass over the subtree (the old copy-and-decompose per item was cubic in
    the nesting depth).  Tables, code and headings inside items are kept for the
    caller to read as blocks after the list.
    """
    items: list[list[str]] = []
    stack: list = [(node, None)]
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
            owner = len(items) - 1
        elif name in ("table", "pre") or name in _HEADINGS:
            deferred.append(n)
        stack.extend((c, owner) for c in reversed(_children(n)))
    return tuple(t for t in (clean("".join(i)) for i in items) if t)


def _code_text(node) -> str:
    lines = node.select("span.token-line")
    if lines:  # Prism's lines: some Docusaurus versions end them with <br>, others only with CSS
        return clean_code("\n".join(ln.get_text("").rstrip("\n") for ln in lines))
    for br in node.find_all("br"):
        br.replace_with("\n")
    return clean_code(node.get_text(""))


def _html_blocks(root) -> list[tuple[str, Any]]:
    """The article's headings and blocks in document order: ('h2', text) or ('block', Block)."""
    out: list[tuple[str, Any]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, _Line):
            out.append(("block", Paragraph(str(node))))
            continue
        name = getattr(node, "name", None)
        if name is None:
            continue
        if name in _HEADINGS:
            out.append((name, _html_text(node)))
        elif name == "p":
            text = _html_text(node)
            if text:
                out.append(("block", Paragraph(text)))
        elif name in _LISTS:
            deferred: list = []
            items = _list_items(node, deferred)
            if items:
                out.append(("block", BulletList(items)))
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
        "address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol",
        "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip


def _inline_runs(node) -> list:
    """A container's children, with each run of text and inline elements standing directly in it
    made one paragraph (a Docusaurus note box's title and body, a ``<div>`` of bare text): the
    export writes them as paragraphs, so the HTML reader must not drop them."""
    out: list = []
    run: list = []

    def close() -> None:
        text = clean("".join(str(n) if _is_text(n) else _html_text(n) for n in run))
        if text:
            out.append(_Line(text))
        run.clear()

    for child in _children(node):
        name = getattr(child, "name", None)
        if _is_text(child):
            run.append(child)
        elif name is None or name in _SKIPPED:
            continue  # a comment ('<!-- -->' between React's text fragments), a button: no text, no break
        elif name in _BLOCKS or child.find(_BLOCKS) is not None:
            close()
            out.append(child)  # a block, or an inline element holding blocks (a card link): read as a container
        else:
            run.append(child)
    close()
    return out


def _looks_like_html(text: str) -> bool:
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
        meta["lang"] = html_tag["lang"]
    canon = soup.find("link", rel="canonical") or soup.find("meta", property="og:url")
    if canon:
        meta["source_url"] = canon.get("href") or canon.get("content") or ""
    root = soup.select_one(".theme-doc-markdown") or soup.find("article")
    if root is None:
        raise PageError(source, "no <article> or .theme-doc-markdown element; expected a developers.binance.com doc page")
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
        raise PageError(source, "the article has no <h1> title")
    return Document(lang, title, sections, source), meta


# --------------------------------------------------------------------------- files


def read_bytes(path: str | Path, source: str | None = None) -> bytes:
    """A spec file's bytes, bounded, never waiting on a FIFO; one that cannot be read is a PageError naming it."""
    try:
        return read_regular(path, MAX_PAGE_BYTES + 1)  # one byte over: decode() names the limit
    except FileProblem as exc:
        raise PageError(source or str(path), exc.problem) from None


def read_page(path: str | Path, display: str | None = None) -> Page:
    """Read one spec file: crawler export (``.md``) or a pair-less HTML page."""
    source = display or str(path)
    return parse_page(read_bytes(path, source), source)


def read_meta(path: str | Path, display: str | None = None) -> dict[str, str]:
    """A spec's front matter (its source_url) without reading the page itself."""
    source = display or str(path)
    text = decode(read_bytes(path, source), source)
    if _looks_like_html(text):
        return parse_page(text.encode(), source).meta
    return split_front_matter(text, source)[0]


def parse_page(data: bytes, source: str) -> Page:
    text = decode(data, source)
    if _looks_like_html(text):
        doc, meta = read_html(text, source=source)
        return Page(source, meta, {doc.lang: doc})
    if text.startswith("---"):
        return read_crawler(text, source)
    doc = read_markdown(text, "en", source)
    if not doc.title:
        raise PageError(source, "no '# ' title heading; expected a doc page")
    return Page(source, {}, {"en": doc})


def render_markdown(doc: Document) -> str:
    """A document back to markdown in the export's shape (used to store fetched HTML pages)."""
    out = [f"# {doc.title}", ""]
    for s in doc.sections:
        if s.heading:
            out += ["#" * max(s.level, 1) + " " + _escape_md(s.heading), ""]
        prev: Block | None = None
        for b in s.blocks:
            if isinstance(prev, BulletList) and isinstance(b, (BulletList, CodeBlock)) or isinstance(prev, CodeBlock) and isinstance(b, CodeBlock):
                out += ["<!-- -->", ""]  # ends the list or code block, or the next one would join it
            if isinstance(b, Paragraph):
                out += [_escape_md(b.text), ""]
            elif isinstance(b, BulletList):
                out += [f"  * {_escape_md(i)}" for i in b.items] + [""]
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


def read_html_pair(en_html: str, zh_html: str, source: str) -> Page:
    """The two developers.binance.com pages of one endpoint as one Page (what fetch stores)."""
    en, en_meta = read_html(en_html, "en", f"{source} (en)")
    zh, zh_meta = read_html(zh_html, "zh-CN", f"{source} (zh-CN)")
    url = en_meta.get("source_url", "")
    return Page(source, {"source_url": url} if url else {}, {"en": en, "zh-CN": zh})


def render_html(doc: Document, url: str = "") -> str:
    """A document as developers.binance.com serves it (Docusaurus structure); read_html reads it back.

    Used by the local docs site that tests and benchmarks fetch from.
    """
    from html import escape

    def anchor(text: str) -> str:
        slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", text.lower()).strip("-")
        title = f"{text}的直接链接" if doc.lang == "zh-CN" else f"Direct link to {text}"
        return f'<a href="#{escape(slug)}" class="hash-link" aria-label="{escape(title)}" title="{escape(title)}">\u200b</a>'

    out = [
        f'<!DOCTYPE html><html lang="{doc.lang}" dir="ltr"><head><meta charset="UTF-8"><title>{escape(doc.title)} | Binance Open Platform</title>',
        f'<link rel="canonical" href="{escape(url)}"></head><body><nav class="navbar">Binance Open Platform</nav>' if url else "</head><body>",
        '<main class="docMainContainer"><article><div class="theme-doc-markdown markdown">',
        f"<header><h1>{escape(doc.title)}</h1></header>",
    ]
    for s in doc.sections:
        if s.heading:
            level = min(max(s.level, 1), 6)
            out.append(f'<h{level} class="anchor anchorWithStickyNavbar">{escape(s.heading)}{anchor(s.heading)}</h{level}>')
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(f"<p>{escape(b.text)}</p>")
            elif isinstance(b, BulletList):
                out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in b.items) + "</ul>")
            elif isinstance(b, CodeBlock):
                lines = "".join(f'<span class="token-line">{escape(ln)}<br></span>' for ln in b.text.split("\n"))
                out.append(f'<div class="codeBlockContainer"><pre class="prism-code"><code>{lines}</code></pre></div>')
            elif isinstance(b, Table):
                head = "".join(f"<th>{escape(c)}</th>" for c in b.header)
                rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in b.rows)
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    out.append('</div><footer class="theme-doc-footer">Edit this page</footer></article></main></body></html>')
    return "\n".join(out)
