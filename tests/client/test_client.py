"""The client against real local servers: inputs, answers, errors, no retries, no leaked secrets."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from helpers import LIABILITY_OUTSTANDING, UNIT_NOT_FOUND
from stub import DROP, SLOW, StubServer

from doccontract.client import (
    BinanceAPIError,
    Client,
    ContractViolation,
    ContractWarning,
    ExecutionStatusUnknown,
    RateLimited,
    RequestNotSent,
)
from doccontract.sandbox import Sandbox

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
JSON = {"Content-Type": "application/json"}


def client(url: str, **kw) -> Client:
    return Client(KEY, secret=SECRET, base_url=url, **kw)


def ok(body: dict, headers: dict | None = None):
    return (200, {**JSON, **(headers or {})}, json.dumps(body).encode())


@pytest.mark.parametrize("bad", [True, 1.0, "10001", None, 2**63, -(2**63) - 1])
def test_group_id_is_checked_before_any_request(bad):
    with StubServer([ok({})]) as srv:
        with pytest.raises(ValueError, match="groupId"):
            client(srv.url).close_risk_unit(bad)
        assert srv.seen == []


def test_recv_window_above_60000_is_refused():
    with pytest.raises(ValueError, match="60000"):
        Client(KEY, secret=SECRET, recv_window=60001)


def test_success_returns_the_closure_with_used_weight():
    with StubServer([ok({"groupId": 7, "status": "CLOSED"}, {"X-SAPI-USED-UID-WEIGHT-1M": "3000"})]) as srv:
        result = client(srv.url).close_risk_unit(7)
    assert (result.group_id, result.status, result.used_uid_weight) == (7, "CLOSED", 3000)
    assert srv.seen[0].method == "DELETE" and srv.seen[0].path.startswith("/sapi/v1/margin/loan-group?groupId=7&")
    assert srv.seen[0].headers["x-mbx-apikey"] == KEY


@pytest.mark.parametrize(
    "body,pointer,wording",
    [
        ({"groupId": 7, "status": "OPEN"}, "/status", "CLOSED:This risk unit has been closed successfully"),
        ({"groupId": "7", "status": "CLOSED"}, "/groupId", "Risk unit unique identifier"),
        ({"status": "CLOSED"}, "/", ""),
    ],
)
def test_an_answer_that_breaks_the_contract_raises_under_strict(body, pointer, wording):
    with StubServer([ok(body)] * 2) as srv:
        with pytest.raises(ContractViolation) as exc:
            client(srv.url, strict=True).close_risk_unit(7)
        with pytest.warns(ContractWarning):  # by default the closure (done) comes back with what is wrong in it
            closed = client(srv.url).close_risk_unit(7)
    assert exc.value.pointer == pointer
    assert wording in str(exc.value)
    assert closed.violations == exc.value.violations and closed.violations[0].startswith(pointer)


def test_error_body_raises_binance_api_error():
    with StubServer(
        [
            (
                400,
                JSON,
                (
                    f'{{"code":{LIABILITY_OUTSTANDING},"msg":"risk unit cannot be closed: liability not fully repaid"}}'
                ).encode(),
            )
        ]
    ) as srv:
        with pytest.raises(BinanceAPIError) as exc:
            client(srv.url).close_risk_unit(7)
    assert (exc.value.status, exc.value.code) == (400, LIABILITY_OUTSTANDING)
    assert "liability" in exc.value.msg


@pytest.mark.parametrize("status", [429, 418])
def test_rate_limits_raise_with_retry_after(status):
    with StubServer([(status, {**JSON, "Retry-After": "37"}, b'{"code":-1003,"msg":"Too many requests"}')]) as srv:
        with pytest.raises(RateLimited) as exc:
            client(srv.url).close_risk_unit(7)
        assert len(srv.seen) == 1
    assert exc.value.retry_after == 37 and exc.value.status == status


def test_header_numbers_in_other_digits_are_not_numbers():
    """A header is read as latin-1: '²' passes str.isdigit() but is no number of seconds or weight."""
    answers = [
        (429, {**JSON, "Retry-After": "\u00b2"}, b'{"code":-1003,"msg":"Too many requests"}'),
        (200, {**JSON, "X-SAPI-USED-UID-WEIGHT-1M": "\u00b9"}, b'{"groupId":7,"status":"CLOSED"}'),
    ]
    with StubServer(answers) as srv:
        with pytest.raises(RateLimited) as exc:
            client(srv.url).close_risk_unit(7)
        assert exc.value.retry_after is None
        assert client(srv.url).close_risk_unit(7).used_uid_weight is None


@pytest.mark.parametrize(
    "answer", [(500, JSON, b'{"code":-1000,"msg":"An unknown error occurred"}'), (503, {}, b"<html>busy</html>"), DROP]
)
def test_5xx_or_lost_connection_is_unknown_and_never_retried(answer):
    with StubServer([answer]) as srv:
        with pytest.raises(ExecutionStatusUnknown, match="UNKNOWN"):
            client(srv.url).close_risk_unit(7)
        assert len(srv.seen) == 1, "a DELETE is never retried"


def test_read_timeout_is_unknown():
    with StubServer([SLOW]) as srv:
        with pytest.raises(ExecutionStatusUnknown):
            client(srv.url, timeout=0.3).close_risk_unit(7)


def test_connection_refused_is_not_sent():
    with StubServer([ok({})]) as srv:
        url = srv.url
    with pytest.raises(RequestNotSent):
        client(url).close_risk_unit(7)


def test_secrets_never_appear_in_repr_exceptions_or_logs(caplog):
    caplog.set_level(logging.DEBUG)
    c = client("http://127.0.0.1:9")
    assert SECRET not in repr(c) and KEY not in repr(c)
    with StubServer([(400, JSON, b'{"code":-1022,"msg":"Signature for this request is not valid."}')]) as srv:
        c.base_url = srv.url
        with pytest.raises(BinanceAPIError) as exc:
            c.close_risk_unit(7)
    for text in (str(exc.value), repr(exc.value), caplog.text, repr(exc.value.__dict__)):
        assert SECRET not in text and KEY not in text


def test_client_against_the_sandbox_end_to_end():
    with Sandbox().serve() as srv:
        c = client(srv.url, session=requests.Session())
        assert c.close_risk_unit(10001).status == "CLOSED"
        with pytest.raises(BinanceAPIError) as exc:
            c.close_risk_unit(10001)
        assert exc.value.code == UNIT_NOT_FOUND
