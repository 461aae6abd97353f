"""Benchmark: drift over every endpoint page of ../shared/corpus, served by the local docs site
with 50 ms added to every response.

Prints the wall time beside the sequential sum of latencies (goal: at least 6x
faster with the default 8 connections) and a rerun where nothing changed, all
304s (goal: within 1.2x of the time the latency alone takes over 8 connections).
The corpus is read in place; the specs and
contracts the run needs are built in a temporary folder, never in the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchutil import corpus_args, first_line

from doccontract.contract.build import build, find_specs
from doccontract.read.classify import NotAnEndpoint
from doccontract.read.extract import extract
from doccontract.read.load import read_page
from doccontract.read.model import PageError
from doccontract.watch.drift import run_drift
from doccontract.watch.fetch import Fetcher

SITE = """
import sys, threading
from pathlib import Path
from doccontract.watch.docsite import DocSite
site = DocSite(latency=float(sys.argv[2]))
site.put_specs(sorted(Path(sys.argv[1]).rglob("*.md")))
with site:
    print(site.url, flush=True)
    threading.Event().wait()
"""


def endpoint_specs(corpus: Path) -> list:
    keep = []
    for spec in find_specs([corpus]):
        page = read_page(spec.path)
        try:
            extract(page.docs["en"])
        except (NotAnEndpoint, PageError):  # PageError: a page of many endpoints (drift fetches one per page)
            continue
        keep.append(spec)
    return keep


def main() -> int:
    def options(ap):
        ap.add_argument("--latency", type=float, default=0.05)
        ap.add_argument("--connections", type=int, default=8)

    args, corpus = corpus_args(__doc__, options)
    tmp = Path(tempfile.mkdtemp(prefix="bench-drift-"))
    specs_dir = tmp / "specs" / "binance"
    specs = endpoint_specs(corpus)
    for spec in specs:
        target = specs_dir / spec.path.relative_to(corpus)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(spec.path, target)
    build([tmp / "specs"], tmp / "contracts", use_cache=False)
    # the docs site runs in its own process, as a remote site would: it must not share our GIL
    server = subprocess.Popen(
        [sys.executable, "-c", SITE, str(specs_dir), str(args.latency)], stdout=subprocess.PIPE, text=True
    )
    try:
        url = first_line(server).strip()
        fetcher = Fetcher(url, max_connections=args.connections, cache_dir=tmp / "fetch-cache")
        t0 = time.perf_counter()
        first = run_drift(tmp / "specs", tmp / "contracts", None, fetcher, work_dir=tmp / "work")
        wall = time.perf_counter() - t0
        requests_made = fetcher.requests_made
        again = Fetcher(url, max_connections=args.connections, cache_dir=tmp / "fetch-cache")
        t0 = time.perf_counter()
        second = run_drift(tmp / "specs", tmp / "contracts", None, again, work_dir=tmp / "work")
        rerun = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=10)
    sequential = requests_made * args.latency
    print(
        f"pages: {len(specs)} endpoint pages x 2 languages = {requests_made} requests, "
        f"{args.latency * 1000:.0f} ms added per response"
    )
    print(
        f"drift exit codes: first run {first.exit_code}, rerun {second.exit_code} "
        "(0 = no drift, as the site serves the committed pages)"
    )
    print(f"floor    sequential sum of latencies          {sequential * 1000:8.0f} ms")
    print(
        f"drift    {args.connections} connections, full fetch + build    {wall * 1000:8.0f} ms   "
        f"{sequential / wall:5.1f}x faster (goal >= 6x)"
    )
    parallel = requests_made * args.latency / args.connections
    print(
        f"rerun    nothing changed: {again.not_modified}/{again.requests_made} were 304   {rerun * 1000:8.0f} ms   "
        f"{rerun / parallel:4.2f}x the {parallel * 1000:.0f} ms that {args.connections} connections "
        "need for the latency alone (goal <= 1.2x)"
    )
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
