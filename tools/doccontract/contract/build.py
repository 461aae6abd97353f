"""Spec files -> contract files: the build the CLI, drift and the tests run.

A contract is plain JSON (sorted keys, no timestamps) so that a rebuild of
unchanged pages is byte-identical and ``git diff`` shows only real changes.
Every file is written atomically: a failed build never leaves half a contract.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import FileProblem, check_inside, dumps, read_json, read_regular, write_atomic
from .._files import cache_dir as default_cache_dir
from ..read.classify import NotAnEndpoint
from ..read.endpoint import Endpoint
from ..read.extract import endpoint_docs, extract
from ..read.load import parse_page, read_bytes
from ..read.model import LANGS, Document, Finding, Page, PageError, TemplateError, zh_url
from . import bilingual, error_pages
from . import format as contract_format
from .document import Contract, FindingEntry, Source, Title
from .openapi import openapi_document
from .schema import consistency_findings, request_schema, response_schema
from .store import OPENAPI_NAME, load_contracts

SPEC_SUFFIXES = (".md", ".html", ".htm", ".txt")


class BuildError(Exception):
    """A build that cannot proceed at all (no pages, output not writable): one line for the user."""


# --------------------------------------------------------------------------- one page


def _contract(
    page: Page, cid: str, endpoints: dict[str, Endpoint], docs: dict[str, Document], anchors: dict[str, str]
) -> Contract:
    """The contract of one endpoint read in one or two languages."""
    primary = endpoints.get("en") or endpoints["zh-CN"]
    other = endpoints.get("zh-CN") if primary.lang == "en" else None
    if primary.example is None and other is not None and other.example is not None:
        primary.example = other.example
        primary.findings.append(
            Finding(
                "page.example-from-other-language",
                "info",
                f"the {primary.lang} response example cannot be read; the {other.lang} page's example is used",
                f"{primary.where('example')} | {other.where('example')}",
            )
        )
    request = request_schema(primary.params)
    also = (
        other.example.values
        if other is not None and other.example is not None and other.example is not primary.example
        else []
    )
    response = response_schema(primary.fields, primary.example, also)
    findings = []
    for lang, ep in endpoints.items():
        findings += ep.findings
        if lang == primary.lang:
            findings += consistency_findings(ep, response)
    if len(endpoints) == 2:
        findings += bilingual.compare(endpoints["en"], endpoints["zh-CN"])
    security = {lang: ep.security for lang, ep in endpoints.items()}
    examples = []
    for ep in endpoints.values():
        for value in ep.example.values if ep.example is not None else ():
            if value not in examples:
                examples.append(value)
    url = page.url or ""
    urls = {"en": url.replace("/docs/zh-CN/", "/docs/"), "zh-CN": zh_url(url)} if url else {}
    sources: dict[str, Source] = {}
    for lang in endpoints:
        link = urls.get(lang, "")
        if link and anchors.get(lang):
            link = f"{link}#{anchors[lang]}"
        sources[lang] = {"url": link, "sha256": docs[lang].sha256()}
    contract: Contract = {
        "id": cid,
        "format": contract_format.FORMAT,
        "title": _title({lang: ep.title for lang, ep in endpoints.items()}),
        "method": primary.method,
        "path": primary.path,
        "weight": contract_format.weight_section(primary.weight, primary.path),
        "security": security,
        "auth": contract_format.auth_for(request, security),  # takes the signing parameters out of ``request``
        "errors": error_pages.page_errors(docs),
        "request": request,
        "response": response,
        "examples": {"response": examples},
        "preconditions": {lang: ep.preconditions for lang, ep in endpoints.items()},
        "caller": next((ep.caller for ep in endpoints.values() if ep.caller), None),
        "findings": [_finding_entry(f) for f in findings],
        "sources": sources,
        "languages": {lang: ep.summary() for lang, ep in endpoints.items()},
    }
    if anchors:
        contract["page"] = {
            "anchor": anchors.get("en") or anchors.get("zh-CN", ""),
            "headings": {lang: docs[lang].title for lang in endpoints},
        }
    return contract


def _title(by_lang: dict[str, str]) -> Title:
    """The contract's title: each language's heading the page has."""
    title: Title = {}
    if "en" in by_lang:
        title["en"] = by_lang["en"]
    if "zh-CN" in by_lang:
        title["zh-CN"] = by_lang["zh-CN"]
    return title


def _finding_entry(finding: Finding) -> FindingEntry:
    """A finding as the contract keeps it."""
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "where": finding.where,
        "values": finding.values,
    }


def contracts_for(page: Page, cid: str) -> list[Contract]:
    """Every contract of one page: one, or one per endpoint of a page holding many
    (ids ``<cid>/<anchor>``).  Raises NotAnEndpoint or PageError."""
    split: dict[str, list[tuple[str, Document]]] = {}
    for lang in LANGS:
        if lang in page.docs:
            split[lang] = endpoint_docs(page.docs[lang])
    if not split:
        raise PageError(page.source, "no English or Chinese page in it")
    out = _contracts(page, cid, split)
    for c in out:  # what reading the file found (a second language that is not there) holds for each endpoint
        c["findings"] += [_finding_entry(f) for f in page.findings]
    if len(split) == 1:  # said once per contract: no bilingual finding does not mean the languages agree
        (lang,) = split
        missing = "zh-CN" if lang == "en" else "en"
        note = Finding(
            "page.one-language",
            "info",
            f"the page holds {lang} only; there is no {missing} page to compare it with",
            page.source,
        )
        for c in out:
            c["findings"].append(_finding_entry(note))
    return out


def _contracts(page: Page, cid: str, split: dict[str, list[tuple[str, Document]]]) -> list[Contract]:
    if all(len(parts) == 1 and parts[0][0] == "" for parts in split.values()):
        docs = {lang: parts[0][1] for lang, parts in split.items()}
        return [_contract(page, cid, {lang: extract(d) for lang, d in docs.items()}, docs, {})]
    out = []
    for group in _pair_endpoints(split):
        docs = {lang: d for lang, (_, d, _) in group.items()}
        endpoints = {lang: ep for lang, (_, _, ep) in group.items()}
        anchors = {lang: a for lang, (a, _, _) in group.items()}
        lead = anchors["en"] if "en" in anchors else anchors["zh-CN"]  # a heading of no letters has anchor ''
        if not lead:
            heading = next(iter(docs.values())).title
            raise PageError(
                page.source,
                f"the endpoint heading '{heading[:80]}' has no letters or digits, so no anchor to name its contract by",
            )
        c = _contract(page, f"{cid}/{lead}", endpoints, docs, anchors)
        if len(split) == 2 and len(group) == 1:
            (lang,) = group
            other = "zh-CN" if lang == "en" else "en"
            ep = endpoints[lang]
            c["findings"].append(
                _finding_entry(
                    Finding(
                        "bilingual.endpoint-omitted",
                        "warning",
                        f"{ep.method} {ep.path} is documented in {lang} only; the {other} page has no section for it",
                        f"{ep.where('http')} | {page.source} ({other})",
                        {lang: f"{ep.method} {ep.path}", other: None},
                    )
                )
            )
        out.append(c)
    return out


def _pair_endpoints(split: dict[str, list[tuple[str, Document]]]) -> list[dict[str, tuple[str, Document, Endpoint]]]:
    """The two languages' endpoints of a split page, paired by method and path (then by position)."""
    read = {lang: [(a, d, extract(d)) for a, d in parts] for lang, parts in split.items()}
    en, zh = read.get("en", []), read.get("zh-CN", [])
    if not en or not zh:
        return [{lang: item} for lang, items in read.items() for item in items]
    groups: list[dict[str, tuple[str, Document, Endpoint]]] = []
    free = list(zh)
    for item in en:
        key = (item[2].method, item[2].path)
        match = next((z for z in free if (z[2].method, z[2].path) == key), None)
        if match is not None:
            free.remove(match)
            groups.append({"en": item, "zh-CN": match})
        else:
            groups.append({"en": item})
    groups += [{"zh-CN": z} for z in free]
    return groups


def contract_for(page: Page, cid: str) -> Contract:
    """The contract of a page documenting one endpoint; raises NotAnEndpoint or PageError."""
    contracts = contracts_for(page, cid)
    if len(contracts) != 1:
        raise PageError(page.source, f"documents {len(contracts)} endpoints; read it with contracts_for")
    return contracts[0]


# --------------------------------------------------------------------------- many pages


@dataclass
class BuildResult:
    """What became of one contract, or of one page that gave none: ``page`` names the spec file.

    ``contract`` is None for an unchanged contract and for one built in a worker process
    (``jobs`` > 1): read it from the output folder.
    """

    cid: str
    status: str  # "built" | "unchanged" | "skipped" | "failed"
    detail: str = ""
    contract: Contract | None = None
    page: str = ""
    category: str = ""  # for skipped pages: a key of read.classify.CATEGORIES
    data: bytes | None = field(default=None, repr=False)
    read: Page | None = field(default=None, repr=False)  # an error-code page, as read: the catalogue's input


@dataclass
class Spec:
    path: Path
    cid: str
    display: str
    root: Path | None = None  # the folder it was found under, when it was


def find_specs(paths: Iterable[str | Path]) -> list[Spec]:
    """Spec files under the given files and folders, with ids relative to each folder."""
    specs: list[Spec] = []
    for raw in paths:
        root = Path(raw)
        if root.is_dir():
            label = Path(root.resolve().name)
            for f in sorted(root.rglob("*")):
                if f.suffix in SPEC_SUFFIXES and not f.name.startswith(".") and f.is_file():
                    rel = f.relative_to(root)
                    specs.append(Spec(f, rel.with_suffix("").as_posix(), (label / rel).as_posix(), root))
        else:  # a file, a missing one or a FIFO: read_bytes names what is wrong with it
            anchor = next((p for p in root.resolve().parents if p.name == "specs"), None)
            rel = root.resolve().relative_to(anchor) if anchor else Path(root.name)
            display = (Path("specs") / rel).as_posix() if anchor else root.name
            specs.append(Spec(root, rel.with_suffix("").as_posix(), display))
    seen: set[Path] = set()  # a file named twice ('specs specs/x.md') is one spec
    unique = []
    for spec in specs:
        key = spec.path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(spec)
    return unique


def _same_ids(specs: list[Spec]) -> str | None:
    """What is wrong when two files would write one contract (same id, e.g. 'account' from two
    folders, or a.md beside a.html): one would silently replace the other."""
    by_id: dict[str, Spec] = {}
    for spec in specs:
        other = by_id.setdefault(spec.cid, spec)
        if other is not spec:
            return (
                f"{other.display} and {spec.display} would both become contract '{spec.cid}'; "
                "build their common folder instead, so that ids keep the folder names, "
                "or build them into different --out folders"
            )
    return None


def _same_contracts(specs: list[Spec], per_spec: list[list[BuildResult] | None]) -> str | None:
    """What is wrong when two specs would write one contract file: a page split into endpoints
    ('market/order-book') beside a page of that name, or ids that differ only in case (one file on
    macOS and Windows).  Said before anything is written."""
    owner: dict[str, Spec] = {}
    for spec, results in zip(specs, per_spec, strict=True):
        for r in results or ():
            if r.status not in ("built", "unchanged"):
                continue
            other = owner.setdefault(r.cid.casefold(), spec)
            if other is not spec:
                return f"{other.display} and {spec.display} would both write contract '{r.cid}'; rename one of them"
    return None


def build_one(spec: Spec, data: bytes) -> list[BuildResult]:
    """The results of one spec file; nothing a page holds can make this raise."""
    page = None
    try:
        page = parse_page(data, spec.display)
        out = []
        for contract in contracts_for(page, spec.cid):
            problem = file_name_problem(contract["id"])
            if problem:
                heading = contract.get("page", {}).get("headings", {})
                named = f" (heading '{next(iter(heading.values()))[:60]}...')" if heading else ""
                return [BuildResult(spec.cid, "failed", f"{spec.display}: {problem}{named}", page=spec.display)]
            out.append(BuildResult(contract["id"], "built", contract=contract, page=spec.display, data=dumps(contract)))
        return out
    except NotAnEndpoint as exc:
        read = page if exc.kind == "error-codes" else None  # read once: the error catalogue is built from it
        return [BuildResult(spec.cid, "skipped", exc.reason, page=spec.display, category=exc.kind, read=read)]
    except TemplateError as exc:  # read, but laid out as no reader knows: skipped and counted, the folder goes on
        return [BuildResult(spec.cid, "skipped", str(exc), page=spec.display, category="unknown-template")]
    except PageError as exc:
        return [BuildResult(spec.cid, "failed", str(exc), page=spec.display)]
    except (
        RecursionError,
        MemoryError,
        ValueError,
    ) as exc:  # a reader limit we missed: this page fails, the others build
        return [
            BuildResult(
                spec.cid,
                "failed",
                f"{spec.display}: cannot be read ({type(exc).__name__}: {str(exc)[:200]})",
                page=spec.display,
            )
        ]


#: The longest file or folder name most file systems take (NAME_MAX), in bytes.
MAX_NAME_BYTES = 255


def file_name_problem(cid: str) -> str | None:
    """Why contract ``cid`` cannot be a file (a name over NAME_MAX, an empty name), else None.

    Ids keep the site's anchors (links use them), so a page whose heading makes a longer name
    fails, naming itself, rather than failing the whole build when the file is written."""
    parts = f"{cid}.json".split("/")
    for part in parts:
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            return (
                f"contract id '{cid[:60]}...' makes a file name of {len(part.encode('utf-8'))} bytes "
                f"(at most {MAX_NAME_BYTES}); shorten its heading or file name"
            )
        if part in ("", ".json", ".", ".."):
            return f"contract id '{cid}' makes an empty or hidden file name; give its heading some letters"
    return None


def _build_in_worker(spec: Spec, data: bytes) -> list[BuildResult]:
    """build_one for a worker process: the contract travels back once, as its bytes."""
    results = build_one(spec, data)
    for r in results:
        r.contract = None
    return results


def _generator_hash() -> str:
    """Changes whenever the code that makes contracts changes, so caches never go stale."""
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for f in sorted([*package.glob("*.py"), *package.glob("read/*.py"), *package.glob("contract/*.py")]):
        h.update(f.read_bytes())
    return h.hexdigest()


def _cache_file(out: Path, cache_dir: Path | None) -> Path:
    base = cache_dir or default_cache_dir()
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return base / f"build-{key}.json"


def _load_cache(path: Path, generator: str) -> dict[str, dict[str, Any]]:
    """Cache entries that have the expected shape; anything else is ignored (and rewritten later)."""
    try:
        loaded = read_json(path)
    except OSError:
        return {}
    if (
        not isinstance(loaded, dict)
        or loaded.get("generator") != generator
        or not isinstance(loaded.get("entries"), dict)
    ):
        return {}
    good = {}
    for key, entry in loaded["entries"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("input"), str):
            continue
        outputs, skipped = entry.get("outputs"), entry.get("skipped")
        if isinstance(outputs, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in outputs.items()):
            good[key] = entry
        elif isinstance(skipped, list) and len(skipped) == 2 and all(isinstance(x, str) for x in skipped):
            good[key] = entry
    return good


MANIFEST_NAME = ".doccontract-manifest"


MANIFEST_FORMAT = 3  # specs by display path ('specs/binance/...'), grouped by the folder they were read from

Manifest = list[dict[str, list[str]]]  # one group per folder read: spec key -> the contract files it made


def _load_manifest(out: Path) -> Manifest:
    """Which spec made which contract files (relative to ``out``), folder by folder: what a stale-file
    sweep may delete.  A manifest of another format is not read: its files are kept, and no longer swept."""
    try:
        data = read_json(out / MANIFEST_NAME)
    except OSError:
        return []
    groups = data.get("folders") if isinstance(data, dict) and data.get("format") == MANIFEST_FORMAT else None
    if not isinstance(groups, list):
        return []
    return [
        {k: [x for x in v if _contract_name(x)] for k, v in g.items() if isinstance(v, list)}
        for g in groups
        if isinstance(g, dict)
    ]


def _contract_name(name: object) -> bool:
    """A manifest entry the sweep may act on: a relative 'a/b.json' with no '..' nor odd characters
    (a hand-edited or corrupt manifest names nothing outside the folder, nor anything unreadable)."""
    if not isinstance(name, str) or not name.endswith(".json") or "\0" in name or name.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/")) and not file_name_problem(name[: -len(".json")])


def _spec_key(spec: Spec) -> str:
    """The spec as the build names it ('specs/binance/institutional_loan/account.md'): the same from
    any working directory and into any output folder, so a fresh build reproduces the manifest."""
    return spec.display


def _sweep(
    out: Path, manifest: Manifest, current: dict[Path | None, dict[str, list[str] | None]]
) -> tuple[Manifest, list[str]]:
    """The manifest after this build, and the contracts deleted because no spec makes them any more.

    Each folder read is matched with the manifest's group of the same folder: the one holding some
    of the same specs ('vendorB/specs' shares none with 'vendorA/specs', so each keeps its own).  In
    that group a spec that is gone takes its contracts with it and a spec that now gives other
    contracts loses the old ones; a spec that failed (``None``) keeps what it had.  Groups of folders
    this build did not read, and specs named one by one, sweep nothing.
    """
    keep = {name for group in current.values() for files in group.values() if files for name in files}
    groups = [dict(g) for g in manifest]
    stale: list[str] = []
    for root, group in current.items():
        same = [
            g for g in groups if set(g) & set(group)
        ]  # a folder's group; for specs named one by one, their own entries
        old: dict[str, list[str]] = {}
        for g in same:
            old.update(g)
            groups.remove(g)
        merged = {**old} if root is None else {k: v for k, v in old.items() if k in group}
        for key, files in group.items():
            if files is None:
                continue  # failed: keeps what it had
            stale += [f for f in old.get(key, []) if f not in files]
            merged[key] = files
        if root is not None:
            stale += [f for k, v in old.items() if k not in group for f in v]
        groups.append(merged)
    removed = []
    for name in dict.fromkeys(stale):
        target = out / name
        if (
            name in keep
            or target.suffix != ".json"
            or not target.resolve().is_relative_to(out.resolve())
            or not target.is_file()
        ):
            continue
        target.unlink()
        removed.append(name)
        for parent in target.parents:
            if parent == out or any(parent.iterdir()):
                break
            parent.rmdir()
    return sorted((g for g in groups if g), key=lambda g: min(g)), removed


def build(
    paths: Iterable[str | Path],
    out: str | Path,
    jobs: int = 1,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> list[BuildResult]:
    """Build every spec under ``paths`` into ``out``; pages whose bytes did not change are skipped.

    Raises BuildError when there is nothing to build or ``out`` cannot be written.
    """
    out = Path(out)
    paths = list(paths)
    specs = find_specs(paths)
    if not specs:
        raise BuildError(f"no spec pages ({', '.join(SPEC_SUFFIXES)}) under {', '.join(str(p) for p in paths)}")
    clash = _same_ids(specs)
    if clash:
        raise BuildError(clash)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=out, prefix=".probe.", delete=True)
        probe.close()
    except OSError as exc:
        raise BuildError(f"{out}: cannot write contracts there ({exc.strerror or exc})") from None
    cache_path = _cache_file(out, cache_dir)
    generator = _generator_hash()
    cache = _load_cache(cache_path, generator) if use_cache else {}
    warm = bool(cache)
    per_spec: list[list[BuildResult] | None] = [None] * len(specs)
    todo: list[int] = []
    inputs: dict[int, bytes] = {}  # each spec is read once: for its hash and, if needed, its build
    digests: dict[str, str] = {}
    for i, spec in enumerate(specs):
        try:
            inputs[i] = read_bytes(spec.path, spec.display)  # bounded; a FIFO or folder is refused at once
        except PageError as exc:
            per_spec[i] = [BuildResult(spec.cid, "failed", str(exc), page=spec.display)]
            continue
        digest = digests[spec.cid] = hashlib.sha256(inputs[i]).hexdigest()
        entry = cache.get(spec.cid)
        if entry and entry.get("input") == digest:
            if "skipped" in entry:
                kind, reason = entry["skipped"]
                per_spec[i] = [BuildResult(spec.cid, "skipped", reason, page=spec.display, category=kind)]
                continue
            if all(_sha_of(out / f"{cid}.json") == sha for cid, sha in entry["outputs"].items()):
                per_spec[i] = [BuildResult(cid, "unchanged", page=spec.display) for cid in entry["outputs"]]
                continue
        todo.append(i)
    total = len(specs)
    done_count = total - len(todo)
    if progress:
        progress(done_count, total)
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            jobs_in = pool.map(
                _build_in_worker,
                [specs[i] for i in todo],
                [inputs[i] for i in todo],
                chunksize=max(1, len(todo) // (jobs * 8)),
            )
            for i, res in zip(todo, jobs_in, strict=True):
                per_spec[i] = res
                done_count += 1
                if progress:
                    progress(done_count, total)
    else:
        for i in todo:
            per_spec[i] = build_one(specs[i], inputs[i])
            done_count += 1
            if progress:
                progress(done_count, total)
    clash = _same_contracts(specs, per_spec)
    if clash:
        raise BuildError(clash)
    try:  # every file stays in ``out``, checked before any is written: none or all
        for results in per_spec:
            for r in results or ():
                if r.status == "built":
                    check_inside(out / f"{r.cid}.json", out)
    except FileProblem as exc:
        raise BuildError(f"{exc}; nothing was written") from None
    with _locked(out):
        done = _write(out, specs, per_spec, inputs, digests, cache, use_cache, warm)
    if use_cache:
        try:
            write_atomic(
                cache_path,
                json.dumps({"generator": generator, "entries": cache}, sort_keys=True).encode(),
                cache_path.parent,
                durable=False,
            )
        except OSError:
            pass  # a cache that cannot be written only costs time
    return done


#: How long a build waits for another build writing the same folder before giving up.
LOCK_WAIT_SECONDS = 600.0


@contextmanager
def _locked(out: Path, wait: float | None = None) -> Iterator[None]:
    """Hold ``out`` for one build's writes: two builds into one folder take turns, so the manifest
    (read, merged, written) keeps every folder's specs.  The lock is flock on the folder itself
    (no lock file to commit or leave behind); it is released when the process ends, however."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    try:
        fd = os.open(out, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise BuildError(f"{out}: cannot write contracts there ({exc.strerror})") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildError(
                        f"{out}: another build has been writing there for {wait:.0f} s; try again when it is done"
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


def _write(
    out: Path,
    specs: list[Spec],
    per_spec: list[list[BuildResult] | None],
    inputs: dict[int, bytes],
    digests: dict[str, str],
    cache: dict[str, dict[str, Any]],
    use_cache: bool,
    warm: bool,
) -> list[BuildResult]:
    """Write the contracts, sweep stale ones, then the manifest, openapi.json and errors.json."""
    manifest = _load_manifest(out)
    current: dict[Path | None, dict[str, list[str] | None]] = {}  # folder read -> spec key -> its contract files
    changed = False  # a contract file written or removed: only then is openapi.json made again
    done: list[BuildResult] = []
    try:
        for spec, results in zip(specs, per_spec, strict=True):
            results = results or []
            done += results
            key = _spec_key(spec)
            folder = current.setdefault(spec.root.resolve() if spec.root else None, {})
            if any(r.status == "failed" for r in results):
                cache.pop(spec.cid, None)
                folder[key] = None
                continue
            folder[key] = [f"{r.cid}.json" for r in results if r.status in ("built", "unchanged")]
            outputs = {}
            for r in results:
                if r.status == "built" and r.data is not None:
                    if write_atomic(out / f"{r.cid}.json", r.data, out):
                        changed = True
                    elif use_cache:
                        r.status = "unchanged"
                    outputs[r.cid] = hashlib.sha256(r.data).hexdigest()
                elif r.status == "unchanged":
                    outputs[r.cid] = cache[spec.cid]["outputs"][r.cid]
                elif r.status == "skipped":
                    cache[spec.cid] = {"input": digests[spec.cid], "skipped": [r.category, r.detail]}
            if outputs:
                cache[spec.cid] = {"input": digests[spec.cid], "outputs": outputs}
        manifest, removed = _sweep(out, manifest, current)
        for name in removed:
            done.append(BuildResult(name[: -len(".json")], "removed", "its spec no longer documents it"))
        write_atomic(
            out / MANIFEST_NAME,
            json.dumps({"format": MANIFEST_FORMAT, "folders": manifest}, sort_keys=True, indent=1).encode(),
            out,
        )
        # a cache that did not apply (first build, --no-cache, other code) may mean another exporter
        if changed or removed or not warm or not (out / OPENAPI_NAME).exists():
            write_atomic(out / OPENAPI_NAME, dumps(openapi_document(load_contracts(out))), out)
        error_specs = [
            (spec.display, inputs[i], res[0].read)
            for i, (spec, res) in enumerate(zip(specs, per_spec, strict=True))
            if res and res[0].category == "error-codes"
        ]
        error_pages.write_catalogue(out, error_specs)
    except FileProblem as exc:
        raise BuildError(str(exc)) from None
    except OSError as exc:
        raise BuildError(f"{out}: cannot write contracts there ({exc.strerror or exc})") from None
    return done


def _sha_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(read_regular(path)).hexdigest()
    except OSError:
        return None
