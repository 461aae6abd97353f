"""The type policy: what a documented type means in JSON, and what a page's own example adds to it.

Binance's field tables are a writer's labels; a page's response example is what an answer looked
like on the wire.  Where the two disagree on a field's JSON type, the wire carried the example's:
the contract accepts both, says which one the example showed (``x-wire-type``, what the sandbox
sends), and the build keeps the disagreement as a finding (``page.example-type``).  Money and
quantities are never ``integer``: a round example (``300``) or a LONG in the table does not make
an amount whole.  docs/contract-format.md states the policy with examples.
"""

from __future__ import annotations

import re
from typing import Any

from ..rules import INT64

INT32 = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
# [0-9], not \d: JSON Schema patterns are ECMA-262, where \d is ASCII, but Python's re (jsonschema,
# the request model) reads \d as any Unicode digit and would take '١' for a 1
DECIMAL_PATTERN = r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$"

#: Documented type -> JSON Schema.  ``None`` means "decide from the example":
#: Binance documents DECIMAL fields that it sends as strings ("0.1") and others
#: it sends as numbers, so the page's own example is the evidence.
TYPE_MAP: dict[str, dict[str, Any] | None] = {
    "LONG": INT64,
    "INT": INT32,
    "INTEGER": INT32,
    "SHORT": {"type": "integer", "minimum": -(2**15), "maximum": 2**15 - 1},
    "STRING": {"type": "string"},
    "ENUM": {"type": "string"},
    "BOOLEAN": {"type": "boolean"},
    "BOOL": {"type": "boolean"},
    "DECIMAL": None,
    "BIGDECIMAL": None,
    "DOUBLE": None,
    "FLOAT": None,
    "NUMBER": None,
    "OBJECT": {"type": "object"},
    "MAP": {"type": "object"},
    "ARRAY": {"type": "array"},
    "LIST": {"type": "array"},
    "OBJECTARRAY": {"type": "array", "items": {"type": "object"}},
    "ARRAYOBJECT": {"type": "array", "items": {"type": "object"}},
    "STRINGARRAY": {"type": "array", "items": {"type": "string"}},
    "LONGARRAY": {"type": "array", "items": INT64},
    "INTARRAY": {"type": "array", "items": INT32},
    "LIST<STRING>": {"type": "array", "items": {"type": "string"}},
    "LIST<LONG>": {"type": "array", "items": INT64},
    "LIST<OBJECT>": {"type": "array", "items": {"type": "object"}},
    "LIST<JSON>": {"type": "array", "items": {"type": "object"}},
    "JSON": {"type": "object"},
    "STRING[]": {"type": "array", "items": {"type": "string"}},
    "LONG[]": {"type": "array", "items": INT64},
}
#: Documented types that are decimals: sent as a number or as a decimal string, never whole by rule.
DECIMAL_TYPES = frozenset(k for k, v in TYPE_MAP.items() if v is None)
#: What an undecided DECIMAL is when there is no example to look at.
DECIMAL_EITHER = {"anyOf": [{"type": "string", "pattern": DECIMAL_PATTERN}, {"type": "number"}]}
#: The string forms of a flag a table calls STRING ('TRUE for enabled; FALSE for disabled').
FLAG_STRINGS = ["TRUE", "FALSE", "true", "false"]
SCALARS = ("boolean", "integer", "number", "string")


def type_key(doc_type: str) -> str:
    """'Object Array' -> 'OBJECTARRAY', 'Long' -> 'LONG'; what TYPE_MAP is keyed on.

    A type written twice by a slip ('STRINGString') is that type once.
    """
    key = re.sub(r"\s+", "", doc_type).upper()
    half = len(key) // 2
    if key and len(key) % 2 == 0 and key[:half] == key[half:] and key[:half] in TYPE_MAP:
        return key[:half]
    return key


_ARRAY_OF = re.compile(r"^(?:ARRAYOF|LISTOF|LIST<|ARRAY<)(?P<a>\w+)>?$|^(?P<b>\w+?)(?:\[\]|ARRAY|LIST)$")


def _element_type(key: str) -> str | None:
    """'ARRAY OF STRING', 'LIST<INT>', 'INT[]', 'STRINGARRAY' -> the element's type key, when it is known."""
    m = _ARRAY_OF.match(key)
    element = m and (m.group("a") or m.group("b"))
    return element if element and element in TYPE_MAP and TYPE_MAP[element] is not None else None


def known_type(doc_type: str) -> bool:
    key = type_key(doc_type)
    return key in TYPE_MAP or _element_type(key) is not None


def _decimal_from(example: Any) -> dict[str, Any]:
    if isinstance(example, str):
        return {"type": "string", "pattern": DECIMAL_PATTERN}
    if isinstance(example, (int, float)) and not isinstance(example, bool):
        return {"type": "number"}
    return dict(DECIMAL_EITHER)


def type_schema(doc_type: str, example: Any = None) -> dict[str, Any]:
    key = type_key(doc_type)
    element = _element_type(key) if key not in TYPE_MAP else None
    if element:
        return {"type": "array", "items": type_schema(element)}
    mapped = TYPE_MAP.get(key, {})
    if mapped is None:
        return _decimal_from(example)
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in mapped.items()}


def json_kind(value: Any) -> str | None:
    """The JSON type of a value as the wire carried it: 12317283617 is integer, 7.09 number, null None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else None


def schema_kinds(schema: dict[str, Any]) -> set[str]:
    """The scalar JSON types a field schema accepts (alternatives included); empty when it says nothing."""
    kind = schema.get("type")
    kinds = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
    for alt in schema.get("anyOf", []) + schema.get("oneOf", []):
        if isinstance(alt, dict):
            kinds |= schema_kinds(alt)
    if "number" in kinds:
        kinds.add("integer")  # JSON Schema: every integer is a number
    return kinds


# --------------------------------------------------------------------------- money and quantities

#: The head noun (last camelCase word) of a field that holds money, a quantity or a ratio:
#: 'totalLiability', 'executedQty', 'interestRate', 'startLtv'.  'pricePrecision', 'orderCount',
#: 'total' (a row count) and 'tranId' end in other words and keep their table's integer; so do
#: spot's 'makerCommission' (whole basis points, an integer on the wire).
MONEY_WORDS = frozenset(
    "amount amt qty quantity price principal interest balance fee fees liability liabilities equity margin ltv "
    "rate ratio notional volume pnl profit income collateral borrowed repaid debt loan".split()
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def head_noun(name: str) -> str:
    words = _WORD.findall(name or "")
    return words[-1].lower() if words else ""


def is_money(name: str, doc_type: str = "") -> bool:
    """A field whose value is an amount, a quantity or a ratio: by its documented type or by its name."""
    return type_key(doc_type) in DECIMAL_TYPES or head_noun(name) in MONEY_WORDS


def money(schema: dict[str, Any]) -> dict[str, Any]:
    """An integer schema made a number (bounds of a LONG dropped: they describe whole numbers only)."""
    kind = schema.get("type")
    if kind == "integer" or isinstance(kind, list) and "integer" in kind:
        out = {k: v for k, v in schema.items() if k not in ("minimum", "maximum")}
        out["type"] = "number" if kind == "integer" else [t if t != "integer" else "number" for t in kind]
        if isinstance(out["type"], list):
            out["type"] = list(dict.fromkeys(out["type"]))
        return out
    return schema


# --------------------------------------------------------------------------- the table against the example


def _kind_schema(kind: str, name: str, doc_type: str) -> dict[str, Any]:
    if kind == "integer" and is_money(name, doc_type):
        return {"type": "number"}
    return {"type": kind}


def reconcile(table: dict[str, Any], shown: list[Any], name: str, doc_type: str) -> dict[str, Any]:
    """The table's schema for one scalar field, widened so every value the page shows for it validates.

    ``shown`` are the example's values for the field.  Where one is of a JSON type the table's
    schema refuses, the field accepts both types, the example's first, and ``x-wire-type`` names
    the example's (what the answer carried).  Booleans shown beside a STRING table accept the
    table's string forms TRUE/FALSE too.  Objects, arrays and nulls are left to the shape rules.
    """
    accepted = schema_kinds(table)
    seen = [k for k in (json_kind(v) for v in shown) if k in SCALARS]
    if not accepted or not accepted <= set(SCALARS) or not seen:
        return table
    wire = seen[0]
    foreign = [k for k in dict.fromkeys(seen) if k not in accepted]
    if not foreign:
        if len(accepted - {"integer"} if "number" in accepted else accepted) > 1:
            return {
                **table,
                "x-wire-type": wire,
            }  # the table allows several (a DECIMAL as string or number): the example chose
        return table
    out = {k: v for k, v in table.items() if k not in ("type", "anyOf", "enum")}
    table_kinds = [t for t in SCALARS if t in accepted and not (t == "integer" and "number" in accepted)]
    kinds = [_kind_schema(k, name, doc_type)["type"] for k in foreign] + table_kinds
    kinds = list(dict.fromkeys(kinds))
    for alt in table.get("anyOf", []):  # DECIMAL's string form keeps its pattern
        if isinstance(alt, dict) and alt.get("type") == "string" and "pattern" in alt:
            out["pattern"] = alt["pattern"]
    out["type"] = kinds
    if "enum" in table:  # the table's values, and the example's beside them
        out["enum"] = list(dict.fromkeys([*table["enum"], *(v for v in shown if json_kind(v) in foreign)]))
    if "boolean" in foreign and "string" in kinds:
        out["enum"] = list(dict.fromkeys([*out.get("enum", []), True, False, *FLAG_STRINGS]))
    out["x-wire-type"] = "number" if wire == "integer" and "integer" not in kinds else wire
    return out
