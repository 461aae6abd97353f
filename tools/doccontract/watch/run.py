"""The live run: fetch every committed spec's pages, make their contracts aside, compare, report,
and (with --update, on a clean run) write what changed."""

from __future__ import annotations

import contextlib
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._files import FileProblem, check_inside, dumps, read_json, read_regular, write_atomic
from ..contract import build as builder  # builder.contracts_for is read at call time: a test patches it
from ..contract import error_pages
from ..contract.build import Spec, build_one, find_specs
from ..contract.openapi import openapi_document
from ..contract.store import OPENAPI_NAME, load_contracts
from ..read.classify import NotAnEndpoint
from ..read.load import parse_page, read_meta, read_page
from ..read.model import LANGS, Page, PageError
from ..read.render import render_crawler
from ..usage import UsageError
from .changes import Change, ContractDrift, exit_code
from .prose import diff_other_page
from .report import report_json, write_reports
from .tree import contract_ids, diff_trees, page_reader
from .waivers import Waiver, apply_waivers

if TYPE_CHECKING:
    from ..read.identity import Known
    from .fetch import Fetcher

# --------------------------------------------------------------------------- the live run


@dataclass
class DriftRun:
    drifts: list[ContractDrift]
    errors: list[str]
    exit_code: int
    report: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # URLs that now serve another page: not compared, not drift


def spec_and_contract(names: dict[str, tuple[str, str]], page: Page) -> tuple[bytes, dict[str, bytes], str]:
    """A fetched page as its spec file and its contracts by id, made exactly as ``doccontract build``
    makes them from that file (so a stored spec always rebuilds to the same contracts).  Runs in a
    worker process.  A page without an endpoint (an error-code list) has no contract."""
    from .fetch import docs_path

    display, cid = names[docs_path(page.url)]
    spec = render_crawler(page)
    try:
        parsed = parse_page(spec, display)
        contracts = builder.contracts_for(parsed, cid)  # a page documenting several endpoints: one contract each
    except NotAnEndpoint:
        return spec, {}, ""
    except (PageError, RecursionError, ValueError) as exc:
        return spec, {}, f"{display}: {str(exc)[:300] or type(exc).__name__}"
    return spec, {c["id"]: dumps(c) for c in contracts}, ""


def owned(ids: Iterable[str], spec_cid: str, spec_ids: set[str]) -> set[str]:
    """The contract ids that belong to one spec: its own id, or ``<its id>/<anchor>`` for a page
    documenting several endpoints (unless that id is another spec's)."""
    return {c for c in ids if c == spec_cid or (c.rsplit("/", 1)[0] == spec_cid and c not in spec_ids)}


def _load_index(path: Path) -> dict[str, list[str | None]]:
    try:
        data = read_json(path)
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}


def _prune(folder: Path, keep: set[Path]) -> None:
    """A kept work folder holds only this run's files: a page dropped from specs/ must not look added."""
    for f in folder.rglob("*"):
        if f.is_file() and f not in keep:
            f.unlink()


def _expected(spec: Spec, contracts_dir: Path) -> dict[str, Known]:
    """What a spec documents, per language (from its committed contract when there is one: cheap)."""
    from ..read.identity import known, known_from_contract

    try:
        return known_from_contract(read_json(contracts_dir / f"{spec.cid}.json"))
    except (OSError, KeyError, TypeError, AttributeError):
        pass
    try:
        return known(read_page(spec.path, spec.display))
    except PageError:
        return {}


def run_drift(
    specs_dir: Path,
    contracts_dir: Path,
    report_dir: Path | None,
    fetcher: Fetcher,
    update: bool = False,
    work_dir: Path | None = None,
    waivers: list[Waiver] | None = None,
    today: str | None = None,
    run_url: str = "",
    progress: Callable[[str, str | None], None] | None = None,
) -> DriftRun:
    """Fetch every committed spec's pages, make their contracts aside, diff against the committed ones.

    Every page that could be fetched is compared; a page that is gone (404, a
    'Page Not Found' page) is breaking drift for its contract; a page that could
    not be fetched or now documents another endpoint is an error listed beside
    the others (exit 3: worst of all).  Nothing in ``specs_dir`` or
    ``contracts_dir`` changes unless ``update`` and the whole run succeeded; then
    only the pages that changed are rewritten.  ``work_dir`` (kept between runs)
    holds the fetched specs and contracts with the validators they were made
    from, so pages that answer 304 are not read again.
    """
    import datetime

    from .fetch import docs_path

    for folder, what in ((specs_dir, "--specs"), (contracts_dir, "--contracts")):
        if not folder.is_dir():
            raise UsageError(f"{what} {folder}: no such folder")
    today = today or datetime.date.today().isoformat()
    errors: list[str] = []
    refused: list[str] = []
    specs = find_specs([specs_dir])
    if not specs:
        raise UsageError(f"--specs {specs_dir}: no spec pages in it (expected specs/binance/.../*.md)")
    refs: dict[str, Any] = {}
    for spec in specs:
        try:
            url = read_meta(spec.path, spec.display).get("source_url", "")
            path = docs_path(url) if url else ""
        except (PageError, ValueError) as exc:
            errors.append(f"{spec.cid}: {exc}")
            continue
        if not url:
            errors.append(f"{spec.cid}: {spec.display} has no source_url in its front matter; cannot fetch it")
            continue
        refs[path] = spec
    spec_ids = {s.cid for s in specs}
    committed = contract_ids(contracts_dir)
    for cid in sorted(committed):
        if not any(owned([cid], s, spec_ids) for s in spec_ids):
            errors.append(
                f"{cid}: a committed contract without a spec under {specs_dir} (removed or renamed spec?); "
                "run doccontract build"
            )
    drifts: list[ContractDrift] = []
    compared: set[str] = set()
    others: list[tuple[Any, bytes]] = []  # pages without an endpoint: (spec, fetched spec bytes)
    with contextlib.ExitStack() as stack:
        work = work_dir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="doccontract-drift-")))
        tmp_specs, tmp_contracts = work / "specs", work / "contracts"
        index_file = work / "index.json"
        targets = {p: tmp_specs / spec.path.relative_to(specs_dir) for p, spec in refs.items()}
        made = contract_ids(tmp_contracts) if tmp_contracts.is_dir() else {}
        known = _load_index(index_file) if work_dir else {}
        known = {
            p: v
            for p, v in known.items()
            if p in targets and targets[p].exists() and owned(made, refs[p].cid, spec_ids)
        }
        names = {p: (f"specs/{spec.path.relative_to(specs_dir).as_posix()}", spec.cid) for p, spec in refs.items()}
        expect = {p: _expected(spec, contracts_dir) for p, spec in refs.items()}
        fetched = (
            fetcher.fetch_pages(
                list(refs), known=known, then=partial(spec_and_contract, names), expect=expect, progress=progress
            )
            if refs
            else {}
        )
        fine: dict[str, Any] = {}
        keep: set[Path] = set()
        for path, result in fetched.items():
            spec = refs[path]
            if result.error:
                if result.kind == "gone":
                    drifts.append(_gone(spec.cid, path, result.error, _committed(contracts_dir, spec.cid)))
                else:
                    (refused if result.kind == "other-endpoint" else errors).append(f"{spec.cid}: {result.error}")
                continue
            if result.page is None:  # unchanged since this work folder's spec and contracts were made
                ids = owned(made, spec.cid, spec_ids)
            else:
                spec_bytes, contracts, problem = result.extra
                if problem:
                    errors.append(f"{spec.cid}: {problem} (fetched page)")
                    continue
                write_atomic(targets[path], spec_bytes, tmp_specs, durable=False)  # scratch: the work folder
                for cid, data in contracts.items():
                    write_atomic(tmp_contracts / f"{cid}.json", data, tmp_contracts, durable=False)
                if not contracts:
                    others.append((spec, spec_bytes))
                ids = set(contracts)
            fine[path] = result
            keep |= {tmp_contracts / f"{cid}.json" for cid in ids}
            compared |= ids | owned(committed, spec.cid, spec_ids)  # a contract the page no longer makes: removed
        _prune(tmp_specs, {targets[p] for p in fine})
        _prune(tmp_contracts, keep)
        if work_dir:
            write_atomic(
                index_file,
                json.dumps({p: list(r.validators) for p, r in fine.items() if r.validators}, sort_keys=True).encode(),
                work,
                durable=False,
            )
        drifts += diff_trees(contracts_dir, tmp_contracts, only=compared, pages=page_reader(specs_dir, tmp_specs))
        for spec, spec_bytes in others:
            try:
                drifts.append(
                    diff_other_page(spec.cid, read_page(spec.path, spec.display), parse_page(spec_bytes, spec.display))
                )
            except PageError as exc:
                errors.append(f"{spec.cid}: {exc}")
        drifts.sort(key=lambda d: d.id)
        notes = apply_waivers(drifts, waivers or [], today)
        changed = {d.id for d in drifts if d.changes and not any(c.code == "page.gone" for c in d.changes)}
        if not drifts and not errors and not refused:
            errors.append(f"nothing was compared: no spec under {specs_dir} could be fetched and read")
        if update and changed and not errors and not refused:
            _update(specs, specs_dir, contracts_dir, tmp_specs, tmp_contracts, changed, spec_ids)
    code = exit_code(drifts, [*errors, *refused])
    base_url = fetcher.base_url
    if report_dir:
        report = write_reports(report_dir, drifts, errors, base_url, run_url, refused)
    else:
        report = report_json(drifts, errors, base_url, run_url, refused)
    return DriftRun(drifts, errors, code, report, notes, refused)


def _gone(cid: str, path: str, why: str, old: Mapping[str, Any]) -> ContractDrift:
    urls = {
        "en": f"https://developers.binance.com/docs/{path}",
        "zh-CN": f"https://developers.binance.com/docs/zh-CN/{path}",
    }
    change = Change("breaking", "page.gone", cid, f"the doc page is gone ({why})", list(LANGS))
    return ContractDrift(cid, old.get("method", ""), old.get("path", ""), [change], urls)


def _update(
    specs: list[Spec],
    specs_dir: Path,
    contracts_dir: Path,
    tmp_specs: Path,
    tmp_contracts: Path,
    changed: set[str],
    spec_ids: set[str],
) -> None:
    """Write the fetched spec and contracts of every page with a change; a contract the page no longer
    makes is removed; then openapi.json and errors.json again (a page may name a new code; the error-code
    list itself may have changed)."""
    new = contract_ids(tmp_contracts)
    old = contract_ids(contracts_dir)
    plan: list[tuple[Path, bytes, Path]] = []  # (target, bytes, the folder it must stay in)
    gone: list[Path] = []
    for spec in specs:
        mine_new, mine_old = owned(new, spec.cid, spec_ids), owned(old, spec.cid, spec_ids)
        if not (mine_new | mine_old | {spec.cid}) & changed:
            continue
        rel = spec.path.relative_to(specs_dir)
        plan.append((spec.path, read_regular(tmp_specs / rel), specs_dir))
        plan += [(contracts_dir / f"{cid}.json", read_regular(new[cid]), contracts_dir) for cid in mine_new]
        gone += [old[cid] for cid in mine_old - mine_new]
    for target, _, root in plan:  # every place checked before the first write: all or nothing
        check_inside(target, root)
    for target, data, root in plan:
        write_atomic(target, data, root)
    for f in gone:
        f.unlink()
    write_atomic(contracts_dir / OPENAPI_NAME, dumps(openapi_document(load_contracts(contracts_dir))), contracts_dir)
    error_pages.write_catalogue(contracts_dir, _error_code_pages(specs, contracts_dir, spec_ids))


def _error_code_pages(specs: list[Spec], contracts_dir: Path, spec_ids: set[str]) -> list[tuple[str, bytes, Any]]:
    """The error-code lists among the specs, told apart as ``doccontract build`` tells them (build_one's
    category, with the page it read), for the build's own catalogue writer.  A spec with a contract is
    an endpoint: not read."""
    have = contract_ids(contracts_dir)
    pages = []
    for spec in specs:
        if owned(have, spec.cid, spec_ids):
            continue
        try:
            data = read_regular(spec.path)
        except FileProblem:
            continue  # an unreadable spec lists no error codes; the build names it
        results = build_one(spec, data)
        if results and results[0].category == "error-codes":
            pages.append((spec.display, data, results[0].read))
    return pages


def _committed(contracts_dir: Path, cid: str) -> Mapping[str, Any]:
    """The committed contract file's JSON object, unchecked ({} when there is none): a gone page's
    drift names the method and path it had, when the file still says them."""
    try:
        data = read_json(contracts_dir / f"{cid}.json")
    except OSError:
        return {}
    return data if isinstance(data, dict) else {}
