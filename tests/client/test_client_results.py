"""Issue 17, the client half: every documented answer of the family comes back typed, a done state change is
never an exception, parameters in snake_case, one exception tree.  Real loopback servers throughout."""

from __future__ import annotations

import copy
import json
import warnings
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
from helpers import ROOT
from jsonschema import Draft202012Validator
from stub import StubServer

from doccontract.client import (
    Client,
    ClientError,
    ContractViolation,
    ContractWarning,
    CredentialsMissing,
    ParamError,
    Records,
    form,
)
from doccontract.client.families import TABLES
from doccontract.client.records import example_values
from doccontract.contract.registry import Registry
from doccontract.wire import request as wire_request

KEY, SECRET = "demo-credit-key-2001", "demo-credit-secret-2001"
JSON = {"Content-Type": "application/json"}
REG = Registry.load(ROOT / "contracts")
FAMILY = TABLES["institutional_loan"]
BORROW = "POST /sapi/v1/margin/loan-group/borrow"
ACTIVE = "GET /sapi/v1/margin/loan-groups/activated"
#: What each named method is called with (valid for its contract).
ARGS: dict[str, tuple] = {
    "close_risk_unit": (10001,),
    "query_risk_units": (),
    "query_risk_unit_details": (),
    "query_closed_risk_units": (),
    "edit_member": (10001, "a@b.c", True, False),
    "borrow": (10001, "USDT", Decimal("1.5")),
    "repay": (10001, "USDT", Decimal("1.5")),
    "borrow_repay_records": ("BORROW",),
    "interest_history": (),
    "transfer": ("USDT", Decimal("5"), "a@b.c"),
    "force_liquidation_records": (),
    "force_liquidation_transfer_records": (),
}
#: The transfer page documents no body; the sandbox answers this shape (tranId, amount).
TRANSFER_ANSWER = {"tranId": 100000001, "amount": "5.5"}


def client(url: str, **kw) -> Client:
    kw.setdefault("contracts", REG)
    return Client(KEY, secret=SECRET, base_url=url, **kw)


def ok(body) -> tuple[int, dict, bytes]:
    return (200, JSON, json.dumps(body).encode())


def sent(seen) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(seen.path).query or seen.body.decode(), keep_blank_values=True))


def leaves(schema, value, at=""):
    """(pointer, leaf schema, wire value) for every scalar of ``value`` the schema documents."""
    if isinstance(value, dict):
        props = schema.get("properties", {}) if isinstance(schema, dict) else {}
        for k, v in value.items():
            yield from leaves(props.get(k, {}), v, f"{at}/{k}")
    elif isinstance(value, list):
        item = schema.get("items", {}) if isinstance(schema, dict) else {}
        for i, v in enumerate(value):
            yield from leaves(item, v, f"{at}/{i}")
    else:
        yield at, schema, value


def typed(record, pointer: str):
    """The record's value at a wire pointer (camelCase keys -> snake_case attributes)."""
    from doccontract.client.records import snake

    node = record
    for part in [p for p in pointer.split("/") if p]:
        node = node[int(part)] if part.isdigit() else getattr(node, snake(part))
    return node


EXPECTED = {"decimal": Decimal, "flag": bool, "int": int, "str": str}


def no_float(value) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, (list, tuple)):
        return all(no_float(v) for v in value)
    if hasattr(value, "__dataclass_fields__"):
        return all(no_float(getattr(value, f)) for f in value.__dataclass_fields__)
    return True


@pytest.mark.parametrize("row", FAMILY, ids=lambda r: r[0])
def test_every_documented_answer_of_the_family_comes_back_typed(row):
    name, operation = row[0], row[1]
    op = REG.get(operation)
    example = op.examples[0] if op.examples else TRANSFER_ANSWER
    if name == "transfer":
        example = TRANSFER_ANSWER
    valid = Draft202012Validator(op.response).is_valid(example)
    with StubServer([ok(example)] * 2) as srv:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            if op.method == "GET" and not valid:  # nothing changed: a read that breaks its contract raises by default
                with pytest.raises(ContractViolation) as exc:
                    getattr(client(srv.url), name)(*ARGS[name])
                assert exc.value.violations and exc.value.operation == op.key
                record = getattr(client(srv.url, strict=False), name)(*ARGS[name])
            else:
                record = getattr(client(srv.url), name)(*ARGS[name])
        assert len(srv.seen) == (2 if op.method == "GET" and not valid else 1)
    assert bool(record.violations) == (not valid)
    assert any(issubclass(w.category, ContractWarning) for w in caught) == (not valid)
    assert no_float(record), record
    if isinstance(example, list):
        assert (
            isinstance(record, Records)
            and len(record) == len(example)
            and list(record) == [record[i] for i in range(len(record))]
        )
    seen = example_values(op.response, op.examples)
    for pointer, schema, wire in leaves(op.response, example):
        value = typed(record, pointer)
        kind = form(schema, seen.get(id(schema), ()))
        if wire is None or kind not in EXPECTED or not Draft202012Validator(schema).is_valid(wire):
            continue
        assert isinstance(value, EXPECTED[kind]) and not (kind == "int" and isinstance(value, bool)), (
            pointer,
            value,
            kind,
        )
        if kind == "decimal":
            assert value == Decimal(str(wire)), pointer  # the digits on the wire, not a float's


def test_money_flags_and_ids_in_every_wire_form():
    """The contract decides the type (the i17 type policy's shapes), whatever form the wire used."""
    contract = copy.deepcopy(REG.get(ACTIVE).contract)
    member = contract["response"]["items"]["properties"]["members"]["items"]["properties"]
    flag = {"type": ["boolean", "string"], "enum": [True, False, "TRUE", "FALSE", "true", "false"]}
    member["enableSpot"] = member["enableMargin"] = flag
    unit = contract["response"]["items"]["properties"]
    unit["groupId"] = {"type": ["integer", "string"]}
    unit["ltv"] = {"type": ["number", "string"], "x-doc-type": "DECIMAL"}
    members = [
        {"email": "a", "type": "CREDIT", "enableSpot": True, "enableMargin": "false"},
        {"email": "b", "type": "COLLATERAL", "enableSpot": "TRUE", "enableMargin": "FALSE"},
        {"email": "c", "type": "COLLATERAL", "enableSpot": "true", "enableMargin": False},
    ]
    body = [
        {"createTime": 1, "groupId": "12317283617", "ltv": 0.1, "members": members},
        {"createTime": 2, "groupId": 7, "ltv": "0E-8", "members": []},
    ]
    with StubServer([ok(body)]) as srv:
        units = Client(KEY, secret=SECRET, base_url=srv.url, contract=contract).query_risk_units()
    assert [m.enable_spot for m in units[0].members] == [True, True, True]
    assert [m.enable_margin for m in units[0].members] == [False, False, False]
    assert [u.group_id for u in units] == [12317283617, 7]
    assert units[0].ltv == Decimal("0.1") and units[1].ltv == Decimal("0E-8") and isinstance(units[1].ltv, Decimal)
    assert units[0].create_time == 1 and type(units[0].create_time) is int


def test_amounts_the_page_calls_string_are_decimals_and_text_stays_text():
    op = REG.get("GET /sapi/v1/margin/loan-group/ltv-details")
    with StubServer([ok(op.examples[0])]) as srv:
        [unit] = client(srv.url).query_risk_unit_details()
    wallet = unit.collateral_accounts[0].wallets[1]
    assert (wallet.maintain_margin, wallet.net_equity, unit.ltv) == (
        Decimal("0.50106177"),
        Decimal("4.98938226"),
        Decimal("0.592"),
    )
    assert unit.max_transfer_out_amount == Decimal(0) and isinstance(
        unit.max_transfer_out_amount, Decimal
    )  # documented as "0"
    assert (unit.credit_email, wallet.account_type, unit.group_id, unit.update_time) == (
        "tst20241120@test.com",
        "CROSS_MARGIN",
        1,
        1752137105623,
    )


def test_a_flag_the_table_calls_string_is_a_bool_whatever_the_wire_sends():
    """Query Activated: the table says STRING, the page's example sends true: 'false' must not be truthy."""
    member = {"email": "a", "type": "CREDIT", "enableSpot": "false", "enableMargin": "TRUE"}
    with StubServer([ok([{"createTime": 1, "groupId": 5, "members": [member]}])]) as srv:
        [unit] = client(srv.url).query_risk_units()
    assert (unit.members[0].enable_spot, unit.members[0].enable_margin) == (False, True)


def test_a_list_answer_iterates_and_keeps_its_weights():
    body = [{"createTime": 1, "groupId": n, "members": []} for n in (5, 6, 7)]
    with StubServer([(200, {**JSON, "X-SAPI-USED-UID-WEIGHT-1M": "40"}, json.dumps(body).encode())]) as srv:
        units = client(srv.url).query_risk_units()
    assert [u.group_id for u in units] == [5, 6, 7] and len(units) == 3 and units[-1].group_id == 7
    assert units.used_uid_weight == 40 and units.items == tuple(units)


def test_transfer_keeps_every_field_its_answer_carries():
    with StubServer([ok(TRANSFER_ANSWER)]) as srv:
        moved = client(srv.url).transfer("USDT", Decimal("5.5"), sub_email="a@b.c")
        assert sent(srv.seen[0])["subEmail"] == "a@b.c"
    assert (
        moved.tran_id == 100000001 and moved.amount == Decimal("5.5") and isinstance(moved.amount, Decimal)
    )  # the request's DECIMAL


def test_a_borrow_that_breaks_its_contract_is_returned_with_violations_and_a_warning():
    broken = {"amount": "lots", "transactionId": 5}  # no 'status', an amount that is no decimal
    with StubServer([ok(broken)] * 2) as srv:
        with pytest.warns(ContractWarning, match="was done") as caught:
            borrowed = client(srv.url).borrow(10001, "USDT", Decimal("100"))
        assert len(srv.seen) == 1  # one borrow: no retry, no exception inviting a second one
        assert borrowed.amount == "lots" and borrowed.status is None
        assert len(borrowed.violations) >= 2 and any(v.startswith("/amount: ") for v in borrowed.violations)
        assert any("'status' is a required property" in v for v in borrowed.violations)
        assert caught[0].filename == __file__  # the warning points at the caller's line
        with pytest.raises(ContractViolation) as exc:
            client(srv.url, strict=True).borrow(10001, "USDT", Decimal("100"))
    assert exc.value.operation == BORROW and exc.value.response.status == 200
    assert set(exc.value.violations) == set(borrowed.violations)


def test_the_warning_can_be_made_an_error_like_any_warning():
    with StubServer([ok({"amount": "lots"})]) as srv:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ContractWarning)
            with pytest.raises(ContractWarning):
                client(srv.url).borrow(10001, "USDT", 1)


def test_a_get_that_breaks_its_contract_raises_unless_strict_is_false():
    broken = [{"createTime": "yesterday", "groupId": 1, "members": []}]
    with StubServer([ok(broken)] * 2) as srv:
        with pytest.raises(ContractViolation, match="/0/createTime") as exc:
            client(srv.url).query_risk_units()
        assert exc.value.pointer == "/0/createTime" and exc.value.response.body == broken
        with pytest.warns(ContractWarning):
            units = client(srv.url, strict=False).query_risk_units()
    assert units[0].create_time == "yesterday" and units.violations


def test_violations_are_scrubbed_of_the_key():
    with StubServer([ok({"amount": KEY, "status": "success", "transactionId": "1"})]) as srv:
        with pytest.warns(ContractWarning) as caught:
            borrowed = client(srv.url).borrow(10001, "USDT", 1)
    assert borrowed.violations and all(KEY not in v for v in borrowed.violations)
    assert all(KEY not in str(w.message) for w in caught)


def test_every_parameter_in_snake_case_or_the_page_name_but_not_both():
    answer = {"groupId": 7, "status": "CLOSED"}
    with StubServer([ok(answer)] * 3) as srv:
        c = client(srv.url)
        c.call("DELETE /sapi/v1/margin/loan-group", group_id=7, recv_window=1500)
        c.call("DELETE /sapi/v1/margin/loan-group", groupId=7)
        assert [sent(s)["groupId"] for s in srv.seen] == ["7", "7"] and sent(srv.seen[0])["recvWindow"] == "1500"
        with pytest.raises(ParamError, match="groupId") as exc:
            c.call("DELETE /sapi/v1/margin/loan-group", group_id=7, groupId=7)
        assert exc.value.param == "groupId" and len(srv.seen) == 2
    with StubServer([ok({"rows": [], "total": 0})]) as srv:
        client(srv.url).borrow_repay_records("BORROW", start_time=1, end_time=2, current=1, size=10)
        assert {
            k: v for k, v in sent(srv.seen[0]).items() if k in ("type", "startTime", "endTime", "current", "size")
        } == {
            "type": "BORROW",
            "startTime": "1",
            "endTime": "2",
            "current": "1",
            "size": "10",
        }


def test_one_exception_tree():
    with StubServer([]) as srv:
        with pytest.raises(ClientError) as exc:
            client(srv.url).call(BORROW, groupId=1, assetName="USDT", amount="lots")
        assert srv.seen == []
    err = exc.value
    assert isinstance(err, ParamError) and isinstance(err, ValueError) and isinstance(err, wire_request.ParamError)
    assert (err.param, err.code, err.operation) == ("amount", -1100, BORROW)
    with pytest.raises(CredentialsMissing) as missing:
        Client(KEY, base_url="http://127.0.0.1:9", contracts=REG).borrow(1, "USDT", 1)
    assert isinstance(missing.value, ClientError) and isinstance(missing.value, ValueError)


@pytest.mark.parametrize(
    "schema,kind",
    [
        (
            {
                "anyOf": [
                    {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$"},
                    {"type": "number"},
                ],
                "x-doc-type": "DECIMAL",
            },
            "decimal",
        ),
        ({"type": "string", "x-doc-type": "BigDecimal"}, "decimal"),
        ({"type": ["number", "string"], "x-doc-type": "String"}, "decimal"),
        ({"type": "string", "pattern": "^[0-9]+\\.[0-9]+$"}, "decimal"),
        ({"type": "boolean"}, "flag"),
        ({"type": "string", "enum": ["TRUE", "FALSE"]}, "flag"),
        ({"type": ["integer", "string"], "x-doc-type": "STRING"}, "int"),
        ({"type": "integer", "x-doc-type": "LONG"}, "int"),
        ({"type": "string", "enum": ["CLOSED"]}, "str"),
        ({"type": "string", "pattern": "^[A-Z]+$"}, "str"),
        ({"type": "array", "items": {"type": "string"}}, "list"),
        ({"properties": {}}, "record"),
        ({}, "any"),
    ],
)
def test_one_rule_decides_a_fields_python_type(schema, kind):
    assert form(schema) == kind


@pytest.mark.parametrize(
    "examples,kind",
    [
        (["0.50106177", "0"], "decimal"),
        (["0"], "decimal"),
        (["1E-8"], "decimal"),
        (["12317283617"], "str"),  # digits only: an id written as text, not an amount
        (["0.5", "n/a"], "str"),
        ([], "str"),
        ([True, False], "flag"),  # a table's STRING whose example is a boolean (Query Closed Group Record: enabled)
        ([12317283617], "int"),  # ... an integer (Borrow: transactionId)
        ([7.09447643, 2], "decimal"),  # ... a number (Interest History: interest)
        ([True, "x"], "str"),
    ],
)
def test_a_text_field_takes_the_form_its_documented_examples_show(examples, kind):
    assert form({"type": "string", "x-doc-type": "String"}, examples) == kind


@pytest.mark.parametrize(
    "answer,cls",
    [
        ((503, {}, b"<html>busy</html>"), "ExecutionStatusUnknown"),
        ((400, JSON, b'{"code":-1100,"msg":"bad demo-credit-key-2001"}'), "BinanceAPIError"),
        ((302, {"Location": "http://elsewhere.example/x"}, b""), "RedirectRefused"),
    ],
)
def test_exceptions_carry_the_operation_and_the_response_scrubbed(answer, cls):
    with StubServer([answer]) as srv:
        with pytest.raises(ClientError) as exc:
            client(srv.url).close_risk_unit(7)
    err = exc.value
    assert type(err).__name__ == cls and err.operation == "DELETE /sapi/v1/margin/loan-group"
    assert err.response is not None and err.response.status == answer[0]
    assert KEY not in repr(err.response) and KEY not in json.dumps(err.response.body)


def test_a_broken_server_time_is_an_error_even_when_not_strict():
    from doccontract.client import SERVER_TIME_CONTRACT

    with StubServer([ok({"serverTime": "soon"}), ok({})]) as srv:
        c = Client(KEY, secret=SECRET, base_url=srv.url, contract=SERVER_TIME_CONTRACT, strict=False)
        for _ in range(2):
            with pytest.warns(ContractWarning), pytest.raises(ClientError, match="not usable"):
                c.sync_clock()
    assert c.offset_ms is None
