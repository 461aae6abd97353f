"""What Binance's gateway does before and after an endpoint: route, authenticate, weigh, read, verify, answer.

HTTP-independent (``Sandbox.handle`` takes a method, a raw target, the body
bytes and headers) so it can be driven and measured directly; the HTTP server
lives in ``serving``.  Every answer is JSON: a body valid against the
operation's contract, or Binance's ``{code, msg}``.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema import Draft202012Validator

from ..contracts import default_dir
from ..schema import json_pointer
from ..signing import MAX_RECV_WINDOW, strip_signature, verify
from .conform import conform
from .models.institutional_loan import Call, InstitutionalLoan
from .seam import ApiError, Operation, api_error, load_operations, read_params
from .state import API_KEY_PATTERN, Account, State

UID_LIMIT_PER_MINUTE = 180_000  # Binance's SAPI limits per minute
IP_LIMIT_PER_MINUTE = 12_000


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    payload: Any
    code: int | None = None
    weight: str = "-"


@dataclass
class Route:
    op: Operation
    validator: Draft202012Validator
    handler: Callable[[Call], Any] | None = None
    example: Any = None
    broken: str | None = None  # why this route cannot answer (named at start-up)


@dataclass
class Recorded:
    """A request as the sandbox received it (the API key header is not kept)."""

    method: str
    path: str
    query: str
    body: str
    has_api_key: bool


@dataclass
class Limits:
    uid: int = UID_LIMIT_PER_MINUTE
    ip: int = IP_LIMIT_PER_MINUTE
    used: dict[tuple[str, Any], tuple[int, int]] = field(default_factory=dict)  # (unit, who) -> (minute, used)


class Sandbox:
    """Every operation of a contracts folder behind Binance's gateway rules; the Institutional Loan model behind its family."""

    def __init__(
        self,
        state: State | None = None,
        contracts: str | Path | None = None,
        *,
        operations: list[Operation] | None = None,
        clock: Callable[[], float] = time.time,
        uid_limit: int = UID_LIMIT_PER_MINUTE,
        ip_limit: int = IP_LIMIT_PER_MINUTE,
        persist: str | Path | None = None,
        log: Callable[[str], None] | None = None,
    ):
        self.state = state or State.load()
        self.clock = clock
        self.limits = Limits(uid_limit, ip_limit)
        self.persist = Path(persist) if persist else None
        self.log = log
        self.model = InstitutionalLoan(self.state, clock)
        self._weight_lock = threading.Lock()
        self.recorded: list[Recorded] = []
        self.routes: dict[str, dict[str, Route]] = {}
        self.problems: list[str] = []
        ops = operations if operations is not None else load_operations(contracts or default_dir())
        for op in ops:
            self._add_route(op)

    # -- start-up
    def _add_route(self, op: Operation) -> None:
        route = Route(op, Draft202012Validator(op.response), self.model.handler(op.method, op.path))
        if route.handler is None:
            if not op.examples:
                route.broken = f"{op.id}: the page documents no response example"
            else:
                route.example = op.examples[0]
                problem = next(iter(sorted(route.validator.iter_errors(route.example), key=lambda e: list(e.absolute_path))), None)
                if problem is not None:
                    route.broken = f"{op.id}: the page's response example breaks its own schema at {json_pointer(problem) or '/'}: {problem.message}"
            if route.broken:
                self.problems.append(route.broken)
        self.routes.setdefault(op.path, {})[op.method] = route

    # -- one request
    def handle(self, method: str, target: str, body: bytes, headers: dict[str, str], client: str = "127.0.0.1") -> Answer:
        """The answer to one request; never raises."""
        started = time.perf_counter()
        try:
            answer = self._handle(method, target, body, headers, client)
        except ApiError as err:
            answer = Answer(err.status, err.headers, {"code": err.code, "msg": err.msg}, err.code)
        except Exception as exc:  # the catch-all: an answer, never a dropped connection
            answer = Answer(
                500, {}, {"code": -1000, "msg": f"An unknown error occurred while processing the request.[internal error: {type(exc).__name__}]"}, -1000
            )
        if self.log is not None:
            path = target.split("?", 1)[0][:200]
            self.log(
                f"{client} {method[:16]} {path} {answer.status} code={answer.code if answer.code is not None else '-'} "
                f"weight={answer.weight} {1000 * (time.perf_counter() - started):.1f}ms"
            )
        return answer

    def _handle(self, method: str, target: str, body: bytes, headers: dict[str, str], client: str) -> Answer:
        parts = urlsplit(target)
        try:
            path = unquote(parts.path, errors="strict")
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise api_error(-1100, "?", "UTF-8 text") from None
        api_key = headers.get("x-mbx-apikey")
        if len(self.recorded) < 1000:
            self.recorded.append(Recorded(method, path, parts.query, text, api_key is not None))
        methods = self.routes.get(path)
        if not methods:
            raise api_error(-1000, f"no endpoint at {path[:100]} in this sandbox", status=404)
        route = methods.get(method)
        if route is None:
            allow = ", ".join(sorted(methods))
            raise api_error(-1000, f"{method[:16]} is not allowed on {path}; allowed: {allow}", status=405, headers={"Allow": allow})
        op = route.op
        account = self._authenticate(api_key) if op.auth != "none" else None
        weight_headers, weight = self._charge(op, account, client)
        try:
            if text and not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                raise api_error(-1100, "body", "application/x-www-form-urlencoded")
            params = read_params(op, parts.query, text)
            if op.auth == "signed":
                assert account is not None
                self._check_signature(account, params, parts.query, text)
            payload = self._answer(route, account, params)
        except ApiError as err:
            err.headers = {**weight_headers, **err.headers}
            raise
        payload = conform(payload, op.response)
        problem = next(iter(route.validator.iter_errors(payload)), None)
        if problem is not None:  # the sandbox never answers outside its own contract
            raise api_error(-1000, f"{op.id}: sandbox answer breaks the contract at {json_pointer(problem) or '/'}: {problem.message}", status=500)
        return Answer(200, weight_headers, payload, None, weight)

    def _answer(self, route: Route, account: Account | None, params: dict[str, Any]) -> Any:
        if route.handler is not None:
            if account is None:
                raise api_error(-2015, status=401)
            call = Call(account, params, int(self.clock() * 1000))
            with self.model.lock:
                self.model.changed = False
                payload = self.model.run(route.handler, call)
                if self.model.changed and self.persist is not None:
                    self.state.save(self.persist)
            return payload
        if route.broken:
            raise api_error(-1000, route.broken, status=500)
        return route.example

    def _authenticate(self, api_key: str | None) -> Account:
        if not api_key or not re.fullmatch(API_KEY_PATTERN, api_key):
            raise api_error(-2014, status=401)
        account = self.state.accounts.get(api_key)
        if account is None:
            raise api_error(-2015, status=401)
        return account

    def _charge(self, op: Operation, account: Account | None, client: str) -> tuple[dict[str, str], str]:
        """Weight per minute (fixed windows, as Binance counts them): UID weight per account, IP weight per address."""
        unit = op.weight["unit"] if account is not None else "IP"
        header = op.weight["header"] if unit == op.weight["unit"] else "X-SAPI-USED-IP-WEIGHT-1M"
        who = account.uid if unit == "UID" and account is not None else client
        limit = self.limits.uid if unit == "UID" else self.limits.ip
        cost = op.weight["value"]
        now = self.clock()
        minute = int(now // 60)
        with self._weight_lock:
            window, used = self.limits.used.get((unit, who), (minute, 0))
            if window != minute:
                used = 0
            if used + cost > limit:
                retry = max(1, int(60 - now % 60))
                raise api_error(-1003, limit, "1 MINUTE", status=429, headers={header: str(used), "Retry-After": str(retry)})
            used += cost
            self.limits.used[(unit, who)] = (minute, used)
        return {header: str(used)}, f"{unit}:{cost}"

    def _check_signature(self, account: Account, params: dict[str, Any], query: str, body: str) -> None:
        for name in ("timestamp", "signature"):
            if not params.get(name):
                raise api_error(-1102, name)
        ts = _read_time(str(params["timestamp"]))
        recv = _read_recv_window(str(params.get("recvWindow", "5000")))
        now_ms = self.clock() * 1000
        if ts >= now_ms + 1000:
            raise api_error(-1021)
        if now_ms - ts > recv:
            raise api_error(-1021)
        signature = str(params["signature"])
        payload = strip_signature(query)[0] + strip_signature(body)[0]
        if not signature.isascii() or not signature.isprintable() or not verify(payload, signature, secret=account.secret, public_key_pem=account.public_key):
            raise api_error(-1022)


def _read_time(raw: str) -> float:
    """``timestamp`` in milliseconds, or microseconds (16 digits), as Binance reads it."""
    if not re.fullmatch(r"[0-9]{1,20}", raw):
        raise api_error(-1100, "timestamp", "^[0-9]{1,20}$")
    value = int(raw)
    return value / 1000 if value >= 10**15 else float(value)


def _read_recv_window(raw: str) -> float:
    """``recvWindow`` in ms with up to three decimals, at most 60000."""
    if not re.fullmatch(r"[0-9]{1,20}(\.[0-9]{1,3})?", raw):
        raise api_error(-1100, "recvWindow", "^[0-9]{1,20}(\\.[0-9]{1,3})?$")
    value = float(raw)
    if value > MAX_RECV_WINDOW:
        raise api_error(-1131)
    return value


def console_log(line: str) -> None:
    """One line per request on stderr (the URL line stays alone on stdout)."""
    try:
        print(f"sandbox: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def dumps(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")
