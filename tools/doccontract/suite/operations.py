"""What the suite needs from each contract: one ``SuiteOperation`` per documented endpoint.

Read through ``doccontract.contract.registry`` (the one reader of contracts) plus Binance's general
rules, which apply to every SAPI endpoint; nothing about an endpoint is written by hand.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..contract import registry
from ..contract.document import Contract
from ..rules import LIMITS_PER_MINUTE, SIGNING_NAMES, documented_codes, rule_codes, weight_header
from ..usage import UsageError


@dataclass(frozen=True)
class SuiteOperation(registry.Operation):
    """The registry's operation, with what the suite adds: the codes Binance's rules document for it."""

    documented_codes: tuple[int, ...] = ()

    @property
    def weight_unit(self) -> str:  # "IP" | "UID"
        return str((self.weight or {}).get("unit") or "IP").upper()

    @property
    def weight_header(self) -> str:
        return super().weight_header or weight_header(self.weight_unit)

    @property
    def limit(self) -> int:
        return LIMITS_PER_MINUTE.get(self.weight_unit, LIMITS_PER_MINUTE["IP"])

    def required_codes(self, target: str) -> tuple[int, ...]:
        """The documented codes that can occur on ``target``: Binance's general rules for this endpoint's
        shape everywhere; the codes its page names only live (the sandbox answers a page's business codes
        from the state of its model, which no check of the suite sets up)."""
        general = rule_codes(self.auth_kind, bool(self.params))
        return tuple(c for c in self.documented_codes if c in general or target == "live")

    @property
    def read_only(self) -> bool:
        return self.method == "GET"

    @property
    def params(self) -> dict[str, dict[str, Any]]:
        """Documented business parameters (the signing ones are the suite's to send)."""
        return {k: v for k, v in super().params.items() if k not in SIGNING_NAMES}

    @property
    def required(self) -> list[str]:
        return [n for n in super().required if n not in SIGNING_NAMES]


def operation(contract: Contract) -> SuiteOperation:
    base = registry.Operation.from_contract(contract)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return SuiteOperation(**fields, documented_codes=documented_codes(contract, base.auth_kind))


def load_operations(root: str | Path, pattern: str | None = None) -> list[SuiteOperation]:
    """Every operation under ``root`` whose ``"METHOD /path"`` or id matches ``pattern``."""
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{root}: no such contracts folder")
    try:
        ops = [operation(op.contract) for op in registry.Registry.load(root)]
    except (ValueError, LookupError) as exc:
        raise UsageError(str(exc).splitlines()[0]) from None
    if not ops:
        raise UsageError(f"{root}: no contracts (run 'doccontract build' first)")
    if pattern:
        ops = [op for op in ops if matches(op, pattern)]
        if not ops:
            raise UsageError(f"--operation {pattern!r} matches no operation under {root}")
    return ops


def matches(op: SuiteOperation, pattern: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(op.key, pattern) or fnmatch.fnmatchcase(op.id, pattern)
    return pattern in op.key or pattern in op.id
