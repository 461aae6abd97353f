"""``doccontract fetch``: English and Chinese doc pages into specs/, all pages or none."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..usage import UsageError
from .options import Subcommands, add_command, add_debug, positive_int, seconds
from .output import Progress, say

OFFICIAL_DOCS = "https://developers.binance.com"


def add_parser(sub: Subcommands) -> None:
    f = add_command(
        sub,
        "fetch",
        "fetch English and Chinese doc pages into specs/",
        "Download each page in both languages and store it as a spec. A page is stored only if it is the page: "
        "not a 'Page Not Found' or WAF page, and documenting the same endpoint as the spec it replaces. "
        "An unchanged page leaves its spec byte-identical. Takes contract ids, /docs/ paths or full URLs; "
        "with no argument, refetches every spec under --out.",
        "doccontract fetch /docs/institutional_loan/account/Institution-Loan-Group-Close",
        "0 every page stored or unchanged; 2 bad argument; 3 a page could not be fetched or is not the page "
        "(nothing written)",
    )
    f.add_argument(
        "refs",
        nargs="*",
        metavar="ID|PATH|URL",
        help="contract ids, /docs/ paths or full URLs (default: every spec under --out)",
    )
    f.add_argument("--out", default="specs", help="specs folder (default: specs/)")
    add_fetch_options(f)
    add_debug(f)
    f.set_defaults(func=run)


def add_fetch_options(p: argparse.ArgumentParser) -> None:
    """The options of every command that fetches pages (fetch, drift, nightly)."""
    p.add_argument(
        "--base-url",
        default=None,
        help="the docs site (default: $DOCCONTRACT_DOCS_URL, else https://developers.binance.com)",
    )
    p.add_argument(
        "--connections", type=positive_int, default=8, help="at most this many connections at once (default 8)"
    )
    p.add_argument(
        "--timeout", type=seconds, default=10, help="seconds allowed for each page request, body included (default 10)"
    )


def _site(args: argparse.Namespace, refs: list[str]) -> str:
    """--base-url, else the site full URLs name, else $DOCCONTRACT_DOCS_URL, else developers.binance.com."""
    from ..watch.fetch import site_of

    if args.base_url:
        base: str = args.base_url
        return base
    sites = {s for s in map(site_of, refs) if s is not None}
    if len(sites) > 1:
        raise UsageError(
            f"the URLs name {len(sites)} sites ({', '.join(sorted(sites))}); "
            "fetch from one at a time or give --base-url"
        )
    return sites.pop() if sites else os.environ.get("DOCCONTRACT_DOCS_URL", OFFICIAL_DOCS)


def run(args: argparse.Namespace) -> int:
    from ..contract.build import find_specs
    from ..read.identity import known
    from ..read.load import read_meta, read_page
    from ..read.model import PageError
    from ..watch.fetch import Fetcher, FetchError, docs_path, store_pages

    out = Path(args.out)
    refs = list(args.refs)
    if not refs:
        if not out.is_dir():
            raise UsageError(f"--out {out}: no such folder, and no page named to fetch")
        try:
            refs = [read_meta(s.path, s.display).get("source_url", "") for s in find_specs([out])]
        except PageError as exc:
            print(f"doccontract fetch: {exc}", file=sys.stderr)
            return 3
        refs = [r for r in refs if r]
    if not refs:
        raise UsageError(f"nothing to fetch (no ID or URL given, no spec with a source_url under {out})")
    try:
        paths = [docs_path(r) for r in refs]
    except FetchError as exc:
        raise UsageError(str(exc)) from None
    site = _site(args, list(args.refs))  # the specs' own source_urls name the official site: not a choice
    expect = {}
    for path in paths:
        target = out / "binance" / f"{path}.md"
        if target.exists():
            try:
                expect[path] = known(read_page(target))
            except PageError:
                pass  # an unreadable spec holds nothing to compare with
    fetcher = Fetcher(site, max_connections=args.connections, timeout=args.timeout)
    print(f"fetching {len(paths)} page(s) from {fetcher.base_url}", flush=True)
    progress = Progress(len(paths), "fetch")
    try:
        pages = fetcher.fetch_pages(paths, expect=expect, progress=progress)
    finally:
        progress.close()
    failed = {p: r for p, r in pages.items() if r.error}
    if failed:
        for r in failed.values():
            say(f"doccontract fetch: {r.error}", sys.stderr)
        print(f"doccontract fetch: {len(failed)} of {len(pages)} page(s) failed; nothing was written", file=sys.stderr)
        return 3
    # written only once every page arrived and read
    read = [r.page for r in pages.values() if r.page is not None]
    assert len(read) == len(pages)  # nothing failed and nothing was known beforehand: every page was read
    written = store_pages(read, out, lambda target, new: print(f"{'written  ' if new else 'unchanged'} {target}"))
    unchanged = len(pages) - written
    say(
        f"{len(pages)} page(s) from {fetcher.base_url}: {written} written, {unchanged} unchanged; "
        f"{fetcher.requests_made} request(s), {fetcher.not_modified} not modified"
    )
    return 0
