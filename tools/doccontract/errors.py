"""The error catalogue: every code, its name and its messages in both languages, and where it is documented.

Built by ``doccontract build`` into ``contracts/errors.json`` from the error-code
page(s) under ``specs/``, the codes each endpoint page names (the contract's
``errors``) and a small committed file of ASSUMED codes (``data/assumed_errors.json``)
that no page documents, each with its reason.  The client, sandbox and suite read
the built file only; this module imports no reader until a catalogue is built.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._files import dumps, read_json, write_atomic
from .contract_format import FORMAT
from .contracts import CATALOGUE_NAME, load_contracts

if TYPE_CHECKING:
    from .pages import Document, Page

ASSUMED = "data/assumed_errors.json"
_HEADING = re.compile(r"^(-\d{3,6})(?:\s+(.*))?$")
_PLACEHOLDER = "%s"


@dataclass(frozen=True)
class ErrorCode:
    code: int
    name: str | None
    messages: dict[str, list[str]]  # lang -> the variants the docs list, ``%s`` where a value goes
    documented: list[dict[str, str]] = field(default_factory=list)  # {"page": ..., "url": ...} or {"contract": ..., "url": ...}
    assumption: str | None = None  # why the code is used though no page documents it

    def message(self, *args: object, lang: str = "en", like: str | None = None) -> str:
        """The documented wording with ``args`` in its ``%s`` places (quoted, as Binance sends them).

        The variant is the first with as many places as ``args`` (and containing ``like``, when given).
        """
        variants = self.messages.get(lang) or self.messages.get("en") or []
        fits = [v for v in variants if v.count(_PLACEHOLDER) == len(args) and (like is None or like in v)]
        if not fits:
            raise LookupError(f"error {self.code}: no {lang} message with {len(args)} value(s){f' like {like!r}' if like else ''} among {variants}")
        text = fits[0]
        for a in args:
            text = text.replace(_PLACEHOLDER, f"'{a}'", 1)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "messages": self.messages, "documented": self.documented, "assumption": self.assumption}


class Catalogue:
    """Code -> :class:`ErrorCode`; ``catalogue.message(-1102, "groupId")`` gives the wire wording."""

    def __init__(self, codes: Iterable[ErrorCode]):
        self.codes = {c.code: c for c in codes}

    def get(self, code: int) -> ErrorCode:
        try:
            return self.codes[code]
        except KeyError:
            raise LookupError(f"error code {code} is not in the catalogue ({len(self.codes)} codes; run 'doccontract build')") from None

    def __contains__(self, code: object) -> bool:
        return code in self.codes

    def message(self, code: int, *args: object, lang: str = "en", like: str | None = None) -> str:
        return self.get(code).message(*args, lang=lang, like=like)

    def text(self, code: int, *args: object, like: str | None = None) -> str:
        """Like :meth:`message` but never raises: the closest documented wording, else ``error <code>``.

        For servers, which must always answer: the variant with ``args`` (and ``like``), else with
        ``args``, else the plain variant, else the first one with its places emptied.
        """
        if code in self.codes:
            for a, lk in ((args, like), (args, None), ((), like), ((), None)):
                try:
                    return self.message(code, *a, like=lk)
                except LookupError:
                    continue
            variants = self.codes[code].messages.get("en") or []
            if variants:
                return re.sub(r"\s+([.;,!])", r"\1", re.sub(r"\s*%s\s*", " ", variants[0])).strip()
        return f"error {code}" + (f" ({', '.join(map(str, args))})" if args else "")

    @classmethod
    def merged(cls, *catalogues: Catalogue | None) -> Catalogue:
        """One catalogue from several, the first that has a code winning (e.g. the served folder's, then the repository's)."""
        codes: dict[int, ErrorCode] = {}
        for cat in reversed([c for c in catalogues if c is not None]):
            codes.update(cat.codes)
        return cls(codes.values())

    def assumed(self) -> list[ErrorCode]:
        return [c for c in self.codes.values() if c.assumption]

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "codes": [self.codes[c].as_dict() for c in sorted(self.codes, reverse=True)]}

    @classmethod
    def from_json(cls, data: Any, source: str = CATALOGUE_NAME) -> Catalogue:
        try:
            return cls(
                ErrorCode(int(c["code"]), c.get("name"), dict(c.get("messages") or {}), list(c.get("documented") or []), c.get("assumption"))
                for c in data["codes"]
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{source}: not an error catalogue ({type(exc).__name__}: {exc})") from None

    @classmethod
    def load(cls, contracts_dir: str | Path) -> Catalogue:
        path = Path(contracts_dir) / CATALOGUE_NAME
        if not path.exists():
            raise LookupError(f"{path}: no error catalogue; run 'doccontract build'")
        try:
            data = read_json(path)
        except OSError as exc:
            raise ValueError(str(exc)) from None
        return cls.from_json(data, str(path))


# --------------------------------------------------------------------------- building


def _norm(text: str) -> str:
    return text.replace("％s", _PLACEHOLDER).replace("％", "%").strip()


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
                for item in getattr(block, "items", ()):
                    if _norm(item) not in variants:
                        variants.append(_norm(item))
    return found


def _merge(into: dict[int, dict[str, Any]], code: int, messages: dict[str, list[str]], where: dict[str, str], name: str | None = None) -> None:
    entry = into.setdefault(code, {"code": code, "name": name, "messages": {}, "documented": [], "assumption": None})
    entry["name"] = entry["name"] or name
    for lang, variants in messages.items():
        have = entry["messages"].setdefault(lang, [])
        have.extend(v for v in variants if v not in have)
    if where not in entry["documented"]:
        entry["documented"].append(where)


def assumed_codes() -> list[dict[str, Any]]:
    return json.loads(resources.files("doccontract").joinpath(ASSUMED).read_text(encoding="utf-8"))["codes"]


def assumed_catalogue() -> Catalogue:
    """The assumed codes alone: what a server falls back on when a contracts folder has no catalogue."""
    return Catalogue(ErrorCode(a["code"], a.get("name"), dict(a.get("messages") or {}), [], a.get("assumption")) for a in assumed_codes())


def build_catalogue(
    error_pages: list[tuple[str, str, dict[str, Document]]], contracts: list[dict[str, Any]], kept: Iterable[ErrorCode] = ()
) -> Catalogue:
    """``error_pages``: (display path, URL, docs by language).  Pages (or ``kept`` page entries), then contracts, then assumptions."""
    entries: dict[int, dict[str, Any]] = {}
    for e in kept:
        for where in e.documented:
            _merge(entries, e.code, e.messages, where, e.name)
    for display, url, docs in sorted(error_pages, key=lambda p: p[0]):
        for code, e in codes_from_error_page(docs).items():
            _merge(entries, code, e["messages"], {"page": display, "url": url}, e["name"])
    for c in contracts:
        url = ((c.get("sources") or {}).get("en") or {}).get("url", "")
        for e in c.get("errors") or []:
            _merge(entries, e["code"], {lang: [_norm(m)] for lang, m in e.get("message", {}).items()}, {"contract": c["id"], "url": url})
    for a in assumed_codes():
        if a["code"] in entries:
            continue  # documented now: no longer an assumption
        entries[a["code"]] = {**a, "documented": []}
    return Catalogue(
        ErrorCode(e["code"], e.get("name"), e["messages"], e["documented"], e.get("assumption")) for e in entries.values()
    )


def write_catalogue(out: Path, error_specs: list[tuple[str, bytes, Page | None]]) -> bool:
    """Build ``out/errors.json`` from the error-code specs (display, bytes, the page if the build read
    it already) and the contracts under ``out``.

    Skipped (False) when its inputs did not change since the file was written.
    """
    from .pages import parse_page

    contracts = load_contracts(out)
    path = out / CATALOGUE_NAME
    kept: list[ErrorCode] = []
    if not error_specs:  # a partial build (one page): the error-code pages read before stay
        try:
            old = Catalogue.load(out)
        except (LookupError, ValueError):
            old = Catalogue([])
        for e in old.codes.values():
            pages = [d for d in e.documented if "page" in d]
            if pages:
                kept.append(ErrorCode(e.code, e.name, e.messages, pages))
    key = hashlib.sha256()
    key.update(json.dumps([k.as_dict() for k in kept], sort_keys=True).encode())
    for display, data, _ in sorted(error_specs, key=lambda e: e[0]):
        key.update(display.encode() + b"\0" + hashlib.sha256(data).digest())
    key.update(json.dumps([[c["id"], c.get("errors")] for c in contracts], sort_keys=True).encode())
    key.update(resources.files("doccontract").joinpath(ASSUMED).read_bytes())
    try:
        if read_json(path).get("inputs") == key.hexdigest():
            return False
    except (OSError, AttributeError):
        pass
    pages = []
    for display, data, read in error_specs:
        page = read or parse_page(data, display)
        pages.append((display, page.url, page.docs))
    doc = build_catalogue(pages, contracts, kept).to_json()
    doc["inputs"] = key.hexdigest()
    return write_atomic(path, dumps(doc), out)
