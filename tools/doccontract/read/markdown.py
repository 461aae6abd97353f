"""The markdown reader (markdown-it-py): one language of a page to a Document.

Inline markup is parsed only where a text holds some; tables the export cut
apart are joined again here, so later stages see the table the site shows.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.token import Token

from .model import BulletList, CodeBlock, Document, Paragraph, Section, Table, clean, clean_code

_MD = MarkdownIt("commonmark").enable("table")


#: Block structure only: inline content is parsed on demand, and only when it holds markup
#: (most table cells and lines are plain text, which the inline parser would only copy).
_MD_BLOCKS = MarkdownIt("commonmark").enable("table").disable("inline")


def _inline_text(token: Token) -> str:
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
            cells = (
                (cells + [""] * width)[:width]
                if len(cells) <= width
                else cells[: width - 1] + [" | ".join(cells[width - 1 :])]
            )
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
    depths: list[int] = []  # each item's nesting depth
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
                depths = []
            list_depth += 1
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
            kept = [i for i, x in enumerate(flat) if x]
            if list_depth == 0 and kept:
                current.blocks.append(BulletList(tuple(flat[i] for i in kept), tuple(depths[i] for i in kept)))
        elif t == "list_item_open":
            flat.append("")
            depths.append(list_depth - 1)
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


def _add_paragraph(section: Section, tok: Token, quoted: str | None = None) -> None:
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
    cut = section.blocks[k] if k >= 0 else None
    if isinstance(prev, Paragraph) and isinstance(cut, Table):
        # notes or a cell's continuation lines (blank lines between them) already split a table;
        # rows after them still belong to it
        merged = _continue_table(cut, tok.content)
        if merged is not None:
            section.blocks[k] = merged[0]
            section.blocks.extend(Paragraph(n) for n in merged[1] if n)
            return
    text = _inline_text(tok)
    if text:
        section.blocks.append(Paragraph(text))
