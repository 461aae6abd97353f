"""The close itself: against the sandbox always, against live only with both opt-ins."""

from __future__ import annotations

import os

import pytest
from jsonschema import Draft202012Validator
from suite import assert_error

from doccontract.client import Client


def test_success_body_matches_the_response_schema(fresh_sandbox, contract):
    resp = fresh_sandbox.send(contract, {"groupId": 10001})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    Draft202012Validator(contract["response"]).validate(body)
    assert body["status"] in contract["response"]["properties"]["status"]["enum"]
    assert body["groupId"] == 10001
    used = int(resp.headers["X-SAPI-USED-UID-WEIGHT-1M"])
    assert used == contract["weight"]["value"]  # one call's documented weight


def test_closing_twice_gives_the_documented_error(fresh_sandbox, contract, error_validator):
    assert fresh_sandbox.send(contract, {"groupId": 10001}).status_code == 200
    assert_error(fresh_sandbox.send(contract, {"groupId": 10001}), error_validator, 400, -27001)


def test_outstanding_liability_blocks_the_close(sandbox_only, contract, error_validator):
    body = assert_error(sandbox_only.send(contract, {"groupId": 10002}), error_validator, 400, -27018)
    assert "repaid" in body["msg"]
    assert_error(sandbox_only.send(contract, {"groupId": 10005}), error_validator, 400, -27018)  # interest alone


def test_unknown_or_foreign_unit_is_not_found(sandbox_only, contract, error_validator):
    assert_error(sandbox_only.send(contract, {"groupId": 424242}), error_validator, 400, -27001)
    assert_error(sandbox_only.send(contract, {"groupId": 10004}), error_validator, 400, -27001)  # credit account 2002's unit


def test_live_close_needs_both_opt_ins(target, contract, request):
    """The one irreversible call: BINANCE_LIVE_CLOSE_GROUP_ID and --allow-destructive, or it does not run."""
    if target.kind != "live":
        pytest.skip("live only")
    group = os.environ.get("BINANCE_LIVE_CLOSE_GROUP_ID")
    if not group or not request.config.getoption("--allow-destructive"):
        pytest.skip("a real close needs BINANCE_LIVE_CLOSE_GROUP_ID and --allow-destructive")
    client = Client(target.api_key, base_url=target.base_url, contract=contract, **target.credentials)
    result = client.close_risk_unit(int(group))
    assert result.group_id == int(group)
    assert result.status in contract["response"]["properties"]["status"]["enum"]
