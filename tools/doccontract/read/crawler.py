"""The crawler export: front matter, the English page, a ``---`` line, the Chinese page."""

from __future__ import annotations

import re

from .markdown import read_markdown
from .model import CJK, Finding, Page, TemplateError

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
            raise TemplateError(source, f"front matter line {line!r} is not 'key: value'")
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


_RULE_LINE = re.compile(r"^---[ \t]*$", re.M)


_TITLE_LINE = re.compile(r"^# ", re.M)


def _lone_language(meta: dict[str, str], body: str) -> str:
    """The language of a page exported without its twin: a Chinese URL or a title in Chinese script
    says Chinese; anything else is English."""
    title = next((line for line in body.splitlines() if line.startswith("# ")), "")
    return "zh-CN" if "/zh-CN/" in meta.get("source_url", "") or CJK.search(title) else "en"


def _empty_half(body: str) -> tuple[str, str] | None:
    """(the first half, what the second holds) when a ``---`` line (outside code fences) is followed
    by nothing but blank lines, ``---`` lines and ``key: value`` lines: a second language that was
    never written, or only its front matter.  None otherwise."""
    for m in _RULE_LINE.finditer(body):
        if body.count("```", 0, m.start()) % 2:
            continue
        rest = [line.strip() for line in body[m.end() :].split("\n") if line.strip()]
        if all(line == "---" or _META_LINE.match(line) for line in rest):
            return body[: m.start()].rstrip("\n"), "only front matter" if rest else "nothing"
        return None  # the first rule outside code decides: more text after it is a page
    return None


_META_LINE = re.compile(r"^[A-Za-z_][\w-]*[ \t]*:[ \t]*\S")


def read_crawler(text: str, source: str) -> Page:
    """A spec file in the crawler export format: front matter, English, ``---``, Chinese.

    A page Binance publishes in one language only is exported without the ``---`` and
    the second half; it is read as that one language (nothing to compare it with).  So is
    a page whose second half is empty, holds only front matter, or holds no Chinese at
    all (the English again): with a ``page.language-missing`` finding, since a reader may
    expect a Chinese page there.
    """
    meta, body = split_front_matter(text, source)
    if not meta:
        raise TemplateError(source, "no front matter; expected '---', 'source_url: ...', '---' at the top")
    if not body.strip():
        raise TemplateError(source, "front matter only; expected the English page, '---', then the Chinese page")
    findings: list[Finding] = []
    halves = _split_languages(body)
    empty = _empty_half(body) if halves is None else None
    if empty is not None:
        body, holds = empty
        findings.append(
            _missing(source, f"the second language after the '---' line holds {holds}; read as one language")
        )
    elif halves is None and _RULE_LINE.search(body) and len(_TITLE_LINE.findall(body)) > 1:
        # a '---' line and several titles: two languages whose split is broken, not one language
        raise TemplateError(source, "no '---' line followed by a '# ' title; expected English, '---', then Chinese")
    elif halves is not None and not CJK.search(halves[1]) and not CJK.search(halves[0]):
        findings.append(
            _missing(
                source,
                "the second half, where the Chinese page belongs, holds no Chinese (the English again?); "
                "read as en only",
            )
        )
        body, halves = halves[0], None
    texts = {"en": halves[0], "zh-CN": halves[1]} if halves else {_lone_language(meta, body): body}
    docs = {lang: read_markdown(t, lang, f"{source} ({lang})") for lang, t in texts.items()}
    for lang, doc in docs.items():
        if not doc.title:
            raise TemplateError(f"{source} ({lang})", "no '# ' title heading")
    return Page(source, meta, docs, findings)


def _missing(source: str, message: str) -> Finding:
    return Finding("page.language-missing", "warning", message, source)
