"""Schemathesis signs requests as Binance does: ``SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook``.

    BINANCE_API_KEY=demo-credit-key-2001 BINANCE_API_SECRET=demo-credit-secret-2001 \\
    SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook \\
    schemathesis run contracts/openapi.json --url http://127.0.0.1:8765

Every request gets the ``X-MBX-APIKEY`` header; a signed operation (one with a ``signature``
parameter) gets a fresh ``timestamp`` and the HMAC-SHA256 ``signature`` of its query string,
signature last.  Only HMAC secrets (``BINANCE_API_SECRET``) are supported here.  Install with
``pip install 'doccontract[schemathesis]'``.
"""

from __future__ import annotations

import os
import time
from urllib.parse import urlencode

import schemathesis

from .wire.signing import Signer


def _wire(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def signed_query(query: dict[str, object], signer: Signer, now_ms: int | None = None) -> dict[str, str]:
    """The query as sent, with a fresh timestamp and the signature last (requests encodes it the same way)."""
    out = {k: _wire(v) for k, v in query.items() if k != "signature"}
    out["timestamp"] = str(now_ms if now_ms is not None else int(time.time() * 1000))
    out["signature"] = signer.sign(urlencode(list(out.items())))
    return out


@schemathesis.auth(refresh_interval=None, retry_on=[])
class BinanceSigned:
    """Reads the credentials once; signs each case just before it is sent."""

    def get(self, case, ctx):
        key, secret = os.environ.get("BINANCE_API_KEY"), os.environ.get("BINANCE_API_SECRET")
        if not key or not secret:
            raise RuntimeError("set BINANCE_API_KEY and BINANCE_API_SECRET for doccontract.schemathesis_hook")
        return key, Signer(secret=secret)

    def set(self, case, data, ctx) -> None:
        key, signer = data
        case.headers = {**(case.headers or {}), "X-MBX-APIKEY": key}
        names = {p.name for p in case.operation.query}
        if "signature" in names:
            case.query = signed_query(dict(case.query or {}), signer)
