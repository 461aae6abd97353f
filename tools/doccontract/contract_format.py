"""The contract's wire-facing sections, applied as the last step of building a contract.

``format`` versions the shape every reader relies on.  ``auth`` says how a
request proves who sends it, from the page's security type: ``none``,
``api-key`` (the ``X-MBX-APIKEY`` header) or ``signed`` (header plus
``timestamp``, ``recvWindow`` and ``signature``, whose rules are Binance's
general ones).  Pages list the signing parameters in their tables or not, so
they leave ``request`` and live in ``auth`` only: ``request`` is what the
caller chooses.  The weight's unit decides which limit it counts against and
which header reports it.  ``errors`` holds the codes the page itself names.

This module imports no reader: the client, sandbox and suite use its constants.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .pages import Document, Page

FORMAT = 2
API_KEY_HEADER = "X-MBX-APIKEY"
SIGNING_NAMES = ("timestamp", "recvWindow", "signature")
RECV_WINDOW_DEFAULT = 5000
RECV_WINDOW_MAX = 60000
TIMESTAMP_AHEAD_MS = 1000
SIGNED_SECURITY = frozenset({"TRADE", "MARGIN", "USER_DATA"})
API_KEY_SECURITY = frozenset({"USER_STREAM", "MARKET_DATA"})
KINDS = ("none", "api-key", "signed")
#: Binance's clock, for spot and SAPI alike (spot general endpoints, "Check server time"): the one
#: signed requests' ``timestamp`` is judged against.  The client may measure its offset; the sandbox
#: answers it from its own clock when a contract for it is served.
SERVER_TIME = ("GET", "/api/v3/time")
#: SAPI reports the weight used in the last minute per limit; other APIs' headers are not invented here.
SAPI_WEIGHT_HEADERS = {"IP": "X-SAPI-USED-IP-WEIGHT-1M", "UID": "X-SAPI-USED-UID-WEIGHT-1M"}
INT64 = {"type": "integer", "minimum": -(2**63), "maximum": 2**63 - 1}

AUTH_PARAMS = {
    "timestamp": {
        **INT64,
        "minimum": 0,
        "required": True,
        "description": "Milliseconds (or microseconds) since the epoch when the request was created",
        "rule": f"rejected with -1021 when more than recvWindow behind the server's clock or {TIMESTAMP_AHEAD_MS} ms or more ahead of it",
    },
    "recvWindow": {
        "type": "number",
        "minimum": 0,
        "maximum": RECV_WINDOW_MAX,
        "default": RECV_WINDOW_DEFAULT,
        "required": False,
        "description": f"Milliseconds the request stays valid (default {RECV_WINDOW_DEFAULT}, at most {RECV_WINDOW_MAX}); up to three decimals",
        "rule": "above the maximum: -1131",
    },
    "signature": {
        "type": "string",
        "required": True,
        "description": "HMAC-SHA256 (hex), RSA PKCS#1 v1.5 SHA-256 or Ed25519 (base64, percent-encoded) signature of the payload",
        "rule": "the payload is the percent-encoded query string followed by the body, signature excluded; signature is sent last",
    },
}


def auth_kind(security: dict[str, str | None], listed: Iterable[str] = ()) -> str:
    """The strictest kind any language states; a page that lists ``signature``/``timestamp`` is signed."""
    types = {s for s in security.values() if s}
    if types & SIGNED_SECURITY or {"signature", "timestamp"} & set(listed):
        return "signed"
    if types & API_KEY_SECURITY:
        return "api-key"
    return "none"


def auth_section(kind: str, listed: Iterable[str] = ()) -> dict[str, Any]:
    if kind == "none":
        return {"kind": "none"}
    section: dict[str, Any] = {"kind": kind, "header": API_KEY_HEADER}
    if kind == "signed":
        section["params"] = {k: dict(v) for k, v in AUTH_PARAMS.items()}
        section["listedOnPage"] = sorted(set(listed) & set(SIGNING_NAMES))
    return section


def weight_section(weight: dict[str, Any] | None, path: str) -> dict[str, Any] | None:
    """The page's weight plus the limit it counts against and, for /sapi, the header reporting it."""
    if not weight:
        return weight
    unit = weight.get("unit")
    out = dict(weight)
    out["limit"] = unit
    out["header"] = SAPI_WEIGHT_HEADERS.get(unit) if path.startswith("/sapi/") and unit else None
    return out


# --------------------------------------------------------------------------- codes a page names

_CODE_LINE = re.compile(r"^\s*(?:\d+[.)]\s*)?(-\d{3,6})\s*[:：]\s*[.。]?\s*(\S.*)$")
_CODE_MENTION = re.compile(r"(?:error\s*code|错误码|错误代码|code)\s*[:：]?\s*(-\d{3,6})\b", re.I)


def _texts(doc: Document) -> Iterator[str]:
    for section in doc.sections:
        for block in section.blocks:
            items = getattr(block, "items", None)
            rows = getattr(block, "rows", None)
            if items is not None:
                yield from items
            elif rows is not None:
                for row in rows:
                    yield from row
            elif type(block).__name__ != "CodeBlock":  # an example body is not prose
                yield getattr(block, "text", "")


def page_errors(docs: dict[str, Document]) -> list[dict[str, Any]]:
    """Codes the page names: ``-27009: message`` lines (with the message) and 'error code -3003' mentions."""
    found: dict[int, dict[str, Any]] = {}
    for lang, doc in docs.items():
        for text in _texts(doc):
            m = _CODE_LINE.match(text)
            if m:
                entry = found.setdefault(int(m.group(1)), {"code": int(m.group(1)), "message": {}})
                entry["message"].setdefault(lang, m.group(2).strip())
                continue
            for code in _CODE_MENTION.findall(text):
                found.setdefault(int(code), {"code": int(code), "message": {}})
    return [found[c] for c in sorted(found, reverse=True)]


# --------------------------------------------------------------------------- the post-step


def apply(contract: dict[str, Any], page: Page) -> dict[str, Any]:
    """Give a freshly built contract its format-2 sections (in place, and returned)."""
    request = contract["request"]
    props = request.get("properties", {})
    listed = [n for n in SIGNING_NAMES if n in props]
    kind = auth_kind(contract.get("security") or {}, listed)
    if kind == "signed":  # the signing parameters are the client's business, not the caller's
        for name in listed:
            props.pop(name)
        request["required"] = [n for n in request.get("required", []) if n not in SIGNING_NAMES]
    contract.pop("signed", None)
    contract["format"] = FORMAT
    contract["auth"] = auth_section(kind, listed)
    contract["weight"] = weight_section(contract.get("weight"), contract.get("path", ""))
    contract["errors"] = page_errors(page.docs)
    return contract
