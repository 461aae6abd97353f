"""A local stand-in for developers.binance.com: real HTTP on loopback serving Docusaurus HTML.

Tests and benchmarks fetch from it instead of the internet.  It serves each
page at ``/docs/<path>`` and ``/docs/zh-CN/<path>``, answers conditional GETs
with 304, can add latency, and can be told to misbehave the ways a real docs
site does (5XX, 429 with Retry-After, timeouts, truncated bodies, a 200 "Page
Not Found", a WAF page, English served for Chinese).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler
from pathlib import Path

from ..read.load import read_page
from ..read.model import Page
from ..read.render import render_html
from .loopback import LoopbackServer, QuickHandler

NOT_FOUND_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><title>Page Not Found | Binance Open Platform</title></head><body>'
    '<main class="container margin-vert--xl"><h1 class="hero__title">Page Not Found</h1>'
    "<p>We could not find what you were looking for.</p></main></body></html>"
)
WAF_PAGE = (
    '<!DOCTYPE html><html><head><title>Human Verification</title><script src="/challenge.js"></script></head>'
    '<body><noscript>Please enable JavaScript to continue.</noscript><div id="captcha-container"></div></body></html>'
)


class DocSite(LoopbackServer):
    """Pages by docs path (``institutional_loan/account/Institution-Loan-Group-Close``)."""

    def __init__(self, latency: float = 0.0, host: str = "127.0.0.1", port: int = 0):
        self.latency = latency
        self.bodies: dict[str, bytes] = {}
        self.faults: dict[str, deque[str | int]] = defaultdict(deque)
        self.hits: dict[str, int] = defaultdict(int)
        self._lock = threading.Lock()
        site = self

        class Handler(QuickHandler):
            def do_GET(self) -> None:
                site._serve(self)

        super().__init__(Handler, host, port)

    # -- content
    def put(self, docs_path: str, page: Page) -> None:
        """Serve a page's languages (both, for a crawler spec) at their two URLs."""
        url = f"https://developers.binance.com/docs/{docs_path}"  # canonical, as the real site states it
        for lang, doc in page.docs.items():
            route = f"/docs/{docs_path}" if lang == "en" else f"/docs/zh-CN/{docs_path}"
            canonical = url if lang == "en" else url.replace("/docs/", "/docs/zh-CN/", 1)
            self.bodies[route] = render_html(doc, canonical).encode("utf-8")

    def put_spec(self, spec: str | Path) -> str:
        """Serve a spec file at the docs path its ``source_url`` names; returns that path."""
        page = read_page(spec)
        docs_path = page.url.split("/docs/", 1)[1]
        self.put(docs_path, page)
        return docs_path

    def put_specs(self, specs: Iterable[str | Path]) -> list[str]:
        return [self.put_spec(s) for s in specs]

    def fail(self, route: str, *faults: str | int) -> None:
        """The next requests for ``route`` misbehave in order: an HTTP status (500, 503, 404),
        429 (with Retry-After: 1), ``"timeout"``, ``"truncate"``, ``"not-found-page"``,
        ``"waf"``, ``"english"`` (the English page at a Chinese URL)."""
        self.faults[route].extend(faults)

    # -- HTTP
    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        route = h.path.split("?", 1)[0]
        with self._lock:
            self.hits[route] += 1
            fault = self.faults[route].popleft() if self.faults.get(route) else None
        if self.latency:
            time.sleep(self.latency)
        body = self.bodies.get(route)
        if fault == "timeout":
            time.sleep(3)
            return self._send(h, 200, body or b"")
        if fault == 429:
            return self._send(h, 429, b"Too Many Requests", {"Retry-After": "1"})
        if isinstance(fault, int):
            return self._send(h, fault, f"<html><body><h1>{fault}</h1></body></html>".encode())
        if fault == "not-found-page":
            return self._send(h, 200, NOT_FOUND_PAGE.encode())
        if fault == "waf":
            return self._send(h, 200, WAF_PAGE.encode())
        if fault == "english":
            body = self.bodies.get(route.replace("/docs/zh-CN/", "/docs/", 1))
        if body is None:
            return self._send(h, 404, NOT_FOUND_PAGE.encode())
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        if h.headers.get("If-None-Match") == etag:
            return self._send(h, 304, b"", {"ETag": etag})
        if fault == "truncate":
            h.send_response(200)
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.close_connection = True
            return None
        return self._send(h, 200, body, {"ETag": etag, "Content-Type": "text/html; charset=utf-8"})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        if status != 304:
            h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if status != 304:
            h.wfile.write(body)
