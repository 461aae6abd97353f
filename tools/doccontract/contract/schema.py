"""Endpoint models to request and response JSON Schemas (2020-12): the assembly.

What a documented type means, and what a page's example adds to it, is the type policy in
:mod:`doccontract.contract.types` (``TYPE_MAP``, ``reconcile``); schemas from examples alone are
:mod:`doccontract.contract.infer`; the page against itself is :mod:`doccontract.contract.consistency`.
Request and response schemas, the sandbox's parameter parsing and the OpenAPI document all go
through them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from ..read.endpoint import Example, Field, Param
from ..read.prose import enum_values, param_bounds
from ..rules import RECV_WINDOW_MAX
from .consistency import consistency_findings
from .infer import infer_schema, is_row
from .types import (
    DECIMAL_EITHER,
    DECIMAL_PATTERN,
    INT32,
    TYPE_MAP,
    is_money,
    known_type,
    money,
    reconcile,
    type_key,
    type_schema,
)
from .validation import validator as make_validator

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# the names other modules have read from here since before the split
__all__ = [
    "DECIMAL_EITHER",
    "DECIMAL_PATTERN",
    "DIALECT",
    "INT32",
    "TYPE_MAP",
    "consistency_findings",
    "infer_schema",
    "known_type",
    "request_schema",
    "response_schema",
    "type_key",
    "type_schema",
]


# --------------------------------------------------------------------------- request


def request_schema(params: list[Param]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required = []
    for p in params:
        s = type_schema(p.type) if known_type(p.type) else {}
        if p.items is not None:
            element = request_schema(p.items)
            del element["$schema"]
            s = {"type": "array", "items": element}
        if type_key(p.type) in ("DECIMAL", "BIGDECIMAL", "DOUBLE", "FLOAT", "NUMBER"):
            s = dict(DECIMAL_EITHER)
        enum = enum_values(p.description, p.type)
        if enum and s.get("type") == "string":
            s["enum"] = enum
        if s.get("type") == "integer" and p.name != "recvWindow":
            lo, hi = param_bounds(p.description)
            if lo is not None and (hi is None or lo <= hi):
                s["minimum"] = max(lo, s.get("minimum", lo))
            if hi is not None and (lo is None or lo <= hi):
                s["maximum"] = min(hi, s.get("maximum", hi))
        if p.name == "recvWindow":
            s["maximum"] = RECV_WINDOW_MAX
        if p.description:
            s["description"] = p.description
        s["x-doc-type"] = p.type
        props[p.name] = s
        if p.mandatory:
            required.append(p.name)
    return {
        "$schema": DIALECT,
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": False,
    }


# --------------------------------------------------------------------------- response


_CONDITIONAL = re.compile(
    r"only (?:be )?return|not return|not be returned|available (?:only )?(?:for|after|since)\b|不会返回|仅适用|"
    r"only (?:if|when)\b|returned (?:only )?(?:when|if)|only (?:present|shown|appears?)|optional|may not|"
    r"if .{0,80} exists|"
    r"不返回|可选|才返回|才会返回|时返回|才有|仅在|仅当|只有在",
    re.I,
)


def _comment_enum(comment: str) -> list[str]:
    """Values a comment lists: '// NEW, FILLED, CANCELED' or '// status: NEW, FILLED'."""
    tail = re.split(r"[:：]", comment)[-1].strip().rstrip(".")
    if re.fullmatch(r"[A-Z][A-Z0-9_]+(?:\s*(?:,|，|/|\||\bor\b|或)\s*[A-Z][A-Z0-9_]+)+", tail):
        return re.findall(r"[A-Z][A-Z0-9_]+", tail)
    return []


class _Shape:
    """What the example tells a schema beyond its values: optional keys and comments."""

    def __init__(self, example: Example | None):
        self.optional = example.optional if example else frozenset()
        self.comments = example.comments if example else {}
        self.positional = example.positional if example else []
        # an example that had to be repaired beyond trailing commas was typed by hand: it does not
        # decide whether a DECIMAL is sent as a string or a number
        self.loose = bool(set(example.repaired) - {"trailing commas"}) if example else False


def _field_schema(f: Field, example: Any, shape: _Shape) -> dict[str, Any]:
    s = type_schema(f.type, None if shape.loose else example)
    key = type_key(f.type)
    is_array = s.get("type") == "array" or isinstance(example, list) and key not in TYPE_MAP
    if f.children and isinstance(example, dict):
        is_array = False  # 'OBJECT ARRAY' over an object: the example gives the shape (page.example-shape says so)
    if f.children:
        sample = example[0] if isinstance(example, list) and example else example
        obj = _object_schema(f.children, sample if isinstance(sample, dict) else None, shape)
        s = {"type": "array", "items": obj} if is_array else obj
    elif is_array and "items" not in s and isinstance(example, list) and example:
        s = infer_schema(example, shape.positional)
    if not known_type(f.type) and not f.children:
        s = infer_schema(example, shape.positional) if example is not None else {}
    enum = enum_values(f.description, f.type) or _comment_enum(shape.comments.get(f.name, ""))
    if enum and s.get("type") == "string" and (not isinstance(example, str) or example in enum):
        s["enum"] = enum
    if not f.children and s.get("type") not in ("object", "array"):
        if is_money(f.name, f.type):
            s = money(s)
        s = reconcile(s, [] if example is None else [example], f.name, f.type)
    if f.description:
        s["description"] = f.description
    s["x-doc-type"] = f.type
    return s


def _object_schema(fields: list[Field], example: dict[str, Any] | None, shape: _Shape) -> dict[str, Any]:
    props: dict[str, Any] = {}
    conditional = {f.name for f in fields if _CONDITIONAL.search(f.description)}
    for f in fields:
        props[f.name] = _field_schema(f, (example or {}).get(f.name), shape)
    for key, value in (example or {}).items():
        if key not in props:
            props[key] = infer_schema(value, shape.positional) | {"x-undocumented": True}
            if is_money(key):
                props[key] = money(props[key])
            comment_enum = _comment_enum(shape.comments.get(key, ""))
            if comment_enum and props[key].get("type") == "string" and value in comment_enum:
                props[key]["enum"] = comment_enum
    optional = shape.optional | conditional | {k for k, c in shape.comments.items() if _CONDITIONAL.search(c)}
    required = sorted(k for k in (example or {}) if k not in optional)
    return {"type": "object", "properties": props, "required": required}


def _comment_enums(schema: dict[str, Any], value: Any, shape: _Shape) -> dict[str, Any]:
    """Enums the example's comments state, on the keys of an object (or of an array's objects)."""
    obj = schema.get("items") if schema.get("type") == "array" else schema
    sample = value[0] if isinstance(value, list) and value else value
    if isinstance(obj, dict) and isinstance(sample, dict):
        for key, prop in obj.get("properties", {}).items():
            enum = _comment_enum(shape.comments.get(key, ""))
            if enum and prop.get("type") == "string" and sample.get(key) in enum:
                prop["enum"] = enum
    return schema


def _body(fields: list[Field], value: Any, example: Example | None, shape: _Shape) -> dict[str, Any]:
    if not fields:
        return _comment_enums(infer_schema(value, shape.positional), value, shape) if example else {}
    if isinstance(value, list):
        sample = value[0] if value and isinstance(value[0], dict) else None
        if sample is None and value and all(is_row(v) for v in value):
            return infer_schema(value, shape.positional)
        return {"type": "array", "items": _object_schema(fields, sample, shape)}
    return _object_schema(fields, value if isinstance(value, dict) else None, shape)


def _relax_required(schema: dict[str, Any], instances: list[Any]) -> None:
    """A key the examples leave out somewhere (one array element, one answer) is not required there."""
    stack = [(schema, instances)]
    while stack:
        node, values = stack.pop()
        if node.get("type") == "object":
            objs = [v for v in values if isinstance(v, dict)]
            if objs and "required" in node:
                node["required"] = [k for k in node["required"] if all(k in o for o in objs)]
            for key, prop in node.get("properties", {}).items():
                if isinstance(prop, dict):
                    stack.append((prop, [o[key] for o in objs if key in o]))
        elif node.get("type") == "array" and isinstance(node.get("items"), dict):
            stack.append((node["items"], [x for v in values if isinstance(v, list) for x in v]))


def _nodes(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every schema node of a body: properties, items, row positions and alternatives."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node
        stack.extend(v for v in node.get("properties", {}).values())
        stack.extend(node.get("prefixItems", []))
        stack.extend(node.get("anyOf", []) + node.get("oneOf", []))
        if isinstance(node.get("items"), dict):
            stack.append(node["items"])


def _drop_optional(schema: dict[str, Any], names: frozenset[str] | set[str]) -> None:
    """Keys the example's comments call optional are required nowhere (a table-less schema included)."""
    for node in _nodes(schema) if names else ():
        if "required" in node:
            node["required"] = [k for k in node["required"] if k not in names]


def _same_keys(values: list[Any]) -> bool:
    """Answers that differ only in values: one schema.  Answers with other keys are alternatives."""

    def keys(v: Any) -> frozenset[str]:
        if isinstance(v, dict):
            return frozenset(v)
        if isinstance(v, list):
            return frozenset().union(*(keys(x) for x in v)) if v else frozenset()
        return frozenset()

    return len({keys(v) for v in values}) == 1


def _kind(value: Any) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "scalar"


def _distinct_bodies(
    fields: list[Field], values: list[Any], example: Example | None, shape: _Shape
) -> list[dict[str, Any]]:
    """Each answer's own schema, duplicates dropped (answers that differ only in values give one)."""
    out: list[dict[str, Any]] = []
    for v in values:
        body = _body(fields, v, example, shape)
        _relax_required(body, [v])
        if body not in out:
            out.append(body)
    return out


def response_schema(fields: list[Field], example: Example | None, also: list[Any] | None = None) -> dict[str, Any]:
    """The body as the field table describes it, shaped by the example.

    The table gives names, types and nesting; the example gives the outer shape
    (object or array) and which keys are always sent (required).  Keys of the
    example the table forgot are kept, marked ``x-undocumented``.  When the page
    shows answers of different shapes ('OR', 'when symbol is not sent'), the
    body is ``oneOf`` them.  Objects of one kind stay alternatives (``anyOf``:
    they may overlap), even of one shape and typing, each then with its own answer
    as ``examples``: the page says there are two answers, and a merged schema
    would hide that from a reader and from drift.  Lists of one shape merge, a
    key some elements leave out being optional.  ``also``: the other language's
    example values; a key they leave out is not required either.
    """
    shape = _Shape(example)
    values = example.values if example else [None]
    by_kind: dict[str, list[Any]] = {}
    for v in values:
        by_kind.setdefault(_kind(v), []).append(v)
    bodies = []
    for same in by_kind.values():
        if len(same) == 1:
            body = _body(fields, same[0], example, shape)
            _relax_required(body, same)
            bodies.append(body)
            continue
        if not _same_keys(same):  # FULL / MINI, ACK / RESULT: each answer is an alternative (they may overlap: anyOf)
            alternatives = []
            for v in same:
                alt = _body(fields, v, example, shape)
                _relax_required(alt, [v])
                alternatives.append(alt)
            bodies.extend(alternatives)
            continue
        distinct = _distinct_bodies(fields, same, example, shape)
        if len(distinct) > 1:  # one shape, but typed differently ('isExpired': null / true): the page's alternatives
            bodies.extend(distinct)
            continue
        if all(isinstance(v, dict) for v in same):
            # one shape and one typing ('OR multi-assets mode', 'OR (when processing)'): still the page's
            # alternatives, so each stays one, carrying its own answer; they overlap, hence anyOf, and
            # validate exactly like one merged schema would
            bodies.append({"anyOf": [{**copy.deepcopy(distinct[0]), "examples": [v]} for v in same]})
            continue
        # lists of one shape merge (their elements are one array's); scalars are one value
        merged: Any = [x for v in same for x in v] if all(isinstance(v, list) for v in same) else same[0]
        body = _body(fields, merged, example, shape)
        if (
            body.get("type") == "array"
            and isinstance(body.get("items"), dict)
            and merged
            and all(isinstance(x, dict) for x in merged)
        ):
            shared = set.intersection(*(set(x) for x in merged))
            body["items"]["required"] = [k for k in body["items"].get("required", []) if k in shared]
        _relax_required(body, same)
        if not all(make_validator(body).is_valid(v) for v in same):
            # the answers differ deeper down: each is its own alternative (they may overlap: anyOf)
            body = {"anyOf": [_body(fields, v, example, shape) for v in same]}
        bodies.append(body)
    # answers of different kinds exclude each other (oneOf); several of one kind may overlap (anyOf)
    body = bodies[0] if len(bodies) == 1 else {"oneOf": bodies} if len(bodies) == len(by_kind) else {"anyOf": bodies}
    _drop_optional(body, shape.optional | {k for k, c in shape.comments.items() if _CONDITIONAL.search(c)})
    _allow_null(body, {k for k, c in shape.comments.items() if _NULLABLE.search(c)} | _nullable_fields(fields))
    if also:  # the other language's example is the page's too: a key it leaves out is not required
        validator = make_validator(body)
        if not all(validator.is_valid(v) for v in also):
            _relax_required(body, [*values, *also])
    return {"$schema": DIALECT, **body}


#: 'secretKey will be null when creating an RSA key', 'null if not set', '未设置时为null'
_NULLABLE = re.compile(
    r"(?<!\bnot )(?<!\bnever )(?<!\bcannot )(?<!\bcan't )"
    r"\b(?:will be|would be|can be|could be|may be|might be|is|are|returns?)\s+null\b"
    r"|\bnull (?:if|when|for)\b|(?<!不)(?<!不能)(?<!不会)为\s*null|返回\s*null",
    re.I,
)


def _nullable_fields(fields: list[Field]) -> set[str]:
    out: set[str] = set()
    for f in fields:
        if _NULLABLE.search(f.description):
            out.add(f.name)
        out |= _nullable_fields(f.children)
    return out


def _allow_null(schema: dict[str, Any], names: set[str]) -> None:
    """Keys the page says may be null accept null beside their type (and their values)."""
    for node in _nodes(schema) if names else ():
        for name, prop in node.get("properties", {}).items():
            kind = prop.get("type") if isinstance(prop, dict) else None
            if name in names and (
                isinstance(kind, str) and kind != "null" or isinstance(kind, list) and "null" not in kind
            ):
                prop["type"] = [kind, "null"] if isinstance(kind, str) else [*kind, "null"]
                if "enum" in prop:
                    prop["enum"] = [*prop["enum"], None]
