"""Non-destructive probes: rejected before any state changes, so they run against live too."""

from __future__ import annotations

import time

from suite import assert_error


def test_no_api_key_is_rejected(target, contract, error_validator):
    resp = target.send(contract, {"groupId": 1}, api_key=None)
    assert_error(resp, error_validator, 401, (-2014, -2015))


def test_unknown_api_key_is_rejected(target, contract, error_validator):
    resp = target.send(contract, {"groupId": 1}, api_key="doccontractUnknownKey0000000000000000000000000000000000000000000")
    assert_error(resp, error_validator, 401, (-2014, -2015))


def test_bad_signature_is_rejected(target, contract, error_validator):
    resp = target.send(contract, {"groupId": 1}, sign="0" * 64)
    body = assert_error(resp, error_validator, 400, -1022)
    assert "signature" in body["msg"].lower()


def test_stale_timestamp_is_rejected(target, contract, error_validator):
    stale = int(time.time() * 1000) - 120_000  # two minutes old, beyond the default 5000 ms window
    resp = target.send(contract, {"groupId": 1}, timestamp_ms=stale)
    body = assert_error(resp, error_validator, 400, -1021)
    assert "recvWindow" in body["msg"]


def test_missing_mandatory_parameter_is_rejected(target, contract, error_validator):
    for name in contract["request"]["required"]:
        params = {}  # every documented mandatory parameter, one missing at a time (only groupId here)
        resp = target.send(contract, params)
        body = assert_error(resp, error_validator, 400, -1102)
        assert name in body["msg"]


def test_accepted_requests_report_used_uid_weight(target, contract):
    if (contract.get("weight") or {}).get("unit") != "UID":
        return
    resp = target.send(contract, {})  # passes authentication, then fails on the missing parameter
    assert resp.headers.get("X-SAPI-USED-UID-WEIGHT-1M", "").isdigit()
