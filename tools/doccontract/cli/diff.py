"""``doccontract diff``: two crawls, two spec files, two contract files or two folders compared, no fetching."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..neutral import terminal_json
from ..usage import UsageError
from .options import add_command, add_debug
from .output import say


def add_parser(sub) -> None:
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


def _load_tree(p: Path, tmp: Path, i: int) -> Path:
    """One side of ``diff``: a folder of contracts as is, or specs built into contracts in ``tmp``."""
    import json

    from .._files import FileProblem, read_regular, write_atomic
    from ..contract.build import SPEC_SUFFIXES, build, find_specs

    has_specs = (p.is_file() and p.suffix in SPEC_SUFFIXES) or (p.is_dir() and find_specs([p]) and not list(p.rglob("*.json")))
    tree = tmp / f"t{i}"
    if not has_specs:
        if p.is_dir():
            return p
        try:  # one contract file: both sides get the same name, whatever their ids
            raw = read_regular(p)  # bounded; a FIFO is refused at once, not waited on
            data = json.loads(raw)
        except FileProblem:
            raise
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{p}: not a spec page (.md/.html) nor a contract JSON file ({type(exc).__name__})") from None
        if not isinstance(data, dict) or not {"method", "path", "languages"} <= set(data):
            raise UsageError(f"{p}: not a doccontract contract (an OpenAPI document?); give two spec files, two contract files or two folders")
        tree.mkdir()
        write_atomic(tree / "page.json", raw, tree, durable=False)
        return tree
    if p.is_file():  # two spec files compare as one page, whatever their names
        specs = tmp / f"s{i}" / "specs"
        specs.mkdir(parents=True)
        write_atomic(specs / f"page{p.suffix}", read_regular(p), specs, durable=False)
        p = specs
    failed = [r for r in build([p], tree, use_cache=False) if r.status == "failed"]
    if failed:
        raise _Unreadable("; ".join(r.detail for r in failed))
    return tree


class _Unreadable(Exception):
    """A page that could not be read (exit 3 for diff)."""


def _spec_root(p: Path, tmp: Path, i: int, tree: Path) -> Path | None:
    """The spec folder ``_load_tree`` built one side from (None for contracts): drift reads its pages' prose."""
    copied = tmp / f"s{i}" / "specs"
    return copied if copied.is_dir() else (p if p.is_dir() and tree != p else None)


def _is_spec_source(p: Path) -> bool:
    """A spec file, or a folder of spec pages (a crawl) without contracts in it."""
    from ..contract.build import SPEC_SUFFIXES, find_specs

    return (p.is_file() and p.suffix in SPEC_SUFFIXES) or bool(p.is_dir() and find_specs([p]) and not list(p.rglob("*.json")))


def run(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from .._files import FileProblem
    from ..watch.crawls import diff_crawls
    from ..watch.drift import diff_trees, exit_code, page_reader, report_json, report_markdown

    old, new = Path(args.old), Path(args.new)
    for p in (old, new):
        if not p.exists():
            raise UsageError(f"{p}: no such file or folder")
    if old.is_dir() != new.is_dir():
        raise UsageError(f"{old} and {new}: compare a file with a file or a folder with a folder")
    errors: list[str] = []
    refused: list[str] = []
    with tempfile.TemporaryDirectory(prefix="doccontract-diff-") as tmp:
        if _is_spec_source(old) and _is_spec_source(new):  # two crawls (or two pages): judged, then compared
            roots = []
            for i, p in enumerate((old, new)):
                if p.is_file():  # two spec files compare as one page, whatever their names
                    (Path(tmp) / f"in{i}").mkdir()
                    shutil.copyfile(p, Path(tmp) / f"in{i}" / f"page{p.suffix}")
                    p = Path(tmp) / f"in{i}"
                roots.append(p)
            (Path(tmp) / "work").mkdir()
            shown = (str(old), str(new)) if old.is_file() else None
            result = diff_crawls(roots[0], roots[1], Path(tmp) / "work", shown)
            drifts, errors, refused = result.drifts, result.errors, result.refused
        else:
            try:
                trees = [_load_tree(p, Path(tmp), i) for i, p in enumerate((old, new))]
            except _Unreadable as exc:
                print(f"doccontract diff: {exc}", file=sys.stderr)
                return 3
            try:
                spec_roots = [_spec_root(p, Path(tmp), i, tree) for i, (p, tree) in enumerate(zip((old, new), trees, strict=True))]
                drifts = diff_trees(trees[0], trees[1], pages=page_reader(*spec_roots))
            except FileProblem:
                raise
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise UsageError(f"{old} / {new}: not contracts doccontract wrote ({type(exc).__name__}: {exc})") from None
            if not drifts:
                errors.append(f"nothing was compared: neither {old} nor {new} holds a contract")
    for line in [*errors, *refused]:
        say(f"doccontract diff: {line}", sys.stderr)
    if args.format == "json":
        print(terminal_json(report_json(drifts, errors, refused=refused), indent=2, sort_keys=True))
    else:
        print(report_markdown(drifts, errors, refused=refused), end="")
    return exit_code(drifts, [*errors, *refused])

