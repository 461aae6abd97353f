"""Fetching the live doc pages, English and Chinese, politely and suspiciously.

Polite: one Session, a clear User-Agent, bounded concurrency, conditional GETs,
backoff on 429/5XX honouring Retry-After.  Suspicious: a 200 is not proof of a
page; "Page Not Found" pages, WAF or captcha pages, articles without an HTTP
Request section, English served at a Chinese URL and a page that documents
another endpoint than the spec it would replace are all refused.  Bounded: each
request has a total deadline (not one per read: a page trickling a byte a second
ends at the deadline) and a size limit, compressed and decompressed, enforced
while reading.  A failed fetch raises :class:`FetchError` and never touches a
spec on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import requests
import urllib3

from .. import __version__
from .._files import FileProblem, check_inside, read_json, write_atomic
from .._files import cache_dir as default_cache_dir
from ..read.classify import classify
from ..read.html import read_html
from ..read.identity import Identity, Known, describe, identity, same_page, wrong_page
from ..read.identity import known as known_of
from ..read.load import MAX_PAGE_BYTES, decode, parse_page, read_bytes, read_page
from ..read.model import CJK, LANGS, Document, Page, PageError
from ..read.render import render_crawler
from ..usage import UsageError
from ..wire.transport import Deadline, TooLarge, WatchedAdapter, read_capped, retry_after

OFFICIAL = "https://developers.binance.com"
USER_AGENT = f"doccontract/{__version__} (doc-drift monitor; +https://developers.binance.com/docs)"


#: a page's HTTP validators: (en etag, en last-modified, zh-CN etag, zh-CN last-modified), or () when it failed;
#: read back from a work folder's index they are the same values in a list
Validators = Sequence[str | None]
_T = TypeVar("_T")


class FetchError(Exception):
    """A page that could not be fetched or is not the page; names the URL and why.

    ``kind`` says what drift makes of it: ``"gone"`` (404/410 or a 'Page Not
    Found' page: the page was removed, breaking drift), ``"other-endpoint"`` (the
    URL now documents another endpoint) or ``"error"`` (could not tell: 5XX,
    timeout, WAF, too large ...).
    """

    def __init__(self, message: str, kind: str = "error"):
        super().__init__(message)
        self.kind = kind

    def __reduce__(
        self,
    ) -> tuple[type[FetchError], tuple[str, str]]:  # keeps ``kind`` across the worker-process boundary
        return (FetchError, (str(self), self.kind))


#: How long past ``timeout`` the total deadline falls: a server that stalls outright trips the
#: per-read ``timeout`` first, a transient fault that is retried; one that trickles meets the deadline.
DEADLINE_SLACK = 0.5


def _late(url: str, timeout: float, phase: str) -> FetchError:
    return FetchError(f"{url}: the page did not arrive within {timeout:g}s (the deadline covers the whole {phase})")


def _decode_html(body: bytes, declared: str | None) -> str:
    try:
        return body.decode(declared or "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", "replace")


def _path_of(url: str) -> str:
    rest = url.split("://", 1)[-1]
    return "/" + rest.split("/", 1)[1].split("?")[0].split("#")[0].rstrip("/") if "/" in rest else "/"


@dataclass
class Fetched:
    url: str
    html: str
    not_modified: bool
    etag: str | None = None
    last_modified: str | None = None


def docs_path(ref: str) -> str:
    """'binance/institutional_loan/x/Y', 'institutional_loan/x/Y', '/docs/institutional_loan/x/Y'
    (or '/docs/zh-CN/...') or a full /docs/ URL -> 'institutional_loan/x/Y'."""
    ref = ref.strip()
    if "://" in ref or ref.startswith(("/docs/", "docs/")):
        if "/docs/" not in "/" + ref.split("://", 1)[-1]:
            raise FetchError(
                f"{ref}: not a /docs/ URL (expected e.g. https://developers.binance.com/docs/institutional_loan/...)"
            )
        path = ("/" + ref).split("/docs/", 1)[1]
        path = path.removeprefix("zh-CN/").split("#")[0].split("?")[0].strip("/")
    else:
        path = ref.removeprefix("binance/").removesuffix(".md").strip("/")
    if not path or ".." in path.split("/"):
        raise FetchError(
            f"{ref!r}: not a doc page "
            "(expected an id like institutional_loan/account/Institution-Loan-Group-Close, a /docs/ path or URL)"
        )
    return path


def site_of(ref: str) -> str | None:
    """The site a full URL names ('https://developers.binance.com'), None for ids and /docs/ paths."""
    if "://" not in ref:
        return None
    scheme, rest = ref.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


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
        max_bytes: int = MAX_PAGE_BYTES,
    ):
        self.base_url = base_url.rstrip("/")
        self.max_connections = max_connections
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.session = requests.Session()
        adapter = WatchedAdapter(
            pool_connections=max_connections, pool_maxsize=max_connections
        )  # obeys each request's Deadline
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update(
            {"User-Agent": USER_AGENT, "Accept": "text/html", "Accept-Encoding": "gzip, deflate"}
        )
        base = cache_dir or default_cache_dir("fetch")
        self.cache_dir = base
        self._gate = threading.Semaphore(max_connections)
        self._count_lock = threading.Lock()
        self.requests_made = 0
        self.not_modified = 0

    # -- one URL
    def _cache_file(self, url: str) -> Path:
        return self.cache_dir / (hashlib.sha256(url.encode()).hexdigest()[:24] + ".json")

    def get(self, url: str) -> Fetched:
        """One page, with retries; a 304 answers from the cache of pages that were read and accepted."""
        cached = None
        try:
            cached = read_json(self._cache_file(url))
        except OSError:
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
                with self._gate:  # read within the gate: a connection is busy until then
                    with self._count_lock:
                        self.requests_made += 1
                    resp, body = self._attempt(url, headers)
            except requests.exceptions.Timeout:
                last = f"no answer within {self.timeout}s"
            except (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError):
                last = "the body was cut short (connection broken mid-body)"
            except urllib3.exceptions.ReadTimeoutError:
                last = f"the body stalled (no byte for {self.timeout}s)"
            except requests.exceptions.RequestException as exc:
                last = f"connection failed ({type(exc).__name__})"
            else:
                if resp.status_code == 304 and cached:
                    with self._count_lock:
                        self.not_modified += 1
                    return Fetched(url, cached["html"], True, cached.get("etag"), cached.get("last_modified"))
                if resp.status_code == 200:
                    html = _decode_html(body, resp.encoding)
                    final = resp.url or url
                    if final != url and _path_of(final) != _path_of(url):
                        moved = docs_path(final) if "/docs/" in final else final
                        raise FetchError(
                            f"{url}: redirected to {final}; the page now documents another page ({moved})",
                            "other-endpoint",
                        )
                    return Fetched(url, html, False, resp.headers.get("ETag"), resp.headers.get("Last-Modified"))
                if resp.status_code in (404, 410):
                    raise FetchError(f"{url}: HTTP {resp.status_code}: the page is gone", "gone")
                if resp.status_code == 429 or resp.status_code >= 500:
                    last = f"HTTP {resp.status_code}"
                    wait = retry_after(resp.headers.get("Retry-After"))
                    if wait is not None and attempt < self.retries:
                        if wait > self.max_retry_after:
                            raise FetchError(
                                f"{url}: HTTP {resp.status_code}, "
                                f"Retry-After {wait:.0f}s is longer than {self.max_retry_after:.0f}s"
                            )
                        time.sleep(wait)
                        continue
                else:
                    raise FetchError(f"{url}: HTTP {resp.status_code}; expected the doc page")
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        raise FetchError(f"{url}: {last} after {self.retries + 1} attempt{'s' if self.retries else ''}")

    def _attempt(self, url: str, headers: dict[str, str]) -> tuple[requests.Response, bytes]:
        """One request and its (bounded) body, all within one total :class:`Deadline` (a server
        trickling its headers or its body a byte at a time is cut off there, not per read);
        the connection goes back to the pool only when read to the end."""
        phase = "answer"
        with Deadline(self.timeout + DEADLINE_SLACK) as deadline:
            try:
                resp = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
                phase = "body"
                body = b""
                try:
                    if resp.status_code == 200:
                        body = read_capped(resp, self.max_bytes)
                    elif resp.status_code == 304:
                        resp.raw.read(decode_content=False)  # no body, but the connection must see the answer end
                except BaseException:
                    resp.close()
                    raise
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError):
                if deadline.expired:
                    raise _late(url, self.timeout, phase) from None
                raise
            except TooLarge as exc:
                mb = self.max_bytes // (1024 * 1024)
                raise FetchError(
                    f"{url}: the page {'inflates to more than' if exc.inflated else 'is larger than'} {mb} MB; refused"
                ) from None
            except ValueError as exc:  # read_capped: an unknown or corrupt Content-Encoding
                raise FetchError(f"{url}: {exc}") from None
            if deadline.expired:  # the deadline's shutdown can look like a complete (short) body
                resp.close()
                raise _late(url, self.timeout, phase)
        if resp.status_code in (200, 304):
            resp.raw.release_conn()
        else:
            resp.close()  # an error page left unread: that connection is not used again
        return resp, body

    def remember(self, fetched: Fetched) -> None:
        """Keep an accepted page for conditional GETs (only accepted ones: a 304 must mean 'still good')."""
        if fetched.not_modified or not (fetched.etag or fetched.last_modified):
            return
        record = {
            "url": fetched.url,
            "etag": fetched.etag,
            "last_modified": fetched.last_modified,
            "html": fetched.html,
        }
        try:
            write_atomic(self._cache_file(fetched.url), json.dumps(record).encode(), self.cache_dir, durable=False)
        except OSError:
            pass  # without a cache the next run fetches in full

    # -- pages, both languages
    def fetch_pages(
        self,
        refs: list[str],
        known: Mapping[str, Validators] | None = None,
        then: Callable[[Page], Any] | None = None,
        parse_workers: int | None = None,
        expect: dict[str, dict[str, Known]] | None = None,
        progress: Callable[[str, str | None], None] | None = None,
    ) -> dict[str, PageFetch]:
        """Every page in both languages; a page that fails has ``error`` set, the others are read.

        Downloads run on up to ``max_connections`` connections while pages
        already downloaded are read in worker processes (reading HTML is the
        CPU-bound part), where ``then(page)`` also runs (it must be picklable).
        A page whose two languages answered 304 with the validators in
        ``known`` is not read again: its ``PageFetch.page`` is None.
        ``expect`` (docs path -> language -> identity) is what the spec each
        page would replace documents: a page documenting anything else fails.
        ``progress(path, error)`` is called once per page as it is done.
        """
        paths = list(dict.fromkeys(docs_path(r) for r in refs))
        urls = {
            (p, lang): f"{self.base_url}/docs/{p}" if lang == "en" else f"{self.base_url}/docs/zh-CN/{p}"
            for p in paths
            for lang in LANGS
        }
        got: dict[tuple[str, str], Fetched] = {}
        failed: dict[str, FetchError] = {}
        read: dict[str, tuple[Page, Any]] = {}
        workers = parse_workers if parse_workers is not None else min(2, os.cpu_count() or 1)

        def done(path: str, error: FetchError | None = None) -> None:
            if error is not None and path not in failed:
                failed[path] = error
            if progress:
                progress(path, str(error) if error else None)

        with ThreadPoolExecutor(self.max_connections) as net, _parser_pool(workers) as cpu:
            pending = {net.submit(self.get, url): key for key, url in urls.items()}
            reading: dict[Future[tuple[Page, Any]], str] = {}
            try:
                for fut in as_completed(list(pending)):
                    path, lang = pending[fut]
                    try:
                        got[(path, lang)] = fut.result()
                    except FetchError as exc:
                        if path not in failed:
                            done(path, exc)
                        continue
                    if path in failed or (path, "en") not in got or (path, "zh-CN") not in got:
                        continue  # a page is judged once both languages are in
                    en, zh = got[(path, "en")], got[(path, "zh-CN")]
                    if _unchanged(known, path, en, zh):
                        done(path)
                    else:
                        want = (expect or {}).get(path)
                        reading[cpu.submit(read_pair, path, en.url, en.html, zh.url, zh.html, then, want)] = path
                for job in as_completed(list(reading)):
                    path = reading[job]
                    try:
                        read[path] = job.result()
                    except (FetchError, PageError, RecursionError, ValueError) as exc:
                        done(
                            path,
                            exc
                            if isinstance(exc, FetchError)
                            else FetchError(f"{urls[(path, 'en')]}: the page could not be read: {_short(exc)}"),
                        )
                    else:
                        done(path)
            except BaseException:
                unfinished: list[Future[Any]] = [*pending, *reading]
                for job_ in unfinished:
                    job_.cancel()
                raise
        out: dict[str, PageFetch] = {}
        for p in paths:
            if p in failed:
                out[p] = PageFetch(None, (), error=str(failed[p]), kind=failed[p].kind)
                continue
            en, zh = got[(p, "en")], got[(p, "zh-CN")]
            page, extra = read.get(p, (None, None))
            out[p] = PageFetch(page, (en.etag, en.last_modified, zh.etag, zh.last_modified), extra)
            for f in (en, zh):
                self.remember(f)
        return out


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 300 else text[:297] + "..."


def read_pair(
    path: str,
    en_url: str,
    en_html: str,
    zh_url: str,
    zh_html: str,
    then: Callable[[Page], Any] | None = None,
    expect: Mapping[str, Known | Identity] | None = None,
) -> tuple[Page, Any]:
    """Both languages of one fetched page, checked to be the page (runs in a worker process).

    With ``expect`` (what the spec it would replace documents, per language),
    each language must still be that page; else FetchError kind
    "other-endpoint" and nothing of it is kept.  See :func:`..read.identity.same_page`:
    HTML carries no heading anchors naming its path, so the title and request line decide.
    """
    source = f"specs/binance/{path}.md"
    docs = {}
    for lang, url, html in (("en", en_url, en_html), ("zh-CN", zh_url, zh_html)):
        want = (expect or {}).get(lang)
        if want is not None and not isinstance(want, Known):
            want = Known(want, "")  # an identity alone: no title to fall back on
        allow = want.ident[1] if want and want.ident[0] == "kind" else None
        docs[lang], _ = check_page(url, html, lang, allow_kind=allow, docs_path_=path)
        if want is not None:
            got = Known(identity(docs[lang]), docs[lang].title)
            if not same_page(want, got):
                raise FetchError(
                    f"{url}: page now documents another endpoint: "
                    f"{describe(got.ident)}, not {describe(want.ident)} as the spec does"
                    + (f" (its title is '{got.title}', not '{want.title}')" if want.title else ""),
                    "other-endpoint",
                )
    for lang, doc in docs.items():
        doc.source = f"{source} ({lang})"
    page = Page(source, {"exchange": "binance", "source_url": f"{OFFICIAL}/docs/{path}"}, docs)
    return page, then(page) if then else None


@dataclass
class PageFetch:
    page: Page | None  # None: unchanged since ``known`` (not read again), or failed (``error`` says why)
    validators: Validators
    extra: Any = None  # what ``then(page)`` returned
    error: str | None = None
    kind: str = ""  # FetchError.kind when ``error``


def _unchanged(known: Mapping[str, Validators] | None, path: str, en: Fetched, zh: Fetched) -> bool:
    if not known or path not in known or not (en.not_modified and zh.not_modified):
        return False
    return tuple(known[path]) == (en.etag, en.last_modified, zh.etag, zh.last_modified)


class _InlinePool:
    """Reads pages in this process, for one core or where processes are not wanted."""

    def __enter__(self) -> _InlinePool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def submit(self, fn: Callable[..., _T], *args: Any) -> Future[_T]:
        fut: Future[_T] = Future()
        try:
            fut.set_result(fn(*args))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller through the future
            fut.set_exception(exc)
        return fut


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the main process, which stops the run and reports it in one line."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parser_pool(workers: int) -> ProcessPoolExecutor | _InlinePool:
    return ProcessPoolExecutor(workers, initializer=_ignore_sigint) if workers > 1 else _InlinePool()


def check_page(
    url: str, html: str, lang: str, allow_kind: str | None = None, docs_path_: str | None = None
) -> tuple[Document, bool]:
    """The article of a fetched page and whether its canonical link names ``docs_path_``; or
    FetchError saying why this is not the page.

    ``allow_kind``: a page without an endpoint of this kind (an error-code list) is accepted.
    ``docs_path_``: the page asked for; a canonical link naming another page is refused.
    """
    low = html[:5000].lower()
    if "<title>page not found" in low or re.search(r"<h1[^>]*>\s*page not found\s*</h1>", low):
        raise FetchError(f"{url}: the site answered 200 with a 'Page Not Found' page: the page is gone", "gone")
    try:
        doc, meta = read_html(html, lang, url)
    except PageError:
        if any(
            w in low
            for w in (
                "captcha",
                "challenge",
                "verify you are human",
                "human verification",
                "access denied",
                "<noscript",
            )
        ):
            raise FetchError(f"{url}: a WAF, captcha or script-only page, not the doc article") from None
        raise FetchError(f"{url}: no doc article (<article> / .theme-doc-markdown) in the page") from None
    canonical = meta.get("source_url", "")
    confirmed = False
    if docs_path_ and "/docs/" in canonical:
        try:
            named = docs_path(canonical)
        except FetchError:
            named = ""
        if named and named != docs_path_:
            raise FetchError(
                f"{url}: page now documents another endpoint: its canonical URL is {canonical}", "other-endpoint"
            )
        confirmed = named == docs_path_
    try:
        kind = classify(doc)
    except PageError as exc:
        raise FetchError(f"{url}: {exc.problem}") from None
    if kind is not None and kind != allow_kind and kind not in ADDED_KINDS:
        raise FetchError(f"{url}: the article has no HTTP Request section ({kind})")
    page_lang = meta.get("lang", "").lower()
    if lang == "zh-CN":
        # the page's own lang attribute decides (an untranslated zh-CN page is still the zh-CN page);
        # without one, a zh-CN page with no Chinese in its title or headings is taken for English
        text = doc.title + "".join(s.heading for s in doc.sections)
        if (page_lang and not page_lang.startswith("zh")) or (not page_lang and not CJK.search(text)):
            raise FetchError(f"{url}: the zh-CN URL served an English page (lang={page_lang or 'none'})")
    return doc, confirmed


def spec_path(page: Page, specs_dir: Path) -> Path:
    """Where a page's spec lives: the path mirrors its URL (specs/binance/<docs path>.md)."""
    return specs_dir / "binance" / f"{docs_path(page.url)}.md"


#: Pages that ``add`` keeps besides endpoint pages: the error catalogue is built from the error-code
#: lists; the rules (general information) and change logs are watched by drift for what they say.
ADDED_KINDS = ("error-codes", "general-info", "changelog")


def add_local(paths: list[Path], specs_dir: Path) -> list[tuple[Path, Path | None, str]]:
    """Snapshot crawler-export pages into ``specs_dir``, byte for byte, at the path their URL names.

    Only pages that document an endpoint (or list error codes) are kept; every page is read first, so a
    page that cannot be read, or that holds another page than its URL names (:func:`wrong_page`: a
    crawler's slip), stops the command before anything is written.  Returns
    ``(source, target or None, why)`` per page.
    """
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(f for f in sorted(p.rglob("*.md")) if not f.is_dir())  # a folder named 'x.md' is a folder
        elif p.exists():
            files.append(p)  # a FIFO or device is refused by read_bytes, naming it
        else:
            raise FetchError(f"{p}: no such file or folder")
    planned: list[tuple[Path, Path | None, str, bytes]] = []
    for f in files:
        data = read_bytes(f)
        page = parse_page(data, str(f))
        if not page.url or "/docs/" not in page.url:
            raise FetchError(
                f"{f}: no developers.binance.com source_url in its front matter, so its place in specs/ is unknown"
            )
        kind = classify(page.docs.get("en") or page.docs["zh-CN"])
        if kind is not None and kind not in ADDED_KINDS:
            planned.append((f, None, f"skipped: not an endpoint page ({kind})", data))
            continue
        target = spec_path(page, specs_dir)
        problem = spec_path_problem(target, specs_dir)
        if problem:
            raise FetchError(f"{f}: its source_url {page.url} {problem}")
        why = wrong_page(page, decode(data, str(f)), spec=_spec_known(target))
        if why:
            raise FetchError(f"{f}: {why}; a crawler saved it under the wrong URL? refused", "other-endpoint")
        if target.exists() and same_content(target, page):
            planned.append((f, None, f"unchanged: {target} documents the same page", data))
            continue
        planned.append((f, target, "added" if kind is None else f"added ({kind})", data))
    if any(target is not None for _, target, _, _ in planned):
        probe_writable(specs_dir)
    for _, dest, _, data in planned:
        if dest is not None:
            write_atomic(dest, data, specs_dir)
    return [(f, target, why) for f, target, why, _ in planned]


def _spec_known(target: Path) -> dict[str, Known] | None:
    """What the spec a page would replace documents (None: no spec, or one that cannot be read)."""
    try:
        return known_of(read_page(target)) if target.exists() else None
    except PageError:
        return None


def same_content(spec: Path, page: Page) -> bool:
    """True when a spec on disk reads to the same documents (cosmetic bytes aside) as ``page``."""
    try:
        old = read_page(spec)
    except PageError:
        return False
    return all(
        old.docs.get(lang) is not None and old.docs[lang].canonical() == doc.canonical()
        for lang, doc in page.docs.items()
    )


def store(page: Page, target: Path, specs_dir: Path) -> Path:
    """Write a fetched page as a spec file (front matter, English, ---, Chinese), atomically, inside ``specs_dir``."""
    write_atomic(target, render_crawler(page), specs_dir)
    return target


def spec_path_problem(target: Path, specs_dir: Path) -> str | None:
    """Why a spec cannot be written at ``target`` (outside ``specs_dir`` through a symlink, a name
    longer than a file system takes), else None: asked of every page before any is written."""
    try:
        check_inside(target, specs_dir)
    except FileProblem as exc:
        return f"would be written to {target}, which {exc.problem.split(';')[0]}"
    long = next((part for part in target.relative_to(specs_dir).parts if len(part.encode("utf-8")) > 255), None)
    if long is not None:
        return (
            f"names a path part of {len(long.encode('utf-8'))} bytes ('{long[:40]}...'); "
            "a file system takes at most 255"
        )
    return None


def store_pages(pages: list[Page], specs_dir: Path, report: Callable[[Path, bool], None] | None = None) -> int:
    """Write fetched pages as specs, all or none: every target is checked (inside ``specs_dir``, a name a
    file system takes, a folder that can be written) before the first write; an unchanged page keeps its
    spec byte-identical.  ``report(target, written)`` per page; returns how many were written."""
    targets = [(page, spec_path(page, specs_dir)) for page in pages]
    for page, target in targets:
        problem = spec_path_problem(target, specs_dir)
        if problem:
            raise UsageError(f"{page.url} {problem}; nothing was written")
    plan = [(page, target, not (target.exists() and same_content(target, page))) for page, target in targets]
    if any(write for _, _, write in plan):
        probe_writable(specs_dir)
    for page, target, write in plan:
        if write:
            store(page, target, specs_dir)
        if report is not None:
            report(target, write)
    return sum(write for _, _, write in plan)


def probe_writable(folder: Path) -> None:
    """Refuse a folder nothing can be written in (read-only disk, no permission) before the first
    write, so a run that cannot write writes nothing rather than some pages."""
    import tempfile

    base = folder
    while not base.exists() and base.parent != base:
        base = base.parent
    try:
        if not base.is_dir():
            raise FileProblem(base, "not a folder; cannot write specs there")
        tempfile.NamedTemporaryFile(dir=base, prefix=".probe.").close()
    except FileProblem:
        raise
    except OSError as exc:
        raise FileProblem(folder, f"cannot write there ({exc.strerror or exc}); nothing was written") from None
