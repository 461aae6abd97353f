"""The typed contract model (doccontract.contract.document) says what contract files hold.

mypy holds the build's own literal to ``Contract``; what the readers hand over untyped (the page's
weight) and what files on disk hold is checked here: every key a contract has is declared, with its
JSON type, and every required key is there.  Over the corpus, every declared key also occurs: the
model names nothing the build does not write.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path

from helpers import ROOT, needs_corpus

from doccontract.contract import document
from doccontract.contract.general import GENERAL_CONTRACTS
from doccontract.contract.store import contract_files


def _typed_dict(t: object) -> bool:
    return isinstance(t, type) and issubclass(t, dict) and hasattr(t, "__required_keys__")


def _problems(value: object, t: object, where: str, seen: set[tuple[str, str]]) -> list[str]:
    """Where ``value`` (JSON) is not of type ``t``; the TypedDict keys it holds go into ``seen``."""
    origin, args = typing.get_origin(t), typing.get_args(t)
    if t is typing.Any:
        return []
    if origin in (typing.Union, types.UnionType):
        found = [_problems(value, a, where, seen) for a in args]
        if any(not p for p in found):
            return []
        other = [p for a, p in zip(args, found, strict=True) if a is not type(None)]  # X | None: what X lacks
        return other[0] if len(other) == 1 else [f"{where}: {value!r:.80} is none of {t}"]
    if _typed_dict(t):
        assert isinstance(t, type)
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        hints = typing.get_type_hints(t)
        out = [f"{where}: no {k}" for k in sorted(t.__required_keys__) if k not in value]
        for k, v in value.items():
            if k not in hints:
                out.append(f"{where}: {k} is not declared in {t.__name__}")
                continue
            seen.add((t.__name__, k))
            out += _problems(v, hints[k], f"{where}.{k}", seen)
        return out
    if origin is list:
        if not isinstance(value, list):
            return [f"{where}: not a list"]
        return [p for i, v in enumerate(value) for p in _problems(v, args[0], f"{where}[{i}]", seen)]
    if origin is dict:
        if not isinstance(value, dict):
            return [f"{where}: not an object"]
        return [p for k, v in value.items() for p in _problems(v, args[1], f"{where}.{k}", seen)]
    assert isinstance(t, type), t
    if not isinstance(value, t) or (t is int and isinstance(value, bool)):
        return [f"{where}: {value!r:.80} is not {t.__name__}"]
    return []


def _check(contracts: list[tuple[str, object]]) -> set[tuple[str, str]]:
    seen: set[tuple[str, str]] = set()
    problems = [p for where, c in contracts for p in _problems(c, document.Contract, where, seen)]
    assert not problems, problems[:20]
    return seen


def _files(folder: Path) -> list[tuple[str, object]]:
    return [(str(f.relative_to(folder)), json.loads(f.read_text(encoding="utf-8"))) for f in contract_files(folder)]


def test_every_committed_contract_and_the_general_ones_are_what_the_model_says():
    committed = _files(ROOT / "contracts")
    assert committed
    _check([*committed, *((c["id"], c) for c in GENERAL_CONTRACTS)])


@needs_corpus
def test_every_corpus_contract_is_what_the_model_says_and_uses_every_key_it_declares(corpus_build):
    out, results = corpus_build
    assert any(r.status == "built" for r in results)
    seen = _check(_files(out))
    declared = {
        (t.__name__, k)
        for t in vars(document).values()
        if _typed_dict(t) and not t.__name__.startswith("_")
        for k in typing.get_type_hints(t)
    }
    assert declared <= seen, sorted(declared - seen)
