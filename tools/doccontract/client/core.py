"""A signed client for every contract: ``Client.call(operation, **params)`` and named methods for the family.

Strict where a wrong guess would cost: parameters are checked against the
contract before anything is sent, answers are checked against it after; a 5XX
or a connection lost after sending is reported as UNKNOWN (a close or a
borrow may have happened).  Only GET is retried (bounded, with backoff,
honouring Retry-After); nothing else ever is.  Redirects are never followed,
and the API key only goes to the configured base URL.  Each call has one
total deadline.  Every exception is scrubbed of the key and the secret.
``sync_time=True`` measures Binance's clock once (GET /api/v3/time) before the
first signed call, so a local clock that is off does not cost -1021.

This module imports no page reader: it reads contracts only.
"""

from __future__ import annotations

import http.client
import json
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, make_dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3

from .. import __version__
from ..contract.general import SERVER_TIME_CONTRACT
from ..contract.registry import Operation, Registry
from ..contract.validation import first_error, validator
from ..rules import RECV_WINDOW_MAX, RECV_WINDOW_RE, SERVER_TIME
from ..wire.credentials import Credentials, Keyring, role_account
from ..wire.request import ParamError, to_wire
from ..wire.secrets import redact
from ..wire.signing import BinanceAuth, Signer, encode_params
from ..wire.transport import Deadline, WatchedAdapter
from ..wire.transport import retry_after as read_retry_after

USER_AGENT = f"doccontract/{__version__}"
MAX_BODY = 16 * 1024 * 1024  # decoded bytes; Binance's answers are far smaller
MAX_DEPTH = 64  # nesting of an answer; Binance's are a few levels deep
_WEIGHT_HEADER = re.compile(r"^X-(SAPI|MBX)-USED-.*WEIGHT", re.I)
# Printable ASCII without whitespace, '"' or '\'.  Binance's keys are letters and digits (every key its
# pages show is 64 of them; a key outside its format gets -2014), so a quote or backslash is a paste
# error; and those two are what JSON escapes, so a key written into a report would no longer read as itself.
_CREDENTIAL = re.compile(r'[!#-\[\]-~]+')


class ClientError(Exception):
    """Base of everything the client raises about a call (a bad parameter is a ValueError)."""


class ContractViolation(ClientError):
    """The answer breaks the contract (or cannot be read): a silently wrong object is worse than an error."""

    def __init__(self, pointer: str, message: str, documented: str, body: Any):
        self.pointer, self.documented, self.body = pointer, documented, body
        super().__init__(f"response at {pointer or '/'} breaks the contract: {message} (the docs say: {documented})")


class BinanceAPIError(ClientError):
    """A ``{code, msg}`` answer: the request was rejected (4XX: the caller's fault).

    Also on a 2XX whose body is Binance's error shape and not the page's documented answer:
    Binance refused (``200 {"code": -3041, "msg": "Balance is not enough"}``), nothing happened.

    ``role``: for a -2015 on an operation the pages restrict to one account role, that role
    (the message says so, and which key was sent); None otherwise.
    """

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        self.status, self.code, self.msg, self.headers = status, code, msg, headers
        self.role: str | None = None
        super().__init__(f"HTTP {status}: {code} {msg}")


class RateLimited(BinanceAPIError):
    """429 (back off) or 418 (IP banned): wait ``retry_after`` seconds before the next request."""

    def __init__(self, status: int, code: int | None, msg: str, headers: dict[str, str]):
        super().__init__(status, code, msg, headers)
        self.retry_after = retry_after(headers)


class ExecutionStatusUnknown(ClientError):
    """A 5XX, an answer cut short, or a connection lost after sending: the call may or may not have taken effect.

    Query the state before trying again; never resend blindly.
    """

    def __init__(self, message: str, status: int | None = None, retry_after: float | None = None):
        self.status, self.retry_after = status, retry_after
        super().__init__(message)


class RequestNotSent(ClientError):
    """The connection could not be opened (refused, DNS, TLS): nothing reached the server, so nothing changed."""


class RedirectRefused(ClientError):
    """The server answered with a redirect; it is not followed (the key would go elsewhere) and nothing is resent."""

    def __init__(self, status: int, location: str):
        self.status = status
        self.target_host = urlsplit(location).netloc or "(same host)"
        super().__init__(f"HTTP {status}: redirect to {self.target_host} refused; signed requests and the API key are never sent anywhere else")


@dataclass(frozen=True)
class Result:
    """A validated answer: ``data`` is the body, ``weights`` the used weights the headers report."""

    data: Any
    weights: dict[str, int]
    status: int
    headers: dict[str, str] = field(repr=False)


_DIGITS = re.compile(r"[0-9]+")  # str.isdigit() also takes '²' (a header is read as latin-1)


def recv_window_problem(value: Any) -> tuple[int, str] | None:
    """Why a recvWindow cannot be sent as Binance reads it (code, reason), or None.

    One rule for the client's default and for a per-call value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= RECV_WINDOW_MAX:
        return -1131, f"must be a number of ms from 1 to {RECV_WINDOW_MAX}"
    if not RECV_WINDOW_RE.fullmatch(str(value)):
        return -1100, "may have at most three decimals"
    return None


def retry_after(headers: dict[str, str]) -> float | None:
    """Seconds from the ``Retry-After`` header, read as :func:`..wire.transport.retry_after` reads it."""
    return read_retry_after(next((v for k, v in headers.items() if k.lower() == "retry-after"), None))


def _credential(name: str, value: Any) -> None:
    if not isinstance(value, str) or not _CREDENTIAL.fullmatch(value):
        kind = type(value).__name__
        size = f"{len(value)} characters" if isinstance(value, str) else kind
        raise ValueError(
            f"{name} must be printable ASCII without spaces, line breaks, quotes (\") or backslashes (\\) (got {size}; check for a stray newline or quote)"
        )


class Client:
    """Every operation the contracts describe, signed as each one's ``auth`` section says."""

    def __init__(
        self,
        api_key: str | None = None,
        secret: str | None = None,
        private_key: bytes | str | None = None,
        base_url: str = "https://api.binance.com",
        recv_window: int | float = 5000,
        timeout: float = 10,
        session: requests.Session | None = None,
        contracts: str | Path | Registry | None = None,
        contract: dict[str, Any] | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        sync_time: bool = False,
        keys: Keyring | None = None,
    ):
        """``api_key`` with ``secret`` or ``private_key`` is the default key; ``keys`` adds a key per
        account role (``doccontract.wire.credentials``): each operation is signed with the key of the
        role its page restricts it to (the contract's ``caller``), else with the default key."""
        problem = recv_window_problem(recv_window)
        if problem:
            raise ValueError(f"recv_window {problem[1]}, got {recv_window!r}")
        if api_key is not None and keys is not None and keys.default is not None:
            raise ValueError("give the default key once: as api_key/secret or as keys.default, not both")
        default = Credentials(api_key, secret, private_key, name="the client's api_key") if api_key is not None else None
        self.keys = Keyring(default or (keys.default if keys else None), dict(keys.roles) if keys else {})
        for creds in (self.keys.default, *self.keys.roles.values()):
            if creds is not None:
                _credential("api_key" if creds.role is None else f"the {creds.role} key", creds.api_key)
                if creds.secret is not None:
                    _credential("secret" if creds.role is None else f"the {creds.role} secret", creds.secret)
        if api_key is None and secret is not None:
            _credential("secret", secret)
        self._secrets = self.keys.secrets + ([secret] if secret and api_key is None else [])
        self._signers: dict[int, Signer | None] = {}
        for creds in (self.keys.default, *self.keys.roles.values()):
            if creds is not None:
                self._signers[id(creds)] = Signer(**creds.signer_args) if creds.signer_args else None
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment or parts.username:
            raise ValueError(f"base_url must be http(s)://host[:port][/prefix], got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.recv_window = recv_window
        if not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = float(timeout)
        self.retries, self.backoff, self.sleep, self.clock = max(0, int(retries)), backoff, sleep, clock
        self.sync_time = sync_time
        self.offset_ms: float | None = None  # Binance's clock minus ours, once measured
        self.session = session or requests.Session()
        adapter = WatchedAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        if contract is not None:
            self.registry = Registry([Operation.from_contract(contract)])
        elif isinstance(contracts, Registry):
            self.registry = contracts
        else:
            self.registry = Registry.load(contracts)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **options: Any) -> Client:
        """A client with the keys the environment configures: BINANCE_API_KEY (the default key) and
        BINANCE_{PARENT,CREDIT,COLLATERAL}_API_KEY, each with its _API_SECRET or _PRIVATE_KEY_PATH."""
        return cls(keys=Keyring.from_env(env), **options)

    def __repr__(self) -> str:
        default = self.keys.default
        signer = self._signers.get(id(default)) if default else None
        roles = f", roles={sorted(self.keys.roles)}" if self.keys.roles else ""
        return f"Client(base_url={self.base_url!r}, signer={signer.kind if signer else None}, api_key={'<hidden>' if default else None}{roles})"

    # -- any operation
    def call(self, operation: str | Operation, /, **params: Any) -> Result:
        """Call an operation (contract id, ``"METHOD /path"`` or an Operation) with its documented parameters.

        ValueError (a :class:`~doccontract.wire.request.ParamError`) before anything is sent for a bad parameter;
        the documented ClientError subclasses for everything that happens after.
        """
        op = operation if isinstance(operation, Operation) else self.registry.get(operation)
        recv_window = params.pop("recvWindow", None) if op.signed else None
        problem = recv_window_problem(recv_window) if recv_window is not None else None
        if problem:
            raise ParamError(problem[0], problem[1], "recvWindow")
        pairs = to_wire(op, params)
        creds = self._credentials(op)
        auth = self._auth(op, recv_window, creds)
        if auth is not None and auth.signer is not None and self.sync_time and self.offset_ms is None:
            self.sync_clock()
        try:
            return self._send(op, pairs, auth)
        except ClientError as exc:
            if isinstance(exc, BinanceAPIError) and exc.code == -2015 and op.caller and creds is not None:
                exc.role = op.caller  # the one refusal whose cause is often the key's role: say which role it needs
                exc.args = (f"{exc.args[0]} ({op.key} is accessible only with {role_account(op.caller)}'s API key; sent with {creds.name})",)
            raise _scrubbed(exc, self._secrets) from None

    def _credentials(self, op: Operation) -> Credentials | None:
        """The key of the role the operation's page restricts it to, else the default key."""
        if op.auth_kind == "none":
            return None  # the key is not sent where it is not asked for
        creds = self.keys.pick(op.caller)
        if creds is None:
            if op.caller:
                raise ValueError(f"{op.key} is {self.keys.missing(op.caller)}, or give Client keys=Keyring(roles={{{op.caller!r}: Credentials(...)}})")
            raise ValueError(f"{op.key} needs an API key (security: {op.auth_kind})")
        return creds

    def _auth(self, op: Operation, recv_window: int | float | None, creds: Credentials | None) -> BinanceAuth | None:
        if creds is None:
            return None
        signer = self._signers.get(id(creds))
        if op.signed and signer is None:
            raise ValueError(f"{op.key} is signed: give the client a 'secret' (HMAC) or a 'private_key' (RSA or Ed25519)")
        signer = signer if op.signed else None
        return BinanceAuth(creds.api_key, signer, recv_window if recv_window is not None else self.recv_window if signer else None, self._server_clock)

    def _server_clock(self) -> float:
        """Our clock moved by the measured offset: the time a signed request's ``timestamp`` carries."""
        return self.clock() + (self.offset_ms or 0) / 1000

    def sync_clock(self) -> float:
        """Measure Binance's clock against ours once (GET /api/v3/time within the client's deadline, not
        retried) and return the offset in ms; later signed requests carry Binance's time.

        The server time is taken as of the middle of the round trip.  The operation is the contracts'
        own when they document it, else the one Binance documents (:data:`SERVER_TIME_CONTRACT`).
        """
        try:
            op = self.registry.get(" ".join(SERVER_TIME))
        except LookupError:
            op = SERVER_TIME_OPERATION
        try:
            with Deadline(self.timeout) as deadline:
                before = self.clock()
                result = self._once(op, [], None, deadline)
                after = self.clock()
        except ClientError as exc:
            raise _scrubbed(exc, self._secrets) from None
        server = result.data["serverTime"]
        offset = server - (before + after) * 500 if isinstance(server, int) and not isinstance(server, bool) else None
        if offset is None or abs(offset) > MAX_CLOCK_OFFSET_MS or after - before > MAX_CLOCK_ROUND_TRIP_S:
            # a time no clock is off by, or one measured too slowly to trust: signing with it would
            # only earn -1021 (or put nonsense on the wire); the local clock stays
            raise ClientError(
                f"GET {op.path}: the server time {str(server)[:40]!r} is not usable "
                f"(offset beyond {MAX_CLOCK_OFFSET_MS // 3_600_000} h, or a round trip over {MAX_CLOCK_ROUND_TRIP_S} s); the local clock is kept"
            )
        self.offset_ms = offset
        return self.offset_ms

    def _url(self, op: Operation, pairs: list[tuple[str, str]]) -> str:
        url = f"{self.base_url}{op.path}"
        if not op.path.startswith("/") or urlsplit(url).netloc != urlsplit(self.base_url).netloc:
            raise ValueError(f"contract {op.id}: path {op.path!r} would leave {self.base_url}")
        return f"{url}?{encode_params(pairs)}" if pairs else url

    def _send(self, op: Operation, pairs: list[tuple[str, str]], auth: BinanceAuth | None) -> Result:
        attempts = 1 + (self.retries if op.method == "GET" else 0)
        with Deadline(self.timeout) as deadline:
            for attempt in range(attempts):
                deadline.sending = False
                try:
                    return self._once(op, pairs, auth, deadline)
                except (ExecutionStatusUnknown, RequestNotSent) as exc:
                    if attempt + 1 >= attempts or deadline.expired:
                        raise
                    wait = getattr(exc, "retry_after", None)
                    wait = self.backoff * 2**attempt if wait is None else wait
                    if wait >= deadline.remaining():
                        raise
                    self.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _once(self, op: Operation, pairs: list[tuple[str, str]], auth: BinanceAuth | None, deadline: Deadline) -> Result:
        where = f"{op.method} {self.base_url}{op.path}"
        url = self._url(op, pairs)
        remaining = deadline.remaining()
        try:
            resp = self.session.request(
                op.method,
                url,
                auth=auth,
                headers={"User-Agent": USER_AGENT},
                timeout=(remaining, remaining),
                allow_redirects=False,
                stream=True,
            )
            try:
                raw: bytes | None = _read_body(resp)
            except requests.exceptions.ContentDecodingError:
                raw = None  # a complete answer whose encoding is broken: the status still says what happened
            finally:
                resp.close()
        except _TRANSPORT_ERRORS as exc:
            raise self._transport_error(where, exc, deadline) from None
        if deadline.expired:  # the watchdog's shutdown can look like a complete (empty) answer
            raise self._transport_error(where, TimeoutError("deadline"), deadline)
        headers = dict(resp.headers)
        return self._answer(op, resp.status_code, headers, raw, where)

    def _transport_error(self, where: str, exc: BaseException, deadline: Deadline) -> ClientError:
        if not deadline.sending:
            why = f"no connection within the {deadline.seconds:g}s deadline" if deadline.expired else f"could not connect ({type(exc).__name__})"
            return RequestNotSent(f"{where}: {why}; nothing was sent")
        if deadline.expired:
            return ExecutionStatusUnknown(f"{where}: no complete answer within the {deadline.seconds:g}s deadline; the outcome is UNKNOWN")
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return ExecutionStatusUnknown(f"{where}: the answer was cut short ({type(exc).__name__}); the outcome is UNKNOWN")
        return ExecutionStatusUnknown(f"{where}: connection lost after sending ({type(exc).__name__}); the outcome is UNKNOWN")

    def _answer(self, op: Operation, status: int, headers: dict[str, str], raw: bytes | None, where: str) -> Result:
        if 300 <= status < 400:
            raise RedirectRefused(status, next((v for k, v in headers.items() if k.lower() == "location"), ""))
        if status >= 500:
            raise ExecutionStatusUnknown(f"HTTP {status} from {where}: the outcome is UNKNOWN", status, retry_after(headers))
        if raw is None:
            encoding = next((v for k, v in headers.items() if k.lower() == "content-encoding"), "?")
            raise ContractViolation("", f"the body cannot be decoded (Content-Encoding: {encoding})", "a JSON body", None)
        body = _json(raw)
        if status >= 400:
            code, msg = (body.get("code"), str(body.get("msg", ""))) if isinstance(body, dict) else (None, raw[:200].decode("utf-8", "replace"))
            cls = RateLimited if status in (418, 429) else BinanceAPIError
            raise cls(status, code if isinstance(code, int) and not isinstance(code, bool) else None, msg, headers)
        if status < 200:
            raise ContractViolation("", f"HTTP {status} is not a final answer", "a 200 answer", None)
        refusal = _refusal(op, body)
        if refusal is not None:  # Binance said no, whatever the status said
            raise BinanceAPIError(status, refusal[0], refusal[1], headers)
        if body is _NOT_JSON:
            if not raw.strip() and not _has_shape(op.response):
                return Result(None, _weights(headers), status, headers)  # the page documents no body
            raise ContractViolation("", "the body is not JSON", "a JSON body", raw[:200].decode("utf-8", "replace"))
        _check(op, body)
        return Result(body, _weights(headers), status, headers)

    # -- the Institutional Loan family: thin wrappers returning dataclasses
    def close_risk_unit(self, group_id: int) -> Any:
        """Close a risk unit (irreversible)."""
        return self._named("DELETE /sapi/v1/margin/loan-group", "RiskUnitClosure", groupId=group_id)

    def query_risk_units(self) -> Any:
        """The caller's active risk units."""
        return self._named("GET /sapi/v1/margin/loan-groups/activated", "RiskUnits")

    def query_risk_unit_details(self, group_id: int | None = None) -> Any:
        return self._named("GET /sapi/v1/margin/loan-group/ltv-details", "RiskUnitDetails", groupId=group_id)

    def query_closed_risk_units(self, current: int | None = None, size: int | None = None) -> Any:
        return self._named("GET /sapi/v1/margin/loan-groups/closed", "ClosedRiskUnits", current=current, size=size)

    def edit_member(self, group_id: int, sub_email: str, enable_spot: bool, enable_margin: bool) -> Any:
        """Add collateral accounts to a risk unit."""
        return self._named(
            "POST /sapi/v1/margin/loan-group/edit-member", "MemberEdit", groupId=group_id, subEmail=sub_email, enableSpot=enable_spot, enableMargin=enable_margin
        )

    def borrow(self, group_id: int, asset_name: str, amount: Decimal | int | str) -> Any:
        return self._named("POST /sapi/v1/margin/loan-group/borrow", "Borrow", groupId=group_id, assetName=asset_name, amount=amount)

    def repay(self, group_id: int, asset_name: str, amount: Decimal | int | str) -> Any:
        return self._named("POST /sapi/v1/margin/loan-group/repay", "Repay", groupId=group_id, assetName=asset_name, amount=amount)

    def borrow_repay_records(self, type: str, group_id: int | None = None, asset: str | None = None, **page: Any) -> Any:  # noqa: A002 - the page's name
        """``page``: startTime, endTime, current, size."""
        return self._named("GET /sapi/v1/margin/loan-group/borrow-repay", "BorrowRepayRecords", type=type, groupId=group_id, asset=asset, **page)

    def interest_history(self, group_id: int | None = None, asset: str | None = None, **page: Any) -> Any:
        return self._named("GET /sapi/v1/margin/loan-group/interest-history", "InterestHistory", groupId=group_id, asset=asset, **page)

    def transfer(self, asset: str, amount: Decimal | int | str, sub_email: str | None = None) -> Any:
        return self._named("POST /sapi/v1/margin/loan-group/transfer-out", "Transfer", asset=asset, amount=amount, subEmail=sub_email)

    def force_liquidation_records(self, group_id: int | None = None, **page: Any) -> Any:
        return self._named("GET /sapi/v1/margin/loan-group/force-liquidation", "ForceLiquidationRecords", groupId=group_id, **page)

    def force_liquidation_transfer_records(self, **page: Any) -> Any:
        return self._named("GET /sapi/v1/margin/loan-group/force-liquidation-transfer-record", "ForceLiquidationTransferRecords", **page)

    def _named(self, key: str, name: str, **params: Any) -> Any:
        op = self.registry.get(key)
        result = self.call(op, **{k: v for k, v in params.items() if v is not None})
        return to_record(name, op.response, result.data, result.weights)


#: GET /api/v3/time as Binance's spot general endpoints document it (:mod:`doccontract.contract.general`),
#: for contracts folders that do not hold it.
#: A measured offset past a day is no clock skew (a clock set to local time for UTC is off by at most
#: 14 hours) but a broken answer; a round trip past two seconds leaves the midpoint too uncertain for
#: Binance's one-second tolerance of early timestamps.
MAX_CLOCK_OFFSET_MS = 86_400_000
MAX_CLOCK_ROUND_TRIP_S = 2.0

SERVER_TIME_OPERATION = Operation.from_contract(SERVER_TIME_CONTRACT, "doccontract.client.SERVER_TIME_CONTRACT")


# --------------------------------------------------------------------------- answers

_NOT_JSON = object()


#: What a transport can raise; ContractViolation (a too-large body) passes through untouched.
_TRANSPORT_ERRORS = (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError, http.client.HTTPException)


def _read_body(resp: requests.Response) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            raise ContractViolation("", f"the body is larger than {MAX_BODY} bytes", "a Binance-sized JSON body", None)
        chunks.append(chunk)
    return b"".join(chunks)


class _NonFinite(str):
    """A number as written where no float holds it (``1e999999``, ``NaN``, ``Infinity``): found, then refused."""


def _number(text: str) -> Any:
    value = float(text)
    return value if math.isfinite(value) else _NonFinite(text)


def _json(raw: bytes) -> Any:
    """The body parsed, or _NOT_JSON; a ContractViolation if it is too deep or holds a number that is not finite."""
    try:
        value = json.loads(raw, parse_float=_number, parse_constant=_NonFinite)
    except (ValueError, RecursionError):
        return _NOT_JSON
    _check_shape(value, MAX_DEPTH)
    return value


def _check_shape(value: Any, limit: int) -> None:
    """One walk (no recursion): nesting within ``limit``, and every number finite, named by its pointer."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        v, d, at = stack.pop()
        if isinstance(v, _NonFinite):
            raise ContractViolation(at, f"{v[:40]} is not a finite number", "a finite JSON number", None)
        if isinstance(v, (dict, list)):
            if d > limit:
                raise ContractViolation("", f"the body is nested deeper than {limit} levels", "a Binance-sized JSON body", None)
            items = v.items() if isinstance(v, dict) else enumerate(v)
            stack.extend((c, d + 1, f"{at}/{str(k).replace('~', '~0').replace('/', '~1')}") for k, c in items)


def _refusal(op: Operation, body: Any) -> tuple[int, str] | None:
    """(code, msg) when a body is Binance's error shape and not the page's documented answer, else None.

    Binance's error codes are negative; a body of exactly ``{code, msg}`` is its error shape, unless the
    contract documents both keys (some pages answer ``{"code": 200, "msg": "success"}``) and the body fits it.
    """
    if not isinstance(body, dict) or "code" not in body or "msg" not in body:
        return None
    code, msg = body["code"], body["msg"]
    if not isinstance(code, int) or isinstance(code, bool) or not isinstance(msg, str):
        return None
    if code < 0:
        return code, msg
    if set(body) != {"code", "msg"}:
        return None
    documented = _documents(op.response, ("code", "msg")) and first_error(_validator(json.dumps(op.response, sort_keys=True)), body) is None
    return None if documented else (code, msg)


def _documents(schema: Any, names: tuple[str, ...]) -> bool:
    """Whether the schema (or one of its top-level alternatives) names every one of ``names`` as a property."""
    if not isinstance(schema, dict):
        return False
    shapes = [schema] + [alt for key in ("anyOf", "oneOf", "allOf") if isinstance(schema.get(key), list) for alt in schema[key]]
    return any(isinstance(s, dict) and isinstance(s.get("properties"), dict) and all(n in s["properties"] for n in names) for s in shapes)


def _has_shape(schema: dict[str, Any]) -> bool:
    return any(k != "$schema" for k in schema)


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    return validator(json.loads(schema_json))


def _check(op: Operation, body: Any) -> None:
    validator = _validator(json.dumps(op.response, sort_keys=True))
    err = first_error(validator, body)
    if err is not None:
        schema = err.schema if isinstance(err.schema, Mapping) else {}  # a dict: contracts write no boolean subschema
        documented = schema.get("description") or schema.get("x-doc-type") or json.dumps(err.schema)[:200]
        raise ContractViolation("/" + "/".join(str(p) for p in err.absolute_path), err.message, documented, body)


def _weights(headers: dict[str, str]) -> dict[str, int]:
    out = {}
    for k, v in headers.items():
        if _WEIGHT_HEADER.match(k) and _DIGITS.fullmatch(v.strip()):
            out[k.upper()] = int(v.strip())
    return out


def _scrubbed(exc: ClientError, secrets: list[str]) -> ClientError:
    """The same exception with every configured secret removed from its text and attributes."""
    if not secrets:
        return exc
    exc.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in exc.args)
    for name, value in list(vars(exc).items()):
        if isinstance(value, str):
            setattr(exc, name, redact(value, secrets))
        elif isinstance(value, (dict, list)):
            text = json.dumps(value, ensure_ascii=False, default=str)
            clean = redact(text, secrets)
            if clean != text:
                setattr(exc, name, json.loads(clean))
    return exc


# --------------------------------------------------------------------------- dataclasses from the response schema


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _fields(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for name, sub in (schema.get("properties") or {}).items():
        field_name = snake(name)
        if field_name.isidentifier() and not field_name.startswith("_") and field_name != "weights":
            yield name, field_name, sub


@lru_cache(maxsize=512)
def _record_class(name: str, schema_json: str) -> type:
    schema = json.loads(schema_json)
    return make_dataclass(name, [(f, Any, field(default=None)) for _, f, _ in _fields(schema)], frozen=True)


def _value(name: str, schema: dict[str, Any], value: Any) -> Any:
    if isinstance(value, dict) and schema.get("type") == "object" and schema.get("properties"):
        return to_record(name, schema, value)
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_value(name, schema["items"], v) for v in value]
    if isinstance(value, str) and str(schema.get("x-doc-type", "")).upper() in ("DECIMAL", "BIGDECIMAL") and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return Decimal(value)
    return value


def to_record(name: str, schema: dict[str, Any], data: Any, weights: dict[str, int] | None = None) -> Any:
    """A frozen dataclass named ``name`` with the schema's fields in snake_case (DECIMAL strings as Decimal).

    An array answer becomes ``name(items=[...])``; with ``weights``, the record also carries the used weights.
    """
    if isinstance(data, list):
        items_schema = schema.get("items")
        item = items_schema if isinstance(items_schema, dict) else {}
        items = [_value(name.rstrip("s") or name, item, v) for v in data]
        return _wrapper_class(name, "items")(items, weights or {})
    if not isinstance(data, dict):
        return _wrapper_class(name, "value")(data, weights or {})
    base = _record_class(name, json.dumps(schema, sort_keys=True))
    values = {f: _value(name + f.title().replace("_", ""), sub, data.get(key)) for key, f, sub in _fields(schema)}
    if weights is None:
        return base(**values)
    cls = _with_weights(base)
    return cls(**values, weights=weights)


def _used(limit: str) -> property:
    return property(lambda self: next((v for k, v in self.weights.items() if f"-{limit}-WEIGHT" in k), None), doc=f"used {limit} weight, from the headers")


_WEIGHT_PROPS = {"used_uid_weight": _used("UID"), "used_ip_weight": _used("IP")}


@lru_cache(maxsize=512)
def _with_weights(base: type) -> type:
    return make_dataclass(base.__name__, [("weights", dict, field(default_factory=dict))], bases=(base,), frozen=True, namespace=dict(_WEIGHT_PROPS))


@lru_cache(maxsize=512)
def _wrapper_class(name: str, attr: str) -> type:
    return make_dataclass(name, [(attr, Any), ("weights", dict, field(default_factory=dict))], frozen=True, namespace=dict(_WEIGHT_PROPS))
