"""The sandbox answers as Binance's pages show: each field in the JSON type the page's example carried.

Also: no answer of its own breaks its contract, over random sequences of the family's calls
(hypothesis, bounded); the demo state shows records in the default windows whenever it starts;
and the records pages' 100-day span counts from now when endTime is left out.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from helpers import ROOT
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule
from jsonschema import Draft202012Validator
from test_sandbox import PARENT, Clock, call
from test_sandbox_family import COLLATERAL, CREDIT, DAY, FAMILY

from doccontract.sandbox import Sandbox

BASE = "/sapi/v1/margin/loan-group"
BY_PATH = {op.path: op for op in FAMILY}
OPENAPI = json.loads((ROOT / "contracts" / "openapi.json").read_text(encoding="utf-8"))
HOUR = 3_600_000


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"  # JSON has one number type: 0 and 0.5 are both what a page showing 300 promises
    if value is None:
        return "null"
    return "string" if isinstance(value, str) else "array" if isinstance(value, list) else "object"


def _kinds(value: Any, path: str = "", out: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Field path (array levels dropped) -> the JSON types seen there."""
    out = {} if out is None else out
    if isinstance(value, list):
        for v in value:
            _kinds(v, path, out)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.setdefault(f"{path}/{k}", set()).add(_kind(v))
            _kinds(v, f"{path}/{k}", out)
    return out


def _wire(params: dict[str, Any]) -> dict[str, str]:
    return {k: ("true" if v else "false") if isinstance(v, bool) else str(v) for k, v in params.items()}


def _send(srv, path: str, params: dict[str, Any], who=CREDIT):
    op = BY_PATH[path]
    return call(srv, op.method, path, _wire(params), key=who[0], secret=who[1], in_body=op.method != "GET")


# One successful call per operation, in an order that leaves records behind (a fractional borrow and repay first).
CALLS = [
    (f"{BASE}/borrow", {"groupId": 1, "assetName": "USDT", "amount": "123456.78"}, CREDIT),
    (f"{BASE}/repay", {"groupId": 1, "assetName": "USDT", "amount": "0.5"}, CREDIT),
    (f"{BASE}/borrow-repay", {"type": "BORROW"}, CREDIT),
    (f"{BASE}/borrow-repay", {"type": "REPAY"}, CREDIT),
    (f"{BASE}/interest-history", {}, CREDIT),
    (f"{BASE}/force-liquidation", {}, CREDIT),
    (f"{BASE}/force-liquidation-transfer-record", {}, CREDIT),
    (f"{BASE}/ltv-details", {}, PARENT),
    ("/sapi/v1/margin/loan-groups/activated", {}, PARENT),
    ("/sapi/v1/margin/loan-groups/closed", {}, CREDIT),
    (
        f"{BASE}/edit-member",
        {"groupId": 10001, "subEmail": "collateral3006@demo.test", "enableSpot": True, "enableMargin": True},
        PARENT,
    ),
    (f"{BASE}/transfer-out", {"asset": "USDT", "amount": "1"}, COLLATERAL),
    (BASE, {"groupId": 10001}, CREDIT),
]


@pytest.fixture
def srv():
    with Sandbox(clock=Clock(1_767_700_000.0)).serve() as server:  # the demo's relativeTo: its times as written
        yield server


def test_every_family_answer_carries_each_field_in_the_type_its_pages_example_shows(srv):
    unlike, compared = [], 0
    for path, params, who in CALLS:
        r = _send(srv, path, params, who)
        assert r.status_code == 200, (path, r.text)
        op = BY_PATH[path]
        Draft202012Validator(op.response).validate(r.json())
        shown: dict[str, set[str]] = {}
        for example in op.examples:
            _kinds(example, out=shown)
        for field, kinds in _kinds(r.json()).items():
            if field in shown and "null" not in shown[field]:
                compared += 1
                if kinds - shown[field]:
                    unlike.append(
                        f"{op.method} {path} {field}: sent {sorted(kinds)}, the page shows {sorted(shown[field])}"
                    )
    assert unlike == []
    assert compared >= 60  # the records calls answered rows: the comparison covered them


def test_the_records_after_a_fractional_borrow_are_answered_not_500(srv):
    for amount in ("123456.78", "0.00000001", "7.5"):
        assert _send(srv, f"{BASE}/borrow", {"groupId": 1, "assetName": "USDT", "amount": amount}).status_code == 200
    body = _send(srv, f"{BASE}/borrow-repay", {"type": "BORROW"}).json()
    assert sorted(row["amount"] for row in body["rows"]) == [0.00000001, 7.5, 123456.78]


def test_booleans_and_ids_travel_as_the_pages_show_them(srv):
    active = _send(srv, "/sapi/v1/margin/loan-groups/activated", {}, PARENT).json()
    assert {type(m["enableMargin"]) for unit in active for m in unit["members"]} == {bool}
    closed = _send(srv, "/sapi/v1/margin/loan-groups/closed", {}).json()
    assert closed["rows"] and all(row["enabled"] is False for row in closed["rows"])
    borrowed = _send(srv, f"{BASE}/borrow", {"groupId": 1, "assetName": "USDT", "amount": "5"}).json()
    assert isinstance(borrowed["transactionId"], int) and borrowed["amount"] == 5
    interest = _send(srv, f"{BASE}/interest-history", {}).json()
    assert isinstance(interest["total"], int) and interest["rows"]
    assert {type(row["groupId"]) for row in interest["rows"]} == {int} and {
        type(row["interest"]) for row in interest["rows"]
    } == {float}


def test_a_newcomer_sees_interest_and_liquidation_rows_in_the_default_window_whenever_the_demo_starts():
    clock = Clock(2_000_000_000.0)  # 2033: years after the demo's relativeTo
    with Sandbox(clock=clock).serve() as server:
        for path, what in (
            (f"{BASE}/interest-history", "interestTimestamp"),
            (f"{BASE}/force-liquidation", "liquidationStartTime"),
        ):
            body = _send(server, path, {}).json()
            assert body["total"] >= 1, path
            assert all(clock.ms() - 7 * DAY <= row[what] <= clock.ms() for row in body["rows"]), path
        transfers = _send(server, f"{BASE}/force-liquidation-transfer-record", {}).json()
        assert transfers["total"] >= 1


def test_a_start_time_alone_more_than_100_days_back_is_refused_where_end_time_defaults_to_now(srv):
    now = srv.sandbox.clock.ms() if hasattr(srv.sandbox.clock, "ms") else int(srv.sandbox.clock() * 1000)
    for path, extra in (
        (f"{BASE}/force-liquidation", {}),
        (f"{BASE}/force-liquidation-transfer-record", {}),
        (f"{BASE}/borrow-repay", {"type": "BORROW"}),
    ):
        far = _send(srv, path, {**extra, "startTime": now - 101 * DAY})
        assert (far.status_code, far.json()["code"]) == (400, -1127), path
        near = _send(srv, path, {**extra, "startTime": now - 99 * DAY})
        assert near.status_code == 200, (path, near.text)
    # Interest History clamps a startTime sent alone to 30 days back instead (its page says so)
    assert _send(srv, f"{BASE}/interest-history", {"startTime": now - 150 * DAY}).status_code == 200


# --------------------------------------------------------------------------- random sequences

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("200000"), places=8, allow_nan=False, allow_infinity=False).map(
    lambda d: format(d, "f")
)
GROUPS = st.sampled_from([1, 10001, 10002, 10003, 10004, 10005, 77])
ASSETS = st.sampled_from(["USDT", "USDC"])
WHO = st.sampled_from(
    [
        CREDIT,
        PARENT,
        COLLATERAL,
        ("demo-collateral-key-3002", "demo-collateral-secret-3002"),
        ("demo-credit-key-2002", "demo-credit-secret-2002"),
    ]
)
SUBS = st.sampled_from(
    [
        "collateral3006@demo.test",
        "collateral3001@demo.test",
        "credit2001@demo.test",
        "1000255973134@test.com",
        "nobody@demo.test",
    ]
)


class FamilySequences(RuleBasedStateMachine):
    """Any order of the family's calls, by any role, as the clock moves: every answer within its contract,
    never a 500."""

    @initialize()
    def start(self):
        self.clock = Clock(1_767_700_000.0)
        self.server = Sandbox(clock=self.clock).serve().start()
        self.answers = 0

    def teardown(self):
        if hasattr(self, "server"):
            self.server.stop()

    def _check(self, path: str, params: dict[str, Any], who) -> None:
        r = _send(self.server, path, params, who)
        body = r.json()
        assert r.status_code < 500, (path, params, body)
        if r.status_code == 200:
            Draft202012Validator(BY_PATH[path].response).validate(body)
        else:
            assert isinstance(body.get("code"), int) and body["code"] < 0 and body.get("msg"), body
            op = BY_PATH[path]
            listed = OPENAPI["paths"][path][op.method.lower()]["x-error-codes"]
            assert body["code"] in listed, (
                f"{op.method} {path} answered {body['code']}, which its OpenAPI x-error-codes {listed} leave out"
            )
        self.answers += 1

    @rule(group=GROUPS, asset=ASSETS, amount=AMOUNTS, who=WHO)
    def borrow(self, group, asset, amount, who):
        self._check(f"{BASE}/borrow", {"groupId": group, "assetName": asset, "amount": amount}, who)

    @rule(group=GROUPS, asset=ASSETS, amount=AMOUNTS, who=WHO)
    def repay(self, group, asset, amount, who):
        self._check(f"{BASE}/repay", {"groupId": group, "assetName": asset, "amount": amount}, who)

    @rule(asset=ASSETS, amount=AMOUNTS, who=WHO, sub=st.none() | SUBS)
    def transfer_out(self, asset, amount, who, sub):
        self._check(
            f"{BASE}/transfer-out", {"asset": asset, "amount": amount} | ({"subEmail": sub} if sub else {}), who
        )

    @rule(group=GROUPS, sub=SUBS, spot=st.booleans(), margin=st.booleans(), who=WHO)
    def edit_member(self, group, sub, spot, margin, who):
        self._check(
            f"{BASE}/edit-member", {"groupId": group, "subEmail": sub, "enableSpot": spot, "enableMargin": margin}, who
        )

    @rule(group=GROUPS, who=WHO)
    def close(self, group, who):
        self._check(BASE, {"groupId": group}, who)

    @rule(hours=st.integers(min_value=0, max_value=30 * 24))
    def time_passes(self, hours):
        self.clock.t += hours * 3600

    @rule(
        path=st.sampled_from(sorted(op.path for op in FAMILY if op.method == "GET")),
        who=WHO,
        group=st.none() | GROUPS,
        back=st.none() | st.integers(min_value=0, max_value=120),
        kind=st.sampled_from(["BORROW", "REPAY"]),
    )
    def read(self, path, who, group, back, kind):
        op = BY_PATH[path]
        params: dict[str, Any] = {}
        if "groupId" in op.params and group is not None:
            params["groupId"] = group
        if "startTime" in op.params and back is not None:
            params["startTime"] = self.clock.ms() - back * DAY
        if "type" in op.params:
            params["type"] = kind
        self._check(path, params, who)


FamilySequences.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
test_random_sequences_of_family_calls_stay_within_their_contracts = FamilySequences.TestCase
