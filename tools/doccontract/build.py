"""Spec files -> contract files: the build the CLI, drift and the tests run.

A contract is plain JSON (sorted keys, no timestamps) so that a rebuild of
unchanged pages is byte-identical and ``git diff`` shows only real changes.
Every file is written atomically: a failed build never leaves half a contract.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import bilingual, contract_format, errors
from .contracts import OPENAPI_NAME, load_contracts
from .extract import Endpoint, NotAnEndpoint, extract
from .openapi import openapi_document
from .pages import LANGS, Page, PageError, parse_page, read_bytes, zh_url
from .schema import consistency_findings, is_signed, request_schema, response_schema

SPEC_SUFFIXES = (".md", ".html", ".htm", ".txt")


def dumps(obj: Any) -> bytes:
    return (json.dumps(obj, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_atomic(path: Path, data: bytes, durable: bool = True) -> bool:
    """Write via a temporary file and rename; return False when the file already held ``data``.

    Readers never see half a file either way; ``durable`` also syncs it to disk
    first (specs, contracts, reports), which caches and scratch files skip.
    """
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


# --------------------------------------------------------------------------- one page


def contract_for(page: Page, cid: str) -> dict[str, Any]:
    """The contract of one page; raises NotAnEndpoint or PageError."""
    endpoints: dict[str, Endpoint] = {}
    for lang in LANGS:
        if lang in page.docs:
            endpoints[lang] = extract(page.docs[lang])
    if not endpoints:
        raise PageError(page.source, "no English or Chinese page in it")
    primary = endpoints.get("en") or endpoints["zh-CN"]
    request = request_schema(primary.params)
    response = response_schema(primary.fields, primary.example)
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
        if ep.example is not None and ep.example.value not in examples:
            examples.append(ep.example.value)
    url = page.url or ""
    urls = {"en": url.replace("/docs/zh-CN/", "/docs/"), "zh-CN": zh_url(url)} if url else {}
    return contract_format.apply({
        "id": cid,
        "title": {lang: ep.title for lang, ep in endpoints.items()},
        "method": primary.method,
        "path": primary.path,
        "weight": primary.weight,
        "security": security,
        "signed": is_signed(security),
        "request": request,
        "response": response,
        "examples": {"response": examples},
        "preconditions": {lang: ep.preconditions for lang, ep in endpoints.items()},
        "findings": [f.as_dict() for f in findings],
        "sources": {lang: {"url": urls.get(lang, ""), "sha256": page.docs[lang].sha256()} for lang in endpoints},
        "languages": {lang: ep.summary() for lang, ep in endpoints.items()},
    }, page)


# --------------------------------------------------------------------------- many pages


@dataclass
class Result:
    cid: str
    status: str  # "built" | "unchanged" | "skipped" | "failed"
    detail: str = ""
    contract: dict[str, Any] | None = None


@dataclass
class Spec:
    path: Path
    cid: str
    display: str


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
                    specs.append(Spec(f, rel.with_suffix("").as_posix(), (label / rel).as_posix()))
        elif root.is_file() or not root.exists():
            anchor = next((p for p in root.resolve().parents if p.name == "specs"), None)
            rel = root.resolve().relative_to(anchor) if anchor else Path(root.name)
            display = (Path("specs") / rel).as_posix() if anchor else root.name
            specs.append(Spec(root, rel.with_suffix("").as_posix(), display))
    return specs


def build_one(spec: Spec, data: bytes) -> Result:
    try:
        page = parse_page(data, spec.display)
        return Result(spec.cid, "built", contract=contract_for(page, spec.cid))
    except NotAnEndpoint as exc:
        return Result(spec.cid, "skipped", f"not an endpoint page ({exc.kind})")
    except PageError as exc:
        return Result(spec.cid, "failed", str(exc))


def _generator_hash() -> str:
    """Changes whenever the code that makes contracts changes, so caches never go stale."""
    h = hashlib.sha256()
    for f in sorted(Path(__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()


def _cache_file(out: Path, cache_dir: Path | None) -> Path:
    base = cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "doccontract"
    key = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return base / f"build-{key}.json"


def build(paths: Iterable[str | Path], out: str | Path, jobs: int = 1, cache_dir: Path | None = None, use_cache: bool = True) -> list[Result]:
    """Build every spec under ``paths`` into ``out``; pages whose bytes did not change are skipped."""
    out = Path(out)
    specs = find_specs(paths)
    cache_path = _cache_file(out, cache_dir)
    generator = _generator_hash()
    cache: dict[str, Any] = {}
    if use_cache:
        try:
            loaded = json.loads(cache_path.read_text())
            if loaded.get("generator") == generator:
                cache = loaded.get("entries", {})
        except (OSError, ValueError):
            cache = {}
    results: list[Result | None] = [None] * len(specs)
    todo: list[int] = []
    inputs: dict[int, bytes] = {}  # each spec is read once: for its hash and, if needed, its build
    digests: dict[str, str] = {}
    for i, spec in enumerate(specs):
        try:
            inputs[i] = read_bytes(spec.path, spec.display)
        except PageError as exc:
            results[i] = Result(spec.cid, "failed", str(exc))
            continue
        digest = digests[spec.cid] = hashlib.sha256(inputs[i]).hexdigest()
        entry = cache.get(spec.cid)
        target = out / f"{spec.cid}.json"
        if entry and entry.get("input") == digest:
            if entry.get("skipped") is not None:
                results[i] = Result(spec.cid, "skipped", entry["skipped"])
                continue
            try:
                if hashlib.sha256(target.read_bytes()).hexdigest() == entry.get("output"):
                    results[i] = Result(spec.cid, "unchanged")
                    continue
            except OSError:
                pass
        todo.append(i)
    if jobs > 1 and len(todo) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            jobs_in = pool.map(build_one, [specs[i] for i in todo], [inputs[i] for i in todo], chunksize=max(1, len(todo) // (jobs * 4)))
            for i, res in zip(todo, jobs_in, strict=True):
                results[i] = res
    else:
        for i in todo:
            results[i] = build_one(specs[i], inputs[i])
    done = [r for r in results if r is not None]
    for r in done:
        if r.status == "built" and r.contract is not None:
            data = dumps(r.contract)
            if not write_atomic(out / f"{r.cid}.json", data):
                r.status = "unchanged"
            cache[r.cid] = {"input": digests[r.cid], "output": hashlib.sha256(data).hexdigest()}
        elif r.status == "skipped":
            cache[r.cid] = {"input": digests[r.cid], "skipped": r.detail}
        elif r.status == "failed":
            cache.pop(r.cid, None)
    if any(r.status in ("built",) for r in done) or not (out / OPENAPI_NAME).exists():
        write_atomic(out / OPENAPI_NAME, dumps(openapi_document(load_contracts(out))))
    errors.write_catalogue(out, [(specs[i].display, inputs[i]) for i, r in enumerate(results) if r and "error-code list" in r.detail])
    if use_cache:
        try:
            write_atomic(cache_path, json.dumps({"generator": generator, "entries": cache}, sort_keys=True).encode(), durable=False)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return done
