"""The sandbox's one seam to the shared wire modules: operations, the request model, the error catalogue.

Everything the gateway needs from a contract goes through here, so the sandbox
reads contracts the way the client and the suite do and keeps no second copy
of an endpoint's rules.  (Until the shared modules land, the few pieces below
stand in for them with the same interface.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jsonschema import Draft202012Validator

from ..contracts import load_contracts

SIGNING_NAMES = ("timestamp", "recvWindow", "signature")
WEIGHT_HEADERS = {"IP": "X-SAPI-USED-IP-WEIGHT-1M", "UID": "X-SAPI-USED-UID-WEIGHT-1M"}
SIGNED_SECURITY = {"TRADE", "USER_DATA", "MARGIN"}
KEYED_SECURITY = {"USER_STREAM", "MARKET_DATA"}


class ApiError(Exception):
    """An answer in Binance's error shape ``{code, msg}`` with its HTTP status and headers."""

    def __init__(self, status: int, code: int, msg: str, headers: dict[str, str] | None = None):
        super().__init__(f"{code} {msg}")
        self.status, self.code, self.msg = status, code, msg
        self.headers = headers or {}


# Binance's wording (institutional-loan error-code page); -27001 and -27018 are documented nowhere.
_MESSAGES = {
    -1000: "An unknown error occurred while processing the request.[%s]",
    -1003: "Too much request weight used; current limit is %s request weight per %s. Please use WebSocket Streams for live updates to avoid polling the API.",
    -1007: "Timeout waiting for response from backend server. Send status unknown; execution status unknown.",
    -1021: "Timestamp for this request is outside of the recvWindow.",
    -1022: "Signature for this request is not valid.",
    -1100: "Illegal characters found in parameter '%s'; legal range is '%s'.",
    -1101: "Duplicate values for a parameter detected.",
    -1102: "Mandatory parameter '%s' was not sent, was empty/null, or malformed.",
    -1104: "Not all sent parameters were read; read '%s' parameter(s) but was sent '%s'.",
    -1127: "More than %s hours between startTime and endTime.",
    -1130: "Data sent for parameter '%s' is not valid.",
    -1131: "recvWindow must be less than 60000",
    -2014: "API-key format invalid.",
    -2015: "Invalid API-key, IP, or permissions for action.",
    -3003: "Margin account does not exist.",
    -3015: "Repay amount exceeds borrow amount.",
    -3041: "Balance is not enough",
    -27001: "Risk unit not found.",
    -27009: "The requested borrow amount exceeds the maximum allowed limit.",
    -27018: "Risk unit cannot be closed: liabilities are outstanding.",
    -27025: "Please try again until the previous transaction is completed.",
    -27026: "Receiver UID is not within the Institutional Loan risk unit.",
    -27027: "The receiver UID margin wallet has not been enabled.",
    -27028: "Exceed the max transfer out amount, which is min(Risk Unit max transfer out, Collateral Account max transfer out).",
    -27029: "Institution loan collateral accounts can only transfer assets to other collateral accounts' margin accounts within the same risk unit.",
}


def message(code: int, *args: object) -> str:
    text = _MESSAGES.get(code, _MESSAGES[-1000])
    if "%s" not in text:
        return text
    if not args:
        return re.sub(r"\s*[\[']?%s[\]']?", "", text)
    return text % tuple(args[: text.count("%s")] + ("",) * (text.count("%s") - len(args)))


def api_error(code: int, *args: object, status: int = 400, headers: dict[str, str] | None = None) -> ApiError:
    """An error whose message is the catalogue's (its ``%s`` places filled with ``args``)."""
    return ApiError(status, code, message(code, *args), headers)


@dataclass
class Operation:
    """One endpoint as the contract states it."""

    id: str
    method: str
    path: str
    auth: str  # "none" | "api-key" | "signed"
    weight: dict[str, Any]  # {value, unit, header}
    request: dict[str, Any]
    response: dict[str, Any]
    examples: list[Any] = field(default_factory=list)

    @classmethod
    def from_contract(cls, c: dict[str, Any]) -> Operation:
        sec = c.get("security") or {}
        sec = (sec.get("en") or sec.get("zh-CN") or "") if isinstance(sec, dict) else str(sec)
        auth = "signed" if sec in SIGNED_SECURITY or c.get("signed") else "api-key" if sec in KEYED_SECURITY else "none"
        w = c.get("weight") or {}
        unit = (w.get("unit") or "IP").upper()
        weight = {"value": int(w.get("value") or 1), "unit": unit, "header": WEIGHT_HEADERS.get(unit, WEIGHT_HEADERS["IP"])}
        examples = (c.get("examples") or {}).get("response") or []
        return cls(c["id"], c["method"], c["path"], auth, weight, c.get("request") or {}, c.get("response") or {}, list(examples))


def load_operations(contracts_dir: str | Path) -> list[Operation]:
    return [Operation.from_contract(c) for c in load_contracts(contracts_dir)]


def read_params(op: Operation, query: str, body: str) -> dict[str, Any]:
    """Wire query + form body -> typed parameters; the query's value wins over the body's."""
    params: dict[str, str] = {}
    for part in (query, body):
        seen: set[str] = set()
        try:
            pairs = parse_qsl(part, keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise api_error(-1100, "?", "UTF-8 text") from None
        for k, v in pairs:
            if k in seen:
                raise api_error(-1101)
            seen.add(k)
            params.setdefault(k, v)
    props = op.request.get("properties", {})
    unread = [k for k in params if k not in props and k not in SIGNING_NAMES]
    if unread:
        raise api_error(-1104, len(params) - len(unread), len(params))
    for name in op.request.get("required", []):
        if name not in SIGNING_NAMES and not params.get(name):
            raise api_error(-1102, name)
    args: dict[str, Any] = {}
    for name, schema in props.items():
        if name in params and name not in SIGNING_NAMES:
            args[name] = _coerce(name, params[name], schema)
    for err in Draft202012Validator(op.request).iter_errors(args):
        name = err.absolute_path[0] if err.absolute_path else ""
        raise api_error(-1100, name, "the documented type and range")
    for name in SIGNING_NAMES:
        if name in params:
            args[name] = params[name]
    return args


def _coerce(name: str, raw: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if raw == "":
        raise api_error(-1102, name)
    if kind == "integer":
        if not re.fullmatch(r"-?[0-9]{1,20}", raw):
            raise api_error(-1100, name, "^[0-9]{1,20}$")
        return int(raw)
    if kind == "number" or "anyOf" in schema:
        try:
            Decimal(raw)
        except InvalidOperation:
            raise api_error(-1100, name, "a decimal number") from None
        return raw
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise api_error(-1100, name, "TRUE or FALSE")
        return raw.lower() == "true"
    return raw
