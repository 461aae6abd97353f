"""A spec file or fetched bytes to a Page: decode with limits, tell the format, call its reader."""

from __future__ import annotations

from pathlib import Path

from .._files import FileProblem, read_regular
from .crawler import read_crawler, split_front_matter
from .html import looks_like_html, read_html
from .markdown import read_markdown
from .model import Page, PageError, TemplateError

#: The largest doc page read or fetched, on the wire or inflated (real pages are < 1 MB).  One limit
#: for both: a fetched page (the site's chrome around the article, both languages' specs come from
#: it) must not pass the fetcher only to be refused by the reader; 8 MiB is the larger of the two
#: limits there were, so no page either accepted before is refused now.
MAX_PAGE_BYTES = 8 * 1024 * 1024


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
    if looks_like_html(text):
        return parse_page(text.encode(), source).meta
    return split_front_matter(text, source)[0]


def parse_page(data: bytes, source: str) -> Page:
    text = decode(data, source)
    if looks_like_html(text):
        doc, meta = read_html(text, source=source)
        return Page(source, meta, {doc.lang: doc})
    if text.startswith("---"):
        return read_crawler(text, source)
    doc = read_markdown(text, "en", source)
    if not doc.title:
        raise TemplateError(source, "no '# ' title heading; expected a doc page")
    return Page(source, {}, {"en": doc})
