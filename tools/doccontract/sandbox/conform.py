"""The model's values in the wire types the pages show: what Binance's examples carried, field by field.

The model computes with Decimal, int and bool; the contract decides how each value travels.  Where
the contract accepts one JSON type, the value takes it (an amount the page shows as "0.1" goes as a
string).  Where it accepts several (a table's STRING beside an example's ``false``; a DECIMAL shown
as a number), ``x-wire-type`` names the one the page's example carried, and that is what is sent:
docs/contract-format.md, "the type policy".  Only scalars change; the shape is the model's, and the
gateway still validates the result against the contract.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
    """The JSON types a field accepts, the page's wire type first."""
    kind = schema.get("type")
    if isinstance(kind, str):
        kinds = [kind]
    elif isinstance(kind, list):
        kinds = list(kind)
    else:
        kinds = [t for alt in schema.get("anyOf", []) if isinstance(alt, dict) for t in _types(alt)]
    wire = schema.get("x-wire-type")
    return [wire, *(k for k in kinds if k != wire)] if wire in kinds else kinds


def _number(d: Decimal) -> int | float:
    """A whole value is sent whole (the pages show 0 and 300, not 0.0): JSON reads both as numbers."""
    return int(d) if d == d.to_integral_value() and abs(d) < 2**63 else float(d)


def _as(value: Any, kind: str) -> Any:
    """``value`` in JSON type ``kind``, or None when it has no such form."""
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        return None
    if kind == "string":
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, Decimal):
            return format(value.normalize(), "f") if value else "0"
        return str(value) if isinstance(value, (int, str)) else None
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            return None
        try:
            d = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            return None
        if not d.is_finite():
            return None
        if kind == "integer":
            return int(d) if d == d.to_integral_value() else None
        return _number(d)
    return None


def _scalar(value: Any, types: list[str]) -> Any:
    if not types or value is None:
        return _plain(value)
    for kind in types:
        if kind == "null":
            continue
        out = _as(value, kind)
        if out is not None:
            return out
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
