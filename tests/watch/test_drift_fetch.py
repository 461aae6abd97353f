"""fetch's bounds and identity: a total deadline, a size limit enforced while reading, the right page only.

Real HTTP on loopback: the docs site (``doccontract.watch.docsite``) and small servers that misbehave on purpose.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler

import pytest
from helpers import ROOT, SEED, SEED_ID
from test_drift import DOCS_PATH, committed_seed, serve

from doccontract.read.load import MAX_PAGE_BYTES, decode, read_page
from doccontract.read.model import CJK, PageError
from doccontract.watch.docsite import DocSite
from doccontract.watch.fetch import Fetcher, FetchError, docs_path
from doccontract.watch.loopback import LoopbackServer, QuickHandler


def fetch_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "doccontract", "fetch", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


class Misbehaving(LoopbackServer):
    """Answers every GET with ``answer(handler)``; stops writing when the client has gone."""

    def __init__(self, answer):
        class Handler(QuickHandler):
            def do_GET(self) -> None:
                try:
                    answer(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        super().__init__(Handler)


def trickle(h: BaseHTTPRequestHandler) -> None:
    """A page that sends one byte every 0.2 s: each read gets a byte long before any read timeout."""
    h.send_response(200)
    h.send_header("Content-Length", "200")
    h.end_headers()
    for _ in range(200):
        h.wfile.write(b"<")
        h.wfile.flush()
        time.sleep(0.2)


def test_a_trickling_page_ends_at_the_total_deadline_not_per_read():
    with Misbehaving(trickle) as srv:
        fetcher = Fetcher(srv.url, timeout=1, retries=0)
        with pytest.raises(FetchError, match=r"did not arrive within 1s \(the deadline covers the whole body\)"):
            fetcher.get(f"{srv.url}/docs/x/Y")


def gzip_bomb(inflated: int = 200 * 1024 * 1024) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    return b"".join(z.compress(zeros) for _ in range(inflated // len(zeros))) + z.flush()


BOMB = gzip_bomb()


def send_bomb(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Content-Length", str(len(BOMB)))
    h.end_headers()
    h.wfile.write(BOMB)


def test_a_gzip_bomb_is_refused_without_inflating_it_in_memory():
    assert len(BOMB) < 300 * 1024  # ~200 KB on the wire, 200 MB inflated
    with Misbehaving(send_bomb) as srv:
        fetcher = Fetcher(srv.url, timeout=20, retries=0)
        tracemalloc.start()
        try:
            with pytest.raises(FetchError, match="inflates to more than 8 MB"):
                fetcher.get(f"{srv.url}/docs/x/Y")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, peak


def gzip_then_junk(h: BaseHTTPRequestHandler) -> None:
    """A small gzip page followed by 9 MB that inflates to nothing: the wire bytes count too."""
    h.send_response(200)
    h.send_header("Content-Encoding", "gzip")
    h.send_header("Connection", "close")
    h.close_connection = True
    h.end_headers()
    h.wfile.write(gzip.compress(b"<p>page</p>"))  # zlib.compress(wbits=) is Python 3.11+
    for _ in range(9):
        h.wfile.write(bytes(1024 * 1024))


def test_bytes_after_the_end_of_a_gzip_page_count_against_the_limit():
    with Misbehaving(gzip_then_junk) as srv:
        with pytest.raises(FetchError, match="is larger than 8 MB; refused"):
            Fetcher(srv.url, timeout=20, retries=0).get(f"{srv.url}/docs/x/Y")


def big_page(with_length: bool):
    def answer(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if with_length:
            h.send_header("Content-Length", str(30 * 1024 * 1024))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        for _ in range(30):
            h.wfile.write(chunk)

    return answer


@pytest.mark.parametrize("with_length", [True, False], ids=["content-length", "no-length"])
def test_a_30_mb_page_is_refused_and_nothing_is_written(tmp_path, with_length):
    with Misbehaving(big_page(with_length)) as srv:
        r = fetch_cli(f"/docs/{DOCS_PATH}", "--base-url", srv.url, "--out", str(tmp_path / "specs"), "--timeout", "20")
    assert r.returncode == 3, r.stderr
    assert "larger than 8 MB; refused" in r.stderr and "nothing was written" in r.stderr
    assert not (tmp_path / "specs").exists()


def test_a_page_the_fetcher_accepts_is_never_too_large_for_the_reader(tmp_path):
    """One page limit and one Chinese-script range, in read/, for fetching and reading alike."""
    assert Fetcher("http://127.0.0.1:9", cache_dir=tmp_path).max_bytes == MAX_PAGE_BYTES == 8 * 1024 * 1024
    assert decode(b"x" * MAX_PAGE_BYTES, "page.md")
    with pytest.raises(PageError, match="larger than"):
        decode(b"x" * (MAX_PAGE_BYTES + 1), "page.md")
    assert CJK.search("\u3400") and CJK.search("\u9fff") and not CJK.search("\u3000\ua000")


def test_docs_paths_and_full_urls_name_the_page_and_the_site(tmp_path):
    out = tmp_path / "specs"
    with DocSite() as site:
        serve(site)
        by_path = fetch_cli(f"/docs/{DOCS_PATH}", "--base-url", site.url, "--out", str(out))
        assert by_path.returncode == 0, by_path.stderr
        assert f"from {site.url}" in by_path.stdout and f"/docs/docs/{DOCS_PATH}" not in site.hits
        by_url = fetch_cli(
            f"{site.url}/docs/zh-CN/{DOCS_PATH}#http-request", "--out", str(out)
        )  # no --base-url: the URL's site
    assert by_url.returncode == 0, by_url.stderr
    assert f"fetching 1 page(s) from {site.url}" in by_url.stdout and "1 unchanged" in by_url.stdout
    assert (out / f"{SEED_ID}.md").is_file()


def test_refetching_an_unchanged_page_leaves_its_spec_byte_identical(tmp_path):
    spec = committed_seed(tmp_path)
    with DocSite() as site:
        serve(site)
        r = fetch_cli(SEED_ID, "--base-url", site.url, "--out", str(tmp_path / "specs"))
    assert r.returncode == 0, r.stderr
    assert "unchanged" in r.stdout and "0 written, 1 unchanged" in r.stdout
    assert spec.read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_fetch_refuses_a_page_documenting_another_endpoint(tmp_path, lang):
    spec = committed_seed(tmp_path)
    other = read_page(ROOT / "specs/binance/institutional_loan/account/Query-Closed-Group-Record.md")
    with DocSite() as site:
        serve(site)
        route = f"/docs/{DOCS_PATH}" if lang == "en" else f"/docs/zh-CN/{DOCS_PATH}"
        from doccontract.read.render import render_html

        site.bodies[route] = render_html(
            other.docs[lang], f"https://developers.binance.com{route}"
        ).encode()  # canonical looks right
        r = fetch_cli(SEED_ID, "--base-url", site.url, "--out", str(tmp_path / "specs"))
    assert r.returncode == 3
    # (the zh-CN page of Query-Closed-Group-Record names another path than its English twin: Binance's own slip)
    assert re.search(
        r"page now documents another endpoint: GET /sapi/v1/margin/loan-\S+, "
        r"not DELETE /sapi/v1/margin/loan-group as the spec does",
        " ".join(r.stderr.split()),
    )  # wrapped at 100 columns
    assert spec.read_bytes() == SEED.read_bytes()


@pytest.mark.parametrize(
    "ref,path",
    [
        ("/docs/institutional_loan/account/X", "institutional_loan/account/X"),
        ("/docs/zh-CN/institutional_loan/account/X", "institutional_loan/account/X"),
        ("https://developers.binance.com/docs/institutional_loan/account/X?x=1#a", "institutional_loan/account/X"),
        ("binance/institutional_loan/account/X.md", "institutional_loan/account/X"),
        ("institutional_loan/account/X", "institutional_loan/account/X"),
    ],
)
def test_docs_path_reads_every_way_of_naming_a_page(ref, path):
    assert docs_path(ref) == path


@pytest.mark.parametrize("ref", ["https://example.com/blog/x", "/docs/", "/docs/../etc/passwd", "  "])
def test_docs_path_refuses_what_names_no_page(ref):
    with pytest.raises(FetchError):
        docs_path(ref)


def test_refetching_every_spec_uses_the_docs_site_from_the_environment(tmp_path):
    committed_seed(tmp_path)
    with DocSite() as site:
        serve(site)
        env = {**os.environ, "DOCCONTRACT_DOCS_URL": site.url, "XDG_CACHE_HOME": str(tmp_path / "cache")}
        r = subprocess.run(
            [sys.executable, "-m", "doccontract", "fetch", "--out", str(tmp_path / "specs")],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
        )
    assert r.returncode == 0, r.stderr
    assert f"from {site.url}" in r.stdout and site.hits[f"/docs/{DOCS_PATH}"] == 1


def trickle_headers(h: BaseHTTPRequestHandler) -> None:
    """Status line and headers one byte every 0.2 s: no read ever waits long, the answer never ends."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-Slow: " + b"z" * 100 + b"\r\n\r\n":
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.2)
    h.close_connection = True


def test_trickled_headers_end_at_the_total_deadline_too():
    with Misbehaving(trickle_headers) as srv:
        fetcher = Fetcher(srv.url, timeout=1, retries=0)
        with pytest.raises(FetchError, match=r"did not arrive within 1s \(the deadline covers the whole answer\)"):
            fetcher.get(f"{srv.url}/docs/x/Y")


def test_a_304_leaves_its_connection_ready_for_the_next_request(tmp_path):
    """Kept-alive connections carry 304s and then the next request: no failed attempt, no retry."""
    page = read_page(SEED)
    paths = [f"institutional_loan/copy{i}/Institution-Loan-Group-Close" for i in range(20)]
    with DocSite() as site:
        for path in paths:
            site.put(path, page)
        fetcher = Fetcher(site.url, max_connections=4, retries=2, backoff=0.01, cache_dir=tmp_path / "cache")
        first = fetcher.fetch_pages(paths, parse_workers=1)
        again = Fetcher(site.url, max_connections=4, retries=2, backoff=0.01, cache_dir=tmp_path / "cache")
        for _ in range(2):
            second = again.fetch_pages(paths, parse_workers=1)
    assert not any(r.error for r in [*first.values(), *second.values()])
    assert fetcher.requests_made == 40 and (again.requests_made, again.not_modified) == (80, 80)
