"""Weight drift is classed by what moved: the value (up or down, a conditional table's largest), the
conditions, or the limit it counts against; never a unit change when the unit stayed."""

from __future__ import annotations

from test_drift_classes import both, contract

from doccontract.watch.drift import diff_contract

TABLE = "\n\nCondition| Weight  \n---|---  \nisIsolated=FALSE| {a}  \nisIsolated=TRUE| {b}  \n"


def weight_codes(old: str, new: str) -> set[tuple[str, str]]:
    return {
        (c.cls, c.code)
        for c in diff_contract(contract(both("1000(UID)", old)), contract(both("1000(UID)", new)))
        if c.code.startswith("weight.")
    }


def test_a_rise_into_a_conditional_tables_maximum_is_an_increase_not_a_unit_change():
    codes = weight_codes("6(UID)", "UID weight:" + TABLE.format(a="1500", b="6"))
    assert ("breaking", "weight.increased") in codes
    assert ("non-breaking", "weight.conditional") in codes
    assert not any(code == "weight.unit-changed" for _, code in codes), codes


def test_a_table_that_leaves_its_unit_unnamed_is_not_another_limit():
    old, new = contract(both("1000(UID)", "6(UID)")), contract(both("1000(UID)", "6(UID)"))
    rows = [{"when": "isIsolated=FALSE", "weight": 1500}, {"when": "isIsolated=TRUE", "weight": 6}]
    for lang in new["languages"].values():
        lang["weight"] = {
            "table": {"columns": ["Condition", "Weight"], "rows": rows},
            "max": 1500,
            "value": 1500,
            "unit": None,
        }
    new["weight"] = {**new["weight"], "value": 1500}  # what the contract enforces moved too
    codes = {(c.cls, c.code) for c in diff_contract(old, new) if c.code.startswith("weight.")}
    assert codes == {("breaking", "weight.increased"), ("non-breaking", "weight.conditional")}, codes


def test_a_weight_no_longer_readable_is_not_a_decrease():
    codes = weight_codes(
        "6(UID)", "Weight:" + TABLE.format(a="1500", b="6")
    )  # no unit anywhere: the reader states none
    assert not {"weight.decreased", "weight.increased", "weight.unit-changed"} & {code for _, code in codes}, codes


def test_a_decrease_is_non_breaking_and_a_new_unit_is_a_unit_change():
    assert weight_codes("1000(UID)", "500(UID)") == {("non-breaking", "weight.decreased")}
    assert weight_codes("1000(UID)", "1000(IP)") == {("breaking", "weight.unit-changed")}


def test_an_unchanged_conditional_weight_is_no_change():
    table = "UID weight:" + TABLE.format(a="1500", b="6")
    assert weight_codes(table, table) == set()


def test_a_waiver_written_for_the_old_code_name_still_holds(tmp_path):
    import json

    from doccontract.watch.drift import load_waivers

    f = tmp_path / "waivers.json"
    f.write_text(
        json.dumps({"waivers": [{"contract": "x", "code": "weight.raised", "reason": "r", "expires": "2099-01-01"}]})
    )
    assert [w.code for w in load_waivers(f)] == ["weight.increased"]
