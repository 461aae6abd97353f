"""Fetching the live doc pages, English and Chinese, politely and suspiciously.

Polite: one Session, a clear User-Agent, bounded concurrency, conditional GETs,
backoff on 429/5XX honouring Retry-After.  Suspicious: a 200 is not proof of a
page; "Page Not Found" pages, WAF or captcha pages, articles without an HTTP
Request section and English served at a Chinese URL are all refused.  A
failed fetch raises :class:`FetchError` and never touches a spec on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from .build import write_atomic
from .extract import classify
from .pages import Page, PageError, read_html, render_crawler

OFFICIAL = "https://developers.binance.com"
USER_AGENT = "doccontract/0.1 (doc-drift monitor; +https://developers.binance.com/docs)"
_CJK = re.compile(r"[\u4e00-\u9fff]")


class FetchError(Exception):
    """A page that could not be fetched or is not the page; names the URL and why."""


@dataclass
class Fetched:
    url: str
    html: str
    not_modified: bool


def docs_path(ref: str) -> str:
    """'binance/institutional_loan/x/Y', 'institutional_loan/x/Y', or a /docs/ URL -> 'institutional_loan/x/Y'."""
    if "://" in ref:
        if "/docs/" not in ref:
            raise FetchError(f"{ref}: not a developers.binance.com /docs/ URL")
        path = ref.split("/docs/", 1)[1]
        return path.removeprefix("zh-CN/").split("#")[0].split("?")[0].strip("/")
    return ref.removeprefix("binance/").removesuffix(".md").strip("/")


class Fetcher:
    def __init__(
        self,
        base_url: str = OFFICIAL,
        max_connections: int = 8,
        timeout: float = 10,
        retries: int = 3,
        backoff: float = 0.5,
        max_retry_after: float = 60,
        cache_dir: Path | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.max_connections = max_connections
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=max_connections, pool_maxsize=max_connections, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "text/html"})
        base = cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doccontract" / "fetch"
        self.cache_dir = base
        self._gate = threading.Semaphore(max_connections)
        self.requests_made = 0
        self.not_modified = 0

    # -- one URL
    def _cache_file(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:24] + ".json")

    def get(self, url: str) -> Fetched:
        cached = None
        try:
            cached = json.loads(self._cache_file(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        headers = {}
        if cached:
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        last = ""
        for attempt in range(self.retries + 1):
            try:
                with self._gate:
                    self.requests_made += 1
                    resp = self.session.get(url, headers=headers, timeout=self.timeout)
                    body = resp.content  # read within the gate: a connection is busy until then
            except requests.exceptions.Timeout:
                last = f"no answer within {self.timeout}s"
            except requests.exceptions.ChunkedEncodingError:
                last = "the body was cut short (connection broken mid-body)"
            except requests.exceptions.RequestException as exc:
                last = f"connection failed ({type(exc).__name__})"
            else:
                if resp.status_code == 304 and cached:
                    self.not_modified += 1
                    return Fetched(url, cached["html"], True)
                if resp.status_code == 200:
                    html = body.decode(resp.encoding or "utf-8", "replace")
                    self._remember(url, resp, html)
                    return Fetched(url, html, False)
                if resp.status_code == 429 or resp.status_code >= 500:
                    last = f"HTTP {resp.status_code}"
                    wait = _retry_after(resp.headers.get("Retry-After"))
                    if wait is not None and attempt < self.retries:
                        if wait > self.max_retry_after:
                            raise FetchError(f"{url}: HTTP {resp.status_code}, Retry-After {wait:.0f}s is longer than {self.max_retry_after:.0f}s")
                        time.sleep(wait)
                        continue
                else:
                    raise FetchError(f"{url}: HTTP {resp.status_code}; expected the doc page")
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        raise FetchError(f"{url}: {last} after {self.retries + 1} attempts")

    def _remember(self, url: str, resp: requests.Response, html: str) -> None:
        etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
        if not (etag or modified):
            return
        record = {"url": url, "etag": etag, "last_modified": modified, "html": html}
        try:
            write_atomic(self._cache_file(url), json.dumps(record).encode())
        except OSError:
            pass  # without a cache the next run fetches in full

    # -- one page, both languages
    def fetch_page(self, ref: str) -> Page:
        path = docs_path(ref)
        en_url, zh_url = f"{self.base_url}/docs/{path}", f"{self.base_url}/docs/zh-CN/{path}"
        with ThreadPoolExecutor(2) as pool:
            en_f, zh_f = pool.map(self.get, (en_url, zh_url))
        docs = {}
        for lang, fetched in (("en", en_f), ("zh-CN", zh_f)):
            docs[lang] = check_page(fetched.url, fetched.html, lang)
        source = f"specs/binance/{path}.md"
        for lang, doc in docs.items():
            doc.source = f"{source} ({lang})"
        return Page(source, {"exchange": "binance", "source_url": f"{OFFICIAL}/docs/{path}"}, docs)

    def fetch_pages(self, refs: list[str]) -> dict[str, Page]:
        """Every page, concurrently (connections bounded by the gate); the first failure raises."""
        with ThreadPoolExecutor(max(1, self.max_connections // 2)) as pool:
            pages = list(pool.map(self.fetch_page, refs))
        return {docs_path(r): p for r, p in zip(refs, pages, strict=True)}


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def check_page(url: str, html: str, lang: str):
    """The article of a fetched page, or FetchError saying why this is not the page."""
    low = html[:5000].lower()
    if "<title>page not found" in low or re.search(r"<h1[^>]*>\s*page not found\s*</h1>", low):
        raise FetchError(f"{url}: the site answered 200 with a 'Page Not Found' page")
    try:
        doc, meta = read_html(html, lang, url)
    except PageError:
        if any(w in low for w in ("captcha", "challenge", "verify you are human", "human verification", "access denied", "<noscript")):
            raise FetchError(f"{url}: a WAF, captcha or script-only page, not the doc article") from None
        raise FetchError(f"{url}: no doc article (<article> / .theme-doc-markdown) in the page") from None
    try:
        kind = classify(doc)
    except PageError as exc:
        raise FetchError(f"{url}: {exc.problem}") from None
    if kind is not None:
        raise FetchError(f"{url}: the article has no HTTP Request section ({kind})")
    page_lang = meta.get("lang", "")
    if lang == "zh-CN":
        text = doc.title + "".join(s.heading for s in doc.sections)
        if (page_lang and not page_lang.lower().startswith("zh")) or not _CJK.search(text):
            raise FetchError(f"{url}: the zh-CN URL served an English page")
    return doc


def spec_path(page: Page, specs_dir: Path) -> Path:
    """Where a page's spec lives: the path mirrors its URL (specs/binance/<docs path>.md)."""
    return specs_dir / "binance" / f"{docs_path(page.url)}.md"


def store(page: Page, target: Path) -> Path:
    """Write a fetched page as a spec file (front matter, English, ---, Chinese), atomically."""
    write_atomic(target, render_crawler(page.meta, page.docs["en"], page.docs["zh-CN"]).encode("utf-8"))
    return target
