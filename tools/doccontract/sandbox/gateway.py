"""What Binance's gateway does before and after an endpoint: route, authenticate, weigh, read, verify, answer.

HTTP-independent (``Sandbox.handle`` takes a method, a raw target, the body
bytes and headers) so it can be driven and measured directly; the HTTP server
lives in ``serving``.  Every answer is JSON: a body valid against the
operation's contract, or Binance's ``{code, msg}``.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .._files import json_pointer
from ..contract.general import missing_from
from ..contract.store import default_dir
from ..contract.validation import first_error, validator
from ..rules import (
    API_KEY_HEADER,
    IP_LIMIT_PER_MINUTE,
    SERVER_TIME,
    SPOT_WEIGHT_HEADER,
    UID_LIMIT_PER_MINUTE,
    weight_header,
)
from ..wire.secrets import redact
from ..wire.signing import verify
from .conform import conform
from .models.institutional_loan import Call, InstitutionalLoan
from .seam import ApiError, Messages, Operation, api_error, load_registry, read_request
from .serving import SandboxServer
from .state import API_KEY_PATTERN, Account, State
from .store import Store, StoreError


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    payload: Any
    code: int | None = None
    weight: str = "-"


@dataclass
class Route:
    op: Operation
    validator: Any  # jsonschema validator, from validation.validator
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
    used: dict[tuple[str, Any, str], tuple[int, int]] = field(
        default_factory=dict
    )  # (unit, who, endpoint) -> (minute, used)


#: How many internal errors a sandbox keeps (a long-running one must not grow without end).
MAX_INTERNAL_ERRORS = 20


class Sandbox:
    """Every operation of a contracts folder behind Binance's gateway rules; the Institutional Loan model behind
    its family."""

    def __init__(
        self,
        state: State | None = None,
        contracts: str | Path | None = None,
        *,
        operations: list[Operation] | None = None,
        clock: Callable[[], float] = time.time,
        uid_limit: int = UID_LIMIT_PER_MINUTE,
        ip_limit: int = IP_LIMIT_PER_MINUTE,
        persist: str | Path | Store | None = None,
        log: Callable[[str], None] | None = None,
        messages: Messages | None = None,
    ):
        self.store: Store | None = None
        self._owns_store = False
        if isinstance(persist, Store):
            self.store = persist
        elif persist:  # a path: its database (created from ``state`` or the demo when new), locked until close()
            self.store, self._owns_store = Store.open(persist, create=True), True
            try:
                stored = self.store.load()
                if stored is None:
                    self.store.save(state or State.load(now=clock()))
                state = stored or state
            except BaseException:
                self.store.close()
                raise
        self.state = state or State.load(now=clock())
        self.clock = clock
        self.limits = Limits(uid_limit, ip_limit)
        self.log = log
        self.model = InstitutionalLoan(self.state, clock)
        if self.store is not None:  # the model's start (each unit's first interest hour) is on disk before any answer
            self.store.save(self.state)
        self._weight_lock = threading.Lock()
        self.recorded: list[Recorded] = []
        self.routes: dict[str, dict[str, Route]] = {}
        self.problems: list[str] = []
        #: The gateway's own failures it answered as a 500 (the first few): a test or an operator
        #: can tell a bug in the sandbox from an answer the contract asked for.
        self.internal_errors: list[BaseException] = []
        if operations is not None:
            ops, self.messages = operations, messages or Messages()
        else:
            registry, loaded = load_registry(contracts or default_dir())
            ops, self.messages = list(registry), messages or loaded  # this sandbox's wording, no other's
        # Binance's general endpoints (ping, server time) are served whatever the folder documents
        ops = [
            *ops,
            *(
                Operation.from_contract(c, "doccontract.contract.general")
                for c in missing_from((o.method, o.path) for o in ops)
            ),
        ]
        for op in ops:
            self._add_route(op)

    # -- start-up
    def _add_route(self, op: Operation) -> None:
        route = Route(op, validator(op.response), self.model.handler(op.method, op.path))
        if route.handler is None:
            if not op.examples:  # no documented body: an empty one, when the schema allows it
                empty: tuple[dict[str, Any], list[Any]] = ({}, [])
                route.example = next((e for e in empty if first_error(route.validator, e) is None), None)
                if route.example is None:
                    route.broken = f"{op.id}: the page documents no response example and its schema needs one"
            else:
                route.example = op.examples[0]
                problem = first_error(route.validator, route.example)
                if problem is not None:
                    route.broken = (
                        f"{op.id}: the page's response example breaks its own schema "
                        f"at {json_pointer(problem) or '/'}: {problem.message}"
                    )
            if route.broken:
                self.problems.append(route.broken)
        self.routes.setdefault(op.path, {})[op.method] = route

    # -- one request
    def handle(
        self, method: str, target: str, body: bytes, headers: dict[str, str], client: str = "127.0.0.1"
    ) -> Reply:
        """The answer to one request; never raises."""
        started = time.perf_counter()
        try:
            answer = self._handle(method, target, body, headers, client)
        except ApiError as err:
            answer = Reply(err.status, err.headers, {"code": err.code, "msg": err.text(self.messages)}, err.code)
        except Exception as exc:  # the catch-all: an answer, never a dropped connection
            if len(self.internal_errors) < MAX_INTERNAL_ERRORS:
                self.internal_errors.append(exc)
            answer = Reply(
                500,
                {},
                {
                    "code": -1000,
                    "msg": (
                        f"An unknown error occurred while processing the request.[internal error: {type(exc).__name__}]"
                    ),
                },
                -1000,
            )
        if (
            self.log is not None
        ):  # the query (signature) is never logged; the key is scrubbed wherever it was put; controls escaped
            path = target.split("?", 1)[0][:200].encode("ascii", "backslashreplace").decode()
            line = (
                f"{client} {method[:16].encode('ascii', 'backslashreplace').decode()} {path} {answer.status} "
                f"code={answer.code if answer.code is not None else '-'} weight={answer.weight} "
                f"{1000 * (time.perf_counter() - started):.1f}ms"
            )
            self.log(printable(redact(line, [headers.get(API_KEY_HEADER.lower())])))
        return answer

    def _handle(self, method: str, target: str, body: bytes, headers: dict[str, str], client: str) -> Reply:
        parts = urlsplit(target)
        try:
            path = unquote(parts.path, errors="strict")
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise api_error(-1100, "?", "UTF-8 text") from None
        api_key = headers.get(API_KEY_HEADER.lower())
        if len(self.recorded) < 1000:
            self.recorded.append(Recorded(method, path, parts.query, text, api_key is not None))
        methods = self.routes.get(path)
        if not methods:
            raise api_error(-1000, f"no endpoint at {path[:100]} in this sandbox", status=404)
        route = methods.get(method)
        if route is None:
            allow = ", ".join(sorted(methods))
            raise api_error(
                -1000, f"{method[:16]} is not allowed on {path}; allowed: {allow}", status=405, headers={"Allow": allow}
            )
        op = route.op
        account = self._authenticate(api_key) if op.auth_kind != "none" else None
        weight_headers, weight = self._charge(op, account, client)
        try:
            request = read_request(op, parts.query, text, headers.get("content-type", ""), self.clock, self.messages)
            if op.signed and account is not None:
                signature = request.raw.signature or ""
                if not (signature.isascii() and signature.isprintable()) or not verify(
                    request.raw.payload, signature, secret=account.secret, public_key_pem=account.public_key
                ):
                    raise api_error(-1022)
            payload = self._answer(route, account, request.params)
        except ApiError as err:
            err.headers = {**weight_headers, **err.headers}
            raise
        payload = conform(payload, op.response)
        problem = first_error(route.validator, payload)
        if problem is not None:  # the sandbox never answers outside its own contract
            where = json_pointer(problem) or "/"
            # the weight was spent: the answer reports it, as every answer after the charge does
            raise api_error(
                -1000,
                f"{op.id}: sandbox answer breaks the contract at {where}: {problem.message}",
                status=500,
                headers=weight_headers,
            )
        return Reply(200, weight_headers, payload, None, weight)

    def _answer(self, route: Route, account: Account | None, params: dict[str, Any]) -> Any:
        if (route.op.method, route.op.path) == SERVER_TIME:  # the page's example time would be years off
            return {"serverTime": int(self.clock() * 1000)}
        if route.handler is not None:
            if account is None:
                raise api_error(-2015, status=401)
            call = Call(account, params, int(self.clock() * 1000), route.op.caller)
            with self.model.lock:
                self.model.changed = False
                accrued = self.model.accrued_hour
                try:
                    return self.model.run(route.handler, call)
                finally:  # a refused request may still have accrued interest: what happened is kept
                    if self.model.changed and self.store is not None:
                        self._commit(accrued)
        if route.broken:
            raise api_error(-1000, route.broken, status=500)
        return route.example

    def _commit(self, accrued: int | None) -> None:
        """Saved before answered; a save that fails puts the model back to what is on disk and answers 5XX instead."""
        try:
            self.store.save(self.state)  # type: ignore[union-attr]
        except StoreError as exc:
            self.state.restore(self.store.committed())  # type: ignore[union-attr]
            self.model.accrued_hour = accrued
            if self.log is not None:
                self.log(f"state not saved, request undone: {exc}")
            raise api_error(-1001, status=503) from None

    def serve(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> SandboxServer:
        """The sandbox on a loopback port; ``with sandbox.serve() as server: server.url``."""
        return SandboxServer(self, host, port, **options)

    def close(self) -> None:
        """Releases the state file this sandbox opened (its lock); a store passed in is its opener's to close."""
        if self._owns_store and self.store is not None:
            self.store.close()
            self.store = None

    def _authenticate(self, api_key: str | None) -> Account:
        if not api_key or not re.fullmatch(API_KEY_PATTERN, api_key):
            raise api_error(-2014, status=401)
        account = self.state.accounts.get(api_key)
        if account is None:
            raise api_error(-2015, status=401)
        return account

    def _charge(self, op: Operation, account: Account | None, client: str) -> tuple[dict[str, str], str]:
        """Weight per minute (fixed windows, as Binance counts them): UID weight per account, IP weight per address.

        SAPI counts each endpoint apart ("each endpoint with IP limits has an independent 12000 per
        minute limit", UID likewise); spot (/api/) counts all its endpoints together per IP."""
        documented = str((op.weight or {}).get("limit") or (op.weight or {}).get("unit") or "IP").upper()
        unit = "UID" if documented == "UID" and account is not None else "IP"
        spot = op.path.startswith("/api/")
        header = op.weight_header if unit == documented else None
        if header is None and op.path.startswith("/sapi/"):
            header = weight_header(unit)
        elif header is None and spot:
            header = SPOT_WEIGHT_HEADER
        who = account.uid if unit == "UID" and account is not None else client
        counter = (unit, who, "/api/" if spot else op.key)
        limit = self.limits.uid if unit == "UID" else self.limits.ip
        cost = op.weight_value
        now = self.clock()
        minute = int(now // 60)
        with self._weight_lock:
            window, used = self.limits.used.get(counter, (minute, 0))
            if window != minute:
                used = 0
            if used + cost > limit:
                retry = max(1, int(60 - now % 60))
                headers = {"Retry-After": str(retry), **({header: str(used)} if header else {})}
                raise api_error(-1003, limit, "1 MINUTE", status=429, headers=headers)
            used += cost
            self.limits.used[counter] = (minute, used)
        return ({header: str(used)} if header else {}), f"{unit}:{cost}"


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on escaped (``\\x1b``, ``\\n``, ``\\u202e``).

    A request's bytes reach the log; an ESC, BEL, backspace or line break there could rewrite the
    operator's screen or forge a log line, so what the log shows is what was sent, inert."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def console_log(line: str) -> None:
    """One line per request on stderr (the URL line stays alone on stdout), control characters escaped."""
    try:
        print(f"sandbox: {printable(line)}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass
