"""Endpoint models to JSON Schema 2020-12 and to the contract document.

The one table that says what each documented type means is :data:`TYPE_MAP`;
request and response schemas, the sandbox's parameter parsing and the OpenAPI
document all go through it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from .._files import json_pointer
from ..read.extract import Endpoint, Example, Field, Finding, Param, enum_values, field_paths, param_bounds
from ..rules import INT64, RECV_WINDOW_MAX
from .validation import validator as make_validator

DIALECT = "https://json-schema.org/draft/2020-12/schema"
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
#: What an undecided DECIMAL is when there is no example to look at.
DECIMAL_EITHER = {"anyOf": [{"type": "string", "pattern": DECIMAL_PATTERN}, {"type": "number"}]}


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
    if key not in TYPE_MAP and _element_type(key):
        return {"type": "array", "items": type_schema(_element_type(key))}
    mapped = TYPE_MAP.get(key, {})
    if mapped is None:
        return _decimal_from(example)
    return {k: (dict(v) if isinstance(v, dict) else v) for k, v in mapped.items()}


def _row_schema(row: list, notes: list[str] | None = None) -> dict[str, Any]:
    """A fixed-position row (a kline, a [price, qty] pair): each position typed on its own."""
    items = []
    for i, v in enumerate(row):
        item = infer_schema(v)
        if notes and i < len(notes):
            item["description"] = notes[i]
        items.append(item)
    return {"type": "array", "prefixItems": items, "minItems": len(row)}


def _is_row(value: Any) -> bool:
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
        if value and all(_is_row(v) for v in value):
            return {"type": "array", "items": _row_schema(value[0], notes)}
        if _is_row(value) and len({type(v) for v in value}) > 1:
            return _row_schema(value, notes)
        return {"type": "array", "items": infer_schema(value[0])} if value else {"type": "array"}
    if isinstance(value, dict):
        return _infer_objects([value])
    return {}


def _shapes(items: list[dict]) -> list[list[dict]]:
    """Items of an example array grouped by shape: an item sharing under half of the smaller key
    set with every group so far (an order beside an error ``{code, msg}``) starts a new one."""
    groups: list[tuple[set, list[dict]]] = []
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


def _infer_objects(items: list[dict]) -> dict[str, Any]:
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
    r"only (?:be )?return|not return|not be returned|available (?:only )?(?:for|after|since)\b|不会返回|仅适用|only (?:if|when)\b|returned (?:only )?(?:when|if)|only (?:present|shown|appears?)|optional|may not|if .{0,80} exists|"
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
    if f.description:
        s["description"] = f.description
    s["x-doc-type"] = f.type
    return s


def _object_schema(fields: list[Field], example: dict | None, shape: _Shape) -> dict[str, Any]:
    props: dict[str, Any] = {}
    conditional = {f.name for f in fields if _CONDITIONAL.search(f.description)}
    for f in fields:
        props[f.name] = _field_schema(f, (example or {}).get(f.name), shape)
    for key, value in (example or {}).items():
        if key not in props:
            props[key] = infer_schema(value, shape.positional) | {"x-undocumented": True}
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
        if sample is None and value and all(_is_row(v) for v in value):
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
    def keys(v: Any) -> frozenset:
        if isinstance(v, dict):
            return frozenset(v)
        if isinstance(v, list):
            return frozenset().union(*(keys(x) for x in v)) if v else frozenset()
        return frozenset()

    return len({keys(v) for v in values}) == 1


def _kind(value: Any) -> str:
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "scalar"


def _distinct_bodies(fields: list[Field], values: list[Any], example: Example | None, shape: _Shape) -> list[dict[str, Any]]:
    """Each answer's own schema, duplicates dropped (answers that differ only in values give one)."""
    out: list[dict[str, Any]] = []
    for v in values:
        body = _body(fields, v, example, shape)
        _relax_required(body, [v])
        if body not in out:
            out.append(body)
    return out


def response_schema(fields: list[Field], example: Example | None) -> dict[str, Any]:
    """The body as the field table describes it, shaped by the example.

    The table gives names, types and nesting; the example gives the outer shape
    (object or array) and which keys are always sent (required).  Keys of the
    example the table forgot are kept, marked ``x-undocumented``.  When the page
    shows answers of different shapes ('OR', 'when symbol is not sent'), the
    body is ``oneOf`` them.  Objects of one kind stay alternatives (``anyOf``:
    they may overlap), even of one shape and typing, each then with its own answer
    as ``examples``: the page says there are two answers, and a merged schema
    would hide that from a reader and from drift.  Lists of one shape merge, a
    key some elements leave out being optional.
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
        if body.get("type") == "array" and isinstance(body.get("items"), dict) and merged and all(isinstance(x, dict) for x in merged):
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
    return {"$schema": DIALECT, **body}


#: 'secretKey will be null when creating an RSA key', 'null if not set', '未设置时为null'
_NULLABLE = re.compile(
    r"(?<!\bnot )(?<!\bnever )(?<!\bcannot )(?<!\bcan't )\b(?:will be|would be|can be|could be|may be|might be|is|are|returns?)\s+null\b"
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
            if name in names and isinstance(prop, dict) and isinstance(prop.get("type"), str) and prop["type"] != "null":
                prop["type"] = [prop["type"], "null"]
                if "enum" in prop:
                    prop["enum"] = [*prop["enum"], None]


# --------------------------------------------------------------------------- the page against itself


def _example_at(value: Any, path: str) -> list[Any]:
    """The example's values at a field path ('/rows/liquidationSnapshot'), array levels passed through."""
    values = [value]
    for name in path.strip("/").split("/"):
        flat = [x for v in values for x in (v if isinstance(v, list) else [v])]
        values = [v[name] for v in flat if isinstance(v, dict) and name in v]
    return values


def _shape_conflicts(fields: list[Field], example: Any, where: str) -> list[Finding]:
    """A table field with members called an array where the example shows one object."""
    found = []
    for path, f in field_paths(fields).items():
        if f.children and type_schema(f.type).get("type") == "array" and any(isinstance(v, dict) for v in _example_at(example, path)):
            found.append(
                Finding(
                    "page.example-shape",
                    "warning",
                    f"the field table calls {path} {f.type!r} (an array) but the example shows one object; the example's shape is used",
                    where,
                    {"field": path, "documented": f.type},
                )
            )
    return found


def _walk_example(value: Any, prefix: str = "") -> set[str]:
    """JSON-pointer-like paths of every key in an example (array levels skipped)."""
    out: set[str] = set()
    if isinstance(value, list):
        for item in value:
            out |= _walk_example(item, prefix)
    elif isinstance(value, dict):
        for k, v in value.items():
            out.add(f"{prefix}/{k}")
            out |= _walk_example(v, f"{prefix}/{k}")
    return out


def _table_against_example(fields: list[Field], example: Any, where: str) -> list[Finding]:
    found = []
    documented = set(field_paths(fields))
    shown = _walk_example(example)
    documented_names = {p.rsplit("/", 1)[-1] for p in documented}
    for path in sorted(shown - documented):
        if path.rsplit("/", 1)[-1] in documented_names:
            continue  # documented at another nesting level: the table flattened it
        found.append(
            Finding("page.example-field-undocumented", "warning", f"the example has {path}, which the field table does not list", where, {"field": path})
        )
    shown_names = {p.rsplit("/", 1)[-1] for p in shown}
    for path in sorted(documented - shown):
        if path.rsplit("/", 1)[-1] in shown_names:
            continue
        found.append(
            Finding("page.field-missing-from-example", "info", f"the field table lists {path}, which the example does not show", where, {"field": path})
        )
    return found


def consistency_findings(ep: Endpoint, schema: dict[str, Any]) -> list[Finding]:
    """Where the page disagrees with itself: its example against its own tables."""
    found: list[Finding] = []
    where_fields = ep.where("fields")
    for p in ep.params:
        if p.type and not known_type(p.type):
            found.append(
                Finding(
                    "page.unknown-type",
                    "warning",
                    f"parameter {p.name!r} has type {p.type!r}, which the type table does not know",
                    ep.where("params"),
                    {"type": p.type},
                )
            )
    for path, f in field_paths(ep.fields).items():
        if f.type and not known_type(f.type):
            found.append(
                Finding(
                    "page.unknown-type",
                    "warning",
                    f"response field {path} has type {f.type!r}, which the type table does not know",
                    where_fields,
                    {"type": f.type},
                )
            )
    if ep.example is None:
        return found
    if ep.fields:
        found += _table_against_example(ep.fields, ep.example.value, where_fields)
        found += _shape_conflicts(ep.fields, ep.example.value, where_fields)
    else:
        found.append(Finding("page.no-field-table", "info", "no response field table; the schema comes from the example alone", ep.where("example")))
    validator = make_validator(schema)
    seen = set()
    errors = [e for v in ep.example.values for e in validator.iter_errors(v)]
    for err in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        pointer = json_pointer(err)
        shape = re.sub(r"/\d+(?=/|$)", "/*", pointer)
        if shape in seen:
            continue  # one finding per field, not one per array element
        seen.add(shape)
        found.append(
            Finding(
                "page.example-invalid",
                "warning",
                f"the example at {pointer} breaks the field table: {err.message}",
                where_fields,
                {
                    "pointer": pointer,
                    "example": err.instance if not isinstance(err.instance, (dict, list)) else None,
                    "documented": err.schema.get("x-doc-type"),
                },
            )
        )
    return found
