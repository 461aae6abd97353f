"""The document model every reader produces: a page is its sections, a section its blocks.

Markdown, the crawler export and developers.binance.com HTML all read into these
classes, so extraction, contracts and drift are written once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

LANGS = ("en", "zh-CN")
#: Chinese script, CJK Unified Ideographs with Extension A, as a range for a character class: what
#: every reader takes for a Chinese character.
CJK_RANGE = "\u3400-\u9fff"
#: A Chinese character: what tells a Chinese title or heading.
CJK = re.compile(f"[{CJK_RANGE}]")


_ZW = re.compile(r"[\u200b\u200c\u200d\ufeff]")


class PageError(ValueError):
    """A page that cannot be read; the message names the file and what was expected."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class TemplateError(PageError):
    """A page read as text whose layout no reader knows (no title, no request line, a table without
    its columns).  A build skips it as ``unknown-template`` and goes on; one page in a template of
    its own must not fail a folder, while a file that is not text at all still does."""


@dataclass(frozen=True)
class Finding:
    """Something the page says that a contract cannot take at face value.

    ``code`` is stable (tests, drift and reports key on it); ``values`` holds
    what each language (or the example and the table) says.
    """

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    where: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "values": self.values,
        }


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class BulletList:
    """A list with nested lists flattened in document order; ``levels`` holds each item's depth
    (0 outermost) where the reader knew it.  Depth is left out of equality and of the page's hash:
    only a reader of nested structure (a bulleted response) asks for it."""

    items: tuple[str, ...]
    levels: tuple[int, ...] = field(default=(), compare=False)

    def depth(self, i: int) -> int:
        return self.levels[i] if i < len(self.levels) else 0


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

    def canonical(self) -> dict[str, Any]:
        """Content only (no source), with block kinds named: what hashes and drift compare."""
        return {
            "lang": self.lang,
            "title": self.title,
            "sections": [
                {
                    "heading": s.heading,
                    "level": s.level,
                    "blocks": [{"kind": type(b).__name__, **_content(b)} for b in s.blocks],
                }
                for s in self.sections
            ],
        }

    def sha256(self) -> str:
        data = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _content(block: Block) -> dict[str, Any]:
    """A block's text fields (str/tuples: no deep copy needed); a list's depths are layout, not content."""
    fields = vars(block)
    return {k: v for k, v in fields.items() if k != "levels"} if "levels" in fields else fields


@dataclass
class Page:
    """A page in both languages, as read from one spec file (or one fetch).

    ``findings``: what reading the file itself found (a second language that is not there)."""

    source: str
    meta: dict[str, str]
    docs: dict[str, Document]
    findings: list[Finding] = field(default_factory=list)

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


def section_texts(section: Section) -> list[str]:
    """A section's lines of text (paragraphs, code, list items), for readers that match lines in it."""
    out = []
    for b in section.blocks:
        if isinstance(b, (Paragraph, CodeBlock)):
            out.append(b.text)
        elif isinstance(b, BulletList):
            out.extend(b.items)
    return out
