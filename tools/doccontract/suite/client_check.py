"""Our own client judged by the request contract: what it sends is captured by the sandbox it
talks to and read back by the one request model (``doccontract.wire.request``), never by the
sandbox's own parsing; the signature is verified with the configured secret.  The suite's clients
are ``strict=True``: an answer that breaks its contract is a finding here, never a warning."""

from __future__ import annotations

from typing import Any

import pytest

from ..client import Client, ClientError, Result
from ..rules import API_KEY_HEADER
from ..sandbox.gateway import Recorded
from ..wire.request import ParamError, Request, read
from ..wire.signing import verify
from .cases import valid_params
from .checks import Checker, CheckFailed
from .operations import SuiteOperation
from .target import Target


def client_request_checks(op: SuiteOperation, target: Target, checker: Checker, family: tuple[Any, ...] = ()) -> None:
    if target.server is None:
        pytest.skip("the client is judged on an embedded sandbox (its requests are captured there)")
    params = valid_params(op, family=family)
    creds = target.credentials(op)
    client = Client(
        creds.api_key,
        base_url=target.base_url,
        contract=op.contract,
        clock=target.clock.now,
        strict=True,
        **creds.signer_args,
    )
    result: Result | ClientError
    try:
        result = client.call(op.key, **params)
    except ClientError as exc:  # the answer may be a rejection: what was sent is judged all the same
        result = exc
    recorded = [r for r in target.server.sandbox.recorded if r.path == op.path]
    if len(recorded) != 1:
        raise CheckFailed(f"the client sent {len(recorded)} requests for one call")
    seen = recorded[0]
    checker(_method_and_path_are_documented, seen, op)
    try:
        request = read(
            op,
            seen.query,
            seen.body,
            "application/x-www-form-urlencoded" if seen.body else None,
            clock=target.clock.now,
        )
    except ParamError as exc:
        raise CheckFailed(f"the request model refuses the client's request: {exc.code} {exc}") from None
    checker.note("the request model reads the client's request: documented parameters, signing rules")
    if op.signed:
        checker(_signature_is_last_and_valid, seen, request, creds.secret)
    _echoed(checker, params, result)


def _method_and_path_are_documented(seen: Recorded, op: SuiteOperation) -> str:
    if (seen.method, seen.path) != (op.method, op.path):
        raise CheckFailed(f"the client sent {seen.method} {seen.path}, documented {op.key}")
    if op.auth_kind != "none" and not seen.has_api_key:
        raise CheckFailed(f"the client sent no {API_KEY_HEADER} header")
    return f"client sends {op.key} with its API key"


def _signature_is_last_and_valid(seen: Recorded, request: Request, secret: str | None) -> str:
    last = (seen.body or seen.query).rsplit("&", 1)[-1]
    if not last.startswith("signature="):
        raise CheckFailed("signature is not the last parameter sent")
    if secret is not None and not verify(request.raw.payload, request.raw.signature or "", secret=secret):
        raise CheckFailed("the client's signature does not verify over query + body")
    return "client signs query + body, signature last"


def _echoed(checker: Checker, sent: dict[str, Any], result: Any) -> None:
    """The client reports the answer's identifiers, not the ones it asked for."""
    data = getattr(result, "data", None)
    if not isinstance(data, dict):
        return
    for name, value in sent.items():
        if name in data and str(data[name]) != str(value):
            raise CheckFailed(f"the client reports {name} {data[name]!r} for a call with {value!r}")
    checker.note("the client reports the answer's identifiers")
