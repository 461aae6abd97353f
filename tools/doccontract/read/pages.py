"""Short-lived re-exports of the readers' old home, so branches written against it still merge.

The document model is in :mod:`.model`, the readers in :mod:`.markdown`,
:mod:`.crawler` and :mod:`.html`, the renderers in :mod:`.render`, and the
front door (bytes to a Page) in :mod:`.load`.  Nothing in this tree imports
this module; remove it once the branches in flight have merged.
"""

from .crawler import read_crawler, split_front_matter
from .html import read_html, read_html_pair
from .load import MAX_PAGE_BYTES, decode, parse_page, read_bytes, read_meta, read_page
from .markdown import MAX_CUT_PARAGRAPHS, read_markdown
from .model import (
    LANGS,
    Block,
    BulletList,
    CodeBlock,
    Document,
    Page,
    PageError,
    Paragraph,
    Section,
    Table,
    clean,
    clean_code,
    zh_url,
)
from .render import render_crawler, render_html, render_markdown

__all__ = [
    "LANGS", "MAX_CUT_PARAGRAPHS", "MAX_PAGE_BYTES", "Block", "BulletList", "CodeBlock", "Document", "Page", "PageError", "Paragraph",
    "Section", "Table", "clean", "clean_code", "decode", "parse_page", "read_bytes", "read_crawler", "read_html", "read_html_pair",
    "read_markdown", "read_meta", "read_page", "render_crawler", "render_html", "render_markdown", "split_front_matter", "zh_url",
]  # fmt: skip
