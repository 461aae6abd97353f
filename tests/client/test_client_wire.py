"""Client.call for any contract, the named wrappers, retries, redirects, deadlines and transport failures,
against real loopback servers."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from helpers import ROOT, needs_corpus
from rawserver import RawServer
from stub import DROP, StubServer

from doccontract.client import (
    BinanceAPIError,
    Client,
    ContractViolation,
    ContractWarning,
    ExecutionStatusUnknown,
    RateLimited,
    RedirectRefused,
    RequestNotSent,
    Result,
)
from doccontract.contract.registry import Registry
from doccontract.wire.request import ParamError

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
JSON = {"Content-Type": "application/json"}
REG = Registry.load(ROOT / "contracts")
CLOSE = "DELETE /sapi/v1/margin/loan-group"
RECORDS = "GET /sapi/v1/margin/loan-groups/closed"


def client(url: str, **kw) -> Client:
    kw.setdefault("contracts", REG)
    return Client(KEY, secret=SECRET, base_url=url, **kw)


def ok(body, headers: dict | None = None):
    return (200, {**JSON, **(headers or {})}, json.dumps(body).encode())


def query_of(seen) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(seen.path).query, keep_blank_values=True))


# --------------------------------------------------------------------------- any contract


def example_params(op) -> dict:
    """Minimal valid parameters from the request schema alone."""
    values = {"integer": 1, "string": "USDT", "boolean": True, "array": ["a"], "object": {}}
    out = {}
    for name in op.required:
        schema = op.params[name]
        out[name] = (
            schema["enum"][0]
            if "enum" in schema
            else Decimal("1.5")
            if "anyOf" in schema or schema.get("type") == "number"
            else values.get(schema.get("type"), "x")
        )
    return out


@pytest.mark.parametrize("op", list(REG), ids=lambda o: o.id.rsplit("/", 1)[-1])
def test_call_sends_every_contract_signed_once_and_validates_its_example(op):
    example = op.examples[0] if op.examples else {}
    with StubServer([ok(example, {"X-SAPI-USED-IP-WEIGHT-1M": "7", "X-SAPI-USED-UID-WEIGHT-1M": "9"})]) as srv:
        try:
            result = client(srv.url).call(op.id, **example_params(op))
        except ContractViolation as exc:  # the page's example breaks its own tables: a finding says so
            assert any(f["code"].startswith("page.example") for f in op.contract["findings"]), exc
        else:
            assert isinstance(result, Result) and result.data == example
            assert result.weights == {"X-SAPI-USED-IP-WEIGHT-1M": 7, "X-SAPI-USED-UID-WEIGHT-1M": 9}
        [seen] = srv.seen
    assert (seen.method, urlsplit(seen.path).path) == (op.method, op.path)
    names = [k for k, _ in parse_qsl(urlsplit(seen.path).query)]
    assert names.count("timestamp") == 1 and names.count("recvWindow") == 1 and names[-1] == "signature"
    assert seen.headers["x-mbx-apikey"] == KEY


@needs_corpus
def test_every_margin_and_loan_corpus_contract_is_callable(corpus_build, tmp_path):
    """Before format 2, 47 of these 71 failed: the pages list 'timestamp' in their tables."""
    built, _ = corpus_build
    out = tmp_path / "contracts"
    for section in ("margin_trading", "institutional_loan"):
        shutil.copytree(built / section, out / section)
    reg = Registry.load(out)
    assert len(reg) == 71
    listed = 0
    with StubServer([ok({})]) as srv:
        c = client(srv.url, contracts=reg)
        for op in reg:
            listed += bool(op.auth.get("listedOnPage"))
            try:
                c.call(op, **example_params(op))
            except ContractViolation:
                pass  # '{}' is not every endpoint's answer; the request is what is tested here
            names = [k for k, _ in parse_qsl(urlsplit(srv.seen[-1].path).query)]
            assert names.count("timestamp") == (1 if op.signed else 0), op.id
    assert len(srv.seen) == 71 and listed >= 47


def test_call_by_id_and_by_method_path_and_unknown_operation():
    with StubServer([ok({"groupId": 7, "status": "CLOSED"})]) as srv:
        c = client(srv.url)
        assert c.call(CLOSE, groupId=7).data == {"groupId": 7, "status": "CLOSED"}
        assert c.call("binance/institutional_loan/account/Institution-Loan-Group-Close", groupId=7).status == 200
        with pytest.raises(LookupError, match="no operation 'DELETE /sapi/v1/nope'"):
            c.call("DELETE /sapi/v1/nope")
        assert len(srv.seen) == 2


@pytest.mark.parametrize(
    "params,name",
    [
        ({}, "groupId"),
        ({"groupId": "7"}, "groupId"),
        ({"groupId": 7, "timestamp": 1}, "timestamp"),
        ({"groupId": 7, "x": 1}, "x"),
    ],
)
def test_bad_parameters_are_value_errors_before_anything_is_sent(params, name):
    with StubServer([ok({})]) as srv:
        with pytest.raises(ParamError) as exc:
            client(srv.url).call(CLOSE, **params)
        assert srv.seen == []
    assert exc.value.param == name and isinstance(exc.value, ValueError)


def test_recv_window_per_call_and_its_bounds():
    with StubServer([ok({"groupId": 7, "status": "CLOSED"})]) as srv:
        client(srv.url).call(CLOSE, groupId=7, recvWindow=1500.5)
        assert query_of(srv.seen[0])["recvWindow"] == "1500.5"
        with pytest.raises(ValueError, match="recvWindow"):
            client(srv.url).call(CLOSE, groupId=7, recvWindow=60001)
        for bad in (5000.1234, 1e-05, 0.1 + 0.2):  # what str() makes of them is not what Binance reads
            with pytest.raises(ValueError, match="three decimals") as exc:
                client(srv.url).call(CLOSE, groupId=7, recvWindow=bad)
            assert exc.value.param == "recvWindow"
        assert len(srv.seen) == 1  # none of them was sent
    with pytest.raises(ValueError, match="three decimals"):
        Client(KEY, secret=SECRET, recv_window=1.2345, contracts=REG)


# --------------------------------------------------------------------------- named wrappers


def test_named_wrappers_return_dataclasses_with_weights():
    import dataclasses

    answers = {
        "/sapi/v1/margin/loan-group": {"groupId": 10001, "status": "CLOSED"},
        "/sapi/v1/margin/loan-groups/closed": {
            "total": 1,
            "rows": [
                {
                    "groupId": 3,
                    "closeTime": 5,
                    "createTime": 1,
                    "creditEmail": "a",
                    "enabled": False,
                    "parentEmail": "p",
                }
            ],
        },
        "/sapi/v1/margin/loan-group/borrow": {"transactionId": "12", "amount": 1.5, "status": "success"},
    }

    def answer(seen):
        return ok(answers[urlsplit(seen.path).path], {"X-SAPI-USED-UID-WEIGHT-1M": "1000"})

    with StubServer(answer) as srv:
        c = client(srv.url)
        closed = c.close_risk_unit(10001)
        assert dataclasses.is_dataclass(closed) and type(closed).__name__ == "RiskUnitClosure"
        assert (closed.group_id, closed.status, closed.used_uid_weight, closed.used_ip_weight) == (
            10001,
            "CLOSED",
            1000,
            None,
        )
        records = c.query_closed_risk_units(current=1, size=10)
        assert records.total == 1 and records.rows[0].group_id == 3 and records.rows[0].close_time == 5
        assert query_of(srv.seen[-1])["size"] == "10"
        borrowed = c.borrow(10001, "USDT", Decimal("1.5"))
        assert (
            borrowed.amount == Decimal("1.5") and borrowed.transaction_id == 12
        )  # an id: the page shows it as a number
        assert query_of(srv.seen[-1])["amount"] == "1.5" and srv.seen[-1].method == "POST"


def test_every_family_wrapper_reaches_its_own_contract():
    from doccontract.client import Client as C
    from doccontract.client.families import TABLES

    names = [
        "close_risk_unit",
        "query_risk_units",
        "query_risk_unit_details",
        "query_closed_risk_units",
        "edit_member",
        "borrow",
        "repay",
        "borrow_repay_records",
        "interest_history",
        "transfer",
        "force_liquidation_records",
        "force_liquidation_transfer_records",
    ]
    table = {row[0]: row[1] for row in TABLES["institutional_loan"]}
    assert sorted(table) == sorted(names) and all(callable(getattr(C, n)) for n in names)
    keys = {REG.get(table[n]).key for n in names}
    assert keys == {op.key for op in REG}  # one wrapper per contract of the family, no more, no less


# --------------------------------------------------------------------------- errors and retries


def test_error_body_raises_binance_api_error_with_the_code():
    with StubServer(
        [(400, JSON, b'{"code":-27009,"msg":"The requested borrow amount exceeds the maximum allowed limit."}')]
    ) as srv:
        with pytest.raises(BinanceAPIError) as exc:
            client(srv.url).borrow(1, "USDT", 10**9)
    assert (exc.value.status, exc.value.code) == (400, -27009)


TRANSFER_OUT = "POST /sapi/v1/margin/loan-group/transfer-out"  # its page documents no response body


@pytest.mark.parametrize(
    "op,params",
    [
        (TRANSFER_OUT, {"asset": "USDT", "amount": 1}),
        (CLOSE, {"groupId": 1}),
        ("POST /sapi/v1/margin/loan-group/borrow", {"groupId": 1, "assetName": "USDT", "amount": 1}),
    ],
)
@pytest.mark.parametrize("status", [200, 202])
def test_a_binance_error_body_is_an_error_on_any_status(op, params, status):
    with StubServer([(status, JSON, b'{"code":-3041,"msg":"Balance is not enough"}')]) as srv:
        with pytest.raises(BinanceAPIError) as exc:
            client(srv.url).call(op, **params)
    assert (exc.value.status, exc.value.code, exc.value.msg) == (status, -3041, "Balance is not enough")


@pytest.mark.parametrize(
    "body",
    [
        b'{"code":200,"msg":"success"}',  # exactly Binance's error shape, on a page that documents no such body
        b'{"code":-1000,"msg":"An unknown error occurred","data":null}',  # a negative code is never a success
    ],
)
def test_an_error_shaped_body_the_page_does_not_document_is_an_error(body):
    with StubServer([(200, JSON, body)]) as srv:
        with pytest.raises(BinanceAPIError):
            client(srv.url).transfer("USDT", 1)


def test_a_documented_success_body_with_code_and_msg_is_a_success():
    """Some pages document ``{"code": 200, "msg": "..."}`` as their answer: that is no refusal."""
    from doccontract.contract.store import CLOSE_RISK_UNIT

    c = json.loads((ROOT / "contracts" / f"{CLOSE_RISK_UNIT}.json").read_text(encoding="utf-8"))
    c["response"] = {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "msg": {"type": "string"}},
        "required": ["code", "msg"],
    }
    with StubServer(
        [
            ok({"code": 200, "msg": "The operation of cancel all open order is done."}),
            ok({"code": -2011, "msg": "Unknown order sent."}),
        ]
    ) as srv:
        cl = Client(KEY, secret=SECRET, base_url=srv.url, contract=c)
        assert cl.call(c["id"], groupId=1).data["code"] == 200
        with pytest.raises(BinanceAPIError, match="-2011"):
            cl.call(c["id"], groupId=1)


@pytest.mark.parametrize("number", [b"1e999999", b"-1e999999", b"NaN", b"Infinity", b"-Infinity"])
def test_a_number_no_float_holds_is_a_contract_violation_never_a_value(number):
    body = b'{"transactionId":"12","amount":' + number + b',"status":"success"}'
    with StubServer([(200, JSON, body)] * 2) as srv:
        with pytest.raises(ContractViolation, match="at /amount .*not a finite number") as exc:
            client(srv.url, strict=True).borrow(1, "USDT", 1)
        with pytest.warns(
            ContractWarning, match="/amount: .*not a finite number"
        ):  # the borrow was done: returned, marked
            borrowed = client(srv.url).borrow(1, "USDT", 1)
    assert exc.value.pointer == "/amount"
    assert borrowed.amount is None and borrowed.status == "success" and borrowed.violations[0].startswith("/amount: ")


def test_a_non_finite_number_deep_in_an_answer_is_named_where_it_is():
    body = (
        b'{"total":1,"rows":[{"groupId":3,"closeTime":5e400,"createTime":1,'
        b'"creditEmail":"a","enabled":"x","parentEmail":"p"}]}'
    )
    with StubServer([(200, JSON, body)]) as srv:
        with pytest.raises(ContractViolation, match="at /rows/0/closeTime .*5e400 is not a finite number"):
            client(srv.url).call(RECORDS)


@pytest.mark.parametrize("retry_after", ["2", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_rate_limited_is_never_retried(retry_after):
    with StubServer([(429, {**JSON, "Retry-After": retry_after}, b'{"code":-1003,"msg":"Too many requests"}')]) as srv:
        with pytest.raises(RateLimited) as exc:
            client(srv.url).call(RECORDS)
        assert len(srv.seen) == 1
    assert exc.value.retry_after and exc.value.retry_after >= 2


def test_get_is_retried_on_5xx_and_lost_connections_with_backoff_and_retry_after():
    waits: list[float] = []
    answers = [(503, {"Retry-After": "0"}, b"busy"), DROP, ok({"total": 0, "rows": []})]
    with StubServer(answers) as srv:
        result = client(srv.url, retries=2, backoff=0.01, sleep=waits.append).call(RECORDS)
        assert result.data == {"total": 0, "rows": []} and len(srv.seen) == 3
    assert waits == [0.0, 0.02]  # Retry-After first, then the exponential backoff
    stamps = [query_of(s)["timestamp"] for s in srv.seen]
    assert all(query_of(s)["signature"] for s in srv.seen) and len(stamps) == 3  # each attempt signed afresh


def test_get_retries_are_bounded():
    with StubServer([(500, JSON, b'{"code":-1000,"msg":"x"}')]) as srv:
        with pytest.raises(ExecutionStatusUnknown) as exc:
            client(srv.url, retries=3, backoff=0, sleep=lambda s: None).call(RECORDS)
        assert len(srv.seen) == 4
    assert exc.value.status == 500


@pytest.mark.parametrize("answer", [(500, JSON, b'{"code":-1000,"msg":"x"}'), (502, {}, b"<html>"), DROP])
@pytest.mark.parametrize(
    "op,params",
    [
        (CLOSE, {"groupId": 1}),
        ("POST /sapi/v1/margin/loan-group/borrow", {"groupId": 1, "assetName": "USDT", "amount": 1}),
    ],
)
def test_anything_but_get_is_never_retried(answer, op, params):
    with StubServer([answer]) as srv:
        with pytest.raises(ExecutionStatusUnknown, match="UNKNOWN"):
            client(srv.url, retries=5, backoff=0, sleep=lambda s: None).call(op, **params)
        assert len(srv.seen) == 1


# --------------------------------------------------------------------------- redirects and where the key goes


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirects_are_refused_naming_the_host_and_nothing_is_resent(status):
    with StubServer([ok({"groupId": 1, "status": "CLOSED"})]) as elsewhere:
        target = f"{elsewhere.url}/sapi/v1/margin/loan-group"
        with StubServer([(status, {"Location": target}, b"")]) as srv:
            with pytest.raises(RedirectRefused) as exc:
                client(srv.url).close_risk_unit(1)
            assert len(srv.seen) == 1
        assert elsewhere.seen == []
    assert exc.value.target_host == urlsplit(elsewhere.url).netloc and exc.value.target_host in str(exc.value)


def test_the_key_is_not_sent_where_the_contract_does_not_ask_for_it():
    op = dict(REG.get(RECORDS).contract)
    op.update(auth={"kind": "none"}, id="public")
    with StubServer([ok({"total": 0, "rows": []})]) as srv:
        client(srv.url, contract=op).call("public")
        assert "x-mbx-apikey" not in srv.seen[0].headers and "signature" not in query_of(srv.seen[0])


def test_a_contract_path_cannot_leave_the_base_url():
    op = dict(REG.get(RECORDS).contract)
    op.update(path="@evil.example/x", id="evil")
    with pytest.raises(ValueError, match="would leave"):
        client("http://127.0.0.1:9", contract=op).call("evil")


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize(
    "bad",
    [
        "Tok3n-abc\n",
        " Tok3n-abc",
        "Tok3n abc",
        "Tok3n-ébc",
        "Tok3n-abc\x00",
        "",
        'Tok3n"abc',
        "Tok3n\\abc",
        '"Tok3n-abc"',
    ],
)
def test_keys_and_secrets_are_validated_without_echoing_them(bad):
    for kw in ({"api_key": bad, "secret": SECRET}, {"api_key": KEY, "secret": bad}):
        with pytest.raises(ValueError) as exc:
            Client(contracts=REG, **kw)
        if bad.strip():
            assert bad.strip() not in str(exc.value) and bad.strip('"') not in str(exc.value)


def test_signed_call_without_a_secret_is_refused_before_sending():
    with StubServer([ok({})]) as srv:
        with pytest.raises(ValueError, match="is signed"):
            Client(KEY, base_url=srv.url, contracts=REG).call(CLOSE, groupId=1)
        assert srv.seen == []


def test_exceptions_are_scrubbed_of_key_and_secret():
    body = json.dumps({"code": -2015, "msg": f"Invalid API-key {KEY} / {SECRET}"}).encode()
    with StubServer([(401, {**JSON, "X-Echo": KEY}, body)]) as srv:
        with pytest.raises(BinanceAPIError) as exc:
            client(srv.url).close_risk_unit(1)
    for text in (str(exc.value), repr(exc.value), exc.value.msg, json.dumps(exc.value.headers)):
        assert KEY not in text and SECRET not in text
    assert KEY not in repr(client("http://127.0.0.1:9"))


# --------------------------------------------------------------------------- transport failures


def test_dns_failure_is_not_sent():
    with pytest.raises(RequestNotSent):
        client("http://doccontract-no-such-host.invalid", timeout=3, retries=0).close_risk_unit(1)


def test_tls_to_a_plain_http_port_is_not_sent():
    with StubServer([ok({})]) as srv:
        with pytest.raises(RequestNotSent):
            client(srv.url.replace("http://", "https://"), timeout=3).close_risk_unit(1)
        assert srv.seen == []


def _trickle(sent: list[int], total: int, in_head: bool = False):
    """Trickle ``total`` pieces 50 ms apart: body bytes, or (``in_head``) header lines."""

    def reply(conn: socket.socket, _req: bytes) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\n"
            if in_head
            else b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % total
        )
        for i in range(total):
            conn.sendall(b"X-Slow-%d: 1\r\n" % i if in_head else b" ")
            sent.append(1)
            time.sleep(0.05)

    return reply


@pytest.mark.parametrize("in_head", [False, True], ids=["body", "head"])
def test_the_deadline_is_total_not_per_read(in_head):
    """A server trickling a piece every 50 ms would need 30 s; a 0.5 s deadline ends the call while it trickles
    (a head cut by the deadline is never taken for a complete, empty answer)."""
    sent: list[int] = []
    with RawServer(_trickle(sent, 600, in_head)) as srv:
        with pytest.raises(ExecutionStatusUnknown, match="deadline"):
            client(srv.url, timeout=0.5).close_risk_unit(1)
        done = len(sent)
    assert 0 < done < 600


def test_a_trickled_get_is_not_retried_past_the_deadline():
    sent: list[int] = []
    with RawServer(_trickle(sent, 600)) as srv:
        with pytest.raises(ExecutionStatusUnknown):
            client(srv.url, timeout=0.5, retries=5, sleep=lambda s: None).call(RECORDS)
        assert len(srv.requests) == 1


def _raw(data: bytes):
    def reply(conn: socket.socket, _req: bytes) -> None:
        conn.sendall(data)

    return reply


@pytest.mark.parametrize(
    "data",
    [
        b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"groupId":',  # a 200 cut short
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"gro\r\nzz\r\n',  # broken chunking
        b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"groupId"',  # chunked, cut
        b"",  # dropped after sending
        b"HTTP/1.1 20",  # dropped inside the status line
    ],
)
def test_answers_cut_short_are_unknown(data):
    with RawServer(_raw(data)) as srv:
        with pytest.raises(ExecutionStatusUnknown, match="UNKNOWN"):
            client(srv.url).close_risk_unit(1)


@pytest.mark.parametrize(
    "headers,body,what",
    [
        ({"Content-Encoding": "gzip"}, b"not gzip at all", "cannot be decoded"),
        ({}, b"[" * 10_000 + b"]" * 10_000, "not JSON|deeper"),
        ({}, b"[" * 100 + b"]" * 100, "deeper than 64"),
        ({}, b"<html>ok</html>", "not JSON"),
        ({}, b'{"groupId": NaN, "status": "CLOSED"}', "/groupId.*NaN is not a finite number"),
    ],
)
def test_undecodable_or_too_deep_bodies_are_contract_violations(headers, body, what):
    with StubServer([(200, headers, body)] * 2) as srv:
        with pytest.raises(ContractViolation, match=what):
            client(srv.url, strict=True).close_risk_unit(1)
        with pytest.warns(ContractWarning, match=what):  # the DELETE was done: its result comes back, marked
            closed = client(srv.url).close_risk_unit(1)
    assert re.search(what, closed.violations[0]) and closed.group_id is None  # never a value it could not read


def test_a_huge_body_is_a_contract_violation_without_reading_it_all():
    bomb = gzip.compress(b" " * (40 * 1024 * 1024))  # 40 MB of spaces, about 40 KB on the wire
    with StubServer([(200, {"Content-Encoding": "gzip"}, bomb)] * 2) as srv:
        with pytest.raises(ContractViolation, match="larger than"):
            client(srv.url, strict=True).close_risk_unit(1)
        with pytest.warns(ContractWarning, match="larger than"):
            assert client(srv.url).close_risk_unit(1).violations


def test_a_5xx_with_a_damaged_body_is_still_unknown():
    with StubServer([(503, {"Content-Encoding": "gzip"}, b"junk")]) as srv:
        with pytest.raises(ExecutionStatusUnknown):
            client(srv.url).close_risk_unit(1)


# --------------------------------------------------------------------------- the import graph


def test_importing_the_client_imports_no_reader():
    code = (
        "import sys, doccontract.client, doccontract.wire.request, doccontract.contract.registry; "
        "print(sorted(m for m in sys.modules if m.startswith(('doccontract.', 'markdown_it', 'bs4', 'lxml'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    loaded = eval(out)  # a printed list of module names
    assert not [m for m in loaded if m.startswith("doccontract.read")], loaded
    for reader in ("doccontract.contract.schema", "doccontract.contract.build", "markdown_it", "bs4", "lxml"):
        assert reader not in loaded, loaded


@pytest.mark.parametrize("kind", ["RSA", "ED25519"])
def test_asymmetric_keys_close_thirty_units_on_the_sandbox(kind):
    """Issue 7: RSA failed 30 of 30 and Ed25519 22 of 30 when '+' in the signature arrived as a space."""
    from helpers import pem_pair

    from doccontract.sandbox import Sandbox, State

    private, public = pem_pair(kind)
    state = json.loads((ROOT / "tools/doccontract/data/sandbox_state.json").read_text())
    state["accounts"].append({"uid": 2009, "role": "credit", "apiKey": "asymmetric-key-2009", "publicKey": public})
    state["riskUnits"] += [
        {"groupId": 900 + i, "status": "ACTIVE", "creditUid": 2009, "collateralUids": []} for i in range(30)
    ]
    with Sandbox(State.from_json(state)).serve() as srv:
        c = Client("asymmetric-key-2009", private_key=private, base_url=srv.url, contracts=REG)
        assert [c.close_risk_unit(900 + i).status for i in range(30)] == ["CLOSED"] * 30
