"""Two crawls (or two spec folders, or two spec files) compared page by page: ``doccontract diff``.

A crawl is judged before it is compared: a file that holds another page than its URL names (a
crawler's slip, :func:`..read.identity.wrong_page`) is refused and listed apart, never read as drift
of the page it claims to be.  Every other page in both crawls is compared: endpoint pages through
their contracts (:func:`.tree.diff_trees`), the others (error-code lists, rule pages, change logs)
through :func:`.prose.diff_other_page`.  A comparison that compared nothing says so (exit 3).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._files import FileProblem, read_regular
from ..read.identity import docs_path_of, known, wrong_page
from ..read.load import decode, parse_page
from ..read.model import Page, PageError
from ..usage import UsageError
from .changes import Change, ContractDrift
from .prose import diff_other_page
from .tree import diff_trees, page_reader

if TYPE_CHECKING:
    from ..contract.build import Spec


@dataclass
class CrawlDiff:
    drifts: list[ContractDrift]
    errors: list[str] = field(default_factory=list)  # pages that could not be read, or nothing compared
    refused: list[str] = field(default_factory=list)  # pages that hold another page than their URL names


@dataclass
class _Side:
    specs: dict[str, Spec]
    pages: dict[str, Page]
    texts: dict[str, str]


def _read_side(root: Path, errors: list[str]) -> _Side:
    from ..contract.build import find_specs

    side = _Side({}, {}, {})
    for spec in find_specs([root]):
        try:
            data = read_regular(spec.path)  # a FIFO or device is refused, naming it
            text = decode(data, spec.display)
            side.pages[spec.cid] = parse_page(data, spec.display)
        except (OSError, PageError) as exc:
            errors.append(f"{spec.display}: {exc}")
            continue
        side.specs[spec.cid] = spec
        side.texts[spec.cid] = text
    return side


def diff_crawls(old_root: Path, new_root: Path, work: Path, shown: tuple[str, str] | None = None) -> CrawlDiff:
    """Compare two folders of spec pages (crawler exports); ``work`` is an empty scratch folder.
    ``shown``: how to name each side's pages (two single files copied into folders: their own names)."""
    from ..contract.build import build

    errors: list[str] = []
    old, new = _read_side(old_root, errors), _read_side(new_root, errors)
    refused: list[str] = []
    bad: set[str] = set()
    for i, (name, side, other) in enumerate((("old", old, None), ("new", new, old))):
        for cid, page in side.pages.items():
            before = (
                other.pages.get(cid) if other is not None and cid not in bad else None
            )  # a refused page is nothing to hold one to
            url_path = docs_path_of(page.url) or cid.removeprefix("binance/")  # no source_url: where the crawl keeps it
            why = wrong_page(page, side.texts[cid], url_path, spec=known(before) if before is not None else None)
            if not why and side.specs[cid].path.suffix in (".html", ".htm"):
                why = _canonical_elsewhere(cid, url_path)
            if why:
                refused.append(f"{shown[i] if shown else side.specs[cid].display} ({name}): {why}")
                bad.add(cid)
    kept = []
    for i, side in enumerate((old, new)):
        root = work / f"s{i}" / "specs"
        root.mkdir(parents=True)
        for cid, spec in side.specs.items():
            if cid in bad:
                continue
            target = root / spec.path.relative_to(spec.root) if spec.root else root / spec.path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(spec.path, target)
        kept.append(root)
    results = [
        build([root], work / f"t{i}", use_cache=False) if any(root.rglob("*.*")) else [] for i, root in enumerate(kept)
    ]
    for i in range(2):
        (work / f"t{i}").mkdir(exist_ok=True)
    for rs in results:
        errors += [r.detail for r in rs if r.status == "failed"]
    drifts = diff_trees(work / "t0", work / "t1", pages=page_reader(*kept))
    skipped = [{r.cid for r in rs if r.status == "skipped"} for rs in results]
    failed = [{r.cid for r in rs if r.status == "failed"} for rs in results]
    for cid in sorted((skipped[0] | skipped[1]) - bad - failed[0] - failed[1]):
        o, n = old.pages.get(cid), new.pages.get(cid)
        if o is not None and n is not None and cid in skipped[0] and cid in skipped[1]:
            drifts.append(diff_other_page(cid, o, n))
        elif o is None or n is None:
            drifts.append(_one_sided(cid, o, n))
    drifts.sort(key=lambda d: d.id)
    if not (set(old.pages) & set(new.pages)) - bad:  # pages on one side only are listed, but nothing was compared
        why = (
            "every page was refused or could not be read"
            if old.pages or new.pages
            else "neither folder holds a spec page"
        )
        if old.pages and new.pages and not set(old.pages) & set(new.pages):
            why = "no page is in both folders (compare two crawls of the same site, folder for folder)"
        errors.append(f"nothing was compared: {why}")
    return CrawlDiff(drifts, errors, refused)


def _canonical_elsewhere(cid: str, canonical: str) -> str | None:
    """A saved HTML page names the page it is in its canonical link; a crawl keeps it at its URL's
    path, so a canonical naming another path than where the file sits is another page."""
    where = cid.removeprefix("binance/").casefold()
    if not canonical or canonical.casefold().endswith(where) or where.endswith(canonical.casefold()):
        return None
    return f"the page kept at {cid} holds another page: its canonical link names /docs/{canonical}"


def _one_sided(cid: str, old: Page | None, new: Page | None) -> ContractDrift:
    """A page without an endpoint present in one crawl only: documentation, said with its title."""
    page = new or old
    title = next(iter(page.docs.values())).title if page and page.docs else cid
    code, verb = ("page.added", "is new") if old is None else ("page.removed", "is gone")
    url = page.url if page else ""
    urls = {"en": url} if url else {}
    return ContractDrift(
        cid,
        "",
        "",
        [Change("documentation", code, cid, f"the page '{title}' ({docs_path_of(url) or cid}) {verb}", [])],
        urls,
    )


def _load_tree(p: Path, tmp: Path, i: int) -> Path:
    """One side of ``diff``: a folder of contracts as is, or specs built into contracts in ``tmp``."""
    import json

    from .._files import FileProblem, read_regular, write_atomic
    from ..contract.build import SPEC_SUFFIXES, build, find_specs

    has_specs = (p.is_file() and p.suffix in SPEC_SUFFIXES) or (
        p.is_dir() and find_specs([p]) and not list(p.rglob("*.json"))
    )
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
            raise UsageError(
                f"{p}: not a spec page (.md/.html) nor a contract JSON file ({type(exc).__name__})"
            ) from None
        if not isinstance(data, dict) or not {"method", "path", "languages"} <= set(data):
            raise UsageError(
                f"{p}: not a doccontract contract (an OpenAPI document?); "
                "give two spec files, two contract files or two folders"
            )
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
        raise Unreadable("; ".join(r.detail for r in failed))
    return tree


class Unreadable(Exception):
    """A page that could not be read (exit 3 for diff)."""


def _spec_root(p: Path, tmp: Path, i: int, tree: Path) -> Path | None:
    """The spec folder ``_load_tree`` built one side from (None for contracts): drift reads its pages' prose."""
    copied = tmp / f"s{i}" / "specs"
    return copied if copied.is_dir() else (p if p.is_dir() and tree != p else None)


def _is_spec_source(p: Path) -> bool:
    """A spec file, or a folder of spec pages (a crawl) without contracts in it."""
    from ..contract.build import SPEC_SUFFIXES, find_specs

    return (p.is_file() and p.suffix in SPEC_SUFFIXES) or bool(
        p.is_dir() and find_specs([p]) and not list(p.rglob("*.json"))
    )


def diff_paths(old: Path, new: Path) -> CrawlDiff:
    """What ``doccontract diff`` compares, given two paths that exist and are both files or both folders:
    two crawls (or spec files) are judged, then compared; anything else as contract trees, spec pages
    built into contracts aside.  Unreadable: a page of such a tree could not be read (exit 3)."""
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
            trees = [_load_tree(p, Path(tmp), i) for i, p in enumerate((old, new))]
            try:
                spec_roots = [
                    _spec_root(p, Path(tmp), i, tree) for i, (p, tree) in enumerate(zip((old, new), trees, strict=True))
                ]
                drifts = diff_trees(trees[0], trees[1], pages=page_reader(*spec_roots))
            except FileProblem:
                raise
            except (ValueError, KeyError, TypeError, AttributeError) as exc:
                raise UsageError(
                    f"{old} / {new}: not contracts doccontract wrote ({type(exc).__name__}: {exc})"
                ) from None
            if not drifts:
                errors.append(f"nothing was compared: neither {old} nor {new} holds a contract")
    return CrawlDiff(drifts, errors, refused)
