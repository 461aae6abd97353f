"""``doccontract diff``: two spec files, two contract files or two folders compared, no fetching."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..neutral import terminal_json
from ..usage import UsageError
from .options import add_command, add_debug


def add_parser(sub) -> None:
    df = add_command(
        sub,
        "diff",
        "compare two spec files or two contract trees, no fetching",
        "Compare two spec files, two contract files or two folders of either, and print the drift report.",
        "doccontract diff old/Close.md new/Close.md --format markdown",
        "0 no drift; 1 non-breaking drift; 2 breaking drift or a bad argument; 3 a page could not be read",
    )
    df.add_argument("old", help="old spec file, contract file or folder")
    df.add_argument("new", help="new spec file, contract file or folder")
    df.add_argument("--format", choices=("markdown", "json"), default="markdown")
    add_debug(df)
    df.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..watch.drift import Unreadable, diff_paths, exit_code, report_json, report_markdown

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    if old.is_dir() != new.is_dir():
        raise UsageError(f"{old} and {new}: compare a file with a file or a folder with a folder")
    try:
        drifts = diff_paths(old, new)
    except Unreadable as exc:
        print(f"doccontract diff: {exc}", file=sys.stderr)
        return 3
    if args.format == "json":
        print(terminal_json(report_json(drifts, []), indent=2, sort_keys=True))
    else:
        print(report_markdown(drifts, []), end="")
    return exit_code(drifts)

