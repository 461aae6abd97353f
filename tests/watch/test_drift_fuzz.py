"""A bounded fuzz of the fetch path: whatever a docs site answers (status, headers, body), fetch returns
the page or raises FetchError (or the reader's PageError for a page it cannot read); nothing else escapes."""

from __future__ import annotations

import gzip
import zlib

import pytest
from helpers import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stub import StubServer

from doccontract.read.load import read_page
from doccontract.read.model import PageError
from doccontract.read.render import render_html
from doccontract.watch.docsite import NOT_FOUND_PAGE, WAF_PAGE
from doccontract.watch.fetch import Fetched, Fetcher, FetchError, read_pair

PAGE = read_page(SEED)
EN_HTML = render_html(PAGE.docs["en"], PAGE.url)
ZH_HTML = render_html(PAGE.docs["zh-CN"], PAGE.url.replace("/docs/", "/docs/zh-CN/", 1))
EXPECT = {
    "en": ("endpoint", "DELETE", "/sapi/v1/margin/loan-group"),
    "zh-CN": ("endpoint", "DELETE", "/sapi/v1/margin/loan-group"),
}
PATH = "institutional_loan/account/Institution-Loan-Group-Close"


class Answer:
    now: tuple[int, dict[str, str], bytes] = (200, {}, b"")

    def __call__(self, seen):
        return self.now


ANSWER = Answer()


@pytest.fixture(scope="module")
def site():
    with StubServer(ANSWER) as srv:
        yield srv


def _mangle(html: str, cut: int, flip: int) -> bytes:
    data = bytearray(html.encode())
    if cut:
        data = data[: len(data) * cut // 10]
    if flip and data:
        data[(flip * 7919) % len(data)] ^= 0xFF
    return bytes(data)


bodies = st.one_of(
    st.binary(max_size=1500),
    st.sampled_from(
        [EN_HTML, ZH_HTML, NOT_FOUND_PAGE, WAF_PAGE, "", "<html><body><article></article></body></html>"]
    ).flatmap(lambda html: st.builds(_mangle, st.just(html), st.integers(0, 9), st.integers(0, 3))),
    st.text(max_size=500).map(
        lambda t: f"<html><body><article><h1>{t}</h1><h2>HTTP Request</h2><p>{t}</p></article></body></html>".encode()
    ),
)


@st.composite
def answers(draw):
    status = draw(st.sampled_from([200, 200, 200, 200, 204, 301, 304, 400, 403, 404, 410, 418, 429, 500, 503]))
    body = draw(bodies)
    headers: dict[str, str] = {}
    encoding = draw(st.sampled_from([None, None, "gzip", "deflate", "identity", "br", "x-gzip", "nonsense"]))
    if encoding:
        headers["Content-Encoding"] = encoding
        how = draw(st.sampled_from(["right", "raw", "corrupt"]))
        if how == "right" and encoding in ("gzip", "x-gzip"):
            body = gzip.compress(body)
        elif how == "right" and encoding == "deflate":
            body = zlib.compress(body)
        elif how == "corrupt" and encoding in ("gzip", "x-gzip", "deflate"):
            body = gzip.compress(body)[: draw(st.integers(0, 30))]
    ctype = draw(
        st.sampled_from(
            [None, "text/html", "text/html; charset=utf-8", "text/html; charset=no-such-charset", "application/json"]
        )
    )
    if ctype:
        headers["Content-Type"] = ctype
    retry = draw(st.sampled_from([None, "0", "soon", "-5", "99999", "Wed, 21 Oct 2015 07:28:00 GMT", "nan"]))
    if retry is not None:
        headers["Retry-After"] = retry
    if status == 301:
        headers["Location"] = draw(st.sampled_from(["/docs/other/Page", "http://127.0.0.1:1/docs/x", "::not a url::"]))
    return status, headers, body


@settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(answer=answers(), lang=st.sampled_from(["en", "zh-CN"]))
def test_fetch_answers_the_page_or_a_fetch_error(site, answer, lang):
    ANSWER.now = answer
    fetcher = Fetcher(site.url, timeout=2, retries=0, max_retry_after=0.2, max_bytes=64 * 1024)
    url = f"{site.url}/docs/{PATH}" if lang == "en" else f"{site.url}/docs/zh-CN/{PATH}"
    try:
        got = fetcher.get(url)
    except FetchError as exc:
        assert str(exc).startswith(url), exc  # every failure names the URL
        return
    assert isinstance(got, Fetched) and isinstance(got.html, str)
    en, zh = (got.html, ZH_HTML) if lang == "en" else (EN_HTML, got.html)
    try:
        page, _ = read_pair(PATH, f"{site.url}/docs/{PATH}", en, f"{site.url}/docs/zh-CN/{PATH}", zh, None, EXPECT)
    except (FetchError, PageError):
        return
    assert set(page.docs) == {"en", "zh-CN"}
