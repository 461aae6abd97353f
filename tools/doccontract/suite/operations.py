"""What the suite needs from each contract: one ``Operation`` per documented endpoint.

Read through ``doccontract.registry`` (the one reader of contracts) plus Binance's general
rules, which apply to every SAPI endpoint; nothing about an endpoint is written by hand.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
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
class Operation:
    id: str
    method: str
    path: str
    auth: str  # "none" | "api-key" | "signed"
    weight: int
    weight_unit: str  # "IP" | "UID"
    request: dict[str, Any] = field(repr=False)
    response: dict[str, Any] = field(repr=False)
    examples: tuple[Any, ...] = field(repr=False)
    documented_codes: tuple[int, ...] = ()
    contract: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def key(self) -> str:
        """The test id: ``"METHOD /path"``."""
        return f"{self.method} {self.path}"

    @property
    def weight_header(self) -> str:
        return (self.contract.get("weight") or {}).get("header") or f"X-SAPI-USED-{self.weight_unit}-WEIGHT-1M"

    @property
    def limit(self) -> int:
        return LIMITS_PER_MINUTE.get(self.weight_unit, LIMITS_PER_MINUTE["IP"])

    @property
    def read_only(self) -> bool:
        return self.method == "GET"

    @property
    def params(self) -> dict[str, dict[str, Any]]:
        """Documented business parameters (the signing ones are the suite's to send)."""
        return {k: v for k, v in self.request.get("properties", {}).items() if k not in SIGNING_NAMES}

    @property
    def required(self) -> list[str]:
        return [n for n in self.request.get("required", []) if n not in SIGNING_NAMES]


def _auth(contract: dict[str, Any]) -> str:
    declared = contract.get("auth")
    if isinstance(declared, dict) and declared.get("kind"):
        return str(declared["kind"])
    if isinstance(declared, str):
        return declared
    types = {str(v).upper() for v in (contract.get("security") or {}).values() if v}
    if contract.get("signed") or types & SIGNED_TYPES:
        return "signed"
    return "api-key" if types & KEY_ONLY_TYPES else "none"


def _documented_codes(contract: dict[str, Any], auth: str) -> tuple[int, ...]:
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
    weight = contract.get("weight") or {}
    auth = _auth(contract)
    return Operation(
        id=contract["id"],
        method=contract["method"].upper(),
        path=contract["path"],
        auth=auth,
        weight=int(weight.get("value") or 1),
        weight_unit=str(weight.get("unit") or "IP").upper(),
        request=contract.get("request") or {"type": "object", "properties": {}},
        response=contract.get("response") or {},
        examples=tuple((contract.get("examples") or {}).get("response") or ()),
        documented_codes=_documented_codes(contract, auth),
        contract=contract,
    )


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
