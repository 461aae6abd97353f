"""Page identity: which page a page documents, judged from what the page itself carries.

Crawlers save the wrong page under a URL (the Close Risk Unit URL holding 'Query Closed Risk Unit
Record'), and their front matter then names the URL they asked for, not the page they got.  Every
command that takes a page for a spec (``add``, ``fetch``, ``diff``, ``drift``) asks this module
first, so a page of another endpoint is refused as such instead of being read as drift.

The evidence, strongest first:

1. the heading anchors ('## HTTP Request[​](/docs/<path>#http-request ...)'): Docusaurus writes the
   page's own path into them, so they name the page the content came from.  A language whose
   anchors name the URL's own path is that page, whatever else changed; one whose anchors name
   only another path is another page.
2. without anchors (developers.binance.com HTML, other crawlers' exports): the title and the
   request line against the spec the page would replace.  A page whose title and request line
   both differ is another page; a new method or path under the same title is drift on that page.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .classify import classify
from .extract import endpoint_docs
from .model import Document, Page, PageError, Section
from .request_line import parse_request_line
from .sections import sections_by_part

#: What a page documents: ("endpoint", METHOD, /path); ("endpoints", "METHOD /path | ...", "") for a
#: page of several; or ("kind", its kind, "") for a page without one.
Identity = tuple[str, str, str]

#: A heading line's link to a /docs/ page with a fragment: the export of Docusaurus's heading anchor.
_HEADING_ANCHOR = re.compile(r"^#{1,6}[ \t][^\n]*?\]\(\s*<?(?:https?://[^/\s)]+)?/docs/(zh-CN/)?([^)#\s\"?>]+)#", re.M)
#: A trailing security or note in brackets: 'Close Risk Unit (TRADE)' is 'Close Risk Unit'.
_TITLE_TAIL = re.compile(r"\s*[(（][^()（）]*[)）]\s*$")


@dataclass(frozen=True)
class Known:
    """What one language of a spec documents: its request line (or kind) and its title."""

    ident: Identity
    title: str


def docs_path_of(url: str) -> str:
    """'https://developers.binance.com/docs/zh-CN/a/b#x' -> 'a/b' ('' when not a /docs/ URL)."""
    rest = url.split("://", 1)[-1]
    if "/docs/" not in "/" + rest:
        return ""
    path = ("/" + rest).split("/docs/", 1)[1].split("#")[0].split("?")[0]
    return path.removeprefix("zh-CN/").strip("/")


def _path_key(path: str) -> str:
    """A docs path as identity compares it: percent-decoded, without slashes at its ends, any case."""
    return unquote(path).strip("/").casefold()


def anchored_paths(text: str) -> dict[str, Counter[str]]:
    """Language -> the docs paths the page's heading anchors name, with how often."""
    out: dict[str, Counter[str]] = {}
    for m in _HEADING_ANCHOR.finditer(text):
        out.setdefault("zh-CN" if m.group(1) else "en", Counter())[unquote(m.group(2)).strip("/")] += 1
    return out


def title_key(title: str) -> str:
    """A title as identity sees it: without its security tag, case or spacing."""
    prev = None
    while prev != title:
        prev, title = title, _TITLE_TAIL.sub("", title)
    return " ".join(title.lower().split())


def identity(doc: Document) -> Identity:
    """What one language of a page documents (its request line, or its kind)."""
    kind = classify(doc)
    if kind is not None:
        return ("kind", kind, "")
    lines = [parse_request_line(_http_section(d), d.source) for _, d in endpoint_docs(doc)]
    if len(lines) == 1:
        return ("endpoint", *lines[0])
    return ("endpoints", " | ".join(f"{m} {p}" for m, p in sorted(lines)), "")


def _http_section(doc: Document) -> Section:
    parts = sections_by_part(doc)
    if "http" not in parts:
        raise PageError(doc.source, "no 'HTTP Request' section to read the endpoint from")
    return parts["http"]


def known(page: Page) -> dict[str, Known]:
    """What each language of a spec documents; a language that cannot be read is left out."""
    out = {}
    for lang, doc in page.docs.items():
        try:
            out[lang] = Known(identity(doc), doc.title)
        except PageError:
            continue
    return out


def known_from_contract(contract: dict[str, Any]) -> dict[str, Known]:
    """The same from a committed contract (cheaper than reading its spec)."""
    return {
        lang: Known(("endpoint", s["method"], s["path"]), s.get("title", ""))
        for lang, s in contract["languages"].items()
    }


def describe(ident: Identity) -> str:
    if ident[0] == "endpoints":
        return ident[1]
    return f"{ident[1]} {ident[2]}" if ident[0] == "endpoint" else f"a page without an endpoint ({ident[1]})"


def _same_request(want: Identity, got: Identity) -> bool:
    if want == got:
        return True
    if want[0] == got[0] == "endpoints":  # several endpoints: one kept is the same page
        return bool(set(want[1].split(" | ")) & set(got[1].split(" | ")))
    return False


def same_page(want: Known, got: Known) -> bool:
    """Without anchors: is ``got`` (one language of a page) still the page ``want`` describes?  The
    same request line, or the same title over a changed one (drift on the page).  A page of another
    kind is another page unless its title is the same (an endpoint page that lost its request
    line is drift, not a new page)."""
    if _same_request(want.ident, got.ident):
        return True
    return title_key(want.title) == title_key(got.title) and bool(want.title)


def _name(k: Known | None) -> str:
    if k is None:
        return "a page that cannot be read"
    return f"'{k.title}' ({describe(k.ident)})" if k.title else describe(k.ident)


def wrong_page(page: Page, text: str, url_path: str = "", spec: dict[str, Known] | None = None) -> str | None:
    """Why ``page`` (read from ``text``, a crawler export) is not the page of ``url_path`` (default:
    its front matter's URL), or None when it is (or nothing says otherwise).

    ``spec``: what the spec it would replace documents, per language; the fallback for a language
    without heading anchors.  The reason names both pages."""
    url_path = url_path or docs_path_of(page.url)
    got = known(page)
    anchors = anchored_paths(text)
    for lang in page.docs:
        named = anchors.get(lang)
        # a body link may name any page (a related endpoint, the page a wrong page was saved under):
        # only the headings' own anchors say which page this is
        if named and url_path and not any(_path_key(p) == _path_key(url_path) for p in named):
            other = named.most_common(1)[0][0]
            return (
                f"the {lang} page at /docs/{url_path} holds another page: its heading anchors name /docs/{other}, "
                f"and it documents {_name(got.get(lang))}"
            )
        if named or not spec or lang not in spec or lang not in got:
            continue
        if not same_page(spec[lang], got[lang]):
            return (
                f"the {lang} page at /docs/{url_path or '?'} holds another page: "
                f"it documents {_name(got[lang])}, not {_name(spec[lang])} as the spec does"
            )
    return None
