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
