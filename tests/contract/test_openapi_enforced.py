"""The OpenAPI export says what the sandbox enforces, so a generator's schema-valid data is accepted.

The property behind it (schemathesis --checks all --mode all finds no failure but those a state
or clock precondition explains) is run by tools/schemathesis_sandbox.py; the last test runs it
briefly when schemathesis is installed.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest
from helpers import ROOT
from jsonschema import Draft202012Validator

from doccontract.contract.catalogue import assumed_operation_codes
from doccontract.contract.openapi import openapi_document
from doccontract.contract.store import load_contracts
from doccontract.wire.request import ParamError, check_signing, read_raw

CONTRACTS = load_contracts(ROOT / "contracts")
DOC = openapi_document(CONTRACTS)
OPERATIONS = [(path, method, op) for path, item in DOC["paths"].items() for method, op in item.items()]


def _param(op: dict, name: str) -> dict:
    return next(p["schema"] for p in op["parameters"] if p["name"] == name)


def test_the_committed_openapi_document_is_the_one_the_contracts_make():
    assert json.loads((ROOT / "contracts" / "openapi.json").read_text(encoding="utf-8")) == json.loads(json.dumps(DOC))


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_recv_window_states_its_maximum_and_three_decimals(path, method, op):
    if not any(p["name"] == "recvWindow" for p in op["parameters"]):
        pytest.skip("not signed")
    schema = _param(op, "recvWindow")
    assert (schema["maximum"], schema["multipleOf"], schema["minimum"]) == (60000, 0.001, 0)
    v = Draft202012Validator(schema)
    assert v.is_valid(53739.511) and not v.is_valid(53739.51170246885) and not v.is_valid(60000.001)
    # what the schema accepts the sandbox reads, and the reverse
    for text, ok in (("53739.511", True), ("60000", True), ("53739.51170246885", False), ("60001", False)):
        raw = read_raw(f"timestamp=1&recvWindow={text}&signature=x")
        try:
            check_signing(raw, clock=lambda: 0.0005)
            accepted = True
        except ParamError as err:
            accepted = err.code == -1021  # judged on time only after the value was read
        assert accepted is ok, text


def test_every_signed_operation_says_how_to_sign_and_no_other_does():
    """The note once hung on a contract key format 2 had dropped: no operation carried it."""
    signed = {(c["method"].lower(), c["path"]) for c in CONTRACTS if c["auth"].get("kind") == "signed"}
    described = {(m, p) for p, m, op in OPERATIONS if "signature = HMAC-SHA256" in op.get("description", "")}
    assert signed and described == signed


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_no_parameter_schema_admits_the_empty_value_the_sandbox_refuses(path, method, op):
    for p in op["parameters"]:
        schema = p["schema"]
        if schema.get("type") == "string":
            assert not Draft202012Validator(schema).is_valid(""), (p["name"], schema)


@pytest.mark.parametrize("path,method,op", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m, _ in OPERATIONS])
def test_examples_are_valid_and_every_answered_code_is_listed_with_the_assumed_marked(path, method, op):
    success = op["responses"]["200"]["content"]["application/json"]
    validator = Draft202012Validator(success["schema"])
    assert all(validator.is_valid(e["value"]) for e in success.get("examples", {}).values())
    codes, assumed = op["x-error-codes"], op["x-assumed-error-codes"]
    assert set(assumed) <= set(codes) and -1003 in codes
    assert set(assumed_operation_codes().get(f"{method.upper()} {path}", ())) <= set(codes)
    if method == "delete" and path == "/sapi/v1/margin/loan-group":
        assert {-27001, -27018} <= set(assumed)


def test_amounts_the_model_keeps_to_8_places_say_so():
    repay = DOC["paths"]["/sapi/v1/margin/loan-group/repay"]["post"]
    v = Draft202012Validator(_param(repay, "amount"))
    assert v.is_valid("123456.78") and not v.is_valid("0.123456789") and not v.is_valid("-1") and not v.is_valid("")


@pytest.mark.skipif(
    importlib.util.find_spec("schemathesis") is None,
    reason="schemathesis not installed (pip install -e '.[schemathesis]')",
)
def test_schemathesis_finds_nothing_but_what_a_precondition_explains():
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "schemathesis_sandbox.py"), "--examples", "5", "--seed", "3"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT / "tools",
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " 0 unexplained" in run.stdout
