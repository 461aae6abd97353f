"""The request line ('GET /api/v3/time') and the security type a title names."""

from __future__ import annotations

import re

from .model import Section, TemplateError, section_texts

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


REQUEST_ONLY = re.compile(r"^(?:" + "|".join(METHODS) + r")\s+`?/\S*$")


_SECURITY = re.compile(r"[(（][\s./]*([A-Z][A-Z_]+)\s*[)）]\s*$")  # '(TRADE)', '（USER_DATA）', a stray '(../TRADE）'


_REQUEST_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?(/[^\s`*]+)")


def parse_title(title: str) -> tuple[str, str | None]:
    m = _SECURITY.search(title)
    if not m:
        return title.strip(), None
    return title[: m.start()].strip(), m.group(1)


#: 'POST `eapi/v1/block/order/create`': a request line whose path lost its leading slash (a typo of the
#: page).  Only an API prefix and a version make it a path, so prose after a method word never is.
_SLASHLESS_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?([a-z]*api/v\d+/[^\s`*]+)")


_URL_LINE = re.compile(
    r"\b(" + "|".join(METHODS) + r")\s+`?(https?://[^/\s`*]+)(/[^\s`*?]+)"
)  # 'GET https://api.binance.com/api/v3/time'


def parse_request_line(section: Section, source: str, repaired: list[str] | None = None) -> tuple[str, str]:
    """The method and path the section states.  A path written without its leading slash is read
    with it, and said in ``repaired`` (when given)."""
    texts = section_texts(section)
    for text in texts:
        m = _REQUEST_LINE.search(text)
        if m:
            return m.group(1), m.group(2).rstrip(".,;")
    for text in texts:
        m = _SLASHLESS_LINE.search(text)
        if m:
            if repaired is not None:
                repaired.append(f"the path {m.group(2)!r} has no leading '/'; read as '/{m.group(2)}'")
            return m.group(1), "/" + m.group(2).rstrip(".,;")
        m = _URL_LINE.search(text)
        if m:
            if repaired is not None:
                repaired.append(f"the request line gives a whole URL ({m.group(2)}{m.group(3)}); its path is read")
            return m.group(1), m.group(3).rstrip(".,;")
    raise TemplateError(
        f"{source} § {section.heading}", "no request line; expected e.g. 'DELETE /sapi/v1/margin/loan-group'"
    )


_PATH_ONLY = re.compile(r"^`?(/[^\s`*]+?)`?[.,;]?$")  # '/bapi/defi/v1/token/list': a path with no method
_ANY_URL = re.compile(r"\b(?:(" + "|".join(METHODS) + r")\s+)?`?https?://[^/\s`*()\[\]]+(/[^\s`*?#()\[\]'\"<>]*)")


_CURL_METHOD = re.compile(r"(?:-X|--request)\s*['\"]?(" + "|".join(METHODS) + r")\b")  # curl -X POST 'https://...'


def path_only(section: Section) -> str | None:
    """The path a request section states without a method ('Endpoint: /path'), or None."""
    for text in section_texts(section):
        m = _PATH_ONLY.match(text.strip())
        if m:
            return m.group(1)
    return None


def method_from_url(section: Section, path: str) -> str | None:
    """The method of a full URL example for ``path``: the one written before the URL ('POST https://...'),
    or given to curl ('-X POST'), else GET, since a bare URL or a link is what a browser fetches with GET.
    None when no URL there has this path (an example of another request says nothing of this one)."""
    for text in section_texts(section):
        for m in _ANY_URL.finditer(text):
            if m.group(2).rstrip("/") == path.rstrip("/"):
                curl = _CURL_METHOD.search(text)
                return m.group(1) or (curl.group(1) if curl else "GET")
    return None
