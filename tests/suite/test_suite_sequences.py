"""Checks across requests: a close must reach the closed records, a borrow the borrow records.

A relay in front of a real sandbox "forgets" one effect; the sequences must fail on it, and pass
on the faithful sandbox (embedded target, and `check --target live` with the sandbox standing in)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from helpers import ROOT
from relay import params, path, relay

from doccontract.sandbox import Sandbox
from doccontract.suite.cases import valid_params
from doccontract.suite.checks import Checker, CheckFailed
from doccontract.suite.operations import load_operations
from doccontract.suite.sandbox_target import demo_keys
from doccontract.suite.sequences import AGREEMENTS, FAMILY, Written, agree, carried, run, validate
from doccontract.suite.target import Clock, Target

CLOSE = "DELETE /sapi/v1/margin/loan-group"
CLOSED = "/sapi/v1/margin/loan-groups/closed"
KEYS = {
    "BINANCE_CREDIT_API_KEY": "demo-credit-key-2001",
    "BINANCE_CREDIT_API_SECRET": "demo-credit-secret-2001",
    "BINANCE_PARENT_API_KEY": "demo-parent-key-0001",
    "BINANCE_PARENT_API_SECRET": "demo-parent-secret-0001",
}


@pytest.fixture(scope="module")
def ops():
    return {o.key: o for o in load_operations(ROOT / "contracts")}


def forget_closed(seen, reply):
    """The closed-unit records never list a unit closed through this relay."""
    if path(seen) == "/sapi/v1/margin/loan-group" and seen.method == "DELETE" and reply[0] == 200:
        forget_closed.ids.add(int(params(seen)["groupId"]))
    if path(seen) == CLOSED and reply[0] == 200:
        body = json.loads(reply[2])
        body["rows"] = [r for r in body["rows"] if r["groupId"] not in forget_closed.ids]
        return reply[0], reply[1], json.dumps(body).encode()
    return None


def forget_borrows(seen, reply):
    """The borrow records never list anything (a stateless stand-in answering its empty example)."""
    if path(seen) == "/sapi/v1/margin/loan-group/borrow-repay" and reply[0] == 200:
        return reply[0], reply[1], json.dumps({"total": 0, "rows": []}).encode()
    return None


def _run(ops, sequence, change=None) -> Checker:
    forget_closed.ids = set()
    clock = Clock(frozen=True)
    checker = Checker()
    with Sandbox(contracts=ROOT / "contracts", clock=clock.now).serve() as api, relay(api.url, change) as front:
        target = Target("sandbox", front.url, demo_keys(), clock, budget=False)
        write_op = ops[sequence.write]
        family = tuple(e for o in ops.values() if o is not write_op for e in o.examples)
        sent, _ = carried(sequence, ops, valid_params(write_op, family=family))

        def write() -> Written:
            return Written(sent, target.send(write_op, sent), clock.ms(), clock.ms())

        try:
            run(sequence, ops, target, checker, sent, write)
        finally:
            target.close()
    return checker


def test_the_family_table_names_only_what_the_contracts_document(ops):
    assert validate(ops.values()) == []
    records = ops["GET /sapi/v1/margin/loan-group/borrow-repay"]
    response = json.loads(json.dumps(records.response))
    del response["properties"]["rows"]["items"]["properties"]["tranId"]
    broken = {**ops, records.key: replace(records, response=response)}
    assert any("borrow-repay answers no field 'tranId'" in p for p in validate(broken.values()))


@pytest.mark.parametrize("sequence", FAMILY, ids=[s.name for s in FAMILY])
def test_every_sequence_passes_on_the_faithful_sandbox(ops, sequence):
    checker = _run(ops, sequence)
    assert len(checker.said) >= 1 + len(sequence.shows), checker.said  # the write, then one check per read at least


def test_a_sandbox_that_forgets_closed_units_in_the_records_fails_the_close_sequence(ops):
    (close,) = [s for s in FAMILY if s.write == CLOSE]
    with pytest.raises(CheckFailed, match=r"GET /sapi/v1/margin/loan-groups/closed does not list groupId 10001"):
        _run(ops, close, forget_closed)


def test_a_stand_in_whose_borrow_records_stay_empty_fails_the_borrow_sequence(ops):
    (borrow,) = [s for s in FAMILY if s.write.endswith("/borrow")]
    with pytest.raises(CheckFailed, match=r"borrow-repay does not list tranId"):
        _run(ops, borrow, forget_borrows)


def test_the_details_and_the_active_list_agree_and_a_phantom_unit_is_caught(ops):
    (agreement,) = AGREEMENTS

    def phantom(seen, reply):
        if path(seen) == "/sapi/v1/margin/loan-group/ltv-details" and reply[0] == 200:
            body = json.loads(reply[2])
            return reply[0], reply[1], json.dumps([*body, {**body[0], "groupId": 424242}]).encode()
        return None

    for change, fails in ((None, False), (phantom, True)):
        clock = Clock(frozen=True)
        with Sandbox(contracts=ROOT / "contracts", clock=clock.now).serve() as api, relay(api.url, change) as front:
            target = Target("sandbox", front.url, demo_keys(), clock, budget=False)
            if fails:
                with pytest.raises(CheckFailed, match="424242 not in GET /sapi/v1/margin/loan-groups/activated"):
                    agree(agreement, ops, target, Checker())
            else:
                checker = Checker()
                agree(agreement, ops, target, checker)
                assert any("as parent" in s and "none is missing" in s for s in checker.said), checker.said
            target.close()


def _live_close(url: str, group: str = "10001") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BINANCE_")} | KEYS
    env |= {"BINANCE_BASE_URL": url, "BINANCE_LIVE_CLOSE_GROUP_ID": group}
    cmd = [
        sys.executable,
        "-m",
        "doccontract",
        "check",
        "--target",
        "live",
        "--allow-destructive",
        "--format",
        "json",
        "--operation",
        CLOSE,
    ]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def _sequence_row(stdout: str) -> str:
    results = json.loads(stdout)["results"]
    (line,) = [
        f"{r['outcome']} {r['check']}: {r['detail']}"
        for r in results
        if r["endpoint"] == CLOSE and r["check"].startswith("sequence: close")
    ]
    return line


def test_live_with_both_opt_ins_the_close_must_reach_the_closed_records():
    forget_closed.ids = set()
    with Sandbox(contracts=ROOT / "contracts").serve() as api, relay(api.url) as faithful:
        ok = _live_close(faithful.url)
        closes = [s for s in faithful.seen if s.method == "DELETE" and params(s).get("groupId") == "10001"]
    with Sandbox(contracts=ROOT / "contracts").serve() as api, relay(api.url, forget_closed) as forgetful:
        bad = _live_close(forgetful.url)
    assert ok.returncode == 0, ok.stdout[-3000:]
    assert "PASSED" in _sequence_row(ok.stdout) and "closeTime is the time of the request" in _sequence_row(ok.stdout)
    assert len(closes) == 1  # the documented-request check and the sequence share the one real close
    assert bad.returncode == 1, bad.stdout[-3000:]
    assert "FAILED" in _sequence_row(bad.stdout) and "does not list groupId 10001" in _sequence_row(bad.stdout)


def test_a_live_close_group_id_that_is_no_integer_fails_by_name_and_closes_nothing():
    """'²' passes str.isdigit(), and int() of it raised inside the check instead of naming the variable."""
    with Sandbox(contracts=ROOT / "contracts").serve() as api, relay(api.url) as front:
        r = _live_close(front.url, group="\u00b2")
        closes = [s for s in front.seen if s.method == "DELETE"]
    assert r.returncode == 1, r.stdout[-3000:]
    assert "BINANCE_LIVE_CLOSE_GROUP_ID must be the risk unit's groupId (an integer)" in _sequence_row(r.stdout)
    assert "ValueError" not in r.stdout + r.stderr
    assert all(params(s).get("groupId") != "\u00b2" for s in closes)
