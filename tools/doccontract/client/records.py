"""Answers as a user wants them: one rule (:func:`form`) reads a field's contract schema and says which
Python type it comes back as; :func:`to_record` builds frozen dataclasses from it.

Money and quantities are ``Decimal`` (a float cannot hold 0.1, and the wire carries them as numbers
or strings depending on the page); flags are ``bool`` whatever their wire form (``true``,
``"true"``, ``"TRUE"``); identifiers and times are ``int`` (times stay Binance's milliseconds, the
unit every ``startTime``/``endTime`` parameter takes); enums and text are ``str``; a list answer is a
tuple-like :class:`Records` (iterate, ``len``, index).  No float ever reaches a record: a JSON number
with a fraction becomes the ``Decimal`` of the digits on the wire.

A value whose wire form the schema does not expect (only in an answer that breaks its contract) is
converted when it can be read unambiguously and kept as sent otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, make_dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

#: Binance's decimal text (ASCII digits only: Python's ``\d`` would take '١').
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_INTEGER_TEXT = re.compile(r"-?[0-9]{1,20}")
#: Documented types that are decimals (the pages' labels, upper-cased, spaces removed).
DECIMAL_DOC_TYPES = frozenset({"DECIMAL", "BIGDECIMAL", "DOUBLE", "FLOAT", "NUMBER"})
FLAG_TEXT = {"true": True, "false": False}
#: Names a record keeps for itself: a response field of the same name is reachable through ``Result.data``.
RESERVED = frozenset({"weights", "violations"})

DECIMAL, FLAG, INT, TEXT, RECORD, LIST, ANY = "decimal", "flag", "int", "str", "record", "list", "any"


class Number(float):
    """A JSON number with a fraction as parsed: a float (so ``Result.data`` stays plain JSON) that
    remembers the digits it was written with, so a record's Decimal is exact."""

    text: str

    def __new__(cls, text: str) -> Number:
        self = super().__new__(cls, text)
        self.text = text
        return self


def _types(schema: dict[str, Any]) -> set[str]:
    """Every JSON type a schema admits, through ``type`` lists and ``anyOf``/``oneOf`` alternatives."""
    kind = schema.get("type")
    found = {kind} if isinstance(kind, str) else set(kind) if isinstance(kind, list) else set()
    for key in ("anyOf", "oneOf"):
        for alt in schema.get(key) or []:
            if isinstance(alt, dict):
                found |= _types(alt)
    return found


def _patterns(schema: dict[str, Any]) -> list[str]:
    found = [schema["pattern"]] if isinstance(schema.get("pattern"), str) else []
    for key in ("anyOf", "oneOf"):
        found += [p for alt in schema.get(key) or [] if isinstance(alt, dict) for p in _patterns(alt)]
    return found


def _is_decimal_pattern(pattern: str) -> bool:
    """A pattern that takes decimal text ("1.5") and refuses words: the contract's mark of a decimal string."""
    try:
        return bool(re.search(pattern, "1.5")) and not any(re.search(pattern, t) for t in ("x", "1.5x", "a@b.c"))
    except re.error:
        return False


def form(schema: Any, examples: Sequence[Any] = ()) -> str:
    """The one rule: which Python type a field with this schema comes back as.

    decimal: a DECIMAL-like documented type, a ``number`` type, or a decimal-text pattern;
    a field typed only as text takes the form its documented examples (the page's, kept in the
    contract) show: all booleans, a flag; all integers, an int; numbers with a fraction, or decimal
    text with a fraction or zero (``"0.50106177"``, ``"0"``), a decimal (many pages call flags, ids
    and amounts STRING and show them otherwise);
    flag: a ``boolean`` type, or an enum of only true/false in any case;
    int: an ``integer`` type (ids, times, counts; a string id beside it still reads as an int);
    record / list: objects and arrays; str: text and enums; any: nothing documented.
    """
    if not isinstance(schema, dict) or not schema:
        return ANY
    types = _types(schema)
    doc = re.sub(r"\s+", "", str(schema.get("x-doc-type") or "")).upper()
    enum = schema.get("enum")
    if "object" in types or isinstance(schema.get("properties"), dict):
        return RECORD
    if "array" in types or isinstance(schema.get("items"), dict):
        return LIST
    if "boolean" in types or (enum and all(str(v).lower() in FLAG_TEXT for v in enum)):
        return FLAG
    if doc in DECIMAL_DOC_TYPES or "number" in types or any(_is_decimal_pattern(p) for p in _patterns(schema)):
        return DECIMAL
    if "integer" in types:
        return INT
    if types == {"string"} and not enum and examples:  # a table's STRING: what the page's examples carried decides
        if all(isinstance(v, bool) for v in examples):
            return FLAG
        if all(isinstance(v, int) and not isinstance(v, bool) for v in examples):
            return INT
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in examples) or _decimal_examples(
            examples
        ):
            return DECIMAL
    if "string" in types:
        return TEXT
    return ANY


def _decimal_examples(examples: Sequence[Any]) -> bool:
    """Every example is decimal text, and one has a fraction or exponent or is zero: an amount, never an id
    (an id written as text has no point and is never 0)."""
    texts = [v for v in examples if isinstance(v, str)]
    if not texts or len(texts) != len(examples) or not all(_DECIMAL_TEXT.fullmatch(v) for v in texts):
        return False
    return any(c in v for v in texts for c in ".eE") or any(Decimal(v) == 0 for v in texts)


def example_values(schema: dict[str, Any], examples: Sequence[Any]) -> dict[int, list[Any]]:
    """The documented examples' scalars, by the schema node (``id``) that describes them: what :func:`form`
    reads beside the schema."""
    out: dict[int, list[Any]] = {}
    stack = [(schema, example) for example in examples]
    while stack:
        node, value = stack.pop()
        if not isinstance(node, dict):
            continue
        if isinstance(value, dict):
            props: dict[str, Any] = node["properties"] if isinstance(node.get("properties"), dict) else {}
            stack += [(props[k], v) for k, v in value.items() if k in props]
        elif isinstance(value, list):
            stack += [(node["items"], v) for v in value] if isinstance(node.get("items"), dict) else []
        else:
            out.setdefault(id(node), []).append(value)
    return out


def _decimal(value: Any) -> Any:
    if isinstance(value, Number):
        return Decimal(value.text)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
            return value
    return value


def scalar(kind: str, value: Any) -> Any:
    """One wire value in the Python type ``kind`` asks for; unreadable values stay as sent."""
    if value is None:
        return None
    if kind == DECIMAL:
        return _decimal(value)
    if kind == FLAG:
        if isinstance(value, str) and value.strip().lower() in FLAG_TEXT:
            return FLAG_TEXT[value.strip().lower()]
        return value
    if kind == INT:
        if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
            return int(value.strip())
        if isinstance(value, float):  # a whole number sent with a fraction is still that id; anything else stays exact
            return int(value) if value.is_integer() and abs(value) < 2**53 else _decimal(value)
        return value
    if isinstance(value, float):  # text or undocumented: still no float in a record
        return _decimal(value)
    return value


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _field_names(keys: list[str]) -> list[tuple[str, str]]:
    out, taken = [], set()
    for key in keys:
        name = snake(key)
        if name.isidentifier() and not name.startswith("_") and name not in RESERVED and name not in taken:
            taken.add(name)
            out.append((key, name))
    return out


def _used(limit: str) -> property:
    return property(
        lambda self: next((v for k, v in self.weights.items() if f"-{limit}-WEIGHT" in k), None),
        doc=f"used {limit} weight, from the headers",
    )


_EXTRAS = {"used_uid_weight": _used("UID"), "used_ip_weight": _used("IP")}


@lru_cache(maxsize=1024)
def _record_class(name: str, names: tuple[str, ...]) -> type:
    fields: list[tuple[str, Any, Any]] = [(n, Any, field(default=None)) for n in names]
    fields += [("weights", dict, field(default_factory=dict, repr=False, compare=False))]
    fields += [("violations", tuple, field(default=(), repr=False, compare=False))]
    return make_dataclass(name, fields, frozen=True, namespace=dict(_EXTRAS))


class Records(tuple):  # type: ignore[type-arg]
    """A list answer: a tuple of its items (iterate, ``len``, index) that also carries ``weights`` and
    ``violations``."""

    weights: dict[str, int]
    violations: tuple[str, ...]
    name: str

    def __new__(
        cls, name: str, items: list[Any], weights: dict[str, int] | None = None, violations: tuple[str, ...] = ()
    ) -> Records:
        self = super().__new__(cls, items)
        self.name, self.weights, self.violations = name, dict(weights or {}), tuple(violations)
        return self

    @property
    def items(self) -> tuple[Any, ...]:
        """The items as a plain tuple (the shape before list answers iterated)."""
        return tuple(self)

    used_uid_weight = _EXTRAS["used_uid_weight"]
    used_ip_weight = _EXTRAS["used_ip_weight"]

    def __repr__(self) -> str:
        return f"{self.name}({list(self)!r})"


def _singular(name: str) -> str:
    """A list's item record name: Liabilities -> Liability, Rows -> Row."""
    if name.endswith("ies") and len(name) > 3:
        return name[:-3] + "y"
    return name[:-1] if name.endswith("s") and len(name) > 1 else name


def _value(name: str, schema: Any, value: Any, hints: dict[str, Any], seen: dict[int, list[Any]]) -> Any:
    if isinstance(value, dict):
        return _object(name, schema if isinstance(schema, dict) else {}, value, hints, seen)
    if isinstance(value, list):
        item = schema.get("items") if isinstance(schema, dict) and isinstance(schema.get("items"), dict) else {}
        return [_value(_singular(name), item, v, hints, seen) for v in value]
    return scalar(form(schema, seen.get(id(schema), ())), value)


def _object(
    name: str,
    schema: dict[str, Any],
    data: dict[str, Any],
    hints: dict[str, Any],
    seen: dict[int, list[Any]],
    **extra: Any,
) -> Any:
    props: dict[str, Any] = schema["properties"] if isinstance(schema.get("properties"), dict) else {}
    keys = list(props) + [k for k in data if k not in props]  # every field sent is kept, documented first
    named = _field_names(keys)
    cls = _record_class(name, tuple(n for _, n in named))
    values = {}
    for key, attr in named:
        sub = props.get(
            key, hints.get(key, {})
        )  # an undocumented field: the same-named request parameter's type, if any
        values[attr] = _value(name + attr.title().replace("_", ""), sub, data.get(key), hints, seen)
    return cls(**values, **extra)


def to_record(
    name: str,
    schema: dict[str, Any],
    data: Any,
    weights: dict[str, int] | None = None,
    violations: tuple[str, ...] = (),
    hints: dict[str, Any] | None = None,
    examples: Sequence[Any] = (),
) -> Any:
    """The answer as a frozen dataclass named ``name`` (fields in snake_case, typed by :func:`form`),
    a :class:`Records` for a list answer, or the converted scalar for anything else.

    ``hints``: schemas for fields the response schema does not document (the request's parameters);
    ``examples``: the contract's documented answers, which :func:`form` reads beside the schema.
    """
    hints = hints or {}
    seen = example_values(schema, examples)
    kind = form(schema)
    if isinstance(data, list) or (kind == LIST and not isinstance(data, dict)):
        item = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        items = data if isinstance(data, list) else []  # an answer that is no list (it broke the contract): no items
        return Records(name, [_value(_singular(name), item, v, hints, seen) for v in items], weights, violations)
    if data is not None and not isinstance(data, dict) and kind not in (RECORD, ANY):
        return scalar(form(schema, seen.get(id(schema), ())), data)  # an operation whose whole answer is one value
    # an object; or an answer that is none (no body, not JSON): the documented fields, all None
    return _object(
        name,
        schema,
        data if isinstance(data, dict) else {},
        hints,
        seen,
        weights=dict(weights or {}),
        violations=tuple(violations),
    )


@dataclass(frozen=True)
class Result:
    """An answer: ``data`` the body as JSON, ``weights`` the used weights the headers report, ``violations``
    what in it breaks the contract (empty for a valid answer;
    see :class:`~doccontract.client.errors.ContractWarning`)."""

    data: Any
    weights: dict[str, int]
    status: int
    headers: dict[str, str] = field(repr=False)
    violations: tuple[str, ...] = ()
