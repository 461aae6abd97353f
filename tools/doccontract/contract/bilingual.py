"""Where the English and Chinese pages of one endpoint disagree.

Each disagreement is a :class:`Finding` with both languages' values and the
headings it was read under (the parameter or field named too), so a reader can
open both pages at the spot.  Values are compared after normalising what means
the same (INT = INTEGER; STRING = ENUM when the schema is the same), and a part
one language simply leaves out is reported under its own ``*-omitted`` code at
a lower severity than a real conflict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

from ..read.endpoint import Endpoint, Field, Param, field_paths
from ..read.model import Finding
from ..read.prose import enum_values
from .schema import known_type, type_key, type_schema

# severity by what a disagreement would do to a client built from one language
_SEVERITY = {
    "method": "error",
    "path": "error",
    "param-type": "error",
    "param-mandatory": "error",
    "field-type": "error",
    "example-type": "warning",
    "enum": "warning",
    "security": "warning",
    "weight": "warning",
    "param-omitted": "warning",
    "field-omitted": "info",
    "example-field-omitted": "info",
    "enum-omitted": "info",
    "security-omitted": "info",
    "weight-omitted": "info",
    "mandatory-omitted": "info",
}


class _Add(Protocol):
    """compare's ``add``: one finding, with the two sides' values."""

    def __call__(self, what: str, part: str, message: str, en_value: Any, zh_value: Any, item: str = "") -> None: ...


_Omitted = Callable[[Any, Any], "str | None"]  # compare's ``omitted``: the language that leaves a thing out


def same_type(a: str, b: str) -> bool:
    """Two documented types that give the same schema are the same type (INT/INTEGER, STRING/ENUM)."""
    if type_key(a) == type_key(b):
        return True
    if known_type(a) and known_type(b):
        return type_schema(a) == type_schema(b)
    return False


def _placeholders(value: Any, prefix: str = "") -> set[str]:
    """Paths where an example shows an empty object or array: a placeholder ('{ // all limits are
    optional }'), which says nothing about the keys the other language's example shows there."""
    out: set[str] = set()
    stack = [(value, prefix)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, list):
            if not v:
                out.add(p)
            stack.extend((x, p) for x in v[:1])
        elif isinstance(v, dict):
            if not v:
                out.add(p)
            stack.extend((x, f"{p}/{k}") for k, x in v.items())
    return out


def _under(path: str, places: set[str]) -> bool:
    return any(path.startswith(p + "/") for p in places)


def _example_types(value: Any, prefix: str = "") -> dict[str, str]:
    """Path -> JSON type of every key in an example (array levels skipped)."""
    out: dict[str, str] = {}
    stack = [(value, prefix)]
    while stack:
        v, p = stack.pop()
        if isinstance(v, list):
            stack.extend((x, p) for x in v[:1])
        elif isinstance(v, dict):
            for k, x in v.items():
                path = f"{p}/{k}"
                out.setdefault(path, type(x).__name__ if x is not None else "null")
                stack.append((x, path))
    return out


def compare(en: Endpoint, zh: Endpoint) -> list[Finding]:
    found: list[Finding] = []

    def add(what: str, part: str, message: str, en_value: Any, zh_value: Any, item: str = "") -> None:
        suffix = f" › {item}" if item else ""
        where = f"{en.where(part)}{suffix} | {zh.where(part)}{suffix}"
        found.append(Finding(f"bilingual.{what}", _SEVERITY[what], message, where, {"en": en_value, "zh-CN": zh_value}))

    def omitted(en_value: Any, zh_value: Any) -> str | None:
        """Which language leaves the part out, when exactly one does."""
        if (en_value is None) != (zh_value is None):
            return "en" if en_value is None else "zh-CN"
        return None

    if en.method != zh.method:
        add("method", "http", "the HTTP method differs between languages", en.method, zh.method)
    if en.path != zh.path:
        add("path", "http", "the path differs between languages", en.path, zh.path)
    lang = omitted(en.security, zh.security)
    if lang:
        add("security-omitted", "title", f"the {lang} title names no security type", en.security, zh.security)
    elif en.security != zh.security:
        add("security", "title", "the security type in the title differs between languages", en.security, zh.security)
    _compare_weight(en, zh, add, omitted)

    _compare_params(en.params, zh.params, "", add, omitted)

    ef, zf = field_paths(en.fields), field_paths(zh.fields)
    _one_sided(ef, zf, "field-omitted", "fields", "response field", add)
    for path in sorted(set(ef) & set(zf)):
        _same_meaning(ef[path], zf[path], "field-type", "fields", f"response field {path}", path, add)

    if en.example is not None and zh.example is not None:
        et, zt = _example_types(en.example.value), _example_types(zh.example.value)
        for path in sorted(set(et) & set(zt)):
            if et[path] != zt[path] and "null" not in (et[path], zt[path]) and {et[path], zt[path]} != {"int", "float"}:
                add(
                    "example-type",
                    "example",
                    f"the examples send {path} as different JSON types",
                    et[path],
                    zt[path],
                    path,
                )
        open_en, open_zh = _placeholders(en.example.value), _placeholders(zh.example.value)
        for path in sorted(set(et) ^ set(zt)):
            side = "en" if path in et else "zh-CN"
            if _under(path, open_zh if side == "en" else open_en):
                continue
            add(
                "example-field-omitted",
                "example",
                f"only the {side} example shows {path}",
                path in et,
                path in zt,
                path,
            )
    return found


def _compare_params(en_params: list[Param], zh_params: list[Param], prefix: str, add: _Add, omitted: _Omitted) -> None:
    """Parameters by name, and the element tables of list parameters ('batchOrders.side') the same way."""
    ep = {prefix + p.name: p for p in en_params}
    zp = {prefix + p.name: p for p in zh_params}
    _one_sided(ep, zp, "param-omitted", "params", "parameter", add)
    for name in sorted(set(ep) & set(zp)):
        a, b = ep[name], zp[name]
        _same_meaning(a, b, "param-type", "params", f"parameter {name!r}", name, add)
        lang = omitted(a.mandatory, b.mandatory)
        if lang:
            add(
                "mandatory-omitted",
                "params",
                f"parameter {name!r}: the {lang} page does not say whether it is mandatory",
                a.mandatory,
                b.mandatory,
                name,
            )
        elif a.mandatory != b.mandatory:
            add(
                "param-mandatory",
                "params",
                f"parameter {name!r} is mandatory in one language only",
                a.mandatory,
                b.mandatory,
                name,
            )
        if a.items is not None and b.items is not None:
            _compare_params(a.items, b.items, f"{name}.", add, omitted)


def _one_sided(en_items: dict[str, Any], zh_items: dict[str, Any], code: str, part: str, noun: str, add: _Add) -> None:
    """What one language lists and the other does not (when both list something at all)."""
    if en_items and zh_items:
        for name in sorted(set(en_items) ^ set(zh_items)):
            side = "en" if name in en_items else "zh-CN"
            add(code, part, f"{noun} {name!r} is listed in {side} only", name in en_items, name in zh_items, name)


def _same_meaning(a: Param | Field, b: Param | Field, code: str, part: str, what: str, item: str, add: _Add) -> None:
    """A parameter or field both languages list: the same type, the same values."""
    if a.type and b.type and not same_type(a.type, b.type):
        add(code, part, f"{what} has a different type", a.type, b.type, item)
    _compare_enum(
        enum_values(a.description, a.type),
        enum_values(b.description, b.type),
        what,
        part,
        item,
        add,
        (a.description, b.description),
    )


def _compare_weight(en: Endpoint, zh: Endpoint, add: _Add, omitted: _Omitted) -> None:
    ew = {k: en.weight.get(k) for k in ("value", "unit")} if en.weight else None
    zw = {k: zh.weight.get(k) for k in ("value", "unit")} if zh.weight else None
    lang = omitted(ew, zw)
    if lang:
        add("weight-omitted", "weight", f"the {lang} page states no request weight", ew, zw)
        return
    if ew is None or zw is None:
        return
    units_agree = ew["unit"] == zw["unit"] or None in (ew["unit"], zw["unit"])
    if ew["value"] != zw["value"] or not units_agree:
        add("weight", "weight", "the request weight differs between languages", ew, zw)
    elif ew["unit"] != zw["unit"]:  # '60' beside '60(UID)': which limit it counts against is said once
        lang, unit = ("en", zw["unit"]) if ew["unit"] is None else ("zh-CN", ew["unit"])
        add("weight-omitted", "weight", f"the {lang} page states the weight without its unit ({unit})", ew, zw)


def _names_all(values: list[str], text: str) -> bool:
    """Whether ``text`` names every value as a whole word ('如 USDT 或 USDC', 'TRANSFER 转账, ...')."""
    words = set(re.findall(r"[A-Za-z0-9_]+", text))
    return bool(values) and all(v in words for v in values)


def _compare_enum(
    ea: list[str], eb: list[str], what: str, part: str, item: str, add: _Add, texts: tuple[str, str] = ("", "")
) -> None:
    if ea == eb:
        return
    if not ea or not eb:
        # a language whose text names every value has not left them out: it only says them in a form
        # the enum reader does not take as the set ('such as USDT or USDC', values with glosses)
        if not _names_all(ea or eb, texts[1] if ea else texts[0]):
            add("enum-omitted", part, f"{what}: only one language lists its values", ea, eb, item)
    elif set(ea) != set(eb):
        add("enum", part, f"{what} lists different values", ea, eb, item)
