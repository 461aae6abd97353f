"""Operations from contracts: what the client calls, the sandbox routes and the suite checks.

``Registry.load(contracts_dir)`` reads every contract (and the error catalogue);
``registry.get("DELETE /sapi/v1/margin/loan-group")`` or ``registry.get(contract_id)``
gives the :class:`Operation`.  Imports no reader.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .catalogue import Catalogue
from .document import Contract, Weight
from .format import FORMAT
from .store import default_dir, load_contracts
from .validation import schema_problem


@dataclass(frozen=True)
class Operation:
    """One endpoint as its contract states it."""

    id: str
    method: str
    path: str
    title: str
    security: dict[str, str | None]
    auth: dict[str, Any]
    weight: Weight | None
    request: dict[str, Any]
    response: dict[str, Any]
    examples: list[Any]
    errors: list[int]
    contract: Contract = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def auth_kind(self) -> str:
        kind: str = self.auth.get("kind", "none")  # the contract schema holds it to a string
        return kind

    @property
    def signed(self) -> bool:
        return self.auth_kind == "signed"

    @property
    def params(self) -> dict[str, dict[str, Any]]:
        params: dict[str, dict[str, Any]] = self.request.get("properties", {})
        return params

    @property
    def required(self) -> list[str]:
        return list(self.request.get("required", []))

    @property
    def caller(self) -> str | None:
        """The one account role the page lets call it ("accessible only with the parent account API key"), or None."""
        return self.contract.get("caller")

    @property
    def weight_value(self) -> int:
        return int((self.weight or {}).get("value") or 1)

    @property
    def weight_header(self) -> str | None:
        return (self.weight or {}).get("header")

    @classmethod
    def from_contract(cls, data: object, source: str = "") -> Operation:
        """The operation a contract document states.  ``data`` may be any JSON read from disk: one that is
        not a contract of this format is a ValueError naming ``source`` (else its id)."""
        where = source or (data.get("id", "<contract>") if isinstance(data, dict) else "<contract>")
        if not isinstance(data, dict):
            raise ValueError(f"{where}: not a contract (a JSON {type(data).__name__})")
        if data.get("format") != FORMAT:
            raise ValueError(
                f"{where}: contract format {data.get('format')!r}, expected {FORMAT}; run 'doccontract build'"
            )
        c = cast(Contract, data)  # a Contract as far as it is read below: what is missing or mistyped is refused
        try:
            title = c.get("title") or {}
            op = cls(
                id=c["id"],
                method=c["method"].upper(),
                path=c["path"],
                title=title.get("en") or title.get("zh-CN") or c["id"],
                security=dict(c.get("security") or {}),
                auth=dict(c.get("auth") or {"kind": "none"}),
                weight=c.get("weight"),
                request=c["request"],
                response=c["response"],
                examples=list((c.get("examples") or {}).get("response") or []),
                errors=[e["code"] for e in c.get("errors") or []],
                contract=c,
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{where}: not a contract ({type(exc).__name__}: {exc})") from None
        for part in ("request", "response"):  # validated without fetching anything or recursing forever
            problem = schema_problem(getattr(op, part))
            if problem is not None:
                raise ValueError(f"{where}: {part} schema: {problem}")
        return op


class Registry:
    """Every operation under a contracts folder, by id and by ``METHOD /path``."""

    def __init__(self, operations: list[Operation], catalogue: Catalogue | None = None, source: str = "contracts"):
        self.operations = sorted(operations, key=lambda o: o.id)
        self.catalogue = catalogue if catalogue is not None else Catalogue([])
        self.source = source
        self._by_id: dict[str, Operation] = {}
        self._twice: set[str] = set()  # ids two trees both use (folders built apart): ask by the Operation
        for o in self.operations:
            if o.id in self._by_id:
                self._twice.add(o.id)
            self._by_id.setdefault(o.id, o)
        self._by_key: dict[str, list[Operation]] = {}
        for o in self.operations:
            self._by_key.setdefault(o.key, []).append(o)

    @classmethod
    def load(cls, contracts_dir: str | Path | None = None) -> Registry:
        root = Path(contracts_dir) if contracts_dir is not None else default_dir()
        if not root.is_dir():
            raise LookupError(f"{root}: no contracts folder; run 'doccontract build'")
        ops = [Operation.from_contract(c, f"{root}/{c.get('id')}.json") for c in load_contracts(root)]
        try:
            catalogue = Catalogue.load(root)
        except LookupError:
            catalogue = Catalogue([])
        return cls(ops, catalogue, str(root))

    def __iter__(self) -> Iterator[Operation]:
        return iter(self.operations)

    def __len__(self) -> int:
        return len(self.operations)

    def get(self, name: str) -> Operation:
        """By contract id or by ``"METHOD /path"``; a LookupError names what was asked and what exists."""
        if not isinstance(name, str):
            raise LookupError(f"operation must be a contract id or 'METHOD /path', got {type(name).__name__}")
        if name in self._twice:
            raise LookupError(
                f"contract id {name!r} names several contracts under {self.source}; "
                "pass the Operation from registry.operations"
            )
        if name in self._by_id:
            return self._by_id[name]
        parts = name.strip().split(None, 1)
        key = f"{parts[0].upper()} {parts[1].strip()}" if len(parts) == 2 else name
        found = self._by_key.get(key, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise LookupError(
                f"{name!r} is documented by {len(found)} contracts; ask by id: {', '.join(o.id for o in found)}"
            )
        names = list(self._by_id) + list(self._by_key)
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        listing = ", ".join(sorted(self._by_key)[:20]) + (" ..." if len(self._by_key) > 20 else "")
        raise LookupError(
            f"no operation {name!r} among the {len(self.operations)} contracts in {self.source}{hint} "
            f"(known: {listing})"
        )

    def routes(self, path: str) -> list[Operation]:
        """Operations at ``path`` (any method): how a server tells 404 from 405."""
        return [o for o in self.operations if o.path == path]
