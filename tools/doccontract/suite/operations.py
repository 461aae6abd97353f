"""What the suite needs from each contract: one ``Operation`` per documented endpoint.

Read through ``doccontract.registry`` (the one reader of contracts) plus Binance's general
rules, which apply to every SAPI endpoint; nothing about an endpoint is written by hand.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import registry

#: Binance's general rules (general-info.md, "/api/ and /sapi/ Limit Introduction"): per endpoint, per minute.
LIMITS_PER_MINUTE = {"IP": 12_000, "UID": 180_000}
#: Security types that need an API key and a signature (general-info.md, "Request Security").
SIGNED_TYPES = {"TRADE", "MARGIN", "USER_DATA"}
KEY_ONLY_TYPES = {"USER_STREAM", "MARKET_DATA"}
#: Codes every signed SAPI endpoint can answer by Binance's general rules (error-code.md):
#: key format / rejected key, signature, timestamp window, mandatory, illegal, duplicate, unread, recvWindow.
SIGNED_RULE_CODES = (-2014, -2015, -1022, -1021, -1102, -1100, -1101, -1104, -1131)
KEY_RULE_CODES = (-2014, -2015, -1102, -1100, -1101, -1104)
SIGNING_NAMES = ("recvWindow", "timestamp", "signature")
_CODE_IN_TEXT = re.compile(r"(?<![\w.])-[1-9]\d{3,4}\b")


class ContractsError(ValueError):
    """The contracts folder cannot be used; the message names the folder or file."""


@dataclass(frozen=True)
class Operation(registry.Operation):
    """The registry's operation, with what the suite adds: the codes Binance's rules document for it."""

    documented_codes: tuple[int, ...] = ()

    @property
    def weight_unit(self) -> str:  # "IP" | "UID"
        return str((self.weight or {}).get("unit") or "IP").upper()

    @property
    def weight_header(self) -> str:
        return super().weight_header or f"X-SAPI-USED-{self.weight_unit}-WEIGHT-1M"

    @property
    def limit(self) -> int:
        return LIMITS_PER_MINUTE.get(self.weight_unit, LIMITS_PER_MINUTE["IP"])

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


def documented_codes(contract: dict[str, Any], auth: str) -> tuple[int, ...]:
    """The general rules' codes for the auth kind, plus codes the contract itself names."""
    codes = list(SIGNED_RULE_CODES if auth == "signed" else KEY_RULE_CODES if auth == "api-key" else (-1102, -1100, -1101, -1104))
    errors = contract.get("errors")
    named: list[int] = []
    if errors:  # format 2: the codes the page itself names
        named = [int(e["code"]) for e in errors if isinstance(e, dict) and isinstance(e.get("code"), int)]
    else:  # codes named in the page's own text (descriptions, parameter names the reader kept)
        for name, prop in (contract.get("request", {}).get("properties") or {}).items():
            named += [int(c) for c in _CODE_IN_TEXT.findall(f"{name} {prop.get('description', '')}")]
    for c in named:
        if c not in codes:
            codes.append(c)
    return tuple(codes)


def operation(contract: dict[str, Any]) -> Operation:
    base = registry.Operation.from_contract(contract)
    fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return Operation(**fields, documented_codes=documented_codes(contract, base.auth_kind))


def load_operations(root: str | Path, pattern: str | None = None) -> list[Operation]:
    """Every operation under ``root`` whose ``"METHOD /path"`` or id matches ``pattern``."""
    root = Path(root)
    if not root.is_dir():
        raise ContractsError(f"{root}: no such contracts folder")
    try:
        ops = [operation(op.contract) for op in registry.Registry.load(root)]
    except (ValueError, LookupError) as exc:
        raise ContractsError(str(exc).splitlines()[0]) from None
    if not ops:
        raise ContractsError(f"{root}: no contracts (run 'doccontract build' first)")
    if pattern:
        ops = [op for op in ops if matches(op, pattern)]
        if not ops:
            raise ContractsError(f"--operation {pattern!r} matches no operation under {root}")
    return ops


def matches(op: Operation, pattern: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(op.key, pattern) or fnmatch.fnmatchcase(op.id, pattern)
    return pattern in op.key or pattern in op.id
