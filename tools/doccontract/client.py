"""A small signed client whose method, path, parameters and answers come from the contract.

Closing a risk unit is irreversible, so the client is strict where a wrong
guess would cost: inputs are checked before anything is sent, answers are
checked against the contract, a 5XX or a connection lost after sending is
reported as UNKNOWN (the close may have happened), and nothing is retried.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import requests
from jsonschema import Draft202012Validator

from .contracts import CLOSE_RISK_UNIT, load_contract
from .schema import json_pointer
from .signing import MAX_RECV_WINDOW, Signer, encode_params

USER_AGENT = "doccontract/0.1"


class ClientError(Exception):
    """Base of everything the client raises about a call."""


class ContractViolation(ClientError):
    """The answer breaks the contract: a silently wrong object is worse than an error."""

    def __init__(self, pointer: str, message: str, documented: str, body: Any):
        self.pointer, self.documented, self.body = pointer, documented, body
        super().__init__(f"response at {pointer or '/'} breaks the contract: {message} (the docs say: {documented})")


class BinanceAPIError(ClientError):
    """A ``{code, msg}`` answer: the request was rejected (4XX: the caller's fault)."""

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        self.status, self.code, self.msg, self.headers = status, code, msg, headers
        super().__init__(f"HTTP {status}: {code} {msg}")


class RateLimited(BinanceAPIError):
    """429 (back off) or 418 (IP banned): wait ``retry_after`` seconds before the next request."""

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        super().__init__(status, code, msg, headers)
        value = headers.get("Retry-After") or headers.get("retry-after")
        self.retry_after = int(value) if value and value.isdigit() else None


class ExecutionStatusUnknown(ClientError):
    """A 5XX or a connection lost after sending: the close may or may not have happened.

    Query the unit's state before trying again; never resend blindly.
    """

    def __init__(self, message: str, status: int | None = None):
        self.status = status
        super().__init__(message)


class RequestNotSent(ClientError):
    """The connection could not be opened: nothing reached the server, so nothing changed."""


@dataclass(frozen=True)
class RiskUnitClosure:
    group_id: int
    status: str
    used_uid_weight: int | None
    used_ip_weight: int | None


class Client:
    """Binance's Close Risk Unit endpoint, as its contract states it."""

    def __init__(
        self,
        api_key: str,
        secret: str | None = None,
        private_key: bytes | str | None = None,
        base_url: str = "https://api.binance.com",
        recv_window: int = 5000,
        timeout: float = 10,
        session: requests.Session | None = None,
        contract: dict[str, Any] | None = None,
    ):
        if not isinstance(recv_window, int) or isinstance(recv_window, bool) or not 0 < recv_window <= MAX_RECV_WINDOW:
            raise ValueError(f"recv_window must be an int from 1 to {MAX_RECV_WINDOW} ms, got {recv_window!r}")
        if not api_key:
            raise ValueError("api_key is required")
        self._api_key = api_key
        self._signer = Signer(secret=secret, private_key=private_key)
        self.base_url = base_url.rstrip("/")
        self.recv_window = recv_window
        self.timeout = timeout
        self.session = session or requests.Session()
        self.contract = contract or load_contract(CLOSE_RISK_UNIT)
        self._request_validator = Draft202012Validator(self.contract["request"])
        self._response_validator = Draft202012Validator(self.contract["response"])

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, signer={self._signer.kind}, api_key=<hidden>)"

    # -- the endpoint
    def close_risk_unit(self, group_id: int) -> RiskUnitClosure:
        """Close a risk unit (irreversible).  Raises ValueError before sending for a bad group_id."""
        _check_int("groupId", group_id)
        body, headers = self.call({"groupId": group_id})  # the request schema checks the LONG range
        return RiskUnitClosure(
            group_id=body["groupId"],
            status=body["status"],
            used_uid_weight=_int_header(headers, "X-SAPI-USED-UID-WEIGHT-1M"),
            used_ip_weight=_int_header(headers, "X-SAPI-USED-IP-WEIGHT-1M"),
        )

    # -- the mechanics, shared by every endpoint a contract describes
    def signed_query(self, params: dict[str, Any], timestamp_ms: int | None = None) -> str:
        """The query string as sent: the parameters in order, then recvWindow, timestamp, and signature last."""
        errors = list(self._request_validator.iter_errors(params))
        if errors:
            e = errors[0]
            name = e.absolute_path[0] if e.absolute_path else "request"
            raise ValueError(f"parameter {name!r}: {e.message}")
        items: list[tuple[str, Any]] = list(params.items())
        items += [("recvWindow", self.recv_window), ("timestamp", timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))]
        payload = encode_params(items)
        return f"{payload}&signature={self._signer.sign(payload)}"

    def call(self, params: dict[str, Any]) -> tuple[Any, dict[str, str]]:
        method, path = self.contract["method"], self.contract["path"]
        url = f"{self.base_url}{path}?{self.signed_query(params)}"
        headers = {"X-MBX-APIKEY": self._api_key, "User-Agent": USER_AGENT}
        try:
            resp = self.session.request(method, url, headers=headers, timeout=self.timeout)
        except requests.exceptions.ConnectTimeout:
            raise RequestNotSent(f"{method} {self.base_url}{path}: connection timed out before the request was sent") from None
        except requests.exceptions.ConnectionError as exc:
            if _never_sent(exc):
                raise RequestNotSent(f"{method} {self.base_url}{path}: could not connect") from None
            raise ExecutionStatusUnknown(f"{method} {self.base_url}{path}: connection lost after sending; the outcome is UNKNOWN") from None
        except requests.exceptions.Timeout:
            raise ExecutionStatusUnknown(f"{method} {self.base_url}{path}: no answer within {self.timeout}s; the outcome is UNKNOWN") from None
        headers = dict(resp.headers)
        return self._answer(resp, headers), headers

    def _answer(self, resp: requests.Response, headers: dict[str, str]) -> Any:
        status = resp.status_code
        if status >= 500:
            raise ExecutionStatusUnknown(f"HTTP {status} from {self.contract['method']} {self.contract['path']}: the outcome is UNKNOWN", status)
        try:
            body = resp.json()
        except ValueError:
            body = None
        if status >= 400:
            code, msg = (body.get("code"), str(body.get("msg", ""))) if isinstance(body, dict) else (None, resp.text[:200])
            cls = RateLimited if status in (418, 429) else BinanceAPIError
            raise cls(status, code if isinstance(code, int) else None, msg, headers)
        if body is None:
            raise ContractViolation("", "the body is not JSON", "a JSON body", resp.text[:200])
        for err in self._response_validator.iter_errors(body):
            documented = err.schema.get("description") or err.schema.get("x-doc-type") or str(err.schema)
            raise ContractViolation(json_pointer(err), err.message, documented, body)
        return body


def _check_int(name: str, value: Any) -> None:
    """Python's own type first: JSON Schema would take True or 1.0 for an integer.  The range is the contract's."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"parameter {name!r} must be an int, got {type(value).__name__}")


def _int_header(headers: dict[str, str], name: str) -> int | None:
    for k, v in headers.items():
        if k.lower() == name.lower() and v.strip().isdigit():
            return int(v)
    return None


def _never_sent(exc: BaseException) -> bool:
    """True when the connection was refused or could not be made: the request cannot have arrived."""
    text = repr(exc)
    return any(s in text for s in ("NewConnectionError", "Connection refused", "Name or service not known", "nodename nor servname"))
