"""``doccontract build``: spec pages in, one contract per endpoint out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..neutral import control
from .options import Subcommands, add_command, add_debug
from .output import print_findings, wrap

if TYPE_CHECKING:
    from ..contract.document import Contract


def add_parser(sub: Subcommands) -> None:
    b = add_command(
        sub,
        "build",
        "build contracts from spec pages",
        "Read spec pages (English + Chinese) and write one JSON-Schema contract per endpoint, plus openapi.json.",
        "doccontract build specs/ --out contracts/",
        "0 every page read; 1 findings under --strict; 2 a page could not be read or a bad argument",
    )
    b.add_argument("paths", nargs="*", metavar="PATH", help="spec files or folders (default: specs/)")
    b.add_argument("--out", default="contracts", help="contracts folder (default: contracts/)")
    b.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    b.add_argument("--strict", action="store_true", help="exit 1 when any page has findings")
    b.add_argument("--no-cache", action="store_true", help="rebuild every page, even unchanged ones")
    b.add_argument("-q", "--quiet", action="store_true", help="one line per page, no findings")
    add_debug(b)
    b.set_defaults(func=run)


def _progress(done: int, total: int) -> None:
    """One self-overwriting line on a terminal; nothing in CI or when redirected."""
    control(sys.stderr, f"\rbuilding {done}/{total} pages" + ("" if done < total else "\r" + " " * 40 + "\r"))
    sys.stderr.flush()


def run(args: argparse.Namespace) -> int:
    from ..contract.build import BuildError, build
    from ..read.classify import CATEGORIES

    paths = args.paths or ["specs"]
    for p in paths:
        if not Path(p).exists():
            print(f"doccontract build: {p}: no such file or folder", file=sys.stderr)
            return 2
    show_progress = sys.stderr.isatty() and not args.quiet
    try:
        results = build(
            paths, args.out, jobs=args.jobs, use_cache=not args.no_cache, progress=_progress if show_progress else None
        )
    except BuildError as exc:
        print(f"doccontract build: {exc}", file=sys.stderr)
        return 2
    failed: list[str] = []
    findings = 0
    skipped: dict[str, int] = {}
    for r in results:
        if r.status == "failed":
            failed.append(r.detail)
            wrap(f"FAIL  {r.detail}", "", sys.stderr)
            continue
        if r.status == "skipped":
            skipped[r.category] = skipped.get(r.category, 0) + 1
            wrap(f"skip  {r.cid}: [{r.category}] {r.detail}", "", sys.stdout)
            continue
        if r.status == "removed":
            wrap(f"gone  {r.cid}: {r.detail}; its contract was removed", "", sys.stdout)
            continue
        contract: Contract | None = r.contract
        if contract is None:
            from .._files import read_json

            contract = read_json(Path(args.out) / f"{r.cid}.json")  # the build wrote it
        n = len(contract["findings"])
        findings += n
        label = "ok   " if r.status == "built" else "same "
        print(f"{label} {r.cid}: {contract['method']} {contract['path']} ({n} finding{'s' if n != 1 else ''})")
        if not args.quiet:
            print_findings(contract["findings"], sys.stdout)
    if skipped:
        print("skipped pages by category:")
        for kind, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {kind:<20} {n:4}  {CATEGORIES.get(kind, '')}")
    if failed:
        print(f"failed pages ({len(failed)}):", file=sys.stderr)
        for detail in failed:
            wrap(detail, "  ", sys.stderr)
    counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "skipped", "failed", "removed")}
    wrap(
        ", ".join(f"{v} {k}" for k, v in counts.items() if v or k != "removed")
        + f"; {findings} findings -> {args.out}",
        "",
        sys.stdout,
    )
    if failed:
        return 2
    return 1 if args.strict and findings else 0
