"""``doccontract docsite``: specs/ served as a local docs site, so fetch and drift can run offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..usage import UsageError
from .options import Subcommands, add_command, add_debug, port


def add_parser(sub: Subcommands) -> None:
    ds = add_command(
        sub,
        "docsite",
        "serve specs/ as a local docs site (Docusaurus HTML) on loopback",
        "Serve every spec under --specs at /docs/<path> and /docs/zh-CN/<path>, the way developers.binance.com "
        "does, so fetch, drift and nightly can be tried offline with --base-url.",
        "doccontract docsite --port 8000   # then: doccontract drift --base-url http://127.0.0.1:8000",
        "0 stopped (SIGTERM); 130 Ctrl-C; 2 bad argument or port in use",
    )
    ds.add_argument("--specs", default="specs", help="spec pages to serve (default: specs/)")
    ds.add_argument("--host", default="127.0.0.1")
    ds.add_argument("--port", type=port, default=8000, help="0 picks a free port (default 8000)")
    add_debug(ds)
    ds.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import signal
    import threading

    from ..contract.build import find_specs
    from ..read.model import PageError
    from ..watch.docsite import DocSite

    specs = Path(args.specs)
    if not specs.is_dir():
        raise UsageError(f"--specs {specs}: no such folder")
    try:
        site = DocSite(host=args.host, port=args.port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc.strerror}") from None
    served = []
    for spec in find_specs([specs]):
        try:
            served.append(site.put_spec(spec.path))
        except (PageError, IndexError) as exc:
            print(f"skip {spec.display}: {exc}", file=sys.stderr)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with site:
        print(
            f"docsite: {len(served)} page(s) on {site.url} (try: doccontract drift --base-url {site.url})", flush=True
        )
        while not stop.wait(0.5):
            pass
    return 0
