"""Schemathesis signs requests as Binance does: ``SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook``.

    BINANCE_CREDIT_API_KEY=demo-credit-key-2001 BINANCE_CREDIT_API_SECRET=demo-credit-secret-2001 \\
    BINANCE_PARENT_API_KEY=demo-parent-key-0001 BINANCE_PARENT_API_SECRET=demo-parent-secret-0001 \\
    SCHEMATHESIS_HOOKS=doccontract.schemathesis_hook \\
    schemathesis run contracts/openapi.json --url http://127.0.0.1:8765 --checks all --mode all

The keys are the ones ``doccontract check --target live`` reads (``doccontract.wire.credentials``):
``BINANCE_API_KEY`` is the default key, ``BINANCE_{PARENT,CREDIT,COLLATERAL}_API_KEY`` a role's
key, each with its ``_API_SECRET`` (HMAC) or ``_PRIVATE_KEY_PATH`` (RSA or Ed25519).  Each case is
signed with the key of the role its operation's ``x-caller`` names (the page's "accessible only
with the ... API key"), else with the default key.  Every request gets the ``X-MBX-APIKEY`` header;
a signed operation (one with a ``signature`` parameter) gets a fresh ``timestamp`` and the
``signature`` of its query string, signature last.  Install with ``pip install 'doccontract[schemathesis]'``;
docs/sandbox-answers.md says how to run it, docs/suite-live.md which key signs what.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import schemathesis

from .rules import API_KEY_HEADER
from .wire.credentials import Credentials, Keyring
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


def caller_of(definition: Any) -> str | None:
    """The role an OpenAPI operation (as ``doccontract build`` exports it) is restricted to."""
    caller = definition.get("x-caller") if isinstance(definition, dict) else None
    return caller if isinstance(caller, str) else None


def credentials_for(keys: Keyring, caller: str | None) -> Credentials:
    """The key that signs a case: the role's, else the default; a RuntimeError names the variables when none fits."""
    creds = keys.pick(caller)
    if creds is None:
        raise RuntimeError(f"doccontract.schemathesis_hook: this operation is {keys.missing(caller)}")
    return creds


@schemathesis.auth(refresh_interval=None, retry_on=[])
class BinanceSigned:
    """Reads the keys once; signs each case with its operation's role key just before it is sent."""

    def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> tuple[Keyring, dict[int, Signer]]:
        keys = Keyring.from_env()  # NoCredentials / BadCredentials name the variables, never the values
        return keys, {}

    def set(
        self, case: schemathesis.Case, data: tuple[Keyring, dict[int, Signer]], ctx: schemathesis.AuthContext
    ) -> None:
        keys, signers = data
        creds = credentials_for(keys, caller_of(getattr(getattr(case.operation, "definition", None), "raw", None)))
        case.headers = {**(case.headers or {}), API_KEY_HEADER: creds.api_key}
        names = {p.name for p in case.operation.query}
        if "signature" in names:
            if id(creds) not in signers:
                signers[id(creds)] = Signer(**creds.signer_args)
            case.query = signed_query(dict(case.query or {}), signers[id(creds)])
