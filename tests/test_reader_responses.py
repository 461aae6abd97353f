"""Response schemas read from examples (issue 10, item 4): elements of several shapes, conditional fields."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from doccontract.schema import infer_schema


def test_an_array_of_results_and_errors_is_alternatives_each_requiring_its_own_keys():
    order = {"symbol": "BTCUSDT", "orderId": 1, "status": "NEW", "price": "1.0"}
    error = {"code": -2011, "msg": "Unknown order sent."}
    schema = infer_schema([order, error])
    order_alt, error_alt = schema["items"]["anyOf"]
    assert order_alt["required"] == ["orderId", "price", "status", "symbol"] and error_alt["required"] == ["code", "msg"]
    validator = Draft202012Validator(schema)
    assert validator.is_valid([order, error, order])
    assert not validator.is_valid([{"symbol": "BTCUSDT"}])  # neither a whole order nor an error


def test_elements_of_one_shape_still_merge_with_the_missing_keys_optional():
    schema = infer_schema([{"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}])
    assert "anyOf" not in schema["items"] and schema["items"]["required"] == ["a", "b"]


def test_answers_with_one_set_of_keys_but_different_types_are_alternatives():
    from doccontract.extract import parse_example
    from doccontract.schema import response_schema

    nested = parse_example('{"type": "spot", "data": {"balances": []}}\nOR\n{"type": "margin", "data": {"marginLevel": "1"}}')
    schema = response_schema([], nested)
    alts = schema.get("anyOf") or schema.get("oneOf")
    assert alts and [sorted(a["properties"]["data"]["properties"]) for a in alts] == [["balances"], ["marginLevel"]]
    assert all(a["properties"]["data"]["required"] for a in alts)  # each answer keeps its keys required
    same = parse_example('{"status": "completed", "url": "x"}\nOR\n{"status": "processing", "url": ""}')
    merged = response_schema([], same)
    assert "anyOf" not in merged and "oneOf" not in merged  # values differ only: one schema
