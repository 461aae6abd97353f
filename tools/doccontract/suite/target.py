"""Where the suite's requests go: the embedded sandbox or the live API, over one keep-alive session.

A ``Target`` signs and sends raw requests as Binance reads them, spends weight within each
operation's documented per-minute limit (waiting for the next window rather than running out),
honours ``Retry-After`` and turns transport failures into ``Unreachable`` (one line, the host).
Its clock is injected: the sandbox and the suite share one, so no test depends on the wall clock.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from ..rules import API_KEY_HEADER
from ..wire.credentials import (
    BadCredentials,
    Credentials,
    Keyring,
    NoCredentials,
    check_credential,
    role_account,
    variables,
)
from ..wire.signing import Signer, encode_params
from ..wire.transport import header_count, retry_after
from .operations import SuiteOperation

__all__ = [
    "BadCredentials",
    "Clock",
    "Exchange",
    "Keyring",
    "NoCredentials",
    "Target",
    "Unreachable",
    "check_credential",
    "live_base_url",
    "live_keys",
]

MAX_RETRY_AFTER = 60.0  # seconds: a longer ban ends the run instead of stalling it
USER_AGENT = "doccontract-suite"


class Unreachable(Exception):
    """The API could not be reached at all: the run cannot say anything about the contract."""


class Clock:
    """Wall time, or a frozen time the suite advances itself (the sandbox reads the same one)."""

    def __init__(self, frozen: bool = False, start: float | None = None):
        self.frozen = frozen
        self._now = start if start is not None else time.time()
        self._lock = threading.Lock()
        self.offset = 0.0  # seconds the API's clock is ahead of ours (live, once measured)

    def now(self) -> float:
        return self._now if self.frozen else time.time() + self.offset

    def ms(self) -> int:
        return int(self.now() * 1000)

    def wait(self, seconds: float) -> None:
        if self.frozen:
            with self._lock:
                self._now += seconds
        else:
            time.sleep(seconds)


@dataclass
class Exchange:
    """One request sent and its answer, as the checks see them (the client's ``Answer`` is another thing:
    the response an exception is about)."""

    status: int
    headers: dict[str, str]
    text: str
    body: Any  # parsed JSON, or None when the body is not JSON
    sent: dict[str, Any]
    role_note: str = ""  # a -2015 on a role-restricted operation: the role it needs and the key sent

    def header(self, name: str) -> str | None:
        for k, v in self.headers.items():
            if k.lower() == name.lower():
                return v
        return None

    @property
    def code(self) -> int | None:
        if (
            isinstance(self.body, dict)
            and isinstance(self.body.get("code"), int)
            and not isinstance(self.body.get("code"), bool)
        ):
            code: int = self.body["code"]
            return code
        return None


@dataclass
class Budget:
    """Weight spent per operation in the current minute, from the answers' own weight headers."""

    clock: Clock
    used: dict[str, tuple[int, int]] = field(default_factory=dict)  # op key -> (minute, used)

    def before(self, op: SuiteOperation) -> None:
        """Wait for the next minute window when this call would pass the documented limit."""
        minute = int(self.clock.now() // 60)
        window, used = self.used.get(op.key, (minute, 0))
        if window == minute and used + op.weight_value > op.limit:
            self.clock.wait(60 - self.clock.now() % 60 + 0.01)

    def after(self, op: SuiteOperation, answer: Exchange) -> None:
        value = header_count(answer.header(op.weight_header))
        minute = int(self.clock.now() // 60)
        if value is not None:
            self.used[op.key] = (minute, value)
        else:
            window, used = self.used.get(op.key, (minute, 0))
            self.used[op.key] = (minute, (used if window == minute else 0) + op.weight_value)


class Target:
    """Sends requests to one base URL.  Holds credentials: its repr shows none of them."""

    def __init__(self, kind: str, base_url: str, keys: Keyring, clock: Clock, server: Any = None, budget: bool = True):
        self.kind = kind
        self.base_url = base_url.rstrip("/")
        self.keys = keys
        self._signers: dict[int, Signer] = {}
        self.clock = clock
        self.server = server
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if kind == "sandbox":
            self.session.trust_env = False  # loopback: no proxy settings to look up on every request
        self.budget = Budget(clock) if budget else None  # None: the server's 429 + Retry-After alone pace the run
        self.host = urlsplit(self.base_url).netloc or self.base_url
        self.requests_sent = 0
        self.observe: Callable[[SuiteOperation, Exchange], None] | None = None  # coverage

    def __repr__(self) -> str:
        return f"Target({self.kind!r}, {self.base_url!r}, credentials=<hidden>)"

    @property
    def secrets(self) -> list[str]:
        return self.keys.secrets

    def credentials(self, op: SuiteOperation, role: str | None = None) -> Credentials:
        """The key that signs ``op`` (or, for an unrestricted one, the key of ``role``); without one the test is
        skipped, naming the role and its variables."""
        caller = op.caller or role
        creds = self.keys.roles.get(role) if role and not op.caller else self.keys.pick(caller)
        if creds is None:  # nothing to sign with: the checks are skipped, the reason names the role and variables
            raise pytest.skip.Exception(
                f"{op.key} is {self.keys.missing(caller)}" if caller else f"{op.key}: {self.keys.missing(None)}"
            )
        return creds

    def signer(self, creds: Credentials) -> Signer:
        if id(creds) not in self._signers:
            self._signers[id(creds)] = Signer(**creds.signer_args)
        return self._signers[id(creds)]

    def send(
        self,
        op: SuiteOperation,
        params: dict[str, Any] | list[tuple[str, Any]] | None = None,
        *,
        method: str | None = None,
        api_key: str | None | bool = True,
        timestamp: int | None | bool = True,
        recv_window: Any = None,
        sign: bool | str = True,
        body_params: dict[str, Any] | None = None,
        role: str | None = None,
    ) -> Exchange:
        """One raw request: params in the query (or ``body_params`` as a form body), signature last.

        ``timestamp``: True for now, an int for that value, None/False for none.  ``sign``: True
        signs, a string is sent as the signature, False sends none.  ``api_key``: True sends the
        configured key of the operation's role (``role``: that role's, for an operation any account
        may call), a string that key, None/False none.
        """
        creds = self.credentials(op, role)
        answer = None
        for _attempt in range(3):  # a 429/418 is a rejection: nothing ran, so waiting and resending is safe
            if self.budget is not None:
                self.budget.before(op)  # may wait: the timestamp is taken after it
            items = list(params.items()) if isinstance(params, dict) else list(params or [])
            if recv_window is not None:
                items.append(("recvWindow", recv_window))
            if timestamp is True:
                items.append(("timestamp", self.clock.ms()))
            elif timestamp not in (None, False):
                items.append(("timestamp", timestamp))
            query = encode_params(items)
            body = encode_params(body_params) if body_params else ""
            if op.auth_kind == "signed" and sign is True:
                query += ("&" if query else "") + "signature=" + self.signer(creds).sign(query + body)
            elif isinstance(sign, str):
                query += ("&" if query else "") + "signature=" + sign
            headers: dict[str, str] = {}
            if api_key is True and op.auth_kind != "none":
                headers[API_KEY_HEADER] = creds.api_key
            elif isinstance(api_key, str):
                headers[API_KEY_HEADER] = api_key
            if body:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            url = f"{self.base_url}{op.path}" + (f"?{query}" if query else "")
            sent = dict(items) | (dict(body_params) if body_params else {})
            answer = self._exchange(op, method or op.method, url, body, headers, sent)
            wait = retry_after(answer.header("Retry-After"))
            if answer.status in (418, 429) and wait is not None and wait <= MAX_RETRY_AFTER:
                self.clock.wait(wait)
                continue
            break
        assert answer is not None  # the loop ran
        if answer.code == -2015 and op.caller and api_key is True:
            answer.role_note = role_note(op, creds)
            if not Keyring.confirmed(creds, op.caller):  # the default key is not that role's: a skip, not a failure
                raise pytest.skip.Exception(
                    f"{op.key} is accessible only with {role_account(op.caller)}'s API key; "
                    f"{creds.name} (role unknown) was refused "
                    f"with -2015, so it is not that key: set {variables(op.caller)}"
                )
        return answer

    def _exchange(
        self, op: SuiteOperation, method: str, url: str, body: str, headers: dict[str, str], sent: dict[str, Any]
    ) -> Exchange:
        try:
            resp = self.session.request(
                method, url, data=body or None, headers=headers, timeout=10, allow_redirects=False
            )
        except requests.exceptions.RequestException as exc:
            raise Unreachable(f"cannot reach {self.host} ({_reason(exc)})") from None
        self.requests_sent += 1
        answer = _answer(resp, sent)
        if self.budget is not None:
            self.budget.after(op, answer)
        if self.observe is not None:
            self.observe(op, answer)
        return answer

    def close(self) -> None:
        self.session.close()
        if self.server is not None:
            self.server.stop()
            self.server = None


def _answer(resp: requests.Response, sent: dict[str, Any]) -> Exchange:
    text = resp.text
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return Exchange(resp.status_code, dict(resp.headers), text, body, sent)


def role_note(op: SuiteOperation, creds: Credentials) -> str:
    """What a -2015 on a role-restricted operation means: the role it needs, and the key that was sent."""
    return f"{op.key} is accessible only with {role_account(op.caller or 'any')}'s API key; sent with {creds.name}"


def _reason(exc: BaseException) -> str:
    """A short cause without the URL (it carries the signed query)."""
    text = repr(exc)
    for marker, said in (
        ("Name or service not known", "name not resolved"),
        ("nodename nor servname", "name not resolved"),
        ("Temporary failure in name resolution", "name not resolved"),
        ("Connection refused", "connection refused"),
        ("timed out", "timed out"),
        ("Timeout", "timed out"),
        ("SSL", "TLS error"),
        ("RemoteDisconnected", "connection closed without an answer"),
        ("Connection reset", "connection reset"),
    ):
        if marker in text:
            return said
    return type(exc).__name__


def live_keys(env: dict[str, str] | None = None) -> Keyring:
    """The live run's keys: the default one and one per role (``doccontract.wire.credentials``)."""
    return Keyring.from_env(env)


def live_base_url(env: dict[str, str] | None = None) -> str:
    env = dict(os.environ if env is None else env)
    return env.get("BINANCE_BASE_URL", "https://api.binance.com").rstrip("/")
