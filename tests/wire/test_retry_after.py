"""One reading of Retry-After for the client, the suite and the drift watcher: bounded, never raising."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest
from helpers import ROOT
from stub import StubServer

from doccontract.suite.operations import load_operations
from doccontract.suite.sandbox_target import demo_keys
from doccontract.suite.target import Clock, Target
from doccontract.wire.transport import RETRY_AFTER_CAP, retry_after

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),  # a date gone by: no wait
        ("9" * 5000, RETRY_AFTER_CAP),  # past int()'s digit limit: capped, not ValueError
        ("86401", RETRY_AFTER_CAP),
        (formatdate(NOW + 10 * 365 * 86400, usegmt=True), RETRY_AFTER_CAP),
        ("Fri, 31 Dec 9999 23:59:59 GMT", RETRY_AFTER_CAP),
    ],
)
def test_seconds_or_an_http_date_within_bounds(value, seconds):
    assert retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    "value",
    [None, "", "\u00b2", "-5", "+5", "1.5", "1e3", "nan", "inf", "soon", "Mon, 99 Foo 2024 25:61:61 GMT", "\x00"],
)
def test_anything_else_is_no_wait_and_never_an_exception(value):
    assert retry_after(value, now=NOW) is None


LTV = "GET /sapi/v1/margin/loan-group/ltv-details"
JSON = {"Content-Type": "application/json"}


def _send(answers) -> tuple[int, float, int]:
    """(status, seconds the suite's frozen clock waited, requests the server saw) of one send."""
    (op,) = load_operations(ROOT / "contracts", LTV)
    clock = Clock(frozen=True, start=time.time())
    with StubServer(answers) as srv:
        target = Target("live", srv.url, demo_keys(), clock, budget=False)
        start = clock.now()
        try:
            answer = target.send(op)
        finally:
            target.close()
        return answer.status, clock.now() - start, len(srv.seen)


@pytest.mark.parametrize("value", ["\u00b2", "-1"])
def test_the_suite_reports_a_429_whose_retry_after_is_no_number_instead_of_raising(value):
    """'²' passes str.isdigit(); the suite once took int() of it and crashed on the server's header."""
    status, waited, seen = _send([(429, {**JSON, "Retry-After": value}, b'{"code":-1003,"msg":"Too many requests"}')])
    assert (status, waited, seen) == (429, 0, 1)


def test_the_suite_waits_out_an_http_date_then_resends():
    when = formatdate(time.time() + 30, usegmt=True)
    status, waited, seen = _send([(429, {**JSON, "Retry-After": when}, b"{}"), (200, JSON, b'{"asset":"USDT"}')])
    assert status == 200 and seen == 2 and 25 <= waited <= 31
