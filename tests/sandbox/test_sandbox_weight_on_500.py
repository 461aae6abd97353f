"""An answer the sandbox refuses to send (it would break its contract) still reports the weight it cost."""

from __future__ import annotations

from helpers import Clock
from test_sandbox import call

from doccontract.sandbox import Sandbox

RECORDS = "/sapi/v1/margin/loan-group/borrow-repay"


def test_a_500_for_an_answer_outside_the_contract_carries_the_weight_header():
    """Found with `check --sandbox-url`: a decimal borrow recorded, then the records page (whose table
    says amount is LONG) answered 500 without X-SAPI-USED-IP-WEIGHT-1M, failing the weight check too."""
    clock = Clock()
    with Sandbox(clock=clock).serve() as server:
        assert call(server, "POST", "/sapi/v1/margin/loan-group/borrow", {"groupId": 10001, "assetName": "USDT", "amount": "1.5"}).status_code == 200
        r = call(server, "GET", RECORDS, {"type": "BORROW", "groupId": 10001})
    assert r.status_code == 500 and r.json()["code"] == -1000 and "/rows/0/amount" in r.json()["msg"], r.text
    assert r.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "10"
