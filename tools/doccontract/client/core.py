"""A signed client for every contract: ``Client.call(operation, **params)``; the family's named methods
come from :mod:`.families`, exceptions from :mod:`.errors`, typed records from :mod:`.records`.

Strict where a wrong guess would cost: parameters are checked against the
contract before anything is sent, answers are checked against it after.  A
done state change is never turned into an exception: a 2XX answer to anything
but a GET that breaks its contract is returned with its ``violations`` and a
:class:`~.errors.ContractWarning` (``strict=True`` raises instead); a GET that
breaks it raises, since nothing changed and asking again is safe.  A 5XX
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
import os
import re
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from jsonschema.exceptions import ValidationError
from referencing.exceptions import Unresolvable

from .. import __version__
from ..contract.general import SERVER_TIME_CONTRACT
from ..contract.registry import Operation, Registry
from ..contract.validation import best_error, first_error, validator
from ..rules import RECV_WINDOW_MAX, RECV_WINDOW_RE, SERVER_TIME
from ..wire import request as wire_request
from ..wire.credentials import Credentials, Keyring, role_account
from ..wire.request import to_wire
from ..wire.secrets import redact
from ..wire.signing import BinanceAuth, Signer, encode_params
from ..wire.transport import Deadline, WatchedAdapter, header_count
from .errors import (
    Answer,
    BinanceAPIError,
    ClientError,
    ContractViolation,
    ContractWarning,
    CredentialsMissing,
    ExecutionStatusUnknown,
    ParamError,
    RateLimited,
    RedirectRefused,
    RequestNotSent,
    retry_after,
    scrubbed,
)
from .families import FamilyMethods
from .records import Number, Result, snake, to_record

USER_AGENT = f"doccontract/{__version__}"
MAX_BODY = 16 * 1024 * 1024  # decoded bytes; Binance's answers are far smaller
MAX_DEPTH = 64  # nesting of an answer; Binance's are a few levels deep
_WEIGHT_HEADER = re.compile(r"^X-(SAPI|MBX)-USED-.*WEIGHT", re.I)
# Printable ASCII without whitespace, '"' or '\'.  Binance's keys are letters and digits (every key its
# pages show is 64 of them; a key outside its format gets -2014), so a quote or backslash is a paste
# error; and those two are what JSON escapes, so a key written into a report would no longer read as itself.
_CREDENTIAL = re.compile(r"[!#-\[\]-~]+")


def recv_window_problem(value: Any) -> tuple[int, str] | None:
    """Why a recvWindow cannot be sent as Binance reads it (code, reason), or None.

    One rule for the client's default and for a per-call value."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= RECV_WINDOW_MAX:
        return -1131, f"must be a number of ms from 1 to {RECV_WINDOW_MAX}"
    if not RECV_WINDOW_RE.fullmatch(str(value)):
        return -1100, "may have at most three decimals"
    return None


def _credential(name: str, value: Any) -> None:
    if not isinstance(value, str) or not _CREDENTIAL.fullmatch(value):
        kind = type(value).__name__
        size = f"{len(value)} characters" if isinstance(value, str) else kind
        raise ValueError(
            f'{name} must be printable ASCII without spaces, line breaks, quotes (") or backslashes (\\) '
            f"(got {size}; check for a stray newline or quote)"
        )


class Client(FamilyMethods):
    """Every operation the contracts describe, signed as each one's ``auth`` section says.

    ``strict``: None (the default) raises :class:`ContractViolation` for a GET whose answer breaks its
    contract and returns any other call's answer with ``violations`` and a :class:`ContractWarning`
    (the change was made; an exception would invite a second one); True raises for every call;
    False returns every call's answer with its violations.
    """

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
        contract: Mapping[str, Any] | None = None,
        retries: int = 2,
        backoff: float = 0.2,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        sync_time: bool = False,
        strict: bool | None = None,
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
        default = (
            Credentials(api_key, secret, private_key, name="the client's api_key") if api_key is not None else None
        )
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
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.query
            or parts.fragment
            or parts.username
        ):
            raise ValueError(f"base_url must be http(s)://host[:port][/prefix], got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.recv_window = recv_window
        if not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}")
        self.timeout = float(timeout)
        self.retries, self.backoff, self.sleep, self.clock = max(0, int(retries)), backoff, sleep, clock
        self.sync_time = sync_time
        self.strict = strict
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
        return (
            f"Client(base_url={self.base_url!r}, signer={signer.kind if signer else None}, "
            f"api_key={'<hidden>' if default else None}{roles})"
        )

    # -- any operation
    def call(self, operation: str | Operation, /, **params: Any) -> Result:
        """Call an operation (contract id, ``"METHOD /path"`` or an Operation) with its documented parameters,
        by the page's name (``groupId``) or in snake_case (``group_id``); ``None`` leaves one out.

        A :class:`ParamError` (also a ValueError) before anything is sent for a bad parameter; the
        ClientError subclasses of :mod:`doccontract.client.errors` for everything that happens after.
        """
        op = operation if isinstance(operation, Operation) else self.registry.get(operation)
        creds: Credentials | None = None
        try:
            params = page_names(op, params)
            recv_window = params.pop("recvWindow", None) if op.signed else None
            problem = recv_window_problem(recv_window) if recv_window is not None else None
            if problem:
                raise ParamError(problem[0], problem[1], "recvWindow")
            try:
                pairs = to_wire(op, params)
            except wire_request.ParamError as exc:
                raise ParamError.from_wire(exc) from None
            creds = self._credentials(op)
            auth = self._auth(op, recv_window, creds)
            if auth is not None and auth.signer is not None and self.sync_time and self.offset_ms is None:
                self.sync_clock()
            return self._send(op, pairs, auth)
        except ClientError as exc:
            if isinstance(exc, BinanceAPIError) and exc.code == -2015 and op.caller and creds is not None:
                exc.role = op.caller  # the one refusal whose cause is often the key's role: say which role it needs
                exc.args = (
                    f"{exc.args[0]} ({op.key} is accessible only with {role_account(op.caller)}'s API key; "
                    f"sent with {creds.name})",
                )
            if exc.operation is None:
                exc.operation = op.key
            raise scrubbed(exc, self._secrets) from None

    def named(self, operation: str, record: str, /, **params: Any) -> Any:
        """``call`` an operation and return its answer as a typed record named ``record`` (what the family's
        named methods do); parameters that are None are not sent."""
        op = self.registry.get(operation)
        result = self.call(op, **{k: v for k, v in params.items() if v is not None})
        return to_record(
            record, op.response, result.data, result.weights, result.violations, hints=op.params, examples=op.examples
        )

    def _credentials(self, op: Operation) -> Credentials | None:
        """The key of the role the operation's page restricts it to, else the default key."""
        if op.auth_kind == "none":
            return None  # the key is not sent where it is not asked for
        creds = self.keys.pick(op.caller)
        if creds is None:
            if op.caller:
                raise CredentialsMissing(
                    f"{op.key} is {self.keys.missing(op.caller)}, "
                    f"or give Client keys=Keyring(roles={{{op.caller!r}: Credentials(...)}})"
                )
            raise CredentialsMissing(f"{op.key} needs an API key (security: {op.auth_kind})")
        return creds

    def _auth(self, op: Operation, recv_window: int | float | None, creds: Credentials | None) -> BinanceAuth | None:
        if creds is None:
            return None
        signer = self._signers.get(id(creds))
        if op.signed and signer is None:
            raise CredentialsMissing(
                f"{op.key} is signed: give the client a 'secret' (HMAC) or a 'private_key' (RSA or Ed25519)"
            )
        signer = signer if op.signed else None
        return BinanceAuth(
            creds.api_key,
            signer,
            recv_window if recv_window is not None else self.recv_window if signer else None,
            self._server_clock,
        )

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
            raise scrubbed(exc, self._secrets) from None
        server = (
            result.data.get("serverTime") if isinstance(result.data, dict) else None
        )  # strict=False returns a broken answer
        offset = server - (before + after) * 500 if isinstance(server, int) and not isinstance(server, bool) else None
        if offset is None or abs(offset) > MAX_CLOCK_OFFSET_MS or after - before > MAX_CLOCK_ROUND_TRIP_S:
            # a time no clock is off by, or one measured too slowly to trust: signing with it would
            # only earn -1021 (or put nonsense on the wire); the local clock stays
            raise ClientError(
                f"GET {op.path}: the server time {str(server)[:40]!r} is not usable "
                f"(offset beyond {MAX_CLOCK_OFFSET_MS // 3_600_000} h, "
                f"or a round trip over {MAX_CLOCK_ROUND_TRIP_S} s); the local clock is kept"
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

    def _once(
        self, op: Operation, pairs: list[tuple[str, str]], auth: BinanceAuth | None, deadline: Deadline
    ) -> Result:
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
                raw: Any = _read_body(resp)
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
            why = (
                f"no connection within the {deadline.seconds:g}s deadline"
                if deadline.expired
                else f"could not connect ({type(exc).__name__})"
            )
            return RequestNotSent(f"{where}: {why}; nothing was sent")
        if deadline.expired:
            return ExecutionStatusUnknown(
                f"{where}: no complete answer within the {deadline.seconds:g}s deadline; the outcome is UNKNOWN"
            )
        if isinstance(exc, requests.exceptions.ChunkedEncodingError):
            return ExecutionStatusUnknown(
                f"{where}: the answer was cut short ({type(exc).__name__}); the outcome is UNKNOWN"
            )
        return ExecutionStatusUnknown(
            f"{where}: connection lost after sending ({type(exc).__name__}); the outcome is UNKNOWN"
        )

    def _answer(self, op: Operation, status: int, headers: dict[str, str], raw: Any, where: str) -> Result:
        if 300 <= status < 400 or status >= 500:
            redirect = 300 <= status < 400
            error: ClientError = (
                RedirectRefused(status, next((v for k, v in headers.items() if k.lower() == "location"), ""))
                if redirect
                else ExecutionStatusUnknown(
                    f"HTTP {status} from {where}: the outcome is UNKNOWN", status, retry_after(headers)
                )
            )
            error.response = Answer(
                status, headers, raw[:200].decode("utf-8", "replace") if isinstance(raw, bytes) else None
            )
            raise error
        body: Any = None
        unreadable: Violation | None = None
        if raw is None:
            encoding = next((v for k, v in headers.items() if k.lower() == "content-encoding"), "?")
            unreadable = Violation("", f"the body cannot be decoded (Content-Encoding: {encoding})", "a JSON body")
        elif raw is _TOO_LARGE:
            unreadable = Violation("", f"the body is larger than {MAX_BODY} bytes", "a Binance-sized JSON body")
        else:
            body = _json(raw)
            unreadable = _shape_problem(body, MAX_DEPTH) if body is not _NOT_JSON else None
            if unreadable is not None:  # past MAX_DEPTH nothing is read; a number no float holds is never a value
                body = None if "deeper" in unreadable.message else _finite_only(body)
        if unreadable is not None and not 200 <= status < 300:
            raise unreadable.error(None)  # a refusal or a non-answer we cannot read: nothing was done that we know of
        if status >= 400:
            code, msg = (
                (body.get("code"), str(body.get("msg", "")))
                if isinstance(body, dict)
                else (None, raw[:200].decode("utf-8", "replace"))
            )
            cls = RateLimited if status in (418, 429) else BinanceAPIError
            error = cls(status, code if isinstance(code, int) and not isinstance(code, bool) else None, msg, headers)
            error.response = Answer(
                status, headers, body if body is not _NOT_JSON else raw[:200].decode("utf-8", "replace")
            )
            raise error
        if status < 200:
            raise ContractViolation("", f"HTTP {status} is not a final answer", "a 200 answer", None)
        refusal = _refusal(op, body)
        if refusal is not None:  # Binance said no, whatever the status said: nothing was done
            error = BinanceAPIError(status, refusal[0], refusal[1], headers)
            error.response = Answer(status, headers, body)
            raise error
        if body is _NOT_JSON:
            if not raw.strip() and not _has_shape(op.response):
                return Result(None, _weights(headers), status, headers)  # the page documents no body
            body, unreadable = (
                raw[:200].decode("utf-8", "replace"),
                Violation("", "the body is not JSON", "a JSON body"),
            )
        found = [unreadable] if unreadable is not None else _violations(op, body)
        return self._verdict(op, status, headers, body, found)

    def _verdict(
        self, op: Operation, status: int, headers: dict[str, str], body: Any, found: list[Violation]
    ) -> Result:
        """A valid answer is returned; one that breaks the contract raises for a GET (nothing changed) or
        under ``strict=True``, and is otherwise returned with its violations and a ContractWarning."""
        if not found:
            return Result(body, _weights(headers), status, headers)
        texts = tuple(scrubbed_text(v.text(), self._secrets) for v in found)
        if self.strict or (self.strict is None and op.method == "GET"):
            error = found[0].error(body, texts)
            error.response = Answer(status, headers, body)
            raise error
        done = "was done" if op.method != "GET" else "was answered"
        message = f"{op.key}: HTTP {status}, the call {done} but its answer breaks the contract: {texts[0]}"
        if len(texts) > 1:
            message += f" (and {len(texts) - 1} more in result.violations)"
        warnings.warn(message, ContractWarning, stacklevel=_outside_the_client())
        return Result(body, _weights(headers), status, headers, texts)


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
_TOO_LARGE = object()  # what _read_body gives for a body past MAX_BODY
MAX_VIOLATIONS = 20  # listed per answer; a body breaking its contract everywhere still makes a bounded report
MAX_MESSAGE = 300  # characters of one violation's message (jsonschema quotes the whole offending value)


#: What a transport can raise.
_TRANSPORT_ERRORS = (
    requests.RequestException,
    urllib3.exceptions.HTTPError,
    OSError,
    ValueError,
    http.client.HTTPException,
)


def _read_body(resp: requests.Response) -> Any:
    """The body, or _TOO_LARGE once it passes MAX_BODY (the rest is never read)."""
    chunks, size = [], 0
    for chunk in resp.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            return _TOO_LARGE
        chunks.append(chunk)
    return b"".join(chunks)


class _NonFinite(str):
    """A number as written where no float holds it (``1e999999``, ``NaN``, ``Infinity``): found, then refused."""


def _number(text: str) -> Any:
    """A fraction as a :class:`~.records.Number` (a float keeping its digits), or _NonFinite where no float holds it."""
    return Number(text) if math.isfinite(float(text)) else _NonFinite(text)


def _json(raw: bytes) -> Any:
    """The body parsed (fractions as :class:`~.records.Number`, exact digits kept), or _NOT_JSON; its shape is
    judged apart (:func:`_shape_problem`)."""
    try:
        value = json.loads(raw, parse_float=_number, parse_constant=_NonFinite)
    except (ValueError, RecursionError):
        return _NOT_JSON
    return value


def _shape_problem(value: Any, limit: int) -> Violation | None:
    """One walk (no recursion): nesting within ``limit`` (judged first: nothing too deep is read), then every
    number finite, the first one that is not named by its pointer."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    non_finite: Violation | None = None
    while stack:
        v, d, at = stack.pop()
        if isinstance(v, _NonFinite) and non_finite is None:
            non_finite = Violation(at, f"{v[:40]} is not a finite number", "a finite JSON number")
        if isinstance(v, (dict, list)):
            if d > limit:
                return Violation("", f"the body is nested deeper than {limit} levels", "a Binance-sized JSON body")
            items = v.items() if isinstance(v, dict) else enumerate(v)
            stack.extend((c, d + 1, f"{at}/{str(k).replace('~', '~0').replace('/', '~1')}") for k, c in items)
    return non_finite


def _finite_only(value: Any) -> Any:
    """``value`` with every number no float holds replaced by None (called within MAX_DEPTH: the recursion is
    bounded)."""
    if isinstance(value, _NonFinite):
        return None
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite_only(v) for v in value]
    return value


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
    documented = (
        _documents(op.response, ("code", "msg"))
        and first_error(_validator(json.dumps(op.response, sort_keys=True)), body) is None
    )
    return None if documented else (code, msg)


def _documents(schema: Any, names: tuple[str, ...]) -> bool:
    """Whether the schema (or one of its top-level alternatives) names every one of ``names`` as a property."""
    if not isinstance(schema, dict):
        return False
    shapes = [schema] + [
        alt for key in ("anyOf", "oneOf", "allOf") if isinstance(schema.get(key), list) for alt in schema[key]
    ]
    return any(
        isinstance(s, dict) and isinstance(s.get("properties"), dict) and all(n in s["properties"] for n in names)
        for s in shapes
    )


def _has_shape(schema: dict[str, Any]) -> bool:
    return any(k != "$schema" for k in schema)


@lru_cache(maxsize=256)
def _validator(schema_json: str) -> Any:
    return validator(json.loads(schema_json))


@dataclass(frozen=True)
class Violation:
    """One way an answer breaks its contract: where (a JSON pointer), what, and the docs' wording there."""

    pointer: str
    message: str
    documented: str

    def text(self) -> str:
        return f"{self.pointer or '/'}: {self.message} (the docs say: {self.documented})"

    def error(self, body: Any, texts: tuple[str, ...] = ()) -> ContractViolation:
        return ContractViolation(self.pointer, self.message, self.documented, body, texts)


def _violation(err: ValidationError) -> Violation:
    err = best_error([err]) or err  # into anyOf/oneOf alternatives, as the one choice (contract.validation) reads them
    schema = err.schema if isinstance(err.schema, dict) else {}
    documented = schema.get("description") or schema.get("x-doc-type") or json.dumps(schema, default=str)[:200]
    message = err.message if len(err.message) <= MAX_MESSAGE else err.message[: MAX_MESSAGE - 3] + "..."
    return Violation("/" + "/".join(str(p) for p in err.absolute_path), message, str(documented))


def _holds(error: ValidationError, found: ValidationError | None) -> bool:
    """Whether ``found`` is ``error`` or one of its alternatives' errors (bounded by the schema's nesting)."""
    return error is found or any(_holds(sub, found) for sub in error.context or ())


def _violations(op: Operation, body: Any) -> list[Violation]:
    """Every way ``body`` breaks the contract, bounded: first the one :func:`best_error` reports (the error
    every part of the project shows, jsonschema's ``best_match``), then the others in the answer's order."""
    validator = _validator(json.dumps(op.response, sort_keys=True))
    try:
        errors = sorted(validator.iter_errors(body), key=lambda e: [str(p) for p in e.absolute_path])
    except (RecursionError, Unresolvable):  # a schema that recurses or refers outside itself: one error that says so
        first = first_error(validator, body)
        errors = [first] if first is not None else []
    best = best_error(errors)
    errors.sort(key=lambda e: not _holds(e, best))  # stable: the rest keep the answer's order
    return [_violation(e) for e in errors[:MAX_VIOLATIONS]]


def _outside_the_client() -> int:
    """The ``stacklevel`` that points a warning at the caller's line, not at the client's own frames."""
    here = os.path.dirname(os.path.abspath(__file__))
    frame: Any = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(here):
        frame, level = frame.f_back, level + 1
    return level


def scrubbed_text(text: str, secrets: list[str]) -> str:
    return redact(text, secrets) if secrets else text


def _weights(headers: dict[str, str]) -> dict[str, int]:
    out = {}
    for k, v in headers.items():
        if _WEIGHT_HEADER.match(k) and (count := header_count(v)) is not None:
            out[k.upper()] = count
    return out


def page_names(op: Operation, params: dict[str, Any]) -> dict[str, Any]:
    """Parameters by the page's names: ``group_id`` is ``groupId``; giving both is an error naming it.

    ``recv_window`` is ``recvWindow``; a name the operation does not document passes through (to_wire names it)."""
    documented = list(op.params) + (["recvWindow"] if op.signed and "recvWindow" not in op.params else [])
    by_snake = {snake(name): name for name in documented}
    out: dict[str, Any] = {}
    for name, value in params.items():
        page = name if name in documented else by_snake.get(name, name)
        if page in out:
            raise ParamError(wire_request.DUPLICATE, f"given twice (as {page!r} and {snake(page)!r}); give one", page)
        out[page] = value
    return out
