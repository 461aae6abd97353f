"""The Institutional Loan family on one sandbox: every contract answered within its schema, and the model's
rules across endpoints."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from helpers import LIABILITY_OUTSTANDING, UNIT_NOT_FOUND, Clock
from jsonschema import Draft202012Validator
from test_sandbox import DEMO, PARENT, call, stored

from doccontract.client import Client
from doccontract.contract.registry import Operation, Registry
from doccontract.sandbox import Sandbox, State

CONTRACTS = Registry.load()
FAMILY = [op for op in CONTRACTS if op.id.startswith("binance/institutional_loan/")]
CREDIT = ("demo-credit-key-2001", "demo-credit-secret-2001")
COLLATERAL = ("demo-collateral-key-3001", "demo-collateral-secret-3001")
DAY = 86_400_000

# A call that succeeds on the demo state, per path: (key and secret, parameters as Python values).
VALID = {
    "/sapi/v1/margin/loan-group/ltv-details": (PARENT, {}),
    "/sapi/v1/margin/loan-groups/activated": (PARENT, {}),
    "/sapi/v1/margin/loan-groups/closed": (CREDIT, {}),
    "/sapi/v1/margin/loan-group/edit-member": (
        PARENT,
        {"groupId": 10001, "subEmail": "collateral3006@demo.test", "enableSpot": True, "enableMargin": True},
    ),
    "/sapi/v1/margin/loan-group": (CREDIT, {"groupId": 10001}),
    "/sapi/v1/margin/loan-group/borrow": (CREDIT, {"groupId": 10001, "assetName": "USDT", "amount": Decimal("100")}),
    "/sapi/v1/margin/loan-group/repay": (CREDIT, {"groupId": 10002, "assetName": "USDT", "amount": Decimal("10")}),
    "/sapi/v1/margin/loan-group/borrow-repay": (CREDIT, {"type": "BORROW"}),
    "/sapi/v1/margin/loan-group/interest-history": (CREDIT, {}),
    "/sapi/v1/margin/loan-group/transfer-out": (COLLATERAL, {"asset": "USDT", "amount": Decimal("1")}),
    "/sapi/v1/margin/loan-group/force-liquidation": (
        CREDIT,
        {"groupId": 10002, "startTime": 1767484800000, "endTime": 1767657600000},
    ),
    "/sapi/v1/margin/loan-group/force-liquidation-transfer-record": (
        CREDIT,
        {"startTime": 1767484800000, "endTime": 1767657600000},
    ),
}


@pytest.fixture
def clock():
    return Clock(1_767_700_000.0)  # 2026-01-06, after the demo state's records


@pytest.fixture
def srv(clock, serve_sandbox):
    return serve_sandbox(Sandbox(clock=clock))  # an internal error behind a 500 fails the test at teardown


def test_the_family_is_all_here():
    assert len(FAMILY) == 12 and {op.path for op in FAMILY} == set(VALID)


@pytest.mark.parametrize("op", FAMILY, ids=lambda op: op.id.rsplit("/", 1)[-1])
def test_the_clients_call_of_every_family_contract_returns_a_body_valid_against_it(srv, clock, op):
    (key, secret), params = VALID[op.path]
    params = {k: v for k, v in params.items() if k in op.params}  # the contract decides what is sent
    result = Client(key, secret=secret, base_url=srv.url, contracts=CONTRACTS, clock=clock).call(op.id, **params)
    Draft202012Validator(op.response).validate(result.data)
    assert result.status == 200 and list(result.weights.values()) == [op.weight_value]


def _get(srv, path, params=None, who=CREDIT):
    r = call(srv, "GET", path, params or {}, key=who[0], secret=who[1])
    assert r.status_code == 200, r.text
    return r.json()


def _post(srv, path, params, who=CREDIT, method="POST"):
    return call(srv, method, path, params, key=who[0], secret=who[1], in_body=True)


@pytest.fixture
def scenario(clock):
    """The demo state with unit 10001 at 0.1% an hour: round amounts, easy to add up in the assertions below."""
    data = json.loads(DEMO.read_text())
    next(u for u in data["riskUnits"] if u["groupId"] == 10001)["interestRate"] = "0.001"
    with Sandbox(State.from_json(data), clock=clock).serve() as server:
        yield server


def test_scenario_borrow_repay_close_then_records(scenario, clock):
    srv, base = scenario, "/sapi/v1/margin/loan-group"
    borrowed = _post(srv, f"{base}/borrow", {"groupId": 10001, "assetName": "USDT", "amount": "1000"})
    assert borrowed.status_code == 200 and borrowed.json()["status"] == "success", borrowed.text
    ltv = _get(srv, f"{base}/ltv-details", {"groupId": 10001}, PARENT)
    assert [(li["assetName"], li["principal"]) for li in ltv[0]["liabilities"]] == [("USDT", "1000")]
    r = _post(srv, base, {"groupId": 10001}, method="DELETE")
    assert r.json()["code"] == LIABILITY_OUTSTANDING, r.text  # owing: not closable

    clock.t += 2 * 3600  # two hours of interest at the unit's hourly rate
    history = _get(srv, f"{base}/interest-history", {"groupId": 10001})
    assert int(history["total"]) == 2 and {row["assetName"] for row in history["rows"]} == {"USDT"}
    owed = _get(srv, f"{base}/ltv-details", {"groupId": 10001}, PARENT)[0]["liabilities"][0]
    assert (owed["principal"], owed["interest"]) == ("1000", "2")

    repaid = _post(srv, f"{base}/repay", {"groupId": 10001, "assetName": "USDT", "amount": "5000"})
    assert repaid.status_code == 200 and float(repaid.json()["amount"]) == 1002, (
        repaid.text
    )  # min(available, amount, owed)
    records = _get(srv, f"{base}/borrow-repay", {"groupId": 10001, "type": "REPAY"})
    assert records["total"] == 1 and records["rows"][0]["type"] == "REPAY"
    assert (records["rows"][0]["principal"], records["rows"][0]["interest"]) == (1000, 2)  # interest first
    assert _get(srv, f"{base}/borrow-repay", {"type": "BORROW"})["total"] == 1

    closed = _post(srv, base, {"groupId": 10001}, method="DELETE")
    assert closed.json() == {"groupId": 10001, "status": "CLOSED"}, closed.text
    active = _get(srv, "/sapi/v1/margin/loan-groups/activated", who=PARENT)
    assert 10001 not in {u["groupId"] for u in active} and 10002 in {u["groupId"] for u in active}
    rows = _get(srv, "/sapi/v1/margin/loan-groups/closed")["rows"]
    assert rows[0]["groupId"] == 10001 and rows[0]["closeTime"] == clock.ms()
    assert [r["groupId"] for r in rows] == [10001, 10003]  # most recently closed first
    # a closed unit's records stay readable by groupId; without it only active units count
    assert _get(srv, f"{base}/borrow-repay", {"groupId": 10001, "type": "BORROW"})["total"] == 1
    assert _get(srv, f"{base}/borrow-repay", {"type": "BORROW"})["total"] == 0


def test_borrow_above_the_maximum_is_27009(srv):
    limit = _get(srv, "/sapi/v1/margin/loan-group/ltv-details", {"groupId": 10001}, PARENT)[0]["maxAllowedBorrowLimit"]
    over = _post(
        srv,
        "/sapi/v1/margin/loan-group/borrow",
        {"groupId": 10001, "assetName": "USDT", "amount": str(float(limit) + 0.01)},
    )
    assert over.status_code == 400 and over.json()["code"] == -27009, over.text
    assert (
        _post(
            srv, "/sapi/v1/margin/loan-group/borrow", {"groupId": 10001, "assetName": "USDT", "amount": limit}
        ).status_code
        == 200
    )


@pytest.mark.parametrize(
    "who,params,code",
    [
        (PARENT, {"asset": "USDT", "amount": "1"}, -27026),  # a parent must name the sub-account
        (PARENT, {"subEmail": "nobody@demo.test", "asset": "USDT", "amount": "1"}, -3003),
        (
            ("demo-collateral-key-3006", "demo-collateral-secret-3006"),
            {"asset": "USDT", "amount": "1"},
            -27026,
        ),  # in no unit
        (
            ("demo-collateral-key-3003", "demo-collateral-secret-3003"),
            {"asset": "USDT", "amount": "1"},
            -27027,
        ),  # margin not enabled
        (COLLATERAL, {"asset": "USDT", "amount": "999999"}, -27028),
        (COLLATERAL, {"subEmail": "collateral3002@demo.test", "asset": "USDT", "amount": "1"}, -27029),
    ],
)
def test_transfer_out_follows_the_pages_codes(srv, who, params, code):
    r = _post(srv, "/sapi/v1/margin/loan-group/transfer-out", params, who)
    assert r.status_code == 400 and r.json()["code"] == code, r.text


def test_transfer_out_moves_margin_to_spot(srv):
    r = _post(srv, "/sapi/v1/margin/loan-group/transfer-out", {"asset": "USDT", "amount": "25"}, COLLATERAL)
    assert r.status_code == 200, r.text
    acc = srv.sandbox.state.by_uid[3001]
    assert (acc.balance("MARGIN", "USDT"), acc.balance("SPOT", "USDT")) == (1975, 5025)


@pytest.fixture
def shared_wallet(clock):
    """The demo state with unit 1 owing 100000 USDT at a 0.8 threshold: 275050 of credit 2001's shared margin
    USDT may leave."""
    data = json.loads(DEMO.read_text())
    unit = next(u for u in data["riskUnits"] if u["groupId"] == 1)
    unit["liabilities"][0]["principal"], unit["transferOutLtv"] = "100000", "0.8"
    with Sandbox(State.from_json(data), clock=clock).serve() as server:
        yield server


def test_transfer_out_keeps_every_unit_sharing_the_wallet_within_its_threshold(shared_wallet):
    srv, path = shared_wallet, "/sapi/v1/margin/loan-group/transfer-out"
    mine = {
        u["groupId"]: u
        for u in _get(srv, "/sapi/v1/margin/loan-group/ltv-details", who=PARENT)
        if u["creditEmail"] == "credit2001@demo.test"
    }
    room = {gid: Decimal(u["maxTransferOutAmount"]) for gid, u in mine.items()}
    assert (
        len(room) == 4 and room[1] == min(room.values()) == Decimal("275050") < room[10001]
    )  # unit 10001 is listed first
    over = _post(srv, path, {"asset": "USDT", "amount": str(room[1] + Decimal("0.00000001"))})
    assert over.status_code == 400 and over.json()["code"] == -27028, over.text
    assert _post(srv, path, {"asset": "USDT", "amount": str(room[1])}).status_code == 200
    after = {
        u["groupId"]: u for u in _get(srv, "/sapi/v1/margin/loan-group/ltv-details", who=PARENT) if u["groupId"] in room
    }
    assert Decimal(after[1]["ltv"]) <= Decimal("0.8") and Decimal(after[1]["maxTransferOutAmount"]) == 0


def test_edit_member_links_collateral_and_never_switches_true_to_false(srv):
    path = "/sapi/v1/margin/loan-group/edit-member"
    add = {"groupId": 10001, "subEmail": "collateral3006@demo.test", "enableSpot": "false", "enableMargin": "true"}
    assert _post(srv, path, add, PARENT).json() == {"status": 0}
    members = {
        m["email"]: m
        for u in _get(srv, "/sapi/v1/margin/loan-groups/activated", who=PARENT)
        if u["groupId"] == 10001
        for m in u["members"]
    }
    assert "collateral3006@demo.test" in members
    r = _post(srv, path, {**add, "enableMargin": "false"}, PARENT)
    assert r.json()["code"] == -1130 and "enableMargin" in r.json()["msg"]
    assert _post(srv, path, {**add, "enableSpot": "true"}, PARENT).json() == {"status": 0}  # FALSE -> TRUE is allowed
    r = _post(srv, path, add, CREDIT)
    assert r.status_code == 401 and r.json()["code"] == -2015  # "accessible only with the parent account API key"
    r = _post(srv, path, {**add, "groupId": 10002, "subEmail": "collateral3001@demo.test"}, PARENT)
    assert r.json()["code"] == -1130  # already backs unit 10001


def test_roles_and_ltv_visibility(srv):
    assert {u["groupId"] for u in _get(srv, "/sapi/v1/margin/loan-group/ltv-details", who=PARENT)} == {
        1,
        10001,
        10002,
        10004,
        10005,
    }
    assert {u["groupId"] for u in _get(srv, "/sapi/v1/margin/loan-group/ltv-details")} == {1, 10001, 10002, 10005}
    assert _get(srv, "/sapi/v1/margin/loan-group/ltv-details", who=COLLATERAL) == []  # "no results were returned"
    r = call(srv, "GET", "/sapi/v1/margin/loan-groups/activated", {}, key=CREDIT[0], secret=CREDIT[1])
    assert r.status_code == 401 and r.json()["code"] == -2015


def _with_caller(op_key: str, caller: str | None) -> list:
    """The family's operations, one of them with its contract's ``caller`` replaced (None: the key left out)."""
    ops = []
    for op in FAMILY:
        if op.key == op_key:
            contract = {k: v for k, v in op.contract.items() if k != "caller"}
            if caller is not None:
                contract["caller"] = caller
            op = Operation.from_contract(contract)
        ops.append(op)
    return ops


@pytest.mark.parametrize(
    "op_key,caller,who,status",
    [
        ("GET /sapi/v1/margin/loan-groups/activated", None, CREDIT, 200),  # no caller: any account may call
        ("GET /sapi/v1/margin/loan-group/borrow-repay", "parent", CREDIT, 401),  # the contract, not the code, says who
        ("GET /sapi/v1/margin/loan-group/borrow-repay", "parent", PARENT, 200),
        ("GET /sapi/v1/margin/loan-group/ltv-details", "collateral", PARENT, 401),
    ],
)
def test_who_may_call_is_the_contracts_caller(clock, op_key, caller, who, status):
    method, path = op_key.split(" ", 1)
    params = {"type": "BORROW"} if path.endswith("borrow-repay") else {}
    with Sandbox(operations=_with_caller(op_key, caller), clock=clock).serve() as srv:
        r = call(srv, method, path, params, key=who[0], secret=who[1])
    assert r.status_code == status, r.text
    if status == 401:
        assert r.json()["code"] == -2015


def test_record_windows_over_100_days_are_refused(srv, clock):
    r = call(
        srv,
        "GET",
        "/sapi/v1/margin/loan-group/interest-history",
        {"startTime": 0, "endTime": 101 * DAY},
        key=CREDIT[0],
        secret=CREDIT[1],
    )
    assert r.status_code == 400 and r.json()["code"] == -1127, r.text


@pytest.mark.parametrize(
    "operation,params,code,named",
    [
        ("DELETE /sapi/v1/margin/loan-group", {"groupId": "ten"}, -1100, "groupId"),  # LONG
        (
            "POST /sapi/v1/margin/loan-group/borrow",
            {"groupId": 10001, "assetName": "USDT", "amount": "lots"},
            -1100,
            "amount",
        ),  # DECIMAL
        (
            "POST /sapi/v1/margin/loan-group/edit-member",
            {"groupId": 10001, "subEmail": "a@b", "enableSpot": "yes", "enableMargin": "true"},
            -1100,
            "enableSpot",
        ),
        ("GET /sapi/v1/margin/loan-group/borrow-repay", {}, -1102, "type"),  # STRING, mandatory
        ("GET /sapi/v1/margin/loan-group/borrow-repay", {"type": "BORROW", "size": "1.5"}, -1100, "size"),
        ("DELETE /sapi/v1/margin/loan-group", {"groupId": 10001, "colour": "red"}, -1104, "colour"),
    ],
)
def test_wrong_types_per_parameter_kind_get_a_clear_error(srv, operation, params, code, named):
    op = CONTRACTS.get(operation)
    who = PARENT if "edit-member" in operation else CREDIT
    r = call(srv, op.method, op.path, params, key=who[0], secret=who[1])
    body = r.json()
    assert r.status_code == 400 and body["code"] == code, body
    if code != -1104:
        assert named in body["msg"], body


def test_persisted_state_is_the_state_file_format(tmp_path, clock):
    path = tmp_path / "state.json"
    with Sandbox(clock=clock, persist=path).serve() as server:
        assert (
            _post(
                server, "/sapi/v1/margin/loan-group/borrow", {"groupId": 10001, "assetName": "USDC", "amount": "5"}
            ).status_code
            == 200
        )
    saved = stored(path)
    unit = next(u for u in saved["riskUnits"] if u["groupId"] == 10001)
    assert {"asset": "USDC", "principal": "5", "interest": "0"} in unit["liabilities"]
    assert saved["records"]["borrowRepay"][-1]["type"] == "BORROW"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # python-binance's websockets import, not ours
def test_python_binance_closes_a_unit_through_its_signed_request_path():
    """A real third-party client, unchanged: its own HMAC signing, form body on DELETE, its own error type."""
    from binance.client import Client as BinanceClient
    from binance.exceptions import BinanceAPIException

    with Sandbox().serve() as server:
        client = BinanceClient(CREDIT[0], CREDIT[1], ping=False)
        client.MARGIN_API_URL = f"{server.url}/sapi"
        assert client._request_margin_api("delete", "margin/loan-group", signed=True, data={"groupId": 10001}) == {
            "groupId": 10001,
            "status": "CLOSED",
        }
        with pytest.raises(BinanceAPIException) as exc:
            client._request_margin_api("delete", "margin/loan-group", signed=True, data={"groupId": 10001})
        assert exc.value.code == UNIT_NOT_FOUND
        rows = client._request_margin_api("get", "margin/loan-groups/closed", signed=True, data={})["rows"]
        assert rows[0]["groupId"] == 10001


def test_bad_input_through_the_client_gets_a_clear_error_before_anything_is_sent(srv, clock):
    client = Client(CREDIT[0], secret=CREDIT[1], base_url=srv.url, contracts=CONTRACTS, clock=clock)
    with pytest.raises(LookupError, match="GET /sapi/v1/margin/loan-group/nothing"):
        client.call("GET /sapi/v1/margin/loan-group/nothing")
    for params, named in (
        ({"groupId": "10001"}, "groupId"),
        ({"groupId": 1.5}, "groupId"),
        ({}, "groupId"),
        ({"groupId": 10001, "color": "red"}, "color"),
    ):
        with pytest.raises(ValueError, match=named):
            client.call("DELETE /sapi/v1/margin/loan-group", **params)
    for params, named in (
        ({"groupId": 10001, "assetName": "USDT", "amount": "lots"}, "amount"),
        ({"groupId": 10001, "assetName": 7, "amount": 1}, "assetName"),
    ):
        with pytest.raises(ValueError, match=named):
            client.call("POST /sapi/v1/margin/loan-group/borrow", **params)
    with pytest.raises(ValueError, match="enableSpot"):
        client.call(
            "POST /sapi/v1/margin/loan-group/edit-member",
            groupId=10001,
            subEmail="a@b",
            enableSpot="yes",
            enableMargin=True,
        )
    assert srv.sandbox.recorded == []  # nothing reached the sandbox


def test_refused_or_unreadable_amounts_change_nothing(srv):
    """Found in review: a refused repay added a zero liability; 1e-9 was borrowed and could never be repaid;
    an Arabic-Indic '١' was read as 1."""
    base = "/sapi/v1/margin/loan-group"
    before = _get(srv, f"{base}/ltv-details", {"groupId": 10001}, PARENT)[0]["liabilities"]
    r = _post(srv, f"{base}/repay", {"groupId": 10001, "assetName": "USDC", "amount": "1"})
    assert r.status_code == 400 and r.json()["code"] == -3015, r.text
    r = _post(srv, f"{base}/borrow", {"groupId": 10001, "assetName": "USDT", "amount": "0.000000001"})
    assert r.status_code == 400 and r.json()["code"] == -1111, r.text  # precision over the asset's maximum
    r = _post(srv, f"{base}/borrow", {"groupId": 10001, "assetName": "USDT", "amount": "\u0661"})
    assert r.status_code == 400 and r.json()["code"] == -1100, r.text
    assert _get(srv, f"{base}/ltv-details", {"groupId": 10001}, PARENT)[0]["liabilities"] == before
    assert _post(srv, base, {"groupId": 10001}, method="DELETE").json()["status"] == "CLOSED"
