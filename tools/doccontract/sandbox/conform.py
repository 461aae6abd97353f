"""The model's values in the contract's types: a number the page calls STRING is sent as a string, and so on.

The model computes with Decimal, int and bool; the page decides how each value
travels (Binance sends many amounts as strings).  Only scalars change; the
shape is the model's, and the gateway still validates the result.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def conform(value: Any, schema: Any) -> Any:
    if not isinstance(schema, dict):
        return _plain(value)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        return {k: conform(v, props.get(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [conform(v, schema.get("items")) for v in value]
    return _scalar(value, _types(schema))


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return kind
    return [t for alt in schema.get("anyOf", []) if isinstance(alt, dict) for t in _types(alt)]


def _scalar(value: Any, types: list[str]) -> Any:
    if not types:
        return _plain(value)
    if isinstance(value, bool):
        if "boolean" in types:
            return value
        return ("true" if value else "false") if "string" in types else value
    if isinstance(value, (int, Decimal)):
        if any(t in types for t in ("number", "integer")):
            if isinstance(value, Decimal):
                return int(value) if value == value.to_integral_value() and "integer" in types else float(value)
            return value
        if "string" in types:
            return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
        return _plain(value)
    if isinstance(value, str) and "string" not in types:
        try:
            d = Decimal(value)
        except ArithmeticError:
            return value
        if "integer" in types and d == d.to_integral_value():
            return int(d)
        if "number" in types:
            return float(d)
        if "boolean" in types and value in ("true", "false"):
            return value == "true"
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
