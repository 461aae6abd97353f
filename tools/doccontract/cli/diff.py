"""``doccontract diff``: two crawls, two spec files, two contract files or two folders compared, no fetching."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..neutral import terminal_json
from ..usage import UsageError
from .options import Subcommands, add_command, add_debug
from .output import say


def add_parser(sub: Subcommands) -> None:
    df = add_command(
        sub,
        "diff",
        "compare two crawls, two spec files or two contract trees, no fetching",
        "Compare two crawler-export folders (two crawls), two spec files, two contract files or two contract folders, "
        "and print the drift report. Pages holding another page than their URL names are refused and listed apart.",
        "doccontract diff crawl-jan/binance crawl-mar/binance --format markdown",
        "0 no drift; 1 non-breaking drift; 2 breaking drift or a bad argument; 3 a page could not be read or was "
        "refused as another page, or no page was compared",
    )
    df.add_argument("old", help="old spec file, contract file or folder")
    df.add_argument("new", help="new spec file, contract file or folder")
    df.add_argument("--format", choices=("markdown", "json"), default="markdown")
    add_debug(df)
    df.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..watch.crawls import Unreadable, diff_paths
    from ..watch.drift import exit_code, report_json, report_markdown

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    if old.is_dir() != new.is_dir():
        raise UsageError(f"{old} and {new}: compare a file with a file or a folder with a folder")
    try:
        result = diff_paths(old, new)
    except Unreadable as exc:
        print(f"doccontract diff: {exc}", file=sys.stderr)
        return 3
    drifts, errors, refused = result.drifts, result.errors, result.refused
    for line in [*errors, *refused]:
        say(f"doccontract diff: {line}", sys.stderr)
    if args.format == "json":
        print(terminal_json(report_json(drifts, errors, refused=refused), indent=2, sort_keys=True))
    else:
        print(report_markdown(drifts, errors, refused=refused), end="")
    return exit_code(drifts, [*errors, *refused])
