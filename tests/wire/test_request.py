"""The contract format, the registry and the one request model (client and server sides)."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from doccontract.contract.format import FORMAT
from doccontract.contract.registry import Operation, Registry
from doccontract.rules import SIGNING_NAMES
from doccontract.wire import request as rq

REG = Registry.load(ROOT / "contracts")
CAT = REG.catalogue
CLOSE = REG.get("DELETE /sapi/v1/margin/loan-group")
NOW = 1_700_000_000.0  # the injected clock, seconds


def clock() -> float:
    return NOW


def server(op: Operation, query: str, body: str = "", **kw) -> rq.Request:
    return rq.read(op, query, body, clock=clock, catalogue=CAT, **kw)


def signed(query: str, ts: int | None = None) -> str:
    return (
        f"{query}&timestamp={ts if ts is not None else int(NOW * 1000)}&signature=abc"
        if query
        else f"timestamp={int(NOW * 1000)}&signature=abc"
    )


# --------------------------------------------------------------------------- contract format


def test_every_contract_is_format_2_with_auth_and_no_signing_params_in_request():
    assert len(REG) == 12
    for op in REG:
        c = op.contract
        assert c["format"] == FORMAT and "signed" not in c
        assert not set(SIGNING_NAMES) & set(op.params), op.id
        assert not set(SIGNING_NAMES) & set(op.required), op.id
        assert op.auth_kind == "signed" and op.auth["header"] == "X-MBX-APIKEY"
        assert (
            op.auth["params"]["recvWindow"]["default"] == 5000 and op.auth["params"]["recvWindow"]["maximum"] == 60000
        )
        unit = op.weight["unit"]
        assert op.weight["limit"] == unit and op.weight["header"] == f"X-SAPI-USED-{unit}-WEIGHT-1M"
    trade = REG.get("GET /sapi/v1/margin/loan-group/force-liquidation")
    assert trade.auth["listedOnPage"] == ["recvWindow", "timestamp"]  # the page's table listed them
    assert sum(o.weight["unit"] == "IP" for o in REG) == 8


@pytest.mark.parametrize(
    "security,listed,kind",
    [
        ({"en": None, "zh-CN": None}, [], "none"),
        ({"en": "MARKET_DATA"}, [], "api-key"),
        ({"en": "USER_STREAM", "zh-CN": "USER_STREAM"}, [], "api-key"),
        ({"en": "MARKET_DATA", "zh-CN": "USER_DATA"}, [], "signed"),  # the stricter language wins
        ({"en": None}, ["timestamp"], "signed"),
        ({"en": "TRADE"}, [], "signed"),
    ],
)
def test_auth_kind_from_security_type(security, listed, kind):
    from doccontract.contract.format import auth_section
    from doccontract.rules import auth_kind

    assert auth_kind(security, listed) == kind
    assert auth_section(kind)["kind"] == kind


def test_weight_units_other_than_ip_and_uid_keep_the_page_word_without_a_header():
    from doccontract.contract.format import weight_section

    assert weight_section({"value": 5, "unit": "IP"}, "/api/v3/order") == {
        "value": 5,
        "unit": "IP",
        "limit": "IP",
        "header": None,
    }
    assert weight_section({"value": 5, "unit": None}, "/sapi/v1/x") == {
        "value": 5,
        "unit": None,
        "limit": None,
        "header": None,
    }
    assert weight_section(None, "/sapi/v1/x") is None


def test_openapi_document_carries_the_signing_params_once():
    doc = json.loads((ROOT / "contracts/openapi.json").read_text())
    op = doc["paths"]["/sapi/v1/margin/loan-group/force-liquidation"]["get"]
    names = [p["name"] for p in op["parameters"]]
    assert sorted(n for n in names if n in SIGNING_NAMES) == sorted(SIGNING_NAMES)
    assert len(names) == len(set(names))


# --------------------------------------------------------------------------- registry


def test_registry_finds_by_id_or_method_and_path():
    assert REG.get(CLOSE.id) is CLOSE
    assert REG.get("delete  /sapi/v1/margin/loan-group") is CLOSE
    assert CLOSE.weight_value == 1000 and CLOSE.weight_header == "X-SAPI-USED-UID-WEIGHT-1M"
    assert CLOSE.errors == [] and REG.get("binance/institutional_loan/borrow-and-repay").errors == [-27009]
    assert [o.method for o in REG.routes("/sapi/v1/margin/loan-group")] == ["DELETE"]


@pytest.mark.parametrize("asked", ["GET /sapi/v1/margin/loan-group", "nope", "DELETE /sapi/v1/margin/loan-grou"])
def test_registry_lookup_error_names_what_was_asked_and_what_exists(asked):
    with pytest.raises(LookupError) as exc:
        REG.get(asked)
    assert repr(asked) in str(exc.value) and "DELETE /sapi/v1/margin/loan-group" in str(exc.value)


def test_registry_refuses_old_or_broken_contracts(tmp_path):
    (tmp_path / "a.json").write_text(
        json.dumps({"id": "a", "method": "GET", "path": "/x", "request": {}, "response": {}})
    )
    with pytest.raises(ValueError, match="a.json: contract format None, expected 2; run 'doccontract build'"):
        Registry.load(tmp_path)
    with pytest.raises(LookupError, match="no contracts folder"):
        Registry.load(tmp_path / "missing")
    with pytest.raises(LookupError, match="contract id or 'METHOD /path'"):
        REG.get(None)  # type: ignore[arg-type]


def test_one_path_documented_twice_is_asked_for_by_id(tmp_path):
    c = dict(CLOSE.contract)
    ops = [Operation.from_contract({**c, "id": "one"}), Operation.from_contract({**c, "id": "two"})]
    with pytest.raises(LookupError, match="documented by 2 contracts; ask by id: one, two"):
        Registry(ops).get("DELETE /sapi/v1/margin/loan-group")
    with pytest.raises(LookupError, match="'one' names several contracts"):
        Registry([ops[0], ops[0]]).get("one")


# --------------------------------------------------------------------------- client side


def test_to_wire_types_every_kind():
    records = REG.get("GET /sapi/v1/margin/loan-group/borrow-repay")
    assert rq.to_wire(records, {"groupId": 7, "type": "BORROW", "size": 10, "asset": None}) == [
        ("groupId", "7"),
        ("type", "BORROW"),
        ("size", "10"),
    ]
    borrow = REG.get("POST /sapi/v1/margin/loan-group/borrow")
    for amount, text in [
        (Decimal("1.50"), "1.50"),
        (2, "2"),
        (0.1, "0.1"),
        ("3.25", "3.25"),
        (Decimal("1E+2"), "100"),
        (1e-7, "0.0000001"),
        ("2e3", "2000"),
    ]:
        assert dict(rq.to_wire(borrow, {"groupId": 1, "assetName": "USDT", "amount": amount}))["amount"] == text
    edit = REG.get("POST /sapi/v1/margin/loan-group/edit-member")
    sent = dict(rq.to_wire(edit, {"groupId": 1, "subEmail": "a@b.c", "enableMargin": True, "enableSpot": False}))
    assert sent["enableMargin"] == "true" and sent["enableSpot"] == "false"


@pytest.mark.parametrize(
    "params,code,name",
    [
        ({}, -1102, "groupId"),
        ({"groupId": "1"}, -1100, "groupId"),
        ({"groupId": True}, -1100, "groupId"),
        ({"groupId": 2**63}, -1100, "groupId"),
        ({"groupId": 1, "extra": 1}, -1104, "extra"),
        ({"groupId": 1, "timestamp": 1}, -1104, "timestamp"),
        ({"groupId": 1, "signature": "x"}, -1104, "signature"),
    ],
)
def test_to_wire_errors_name_the_parameter(params, code, name):
    with pytest.raises(rq.ParamError) as exc:
        rq.to_wire(CLOSE, params)
    assert (exc.value.code, exc.value.param) == (code, name)
    assert f"parameter {name!r}" in str(exc.value) and isinstance(exc.value, ValueError)


@pytest.mark.parametrize("amount", [float("nan"), float("inf"), Decimal("NaN"), "1,5", "abc", True, [1]])
def test_to_wire_refuses_what_is_not_a_decimal(amount):
    borrow = REG.get("POST /sapi/v1/margin/loan-group/borrow")
    with pytest.raises(rq.ParamError, match="'amount'"):
        rq.to_wire(borrow, {"groupId": 1, "assetName": "USDT", "amount": amount})


def test_enum_and_bool_types_are_checked():
    request = {"type": "object", "properties": {"side": {"type": "string", "enum": ["BUY", "SELL"]}}, "required": []}
    op = Operation.from_contract({**CLOSE.contract, "request": request})
    with pytest.raises(rq.ParamError, match="'side': 'LEND' is not one of"):
        rq.to_wire(op, {"side": "LEND"})
    with pytest.raises(rq.ParamError) as exc:
        server(op, signed("side=LEND"))
    assert exc.value.msg == "Illegal characters found in parameter 'side'; legal range is 'BUY|SELL'."
    edit = REG.get("POST /sapi/v1/margin/loan-group/edit-member")
    with pytest.raises(rq.ParamError, match="'enableMargin': must be a bool"):
        rq.to_wire(edit, {"groupId": 1, "subEmail": "a", "enableMargin": "true"})


# --------------------------------------------------------------------------- server side


def test_server_reads_typed_values_and_the_signed_payload():
    r = server(CLOSE, signed("groupId=10001"))
    assert r.params == {"groupId": 10001}
    assert r.raw.payload == f"groupId=10001&timestamp={int(NOW * 1000)}" and r.raw.signature == "abc"
    assert r.signing.recv_window == 5000


def test_query_wins_over_body_and_the_payload_is_query_then_body():
    r = server(CLOSE, signed("groupId=1"), "groupId=2&recvWindow=100", content_type="application/x-www-form-urlencoded")
    assert r.params["groupId"] == 1 and r.signing.recv_window == 100
    assert r.raw.payload.endswith("groupId=2&recvWindow=100")


@pytest.mark.parametrize(
    "query,code,name,msg",
    [
        (
            "groupId=1",
            -1102,
            "timestamp",
            "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
        ),
        (
            f"groupId=1&timestamp={int(NOW * 1000)}",
            -1102,
            "signature",
            "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
        ),
        (signed(""), -1102, "groupId", "Mandatory parameter 'groupId' was not sent, was empty/null, or malformed."),
        (signed("groupId="), -1102, "groupId", None),
        (signed("groupId=abc"), -1100, "groupId", "Illegal characters found in parameter 'groupId'; legal range is"),
        (signed("groupId=9223372036854775808"), -1100, "groupId", None),
        (signed("groupId=%FF"), -1100, "groupId", None),
        (signed("groupId=1&groupId=2"), -1101, "groupId", "Duplicate values for a parameter detected."),
        (
            signed("groupId=1&foo=2"),
            -1104,
            "foo",
            "Not all sent parameters were read; read '3' parameter(s) but was sent '4'.",
        ),
        (signed("groupId=1&recvWindow=60001"), -1131, "recvWindow", "recvWindow must be less than 60000"),
        (signed("groupId=1&recvWindow=5000.1234"), -1100, "recvWindow", None),
        (signed("groupId=1&recvWindow=-1"), -1100, "recvWindow", None),
        (
            signed("groupId=1", int(NOW * 1000) - 5001),
            -1021,
            "timestamp",
            "Timestamp for this request is outside of the recvWindow.",
        ),
        (
            signed("groupId=1", int(NOW * 1000) + 1000),
            -1021,
            "timestamp",
            "Timestamp for this request was 1000ms ahead of the server's time.",
        ),
        (signed("groupId=1", -5), -1100, "timestamp", None),
    ],
)
def test_server_errors_carry_binance_code_wording_and_the_parameter(query, code, name, msg):
    with pytest.raises(rq.ParamError) as exc:
        server(CLOSE, query)
    assert (exc.value.code, exc.value.param) == (code, name)
    if msg:
        assert exc.value.msg.startswith(msg)


def test_timestamp_in_microseconds_and_recv_window_with_decimals():
    r = server(CLOSE, f"groupId=1&timestamp={int(NOW * 1_000_000) - 4_999_500}&recvWindow=4999.6&signature=x")
    assert r.signing.timestamp_ms == pytest.approx(NOW * 1000 - 4999.5) and r.signing.recv_window == 4999.6
    with pytest.raises(rq.ParamError, match="recvWindow"):
        server(CLOSE, f"groupId=1&timestamp={int(NOW * 1_000_000) - 4_999_500}&recvWindow=4999.4&signature=x")


def test_a_form_body_of_another_type_is_refused():
    with pytest.raises(rq.ParamError, match="application/x-www-form-urlencoded"):
        server(CLOSE, signed("groupId=1"), '{"a":1}', content_type="application/json")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    group=st.integers(min_value=-(2**63), max_value=2**63 - 1),
    asset=st.sampled_from(
        REG.get("POST /sapi/v1/margin/loan-group/borrow").params["assetName"]["enum"]
    ),  # "USDT or USDC"
    email=st.text(min_size=1, max_size=12),
    amount=st.decimals(allow_nan=False, allow_infinity=False, places=8),
)
def test_client_and_server_sides_agree(group, asset, email, amount):
    borrow = REG.get("POST /sapi/v1/margin/loan-group/borrow")
    pairs = rq.to_wire(borrow, {"groupId": group, "assetName": asset, "amount": amount})
    back = server(borrow, signed(urlencode(pairs)))
    assert back.params == {"groupId": group, "assetName": asset, "amount": amount}
    transfer = REG.get("POST /sapi/v1/margin/loan-group/transfer-out")  # any text round-trips too
    pairs = rq.to_wire(transfer, {"subEmail": email, "asset": asset, "amount": amount})
    assert server(transfer, signed(urlencode(pairs))).params == {"subEmail": email, "asset": asset, "amount": amount}


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60), st.binary(max_size=40))
def test_server_side_raises_only_param_errors(query, body):
    try:
        server(CLOSE, query, body.decode("latin-1"), content_type="application/x-www-form-urlencoded")
    except rq.ParamError as exc:
        assert exc.code in (-1100, -1101, -1102, -1104, -1131, -1021)
