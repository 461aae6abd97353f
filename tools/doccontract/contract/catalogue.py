"""The error catalogue: every code, its name and its messages in both languages, and where it is documented.

Built by ``doccontract build`` (:mod:`doccontract.contract.error_pages`) into ``contracts/errors.json``
from the error-code page(s) under ``specs/``, the codes each endpoint page names (the contract's
``errors``) and a small committed file of ASSUMED codes (``data/assumed_errors.json``) that no page
documents, each with its reason.  The client, sandbox and suite read the built file through this
module, which imports no reader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .._files import read_json
from .format import FORMAT
from .store import CATALOGUE_NAME

ASSUMED = "data/assumed_errors.json"
PLACEHOLDER = "%s"


@dataclass(frozen=True)
class ErrorCode:
    code: int
    name: str | None
    messages: dict[str, list[str]]  # lang -> the variants the docs list, ``%s`` where a value goes
    documented: list[dict[str, str]] = field(
        default_factory=list
    )  # {"page": ..., "url": ...} or {"contract": ..., "url": ...}
    assumption: str | None = None  # why the code is used though no page documents it

    def message(self, *args: object, lang: str = "en", like: str | None = None) -> str:
        """The documented wording with ``args`` in its ``%s`` places (quoted, as Binance sends them).

        The variant is the first with as many places as ``args`` (and containing ``like``, when given).
        """
        variants = self.messages.get(lang) or self.messages.get("en") or []
        fits = [v for v in variants if v.count(PLACEHOLDER) == len(args) and (like is None or like in v)]
        if not fits:
            raise LookupError(
                f"error {self.code}: no {lang} message with {len(args)} value(s)"
                f"{f' like {like!r}' if like else ''} among {variants}"
            )
        text = fits[0]
        for a in args:
            text = text.replace(PLACEHOLDER, f"'{a}'", 1)
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "messages": self.messages,
            "documented": self.documented,
            "assumption": self.assumption,
        }


class Catalogue:
    """Code -> :class:`ErrorCode`; ``catalogue.message(-1102, "groupId")`` gives the wire wording."""

    def __init__(self, codes: Iterable[ErrorCode]):
        self.codes = {c.code: c for c in codes}

    def get(self, code: int) -> ErrorCode:
        try:
            return self.codes[code]
        except KeyError:
            raise LookupError(
                f"error code {code} is not in the catalogue ({len(self.codes)} codes; run 'doccontract build')"
            ) from None

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
        """One catalogue from several, the first that has a code winning (e.g. the served folder's, then the
        repository's)."""
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
                ErrorCode(
                    int(c["code"]),
                    c.get("name"),
                    dict(c.get("messages") or {}),
                    list(c.get("documented") or []),
                    c.get("assumption"),
                )
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


def assumed_codes() -> list[dict[str, Any]]:
    codes: list[dict[str, Any]] = json.loads(
        resources.files("doccontract").joinpath(ASSUMED).read_text(encoding="utf-8")
    )["codes"]
    return codes


def assumed_operation_codes() -> dict[str, tuple[int, ...]]:
    """'METHOD /path' -> the codes the sandbox answers there though that operation's page names none of them."""
    data = json.loads(resources.files("doccontract").joinpath(ASSUMED).read_text(encoding="utf-8"))
    return {op: tuple(int(code) for code in codes) for op, codes in (data.get("operations") or {}).items()}


def assumed_catalogue() -> Catalogue:
    """The assumed codes alone: what a server falls back on when a contracts folder has no catalogue."""
    return Catalogue(
        ErrorCode(a["code"], a.get("name"), dict(a.get("messages") or {}), [], a.get("assumption"))
        for a in assumed_codes()
    )
