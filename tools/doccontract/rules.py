"""Binance's general rules, stated once: every side (build, client, sandbox, suite, drift) reads them here.

Sources: general-info.md ("Request Security", "SIGNED Endpoint security", "Timing security",
"/api/ and /sapi/ Limit Introduction") and the error-code page.  Nothing here is about one endpoint;
what an endpoint says lives in its contract.  Imports nothing of the package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

#: The header that carries the API key.
API_KEY_HEADER = "X-MBX-APIKEY"
#: The parameters signing adds, in the order they are sent: ``signature`` always last.
SIGNING_NAMES = ("timestamp", "recvWindow", "signature")
RECV_WINDOW_DEFAULT = 5000
#: recvWindow may not exceed 60000 ms (-1131 above).
RECV_WINDOW_MAX = 60000
#: recvWindow on the wire: whole milliseconds with up to three decimals.
RECV_WINDOW_RE = re.compile(r"[0-9]{1,6}(\.[0-9]{1,3})?")
#: A timestamp this far or further ahead of the server's clock is refused with -1021.
TIMESTAMP_AHEAD_MS = 1000
#: Security types that need a key and a signature, and those that need a key only, in the order
#: general-info.md lists them (texts that name them keep that order).
SIGNED_SECURITY = ("TRADE", "MARGIN", "USER_DATA")
API_KEY_SECURITY = ("USER_STREAM", "MARKET_DATA")
#: How a request proves who sends it, weakest first.
KINDS = ("none", "api-key", "signed")
#: Binance's clock, for spot and SAPI alike ("Check server time"): signed requests' ``timestamp`` is
#: judged against it.  The client may measure its offset; the sandbox answers it from its own clock.
SERVER_TIME = ("GET", "/api/v3/time")
#: Weight per minute, per limit (general-info.md, "/api/ and /sapi/ Limit Introduction").
LIMITS_PER_MINUTE = {"IP": 12_000, "UID": 180_000}
IP_LIMIT_PER_MINUTE = LIMITS_PER_MINUTE["IP"]
UID_LIMIT_PER_MINUTE = LIMITS_PER_MINUTE["UID"]
#: SAPI reports the weight used in the last minute per limit; other APIs' headers are not invented here.
SAPI_WEIGHT_HEADERS = {"IP": "X-SAPI-USED-IP-WEIGHT-1M", "UID": "X-SAPI-USED-UID-WEIGHT-1M"}
#: SAPI: "Each endpoint with IP limits has an independent 12000 per minute limit" (and UID likewise):
#: weight is counted per endpoint.  Spot (/api/) counts one request weight per IP over all its endpoints
#: and reports it in this header (rest-api/limits.md).
SPOT_WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
INT64 = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}

#: Codes every endpoint can answer by the general rules (error-code.md), per auth kind:
#: key format / rejected key, signature, timestamp window, mandatory, illegal, duplicate, unread, recvWindow.
PARAMETER_RULE_CODES = (-1102, -1100, -1101, -1104)
KEY_RULE_CODES = (-2014, -2015, *PARAMETER_RULE_CODES)
SIGNED_RULE_CODES = (-2014, -2015, -1022, -1021, *PARAMETER_RULE_CODES, -1131)
_CODE_IN_TEXT = re.compile(r"(?<![\w.])-[1-9]\d{3,4}\b")

#: The signing parameters as a contract's ``auth`` section states them.
AUTH_PARAMS = {
    "timestamp": {
        **INT64,
        "minimum": 0,
        "required": True,
        "description": "Milliseconds (or microseconds) since the epoch when the request was created",
        "rule": (
            f"rejected with -1021 when more than recvWindow behind the server's clock or {TIMESTAMP_AHEAD_MS} ms "
            "or more ahead of it"
        ),
    },
    "recvWindow": {
        "type": "number",
        "minimum": 0,
        "maximum": RECV_WINDOW_MAX,
        "default": RECV_WINDOW_DEFAULT,
        "required": False,
        "description": (
            f"Milliseconds the request stays valid (default {RECV_WINDOW_DEFAULT}, at most {RECV_WINDOW_MAX}); "
            "up to three decimals"
        ),
        "rule": "above the maximum: -1131",
    },
    "signature": {
        "type": "string",
        "required": True,
        "description": (
            "HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (base64, percent-encoded) signature of the payload"
        ),
        "rule": (
            "the payload is the percent-encoded query string followed by the body, signature excluded; "
            "signature is sent last"
        ),
    },
}


def auth_kind(security: dict[str, str | None], listed: Iterable[str] = ()) -> str:
    """The strictest kind any language states; a page that lists ``signature``/``timestamp`` is signed."""
    types = {s for s in security.values() if s}
    if types.intersection(SIGNED_SECURITY) or {"signature", "timestamp"} & set(listed):
        return "signed"
    if types.intersection(API_KEY_SECURITY):
        return "api-key"
    return "none"


def weight_header(unit: str) -> str:
    """The header reporting the weight a limit has used (SAPI's names)."""
    return SAPI_WEIGHT_HEADERS.get(unit.upper(), f"X-SAPI-USED-{unit.upper()}-WEIGHT-1M")


def _kind_codes(auth: str) -> tuple[int, ...]:
    return SIGNED_RULE_CODES if auth == "signed" else KEY_RULE_CODES if auth == "api-key" else PARAMETER_RULE_CODES


def rule_codes(auth: str, has_params: bool) -> tuple[int, ...]:
    """The general rules' codes a request to an endpoint of this shape can be answered with.

    The parameter rules need a parameter to break: a signed endpoint always has ``timestamp`` (a
    malformed one is -1100, a repeated one -1101, a missing one -1102); an unsigned endpoint without
    parameters can only be sent one it does not read (-1104)."""
    codes = _kind_codes(auth)
    if auth == "signed" or has_params:
        return codes
    return tuple(c for c in codes if c not in (-1102, -1100, -1101))


def documented_codes(contract: Mapping[str, Any], auth: str) -> tuple[int, ...]:
    """The general rules' codes for the auth kind, plus codes the contract itself names."""
    codes = list(_kind_codes(auth))
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
