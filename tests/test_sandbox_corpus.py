"""Every margin-trading corpus contract on one sandbox: a generated valid request gets its documented answer, never a 500."""

from __future__ import annotations

import pytest
from helpers import CORPUS, needs_corpus
from jsonschema import Draft202012Validator
from test_sandbox import Clock, call

from doccontract.build import build
from doccontract.registry import Registry
from doccontract.request import kind
from doccontract.sandbox import Sandbox

pytestmark = needs_corpus


SAMPLE = {"integer": 1, "decimal": "1", "number": "1", "boolean": "true", "array": "[]", "object": "{}"}


def valid_value(schema: dict):
    """A wire value the parameter's schema accepts (its kind as the request model reads it)."""
    if schema.get("enum"):
        return schema["enum"][0]
    value = SAMPLE.get(kind(schema), "BTCUSDT")
    return max(value, schema.get("minimum", 1)) if kind(schema) == "integer" else value


@pytest.fixture(scope="module")
def margin(tmp_path_factory):
    out = tmp_path_factory.mktemp("margin-contracts")
    results = build([CORPUS / "margin_trading"], out, jobs=1, use_cache=False)
    assert not [r for r in results if r.status == "failed"]
    clock = Clock()
    with Sandbox(contracts=out, clock=clock).serve() as server:
        yield Registry.load(out), server


def test_every_margin_trading_contract_answers_a_generated_valid_request(margin):
    registry, server = margin
    assert len(registry) >= 50
    failures = []
    for op in registry:
        params = {name: valid_value(op.params[name]) for name in op.required}
        if op.signed:
            r = call(server, op.method, op.path, params)
        else:
            import requests

            headers = {"X-MBX-APIKEY": "demo-credit-key-2001"} if op.auth_kind == "api-key" else {}
            r = requests.request(op.method, f"{server.url}{op.path}", params=params, headers=headers, timeout=10)
        body = r.json()
        if r.status_code != 200 or not Draft202012Validator(op.response).is_valid(body):
            failures.append(f"{op.key}: {r.status_code} {str(body)[:200]}")
    assert not failures, "\n".join(failures)
