"""An answer the sandbox refuses to send (it would break its contract) still reports the weight it cost."""

from __future__ import annotations

import json

from helpers import ROOT, Clock
from test_sandbox import call

from doccontract.contract.registry import Operation
from doccontract.sandbox import Sandbox

CLOSE = ROOT / "contracts/binance/institutional_loan/account/Institution-Loan-Group-Close.json"


def test_a_500_for_an_answer_outside_the_contract_carries_the_weight_header():
    """Found with `check --sandbox-url`: a records answer outside its contract came back 500 without
    X-SAPI-USED-...-WEIGHT-1M, so the weight check failed as well as the answer's."""
    contract = json.loads(CLOSE.read_text())
    contract["response"]["properties"]["status"]["enum"] = ["DONE"]  # the model answers CLOSED
    with Sandbox(operations=[Operation.from_contract(contract)], clock=Clock()).serve() as server:
        r = call(server, "DELETE", "/sapi/v1/margin/loan-group", {"groupId": 10001})
    assert r.status_code == 500 and r.json()["code"] == -1000 and "/status" in r.json()["msg"], r.text
    assert r.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1000"
