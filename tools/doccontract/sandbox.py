"""A faithful stand-in for Binance's SAPI, since no Binance test network serves ``/sapi``.

Real HTTP on loopback.  Requests are read as Binance reads them (parameters
in the query string or a form body, any order; the signature covers the query
string followed by the body), checked against the endpoint's contract, and
answered in Binance's shape ``{"code": int, "msg": str}`` with its codes,
HTTP statuses and weight headers.  The business rules are the page's own:
only the unit's credit account may close it, the unit must be active, every
liability and its interest must be repaid.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from jsonschema import Draft202012Validator

from .contracts import CLOSE_RISK_UNIT, load_contract
from .loopback import LoopbackServer, QuickHandler
from .schema import json_pointer
from .signing import MAX_RECV_WINDOW, strip_signature, verify

UID_LIMIT_PER_MINUTE = 180_000
MAX_BODY = 64 * 1024
SIGNING_NAMES = ("timestamp", "recvWindow", "signature")
API_KEY_PATTERN = r"[A-Za-z0-9_-]{8,128}"  # what the sandbox accepts as a key's format (else -2014)


class StateError(ValueError):
    """A sandbox state that cannot be used; names the file and the place in it."""


class ApiError(Exception):
    """An answer in Binance's error shape."""

    def __init__(self, status: int, code: int, msg: str, headers: dict[str, str] | None = None):
        super().__init__(f"{code} {msg}")
        self.status, self.code, self.msg = status, code, msg
        self.headers = headers or {}


# Binance's own codes and wording (error-code page of the institutional-loan docs).
def _bad_key_format() -> ApiError:
    return ApiError(401, -2014, "API-key format invalid.")


def _rejected_key() -> ApiError:
    return ApiError(401, -2015, "Invalid API-key, IP, or permissions for action.")


def _mandatory(name: str) -> ApiError:
    return ApiError(400, -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed.")


def _illegal(name: str, legal: str) -> ApiError:
    return ApiError(400, -1100, f"Illegal characters found in parameter '{name}'; legal range is '{legal}'.")


# --------------------------------------------------------------------------- state


@dataclass
class Account:
    uid: int
    role: str  # "parent" | "credit" | "collateral"
    api_key: str
    secret: str | None = None
    public_key: str | None = None


@dataclass
class Liability:
    asset: str
    principal: Decimal
    interest: Decimal


@dataclass
class RiskUnit:
    group_id: int
    status: str  # "ACTIVE" | "CLOSED"
    credit_uid: int
    collateral_uids: list[int]
    liabilities: list[Liability] = field(default_factory=list)

    def outstanding(self) -> bool:
        return any(li.principal > 0 or li.interest > 0 for li in self.liabilities)


STATE_SCHEMA = {
    "type": "object",
    "required": ["accounts", "riskUnits"],
    "additionalProperties": False,
    "properties": {
        "description": {"type": "string"},
        "accounts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["uid", "role", "apiKey"],
                "additionalProperties": False,
                "properties": {
                    "uid": {"type": "integer", "minimum": 1},
                    "role": {"enum": ["parent", "credit", "collateral"]},
                    "apiKey": {"type": "string", "pattern": f"^{API_KEY_PATTERN}$"},
                    "secret": {"type": "string", "minLength": 1},
                    "publicKey": {"type": "string", "pattern": "^-----BEGIN PUBLIC KEY-----"},
                    "note": {"type": "string"},
                },
                "oneOf": [{"required": ["secret"]}, {"required": ["publicKey"]}],
            },
        },
        "riskUnits": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["groupId", "status", "creditUid", "collateralUids"],
                "additionalProperties": False,
                "properties": {
                    "groupId": {"type": "integer", "minimum": 1, "maximum": 2**63 - 1},
                    "status": {"enum": ["ACTIVE", "CLOSED"]},
                    "creditUid": {"type": "integer"},
                    "collateralUids": {"type": "array", "items": {"type": "integer"}},
                    "liabilities": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["asset", "principal", "interest"],
                            "additionalProperties": False,
                            "properties": {
                                "asset": {"type": "string"},
                                "principal": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                                "interest": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                            },
                        },
                    },
                    "note": {"type": "string"},
                },
            },
        },
    },
}


@dataclass
class State:
    accounts: dict[str, Account]  # by API key
    units: dict[int, RiskUnit]

    @classmethod
    def from_json(cls, data: Any, source: str = "<state>") -> State:
        errors = sorted(Draft202012Validator(STATE_SCHEMA).iter_errors(data), key=lambda e: list(e.absolute_path))
        if errors:
            e = errors[0]
            pointer = json_pointer(e)
            raise StateError(f"{source}: at {pointer}: {e.message}")
        accounts: dict[str, Account] = {}
        uids: dict[int, Account] = {}
        for i, a in enumerate(data["accounts"]):
            acc = Account(a["uid"], a["role"], a["apiKey"], a.get("secret"), a.get("publicKey"))
            if acc.api_key in accounts:
                raise StateError(f"{source}: at /accounts/{i}/apiKey: API key used twice")
            if acc.uid in uids:
                raise StateError(f"{source}: at /accounts/{i}/uid: uid {acc.uid} used twice")
            accounts[acc.api_key] = uids[acc.uid] = acc
        units: dict[int, RiskUnit] = {}
        for i, u in enumerate(data["riskUnits"]):
            credit = uids.get(u["creditUid"])
            if credit is None or credit.role != "credit":
                raise StateError(f"{source}: at /riskUnits/{i}/creditUid: {u['creditUid']} is not a credit account")
            for uid in u["collateralUids"]:
                if uid not in uids:
                    raise StateError(f"{source}: at /riskUnits/{i}/collateralUids: no account with uid {uid}")
            if u["groupId"] in units:
                raise StateError(f"{source}: at /riskUnits/{i}/groupId: groupId {u['groupId']} used twice")
            liabilities = [Liability(li["asset"], Decimal(li["principal"]), Decimal(li["interest"])) for li in u.get("liabilities", [])]
            units[u["groupId"]] = RiskUnit(u["groupId"], u["status"], u["creditUid"], list(u["collateralUids"]), liabilities)
        return cls(accounts, units)

    @classmethod
    def load(cls, path: str | Path | None = None) -> State:
        """A state file, or the demo state shipped with the package."""
        if path is None:
            text = resources.files("doccontract").joinpath("data/sandbox_state.json").read_text(encoding="utf-8")
            return cls.from_json(json.loads(text), "doccontract/data/sandbox_state.json")
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise StateError(f"{path}: cannot read: {exc.strerror}") from None
        except ValueError as exc:
            raise StateError(f"{path}: not JSON: {exc}") from None
        return cls.from_json(data, str(path))


# --------------------------------------------------------------------------- the endpoint


@dataclass
class Recorded:
    """A request as the sandbox received it (the API key header is not kept)."""

    method: str
    path: str
    query: str
    body: str
    has_api_key: bool


class Sandbox:
    """The endpoint's behaviour, independent of HTTP so it can be driven and measured directly."""

    def __init__(
        self,
        state: State | None = None,
        contract: dict[str, Any] | None = None,
        clock: Callable[[], float] = time.time,
        uid_limit: int = UID_LIMIT_PER_MINUTE,
    ):
        self.state = state or State.load()
        self.contract = contract or load_contract(CLOSE_RISK_UNIT)
        self.clock = clock
        self.uid_limit = uid_limit
        self.weight = int((self.contract.get("weight") or {}).get("value") or 1)
        self._lock = threading.Lock()
        self._used: dict[int, tuple[int, int]] = {}  # uid -> (minute, weight used)
        self.recorded: deque[Recorded] = deque(maxlen=1000)
        req = self.contract["request"]
        self._params = req.get("properties", {})
        self._required = list(req.get("required", []))
        self._request_validator = Draft202012Validator(req)
        self._response_validator = Draft202012Validator(self.contract["response"])

    # -- HTTP-independent entry point
    def handle(self, method: str, target: str, body: str, headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        parts = urlsplit(target)
        api_key = headers.get("x-mbx-apikey")
        self.recorded.append(Recorded(method, parts.path, parts.query, body, api_key is not None))
        if parts.path != self.contract["path"]:
            return 404, {}, {"code": -1000, "msg": f"No endpoint at {parts.path} in this sandbox."}
        if method != self.contract["method"]:
            return 405, {}, {"code": -1000, "msg": f"{method} is not supported on {parts.path}; the documented method is {self.contract['method']}."}
        extra: dict[str, str] = {}
        try:
            account = self._authenticate(api_key)
            extra = self._charge(account.uid)
            params = self._read_params(parts.query, body, headers)
            self._check_signature(account, params, parts.query, body)
            args = self._typed_params(params)
            answer = self._close(account, args)
        except ApiError as err:
            return err.status, {**extra, **err.headers}, {"code": err.code, "msg": err.msg}
        problems = list(self._response_validator.iter_errors(answer))
        if problems:  # the sandbox must never answer outside its own contract
            return 500, extra, {"code": -1000, "msg": f"sandbox answer breaks the contract: {problems[0].message}"}
        return 200, extra, answer

    def _authenticate(self, api_key: str | None) -> Account:
        if not api_key or not re.fullmatch(API_KEY_PATTERN, api_key):
            raise _bad_key_format()
        account = self.state.accounts.get(api_key)
        if account is None:
            raise _rejected_key()
        return account

    def _charge(self, uid: int) -> dict[str, str]:
        """UID weight per minute (fixed windows, as Binance counts them)."""
        now = self.clock()
        minute = int(now // 60)
        with self._lock:
            window, used = self._used.get(uid, (minute, 0))
            if window != minute:
                used = 0
            if used + self.weight > self.uid_limit:
                retry = max(1, int(60 - now % 60))
                headers = {"X-SAPI-USED-UID-WEIGHT-1M": str(used), "Retry-After": str(retry)}
                raise ApiError(
                    429,
                    -1003,
                    f"Too much request weight used; current limit of UID is {self.uid_limit} request weight per 1 MINUTE. Please use WebSocket Streams for live updates to avoid polling the API.",
                    headers,
                )
            used += self.weight
            self._used[uid] = (minute, used)
        return {"X-SAPI-USED-UID-WEIGHT-1M": str(used)}

    def _read_params(self, query: str, body: str, headers: dict[str, str]) -> dict[str, str]:
        pairs = parse_qsl(query, keep_blank_values=True)
        if body:
            ctype = headers.get("content-type", "")
            if not ctype.startswith("application/x-www-form-urlencoded"):
                raise ApiError(400, -1000, "Request body must be application/x-www-form-urlencoded.")
            pairs += parse_qsl(body, keep_blank_values=True)
        params: dict[str, str] = {}
        for k, v in pairs:
            if k in params:
                raise ApiError(400, -1101, f"Duplicate values for parameter '{k}'.")
            params[k] = v
        for name in ("timestamp", "signature"):
            if not params.get(name):
                raise _mandatory(name)
        return params

    def _check_signature(self, account: Account, params: dict[str, str], query: str, body: str) -> None:
        ts = _parse_int("timestamp", params["timestamp"], signed=False)
        recv = _parse_int("recvWindow", params.get("recvWindow", "5000"), signed=False)
        if recv > MAX_RECV_WINDOW:
            raise ApiError(400, -1131, "recvWindow must be less than 60000")
        now_ms = int(self.clock() * 1000)
        if ts >= now_ms + 1000:
            raise ApiError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
        if now_ms - ts > recv:
            raise ApiError(400, -1021, "Timestamp for this request is outside of the recvWindow.")
        payload = strip_signature(query)[0] + strip_signature(body)[0]
        if not verify(payload, params["signature"], secret=account.secret, public_key_pem=account.public_key):
            raise ApiError(400, -1022, "Signature for this request is not valid.")

    def _typed_params(self, params: dict[str, str]) -> dict[str, Any]:
        """Query strings to the contract's types; every rule here comes from the request schema."""
        unread = [k for k in params if k not in self._params and k not in SIGNING_NAMES]
        if unread:
            read = len(params) - len(unread)
            raise ApiError(400, -1104, f"Not all sent parameters were read; read '{read}' parameter(s) but was sent '{len(params)}'.")
        args: dict[str, Any] = {}
        for name in self._required:
            if not params.get(name):
                raise _mandatory(name)
        for name, schema in self._params.items():
            if name not in params or name in SIGNING_NAMES:
                continue
            args[name] = _coerce(name, params[name], schema)
        for err in self._request_validator.iter_errors(args):
            name = err.absolute_path[0] if err.absolute_path else (err.path or [""])[0]
            raise _illegal(str(name), "the documented type and range")
        return args

    def _close(self, account: Account, args: dict[str, Any]) -> dict[str, Any]:
        group_id = args["groupId"]
        with self._lock:
            unit = self.state.units.get(group_id)
            # A unit is looked up among the caller's own active units, so another account's
            # unit and a closed one are both "not found" (Binance documents no other code).
            if unit is None or unit.credit_uid != account.uid or unit.status != "ACTIVE":
                raise ApiError(400, -27001, "Loan group not found")
            if unit.outstanding():
                raise ApiError(400, -27018, "risk unit cannot be closed: liability not fully repaid")
            unit.status = "CLOSED"
            unit.collateral_uids = []
        return {"groupId": group_id, "status": "CLOSED"}

    # -- HTTP
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> SandboxServer:
        return SandboxServer(self, host, port)


def _parse_int(name: str, raw: str, signed: bool) -> int:
    """Up to 20 digits, as Binance reads integers (-1100 otherwise); ``signed`` allows a minus sign."""
    if not re.fullmatch(r"-?[0-9]{1,20}" if signed else r"[0-9]{1,20}", raw):
        raise _illegal(name, "^[0-9]{1,20}$")
    return int(raw)


def _coerce(name: str, raw: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if raw == "":
        raise _mandatory(name)
    if kind == "integer":
        return _parse_int(name, raw, signed=True)
    if kind == "number" or "anyOf" in schema:
        try:
            Decimal(raw)
        except InvalidOperation:
            raise _illegal(name, "a decimal number") from None
        return raw
    if kind == "boolean":
        if raw.lower() not in ("true", "false"):
            raise _illegal(name, "TRUE or FALSE")
        return raw.lower() == "true"
    return raw


class _Handler(QuickHandler):
    server_version = "doccontract-sandbox"
    sys_version = ""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, {}, {"code": -1000, "msg": "Request body too large."})
            self.close_connection = True
            return
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, extra, payload = self.server.sandbox.handle(self.command, self.path, body, headers)  # type: ignore[attr-defined]
        self._send(status, extra, payload)

    def _send(self, status: int, extra: dict[str, str], payload: dict[str, Any]) -> None:
        data = json.dumps(payload, separators=(",", ":")).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve


class SandboxServer(LoopbackServer):
    """The sandbox on a loopback port, in a background thread; a context manager."""

    def __init__(self, sandbox: Sandbox, host: str = "127.0.0.1", port: int = 0):
        super().__init__(_Handler, host, port)
        self.sandbox = sandbox
        self.httpd.sandbox = sandbox  # type: ignore[attr-defined]
