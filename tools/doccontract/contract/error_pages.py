"""Error codes as pages state them: the error-code pages' headings and the codes an endpoint page names.

The reading half of the error catalogue (:mod:`doccontract.contract.catalogue` is the half the client,
sandbox and suite load): ``build`` calls :func:`page_errors` for each contract and
:func:`write_catalogue` once per output folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from .._files import dumps, read_json, write_atomic
from ..read.load import parse_page
from ..read.model import BulletList, Document, Page, Paragraph, Table
from .catalogue import ASSUMED, PLACEHOLDER, Catalogue, ErrorCode, assumed_codes
from .document import Contract, ErrorEntry
from .store import CATALOGUE_NAME, load_contracts

_HEADING = re.compile(r"^(-\d{3,6})(?:\s+(.*))?$")


_CODE_LINE = re.compile(r"^\s*(?:\d+[.)]\s*)?(-\d{3,6})\s*[:：]\s*[.。]?\s*(\S.*)$")
_CODE_MENTION = re.compile(r"(?:error\s*code|错误码|错误代码|code)\s*[:：]?\s*(-\d{3,6})\b", re.I)


def _texts(doc: Document) -> Iterator[str]:
    """Every paragraph, list item and table cell; an example body (a code block) is not prose."""
    for section in doc.sections:
        for block in section.blocks:
            if isinstance(block, BulletList):
                yield from block.items
            elif isinstance(block, Table):
                for row in block.rows:
                    yield from row
            elif isinstance(block, Paragraph):
                yield block.text


def page_errors(docs: dict[str, Document]) -> list[ErrorEntry]:
    """Codes the page names: ``-27009: message`` lines (with the message) and 'error code -3003' mentions."""
    found: dict[int, ErrorEntry] = {}
    for lang, doc in docs.items():
        for text in _texts(doc):
            m = _CODE_LINE.match(text)
            if m:
                entry = found.setdefault(int(m.group(1)), {"code": int(m.group(1)), "message": {}})
                entry["message"].setdefault(lang, m.group(2).strip())
                continue
            for code in _CODE_MENTION.findall(text):
                found.setdefault(int(code), {"code": int(code), "message": {}})
    return [found[c] for c in sorted(found, reverse=True)]


def _norm(text: str) -> str:
    return text.replace("％s", PLACEHOLDER).replace("％", "%").strip()


def codes_from_error_page(docs: dict[str, Document]) -> dict[int, dict[str, Any]]:
    """Headings '-1102 NAME' and their bullet items (the message variants), per language."""
    found: dict[int, dict[str, Any]] = {}
    for lang, doc in docs.items():
        for section in doc.sections:
            m = _HEADING.match(section.heading.strip())
            if not m:
                continue
            code = int(m.group(1))
            entry = found.setdefault(code, {"code": code, "name": None, "messages": {}})
            name = (m.group(2) or "").strip() or None
            if name and lang == "en" and entry["name"] and name != entry["name"]:
                entry["name"] = f"{entry['name']} | {name}"  # one code under two headings (-5012): keep both
            elif name and entry["name"] is None:
                entry["name"] = name
            variants = entry["messages"].setdefault(lang, [])
            for block in section.blocks:
                for item in block.items if isinstance(block, BulletList) else ():
                    if _norm(item) not in variants:
                        variants.append(_norm(item))
    return found


def _merge(
    into: dict[int, dict[str, Any]],
    code: int,
    messages: dict[str, list[str]],
    where: dict[str, str],
    name: str | None = None,
) -> None:
    entry = into.setdefault(code, {"code": code, "name": name, "messages": {}, "documented": [], "assumption": None})
    entry["name"] = entry["name"] or name
    for lang, variants in messages.items():
        have = entry["messages"].setdefault(lang, [])
        have.extend(v for v in variants if v not in have)
    if where not in entry["documented"]:
        entry["documented"].append(where)


def build_catalogue(
    error_pages: list[tuple[str, str, dict[str, Document]]],
    contracts: Sequence[Contract],
    kept: Iterable[ErrorCode] = (),
) -> Catalogue:
    """``error_pages``: (display path, URL, docs by language).  Pages (or ``kept`` page entries), then contracts,
    then assumptions."""
    entries: dict[int, dict[str, Any]] = {}
    for e in kept:
        for where in e.documented:
            _merge(entries, e.code, e.messages, where, e.name)
    for display, url, docs in sorted(error_pages, key=lambda p: p[0]):
        for code, stated in codes_from_error_page(docs).items():
            _merge(entries, code, stated["messages"], {"page": display, "url": url}, stated["name"])
    for c in contracts:
        source = (c.get("sources") or {}).get("en")
        url = source.get("url", "") if source else ""
        for named in c.get("errors") or []:
            _merge(
                entries,
                named["code"],
                {lang: [_norm(m)] for lang, m in named.get("message", {}).items()},
                {"contract": c["id"], "url": url},
            )
    for a in assumed_codes():
        if a["code"] in entries:
            continue  # documented now: no longer an assumption
        entries[a["code"]] = {**a, "documented": []}
    return Catalogue(
        ErrorCode(e["code"], e.get("name"), e["messages"], e["documented"], e.get("assumption"))
        for e in entries.values()
    )


def write_catalogue(out: Path, error_specs: list[tuple[str, bytes, Page | None]]) -> bool:
    """Build ``out/errors.json`` from the error-code specs (display, bytes, the page if the build read
    it already) and the contracts under ``out``.

    Skipped (False) when its inputs did not change since the file was written.
    """
    contracts = load_contracts(out)
    path = out / CATALOGUE_NAME
    kept: list[ErrorCode] = []
    if not error_specs:  # a partial build (one page): the error-code pages read before stay
        try:
            old = Catalogue.load(out)
        except (LookupError, ValueError):
            old = Catalogue([])
        for e in old.codes.values():
            on_pages = [d for d in e.documented if "page" in d]
            if on_pages:
                kept.append(ErrorCode(e.code, e.name, e.messages, on_pages))
    key = hashlib.sha256()
    key.update(json.dumps([k.as_dict() for k in kept], sort_keys=True).encode())
    for display, data, _ in sorted(error_specs, key=lambda e: e[0]):
        key.update(display.encode() + b"\0" + hashlib.sha256(data).digest())
    key.update(json.dumps([[c["id"], c.get("errors")] for c in contracts], sort_keys=True).encode())
    key.update(resources.files("doccontract").joinpath(ASSUMED).read_bytes())
    try:
        if read_json(path).get("inputs") == key.hexdigest():
            return False
    except (OSError, ValueError, AttributeError):
        pass
    pages = []
    for display, data, read in error_specs:
        page = read or parse_page(data, display)
        pages.append((display, page.url, page.docs))
    doc = build_catalogue(pages, contracts, kept).to_json()
    doc["inputs"] = key.hexdigest()
    return write_atomic(path, dumps(doc), out)
