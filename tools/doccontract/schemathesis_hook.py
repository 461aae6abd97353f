"""Schemathesis signs requests as Binance does: ``SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook``.

    BINANCE_API_KEY=demo-credit-key-2001 BINANCE_API_SECRET=demo-credit-secret-2001 \\
    BINANCE_API_KEY_PARENT=demo-parent-key-0001 BINANCE_API_SECRET_PARENT=demo-parent-secret-0001 \\
    SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook \\
    schemathesis run contracts/openapi.json --url http://127.0.0.1:8765 --checks all --mode all

Every request gets the ``X-MBX-APIKEY`` header; a signed operation (one with a ``signature``
parameter) gets a fresh ``timestamp`` and the HMAC-SHA256 ``signature`` of its query string,
signature last.  An operation whose page lets one account role call it (``x-caller``: credit,
parent) is sent with that role's key when ``BINANCE_API_KEY_<ROLE>`` and ``BINANCE_API_SECRET_<ROLE>``
are set, else with ``BINANCE_API_KEY``.  Only HMAC secrets are supported here.  Install with
``pip install 'doccontract[schemathesis]'``; docs/sandbox-answers.md says how to run it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
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


def role_credentials(env: Mapping[str, str], key: str, secret: str) -> dict[str, tuple[str, Signer]]:
    """'' -> the default key; 'PARENT', 'CREDIT', ... -> that role's key, when the environment names one."""
    out = {"": (key, Signer(secret=secret))}
    for name, value in env.items():
        role = name.removeprefix("BINANCE_API_KEY_")
        if name.startswith("BINANCE_API_KEY_") and value and env.get(f"BINANCE_API_SECRET_{role}"):
            out[role] = (value, Signer(secret=env[f"BINANCE_API_SECRET_{role}"]))
    return out


@schemathesis.auth(refresh_interval=None, retry_on=[])
class BinanceSigned:
    """Reads the credentials once; signs each case just before it is sent."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> dict[str, tuple[str, Signer]]:
        key, secret = os.environ.get("BINANCE_API_KEY"), os.environ.get("BINANCE_API_SECRET")
        if not key or not secret:
            raise RuntimeError("set BINANCE_API_KEY and BINANCE_API_SECRET for doccontract.schemathesis_hook")
        return role_credentials(os.environ, key, secret)

    def set(self, case: schemathesis.Case, data: dict[str, tuple[str, Signer]], ctx: schemathesis.AuthContext) -> None:
        role = (case.operation.definition.raw or {}).get("x-caller")
        key, signer = data.get(str(role).upper(), data[""])
        case.headers = {**(case.headers or {}), "X-MBX-APIKEY": key}
        names = {p.name for p in case.operation.query}
        if "signature" in names:
            case.query = signed_query(dict(case.query or {}), signer)
