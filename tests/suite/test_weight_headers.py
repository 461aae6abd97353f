"""A used-weight header is a count or nothing: '²', a sign or 5,000 digits never end a run."""

from __future__ import annotations

import time

import pytest
from helpers import ROOT
from stub import StubServer

from doccontract.suite.checks import CheckFailed, weight_header_is_documented
from doccontract.suite.operations import load_operations
from doccontract.suite.sandbox_target import demo_keys
from doccontract.suite.target import Clock, Target
from doccontract.wire.transport import header_count

LTV = "GET /sapi/v1/margin/loan-group/ltv-details"
JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(("value", "count"), [("7", 7), (" 1000 ", 1000), ("0", 0), ("9" * 18, 10**18 - 1)])
def test_ascii_digits_are_a_count(value, count):
    assert header_count(value) == count


@pytest.mark.parametrize("value", [None, "", " ", "\u00b2", "\u0661\u0662", "-1", "+1", "1.5", "0x10", "9" * 5000])
def test_anything_else_is_no_count_and_never_an_exception(value):
    assert header_count(value) is None


@pytest.mark.parametrize("value", ["\u00b2", "9" * 5000])
def test_the_suite_goes_on_after_a_weight_header_that_is_no_number_and_the_check_names_it(value):
    """'²' passes str.isdigit(); the suite's weight budget once took int() of it and crashed the run."""
    (op,) = load_operations(ROOT / "contracts", LTV)
    headers = {**JSON, op.weight_header: value}
    with StubServer([(200, headers, b'{"asset":"USDT"}')] * 2) as srv:
        target = Target("live", srv.url, demo_keys(), Clock(frozen=True, start=time.time()), budget=True)
        try:
            answers = [target.send(op) for _ in range(2)]
        finally:
            target.close()
        assert len(srv.seen) == 2 and [a.status for a in answers] == [200, 200]
    with pytest.raises(CheckFailed, match="not a count"):
        weight_header_is_documented(answers[1], op)
