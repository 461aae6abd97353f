"""The one request model: what a contract says a request may carry, on both sides of the wire.

Client side, :func:`to_wire` turns Python values into the strings sent.  Server
side, :func:`read` turns a query string and a form body back into typed values
as Binance reads them.  Both raise :class:`ParamError` (a ``ValueError``) that
names the parameter and carries Binance's code, with the wording of Binance's
error-code page taken from the catalogue:

-1102 mandatory parameter missing or empty, -1100 illegal characters or type,
-1101 duplicate values, -1104 parameters sent but not read (undocumented),
-1131 recvWindow above 60000, -1021 timestamp outside recvWindow or 1000 ms ahead.

Binance's reading rules: ``timestamp`` in milliseconds or microseconds,
``recvWindow`` with up to three decimals, a parameter in both the query and the
body takes the query's value.  Imports no reader.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote_plus

from ..contract.catalogue import Catalogue
from ..contract.registry import Operation
from ..rules import RECV_WINDOW_DEFAULT, RECV_WINDOW_MAX, RECV_WINDOW_RE, SIGNING_NAMES, TIMESTAMP_AHEAD_MS

DECIMAL_RE = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")  # ASCII digits, as Binance reads them
INTEGER_RE = re.compile(r"-?[0-9]{1,20}")
TIMESTAMP_RE = re.compile(r"[0-9]{1,20}")
#: A timestamp at or above this is in microseconds (ms reach it in the year 5138).
MICROSECONDS_FROM = 10**14
FORM = "application/x-www-form-urlencoded"

MISSING, ILLEGAL, DUPLICATE, UNREAD, BAD_RECV_WINDOW, BAD_TIMESTAMP = -1102, -1100, -1101, -1104, -1131, -1021


class ParamError(ValueError):
    """A parameter Binance would refuse: ``code`` and ``msg`` as Binance sends them, ``param`` named."""

    def __init__(self, code: int, msg: str, param: str, status: int = 400):
        self.code, self.msg, self.param, self.status = code, msg, param, status
        super().__init__(f"parameter {param!r}: {msg} ({code})")


def _message(catalogue: Catalogue | None, code: int, *args: object, like: str | None = None) -> str:
    """Binance's wording from the catalogue; a plain fallback when there is none."""
    return (catalogue or Catalogue([])).text(code, *args, like=like)


def _fail(catalogue: Catalogue | None, code: int, param: str, *args: object, like: str | None = None) -> ParamError:
    return ParamError(code, _message(catalogue, code, *args, like=like), param)


def _missing(catalogue: Catalogue | None, name: str) -> ParamError:
    return _fail(catalogue, MISSING, name, name)


def _illegal(catalogue: Catalogue | None, name: str, legal: str) -> ParamError:
    return _fail(catalogue, ILLEGAL, name, name, legal)


def kind(schema: Mapping[str, Any]) -> str:
    """What a parameter schema holds: integer, decimal, number, boolean, string, array, object or any."""
    if "anyOf" in schema:
        return "decimal"
    return str(schema.get("type") or "any")


def legal_range(schema: Mapping[str, Any]) -> str:
    """The '-1100 legal range' of a parameter, as a pattern a caller can read."""
    k = kind(schema)
    if "enum" in schema:
        return "|".join(map(str, schema["enum"]))
    if k == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        return "^-?[0-9]{1,20}$" + (f" within [{lo}, {hi}]" if lo is not None and hi is not None else "")
    if k in ("decimal", "number"):
        return "^-?[0-9]+(\\.[0-9]+)?$"
    if k == "boolean":
        return "true|false"
    if k == "array":
        return "a JSON array"
    if k == "object":
        return "a JSON object"
    return "any non-empty text"


# --------------------------------------------------------------------------- client side


def _wire_value(name: str, value: Any, schema: Mapping[str, Any]) -> str:
    k = kind(schema)
    if k == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ParamError(ILLEGAL, f"must be an int, got {type(value).__name__}", name)
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ParamError(ILLEGAL, f"{value} is outside [{lo}, {hi}]", name)
        return str(value)
    if k in ("decimal", "number"):
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
            raise ParamError(
                ILLEGAL,
                f"must be a decimal (Decimal, int, float or a decimal string), got {type(value).__name__}",
                name,
            )
        if (
            isinstance(value, float)
            and not math.isfinite(value)
            or isinstance(value, Decimal)
            and not value.is_finite()
        ):
            raise ParamError(ILLEGAL, f"must be a finite decimal, got {value}", name)
        text = repr(value) if isinstance(value, float) else str(value)
        if not DECIMAL_RE.fullmatch(text):
            raise ParamError(ILLEGAL, f"{value!r} is not a decimal number", name)
        return format(Decimal(text), "f")  # plain notation: Binance reads no exponent
    if k == "boolean":
        if not isinstance(value, bool):
            raise ParamError(ILLEGAL, f"must be a bool, got {type(value).__name__}", name)
        return "true" if value else "false"
    if k == "array":
        if not isinstance(value, (list, tuple)):
            raise ParamError(ILLEGAL, f"must be a list, got {type(value).__name__}", name)
        return json.dumps(list(value), separators=(",", ":"), ensure_ascii=False)
    if k == "object":
        if not isinstance(value, Mapping):
            raise ParamError(ILLEGAL, f"must be a dict, got {type(value).__name__}", name)
        return json.dumps(dict(value), separators=(",", ":"), ensure_ascii=False)
    if not isinstance(value, str):
        raise ParamError(ILLEGAL, f"must be a str, got {type(value).__name__}", name)
    if "enum" in schema and value not in schema["enum"]:
        raise ParamError(ILLEGAL, f"{value!r} is not one of {schema['enum']}", name)
    return value


def to_wire(op: Operation, params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Python values -> the (name, string) pairs to send, in the caller's order; ``None`` means not sent.

    The signing parameters are not the caller's: the signer adds them.
    """
    props, out = op.params, []
    for name, value in params.items():
        if name in SIGNING_NAMES and name not in props:
            raise ParamError(UNREAD, "is set by the client's signer, not by the caller", name)
        if name not in props:
            documented = ", ".join(props) or "none"
            raise ParamError(UNREAD, f"is not documented for {op.key} (documented: {documented})", name)
        if value is None:
            continue
        text = _wire_value(name, value, props[name])
        if text == "" and name in op.required:
            raise ParamError(MISSING, "is mandatory and may not be empty", name)
        out.append((name, text))
    sent = {n for n, _ in out}
    for name in op.required:
        if name not in sent:
            raise ParamError(MISSING, f"is mandatory for {op.key}", name)
    return out


# --------------------------------------------------------------------------- server side


@dataclass(frozen=True)
class Raw:
    """Parameters as sent (query over body), and what the signature covers."""

    params: dict[str, str]
    payload: str  # query then body, each without its signature pairs, byte for byte
    signature: str | None


@dataclass(frozen=True)
class Signing:
    timestamp_ms: float
    recv_window: float


@dataclass(frozen=True)
class Request:
    """A request as the server understood it."""

    params: dict[str, Any]
    raw: Raw
    signing: Signing | None


def _pairs(text: str, catalogue: Catalogue | None) -> dict[str, str]:
    """``a=1&b=2`` decoded strictly (bad UTF-8 is -1100 naming the parameter); a repeated name is -1101."""
    out: dict[str, str] = {}
    for part in text.split("&"):
        if not part:
            continue
        k, _, v = part.partition("=")
        try:
            name = unquote_plus(k, errors="strict")
        except UnicodeDecodeError:
            raise ParamError(
                ILLEGAL, _message(catalogue, ILLEGAL, like="Illegal characters found in a parameter."), k
            ) from None
        try:
            value = unquote_plus(v, errors="strict")
        except UnicodeDecodeError:
            raise _illegal(catalogue, name, "UTF-8 text") from None
        if name in out:
            raise _fail(catalogue, DUPLICATE, name, like="Duplicate")
        out[name] = value
    return out


def _unsigned(raw: str) -> str:
    return "&".join(p for p in raw.split("&") if p.split("=", 1)[0] != "signature") if raw else ""


def read_raw(query: str, body: str = "", content_type: str | None = None, catalogue: Catalogue | None = None) -> Raw:
    """Query and form body -> one dict (query wins), duplicates refused (-1101)."""
    params = _pairs(query, catalogue)
    if body:
        if content_type is not None and not content_type.lower().startswith(FORM):
            raise ParamError(ILLEGAL, f"the body must be {FORM}", "")
        for k, v in _pairs(body, catalogue).items():
            params.setdefault(k, v)  # a parameter in both takes the query's value
    return Raw(params, _unsigned(query) + _unsigned(body), params.get("signature"))


def check_signing(raw: Raw, clock: Callable[[], float] = time.time, catalogue: Catalogue | None = None) -> Signing:
    """timestamp and recvWindow as Binance reads them (signature presence too; its check needs the key)."""
    p = raw.params
    for name in ("timestamp", "signature"):
        if not p.get(name):
            raise _missing(catalogue, name)
    ts_text = p["timestamp"]
    if not TIMESTAMP_RE.fullmatch(ts_text):
        raise _illegal(catalogue, "timestamp", f"^{TIMESTAMP_RE.pattern}$")
    ts = int(ts_text)
    ts_ms = ts / 1000 if ts >= MICROSECONDS_FROM else float(ts)
    recv_text = p.get("recvWindow", str(RECV_WINDOW_DEFAULT))
    if recv_text == "":
        raise _missing(catalogue, "recvWindow")
    if not RECV_WINDOW_RE.fullmatch(recv_text):
        raise _illegal(catalogue, "recvWindow", f"^{RECV_WINDOW_RE.pattern}$")
    recv = float(recv_text)
    if recv > RECV_WINDOW_MAX:
        raise _fail(catalogue, BAD_RECV_WINDOW, "recvWindow")
    now_ms = clock() * 1000
    if ts_ms >= now_ms + TIMESTAMP_AHEAD_MS:
        raise _fail(catalogue, BAD_TIMESTAMP, "timestamp", like="ahead")
    if now_ms - ts_ms > recv:
        raise _fail(catalogue, BAD_TIMESTAMP, "timestamp", like="recvWindow")
    return Signing(ts_ms, recv)


def typed_value(name: str, raw: str, schema: Mapping[str, Any], catalogue: Catalogue | None = None) -> Any:
    """One wire string -> its Python value, or -1102 (empty) / -1100 (not of the documented type)."""
    if raw == "":
        raise _missing(catalogue, name)
    k = kind(schema)
    bad = _illegal(catalogue, name, legal_range(schema))
    if k == "integer":
        if not INTEGER_RE.fullmatch(raw):
            raise bad
        value: Any = int(raw)
        lo, hi = schema.get("minimum"), schema.get("maximum")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise bad
        return value
    if k in ("decimal", "number"):
        if not DECIMAL_RE.fullmatch(raw):
            raise bad
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise bad from None
    if k == "boolean":
        if raw.lower() not in ("true", "false"):
            raise bad
        return raw.lower() == "true"
    if k in ("array", "object"):
        try:
            value = json.loads(raw) if raw[:1] in "[{" else raw.split(",")
        except ValueError:
            raise bad from None
        if not isinstance(value, list if k == "array" else dict):
            raise bad
        return value
    if "enum" in schema and raw not in schema["enum"]:
        raise bad
    return raw


def typed(op: Operation, raw: Raw, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The documented parameters, typed; -1104 when something sent is not read, -1102 for a missing one."""
    props = op.params
    signing = set(SIGNING_NAMES) if op.signed else set()
    unread = [k for k in raw.params if k not in props and k not in signing]
    if unread:
        sent = len(raw.params)
        raise _fail(catalogue, UNREAD, unread[0], sent - len(unread), sent)
    for name in op.required:
        if name not in raw.params or raw.params[name] == "":
            raise _missing(catalogue, name)
    return {
        name: typed_value(name, raw.params[name], schema, catalogue)
        for name, schema in props.items()
        if name in raw.params
    }


def read(
    op: Operation,
    query: str,
    body: str = "",
    content_type: str | None = None,
    clock: Callable[[], float] = time.time,
    catalogue: Catalogue | None = None,
) -> Request:
    """All of it in Binance's order: framing and duplicates, then signing rules, then the documented parameters.

    The signature itself is not verified here (that needs the caller's key): see ``doccontract.wire.signing``.
    """
    raw = read_raw(query, body, content_type, catalogue)
    signing = check_signing(raw, clock, catalogue) if op.signed else None
    return Request(typed(op, raw, catalogue), raw, signing)
