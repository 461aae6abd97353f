"""Contracts beyond the model: every margin-trading corpus contract answers a generated valid request (never
a 500); a broken example is named."""

from __future__ import annotations

import json
import shutil

import pytest
import requests
from helpers import ROOT, Clock, needs_corpus
from jsonschema import Draft202012Validator
from test_sandbox import call

from doccontract.contract.registry import Registry
from doccontract.sandbox import Sandbox
from doccontract.wire.request import kind

SAMPLE = {"integer": 1, "decimal": "1", "number": "1", "boolean": "true", "array": "[]", "object": "{}"}


def valid_value(schema: dict):
    """A wire value the parameter's schema accepts (its kind as the request model reads it)."""
    if schema.get("enum"):
        return schema["enum"][0]
    value = SAMPLE.get(kind(schema), "BTCUSDT")
    return max(value, schema.get("minimum", 1)) if kind(schema) == "integer" else value


@pytest.fixture(scope="module")
def margin(corpus_build):
    built, results = corpus_build
    assert not [r for r in results if r.status == "failed"]
    out = built / "margin_trading"
    clock = Clock()
    with Sandbox(contracts=out, clock=clock).serve() as server:
        yield Registry.load(out), server


@needs_corpus
def test_every_margin_trading_contract_answers_a_generated_valid_request(margin):
    registry, server = margin
    assert len(registry) >= 50
    failures = []
    for op in registry:
        params = {name: valid_value(op.params[name]) for name in op.required}
        if op.signed:
            r = call(server, op.method, op.path, params)
        else:
            headers = {"X-MBX-APIKEY": "demo-credit-key-2001"} if op.auth_kind == "api-key" else {}
            r = requests.request(op.method, f"{server.url}{op.path}", params=params, headers=headers, timeout=10)
        body = r.json()
        if r.status_code != 200 or not Draft202012Validator(op.response).is_valid(body):
            failures.append(f"{op.key}: {r.status_code} {str(body)[:200]}")
        elif op.weight_header and r.headers.get(op.weight_header) is None:
            failures.append(f"{op.key}: no {op.weight_header} header")
        if op.auth_kind != "none":  # the key is demanded exactly where the security type says so
            bare = requests.request(op.method, f"{server.url}{op.path}", params=params, timeout=10)
            if (bare.status_code, bare.json().get("code")) != (401, -2014):
                failures.append(f"{op.key}: without a key {bare.status_code} {bare.text[:200]}")
    assert not failures, "\n".join(failures)


def test_a_page_whose_example_breaks_its_schema_is_named_and_its_route_answers_500_why(tmp_path):
    shutil.copytree(ROOT / "contracts", tmp_path / "contracts")
    path = tmp_path / "contracts/binance/institutional_loan/account/Institution-Loan-Group-Close.json"
    contract = json.loads(path.read_text())
    contract["path"] = "/sapi/v1/example-only"  # a route with no model: it answers its example
    contract["examples"]["response"] = [{"groupId": "not a number", "status": "CLOSED"}]
    path.write_text(json.dumps(contract))
    sandbox = Sandbox(contracts=tmp_path / "contracts", clock=Clock())
    [problem] = sandbox.problems
    assert (
        problem.startswith("binance/institutional_loan/account/Institution-Loan-Group-Close: ")
        and "/groupId" in problem
    )
    with sandbox.serve() as server:
        r = call(server, "DELETE", "/sapi/v1/example-only", {"groupId": 1})
        assert r.status_code == 500 and r.json()["code"] == -1000 and "breaks its own schema" in r.json()["msg"]
        assert call(server, "GET", "/sapi/v1/margin/loan-groups/closed", {}).status_code == 200  # the others serve
