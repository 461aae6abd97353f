"""The contract suite's targets: the embedded sandbox (default) or the live API.

Every expectation comes from ``contracts/``.  Against live, only requests that
Binance rejects before any state changes run, unless a real close is asked for
twice: ``BINANCE_LIVE_CLOSE_GROUP_ID`` set *and* ``--allow-destructive``.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from jsonschema import Draft202012Validator

from doccontract.sandbox import SandboxServer, State
from doccontract.signing import Signer, encode_params


def _demo_credit_account() -> tuple[str, str]:
    """The shipped demo state's credit account 2001: the one that owns the example's unit."""
    account = next(a for a in State.load().accounts.values() if a.uid == 2001)
    return account.api_key, account.secret or ""


DEMO_KEY, DEMO_SECRET = _demo_credit_account()


@dataclass
class Target:
    """Where requests go, and how to sign them.  Holds secrets: never printed."""

    kind: str
    base_url: str
    api_key: str = field(repr=False)
    signer: Signer = field(repr=False)
    credentials: dict[str, Any] = field(repr=False)
    server: SandboxServer | None = None

    def send(
        self,
        contract: dict[str, Any],
        params: dict[str, Any] | list[tuple[str, Any]],
        *,
        api_key: str | None | bool = True,
        timestamp_ms: int | None = None,
        sign: bool | str = True,
        body_params: dict[str, Any] | None = None,
    ) -> requests.Response:
        """A raw request as Binance reads it: query (and optional form body), signature last."""
        items = list(params.items()) if isinstance(params, dict) else list(params)
        items += [("timestamp", timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))]
        query = encode_params(items)
        body = encode_params(body_params) if body_params else ""
        if sign is True:
            query += "&signature=" + self.signer.sign(query + body)
        elif isinstance(sign, str):
            query += "&signature=" + sign
        headers = {"User-Agent": "doccontract-suite"}
        if api_key is True:
            headers["X-MBX-APIKEY"] = self.api_key
        elif isinstance(api_key, str):
            headers["X-MBX-APIKEY"] = api_key
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        return requests.request(contract["method"], f"{self.base_url}{contract['path']}?{query}", data=body or None, headers=headers, timeout=10)


def live_target() -> Target:
    key = os.environ.get("BINANCE_API_KEY")
    secret = os.environ.get("BINANCE_API_SECRET")
    key_path = os.environ.get("BINANCE_PRIVATE_KEY_PATH")
    if not key or not (secret or key_path):
        pytest.skip("live target: set BINANCE_API_KEY and BINANCE_API_SECRET or BINANCE_PRIVATE_KEY_PATH")
    creds: dict[str, Any] = {"secret": secret} if secret else {"private_key": Path(key_path).read_bytes()}
    base = os.environ.get("BINANCE_BASE_URL", "https://api.binance.com").rstrip("/")
    return Target("live", base, key, Signer(**creds), creds)


def assert_error(resp: requests.Response, validator: Draft202012Validator, status: int | tuple[int, ...], code: int | tuple[int, ...]) -> dict:
    """A rejection in Binance's shape, with the documented HTTP status and code."""
    statuses = status if isinstance(status, tuple) else (status,)
    codes = code if isinstance(code, tuple) else (code,)
    body = resp.json()
    validator.validate(body)
    assert resp.status_code in statuses, (resp.status_code, body)
    assert 400 <= resp.status_code < 500, "a rejected request is the caller's fault: 4XX"
    assert body["code"] in codes, body
    return body
