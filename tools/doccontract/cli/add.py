"""``doccontract add``: local crawler-export pages snapshotted into specs/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .options import Subcommands, add_command, add_debug


def add_parser(sub: Subcommands) -> None:
    a = add_command(
        sub,
        "add",
        "snapshot local crawler-export pages (files or folders) into specs/",
        "Copy crawler-export pages that document an endpoint (or list error codes) into specs/ at the path their "
        "URL names. A page holding another page than its URL names (its heading anchors, or its title and request "
        "line, say so) is refused.",
        "doccontract add ../shared/corpus/binance/institutional_loan",
        "0 done; 2 a page could not be read, has no source_url or holds another page (nothing written)",
    )
    a.add_argument("paths", nargs="+", metavar="PATH", help="crawler-export .md files or folders of them")
    a.add_argument("--out", default="specs", help="specs folder (default: specs/)")
    add_debug(a)
    a.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .._files import FileProblem
    from ..read.model import PageError
    from ..watch.fetch import FetchError, add_local

    try:
        done = add_local([Path(p) for p in args.paths], Path(args.out))
    except (FetchError, PageError) as exc:
        print(f"doccontract add: {exc}; nothing was written", file=sys.stderr)
        return 2
    except FileProblem as exc:  # says itself whether anything was written
        print(f"doccontract add: {exc}", file=sys.stderr)
        return 2
    for src, target, why in done:
        print(f"{why}: {src}" + (f" -> {target}" if target else ""))
    added = sum(t is not None for _, t, _ in done)
    print(f"{added} page(s) added to {args.out}, {len(done) - added} skipped; run 'doccontract build' next")
    return 0
