"""Our own client judged by the request contract: what it sends is captured by the sandbox it
talks to, and read back by the documented types, never by the sandbox's own parsing."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

import pytest
from jsonschema import Draft202012Validator

from ..client import Client
from ..signing import verify
from .cases import valid_params
from .checks import Checker, CheckFailed
from .operations import SIGNING_NAMES, Operation
from .target import Target


def read_typed(schema: dict[str, Any], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Query pairs to the documented types (integers, booleans); the rest stays text."""
    props = schema.get("properties", {})
    out: dict[str, Any] = {}
    for name, raw in pairs:
        kind = props.get(name, {}).get("type")
        if kind == "integer" and re.fullmatch(r"-?\d{1,20}", raw):
            out[name] = int(raw)
        elif kind == "boolean" and raw in ("true", "false"):
            out[name] = raw == "true"
        else:
            out[name] = raw
    return out


def client_request_checks(op: Operation, target: Target, checker: Checker, family: tuple = ()) -> None:
    if target.server is None:
        pytest.skip("the client is judged on an embedded sandbox (its requests are captured there)")
    params = valid_params(op, family=family)
    client = Client(target.api_key, base_url=target.base_url, contract=op.contract, **target.credentials)
    if not hasattr(client, "close_risk_unit") or op.method != "DELETE" or set(params) != {"groupId"}:
        pytest.skip("the client calls Close Risk Unit only (until Client.call covers every contract)")
    result = client.close_risk_unit(params["groupId"])
    recorded = [r for r in target.server.sandbox.recorded if r.path == op.path]
    if len(recorded) != 1:
        raise CheckFailed(f"the client sent {len(recorded)} requests for one call")
    seen = recorded[0]
    checker(_method_and_path_are_documented, seen, op)
    pairs = parse_qsl(seen.query + ("&" + seen.body if seen.body else ""), keep_blank_values=True)
    checker(_signature_is_last_and_valid, seen, pairs, target)
    typed = read_typed(op.request, [(k, v) for k, v in pairs if k not in SIGNING_NAMES])
    checker(_parameters_match_the_request_schema, typed, op)
    if result.group_id != params["groupId"]:
        raise CheckFailed(f"the client reports groupId {result.group_id}, the answer's was for {params['groupId']}")
    checker.note("the client reports the answer's groupId")


def _method_and_path_are_documented(seen, op: Operation) -> str:
    if (seen.method, seen.path) != (op.method, op.path):
        raise CheckFailed(f"the client sent {seen.method} {seen.path}, documented {op.key}")
    if not seen.has_api_key:
        raise CheckFailed("the client sent no X-MBX-APIKEY header")
    return f"client sends {op.key} with its API key"


def _signature_is_last_and_valid(seen, pairs: list[tuple[str, str]], target: Target) -> str:
    names = [k for k, _ in pairs]
    if not names or names[-1] != "signature" or names.count("signature") != 1:
        raise CheckFailed(f"signature is not sent once and last: {names}")
    if "timestamp" not in names:
        raise CheckFailed("the client sent no timestamp")
    payload = seen.query.rsplit("&signature=", 1)[0] + (seen.body or "")
    if not verify(payload, dict(pairs)["signature"], **({"secret": target.credentials["secret"]} if "secret" in target.credentials else {})):
        raise CheckFailed("the client's signature does not verify over query + body")
    return "client signs query + body, signature last"


def _parameters_match_the_request_schema(typed: dict[str, Any], op: Operation) -> str:
    schema = {**op.request, "properties": op.params, "required": op.required}
    problems = list(Draft202012Validator(schema).iter_errors(typed))
    if problems:
        raise CheckFailed(f"the client's parameters break the request schema: {problems[0].message[:100]}")
    return "client parameters match the request schema"
