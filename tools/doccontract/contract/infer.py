"""Schema from examples: what a value a page shows says about its type, where no table describes it.

Typed as the wire showed it (``"1.5"`` is a string, ``1.5`` a number), except that a key holding
money or a quantity (:func:`doccontract.contract.types.is_money`) is a ``number`` even when the
example happens to be round (``"amount": 300``): the next answer may be 123456.78.
"""

from __future__ import annotations

from typing import Any

from .types import is_money, money


def _row_schema(row: list[Any], notes: list[str] | None = None) -> dict[str, Any]:
    """A fixed-position row (a kline, a [price, qty] pair): each position typed on its own."""
    items = []
    for i, v in enumerate(row):
        item = infer_schema(v)
        if notes and i < len(notes):
            item["description"] = notes[i]
        items.append(item)
    return {"type": "array", "prefixItems": items, "minItems": len(row)}


def is_row(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(not isinstance(v, (dict, list)) for v in value)


def infer_schema(value: Any, notes: list[str] | None = None) -> dict[str, Any]:
    """Schema of an example value the tables do not describe.

    ``notes`` are the comments of keyless lines (a kline's '// Open price'),
    which describe the positions of a row.
    """
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return {"type": "array", "items": _infer_objects(value)}
        if value and all(is_row(v) for v in value):
            return {"type": "array", "items": _row_schema(value[0], notes)}
        if is_row(value) and len({type(v) for v in value}) > 1:
            return _row_schema(value, notes)
        return {"type": "array", "items": infer_schema(value[0])} if value else {"type": "array"}
    if isinstance(value, dict):
        return _infer_objects([value])
    return {}


def _shapes(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Items of an example array grouped by shape: an item sharing under half of the smaller key
    set with every group so far (an order beside an error ``{code, msg}``) starts a new one."""
    groups: list[tuple[set[str], list[dict[str, Any]]]] = []
    for item in items:
        keys = set(item)
        for seen, members in groups:
            if len(keys & seen) * 2 >= min(len(keys), len(seen)):
                seen |= keys
                members.append(item)
                break
        else:
            groups.append((keys, [item]))
    return [members for _, members in groups]


def _infer_objects(items: list[dict[str, Any]]) -> dict[str, Any]:
    """One object schema for every item of an example array: keys in all items are required.

    Items of unrelated shapes (a result or an error per element) are alternatives
    (``anyOf``), each requiring its own keys, rather than one object where nothing is required."""
    groups = _shapes(items) if len(items) > 1 else [items]
    if len(groups) > 1:
        return {"anyOf": [_infer_objects(g) for g in groups]}
    props: dict[str, Any] = {}
    for item in items:
        for k, v in item.items():
            props[k] = _widen(props[k], infer_schema(v)) if k in props else infer_schema(v)
    for k, prop in props.items():
        if is_money(k):
            props[k] = money(prop)
    required = sorted(set.intersection(*(set(i) for i in items)))
    return {"type": "object", "properties": props, "required": required}


def _widen(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One schema for a key the items of an example array type differently: 10000 in one item and
    11467.6399 in the next is a number; a null leaves the type open; objects and arrays widen
    member by member; anything else may be either."""
    if a == b:
        return a
    if not a or not b:
        return {}  # a null says nothing of the type: the key may hold anything
    ta, tb = a.get("type"), b.get("type")
    if {ta, tb} == {"integer", "number"}:
        return {**a, "type": "number"}
    if ta == tb == "object":
        return _infer_objects_merge(a, b)
    if ta == tb == "array":
        if "items" not in a or "items" not in b:  # an empty list beside a full one
            return a if "items" in a else b
        if isinstance(a["items"], dict) and isinstance(b["items"], dict):
            return {**a, "items": _widen(a["items"], b["items"])}
    return {"anyOf": [a, b]}


def _infer_objects_merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    pa, pb = a.get("properties", {}), b.get("properties", {})
    props = {k: _widen(pa[k], pb[k]) if k in pa and k in pb else pa.get(k) or pb[k] for k in {**pa, **pb}}
    required = sorted(set(a.get("required", [])) & set(b.get("required", [])))
    return {"type": "object", "properties": props, "required": required}
