"""The type policy (docs/contract-format.md): a page's example is what the wire carried; its table is a label.

Unit rules on small schemas, then the property over real contracts: every documented example
validates against its own contract (the family's specs always; every corpus page when the corpus
is there).
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers import ROOT, needs_corpus
from jsonschema import Draft202012Validator

from doccontract.contract.infer import infer_schema
from doccontract.contract.types import head_noun, is_money, reconcile, type_schema

FAMILY = ROOT / "contracts" / "binance" / "institutional_loan"


def _valid(schema: dict, value) -> bool:
    return Draft202012Validator(schema).is_valid(value)


def test_an_integer_example_under_a_string_table_is_accepted_with_the_table_type_and_named_as_the_wire_type():
    s = reconcile(type_schema("String"), [12317283617], "transactionId", "String")
    assert s["type"] == ["integer", "string"] and s["x-wire-type"] == "integer"
    assert _valid(s, 12317283617) and _valid(s, "12317283617") and not _valid(s, True)


def test_a_boolean_example_under_a_string_table_accepts_the_tables_true_false_forms():
    s = reconcile(type_schema("STRING"), [False], "enabled", "STRING")
    assert s["x-wire-type"] == "boolean"
    for ok in (True, False, "TRUE", "FALSE", "true", "false"):
        assert _valid(s, ok), ok
    assert not _valid(s, "maybe") and not _valid(s, 1)


def test_a_money_field_shown_as_a_round_number_under_a_string_table_is_a_number():
    s = reconcile(type_schema("String"), [0], "totalMaintenanceMargin", "String")
    assert s["type"] == ["number", "string"] and s["x-wire-type"] == "number"
    assert _valid(s, 16667.926) and _valid(s, "0E-8")


def test_agreeing_table_and_example_change_nothing():
    assert reconcile(type_schema("STRING"), ["USDT"], "assetName", "STRING") == {"type": "string"}
    assert reconcile(type_schema("LONG"), [7], "groupId", "LONG") == type_schema("LONG")
    assert reconcile(type_schema("LONG"), [None], "groupId", "LONG") == type_schema(
        "LONG"
    )  # null is the nullable rule's


def test_a_decimal_the_table_leaves_open_records_the_examples_form_for_the_sandbox():
    s = reconcile(type_schema("DECIMAL"), [123456.78], "amount", "DECIMAL")
    assert s["x-wire-type"] == "number" and _valid(s, "1.5") and _valid(s, 1.5)


def test_money_is_told_by_the_head_noun_not_by_any_word():
    assert [head_noun(n) for n in ("totalLiability", "startLtv", "interestRate", "executedQty", "amount")] == [
        "liability",
        "ltv",
        "rate",
        "qty",
        "amount",
    ]
    assert all(
        is_money(n) for n in ("totalLiability", "startLtv", "interestRate", "executedQty", "principal", "interest")
    )
    assert not any(
        is_money(n)
        for n in ("total", "tranId", "pricePrecision", "orderCount", "makerCommission", "interestTimestamp", "groupId")
    )
    assert is_money("anything", "BigDecimal")


def test_a_round_amount_in_an_example_is_a_number_not_an_integer():
    s = infer_schema({"total": 1, "rows": [{"amount": 300, "tranId": 5, "interest": 0}]})
    row = s["properties"]["rows"]["items"]["properties"]
    assert row["amount"] == {"type": "number"} and row["interest"] == {"type": "number"}
    assert row["tranId"] == {"type": "integer"} and s["properties"]["total"] == {"type": "integer"}
    assert _valid(s, {"total": 1, "rows": [{"amount": 123456.78, "tranId": 5, "interest": 0.5}]})


# --------------------------------------------------------------------------- the property, over real contracts


def _examples_break_their_contract(folder: Path) -> list[str]:
    broken = []
    for f in sorted(folder.rglob("*.json")):
        c = json.loads(f.read_text(encoding="utf-8"))
        if not isinstance(c, dict) or "response" not in c:
            continue
        validator = Draft202012Validator(c["response"])
        for i, example in enumerate((c.get("examples") or {}).get("response") or []):
            for err in validator.iter_errors(example):
                broken.append(
                    f"{f.relative_to(folder)} example {i + 1} "
                    f"at /{'/'.join(map(str, err.absolute_path))}: {err.message[:80]}"
                )
    return broken


def test_every_family_example_validates_against_its_own_contract():
    assert FAMILY.is_dir()
    assert _examples_break_their_contract(FAMILY) == []
    findings = [
        f for p in FAMILY.rglob("*.json") for f in json.loads(p.read_text(encoding="utf-8")).get("findings", [])
    ]
    assert not [f for f in findings if f["code"] == "page.example-invalid"]
    typed = {(f["values"]["field"], f["values"]["exampleType"]) for f in findings if f["code"] == "page.example-type"}
    assert {
        ("/transactionId", "integer"),
        ("/rows/enabled", "boolean"),
        ("/members/enableMargin", "boolean"),
        ("/rows/groupId", "integer"),
    } <= typed


def test_the_familys_records_take_fractional_amounts_and_ltvs():
    records = json.loads(
        (FAMILY / "borrow-and-repay" / "Institution-Loan-Group-Borrow-Repay-Records.json").read_text(encoding="utf-8")
    )
    row = {
        "amount": 123456.78,
        "principal": 0.5,
        "interest": 1.25,
        "asset": "USDT",
        "tranId": 1,
        "timestamp": 1,
        "status": "CONFIRM",
        "type": "BORROW",
    }
    row = {k: v for k, v in row.items() if k in records["response"]["properties"]["rows"]["items"]["properties"]}
    assert _valid(
        records["response"]["properties"]["rows"]["items"], {**records["examples"]["response"][0]["rows"][0], **row}
    )
    liquidation = json.loads((FAMILY / "trade.json").read_text(encoding="utf-8"))
    ltv = liquidation["response"]["properties"]["rows"]["items"]["properties"]["startLtv"]
    assert _valid(ltv, 0.87) and _valid(ltv, 1)


@needs_corpus
def test_every_corpus_example_validates_against_its_own_contract(corpus_build):
    out, results = corpus_build
    assert [r for r in results if r.status == "failed"] == []
    assert _examples_break_their_contract(out) == []
