"""Where the English and Chinese pages of one endpoint disagree.

Each disagreement is a :class:`Finding` with both languages' values and the
headings it was read under, so a reader can open both pages at the spot.
"""

from __future__ import annotations

from typing import Any

from .extract import Endpoint, Finding, enum_values, field_paths
from .schema import type_key

# severity by what a disagreement would do to a client built from one language
_SEVERITY = {
    "method": "error",
    "path": "error",
    "params": "error",
    "param-type": "error",
    "param-mandatory": "error",
    "response-fields": "error",
    "field-type": "error",
    "enum": "warning",
    "security": "warning",
    "weight": "warning",
}


def compare(en: Endpoint, zh: Endpoint) -> list[Finding]:
    found: list[Finding] = []

    def add(what: str, part: str, message: str, en_value: Any, zh_value: Any) -> None:
        where = f"{en.where(part)} | {zh.where(part)}"
        found.append(Finding(f"bilingual.{what}", _SEVERITY[what], message, where, {"en": en_value, "zh-CN": zh_value}))

    if en.method != zh.method:
        add("method", "http", "the HTTP method differs between languages", en.method, zh.method)
    if en.path != zh.path:
        add("path", "http", "the path differs between languages", en.path, zh.path)
    if en.security != zh.security:
        add("security", "title", "the security type in the title differs between languages", en.security, zh.security)
    ew = {k: en.weight.get(k) for k in ("value", "unit")} if en.weight else None
    zw = {k: zh.weight.get(k) for k in ("value", "unit")} if zh.weight else None
    if ew != zw:
        add("weight", "weight", "the request weight differs between languages", ew, zw)

    ep = {p.name: p for p in en.params}
    zp = {p.name: p for p in zh.params}
    if set(ep) != set(zp):
        add("params", "params", "the parameter set differs between languages", sorted(set(ep) - set(zp)), sorted(set(zp) - set(ep)))
    for name in sorted(set(ep) & set(zp)):
        a, b = ep[name], zp[name]
        if type_key(a.type) != type_key(b.type):
            add("param-type", "params", f"parameter {name!r} has a different type", a.type, b.type)
        if a.mandatory != b.mandatory:
            add("param-mandatory", "params", f"parameter {name!r} is mandatory in one language only", a.mandatory, b.mandatory)
        ea, eb = enum_values(a.description, a.type), enum_values(b.description, b.type)
        if ea and eb and ea != eb:
            add("enum", "params", f"parameter {name!r} lists different values", ea, eb)

    ef, zf = field_paths(en.fields), field_paths(zh.fields)
    if set(ef) != set(zf) and ef and zf:
        add("response-fields", "fields", "the response fields differ between languages", sorted(set(ef) - set(zf)), sorted(set(zf) - set(ef)))
    for path in sorted(set(ef) & set(zf)):
        a, b = ef[path], zf[path]
        if type_key(a.type) != type_key(b.type):
            add("field-type", "fields", f"response field {path} has a different type", a.type, b.type)
        ea, eb = enum_values(a.description, a.type), enum_values(b.description, b.type)
        if ea != eb and (ea or eb):
            add("enum", "fields", f"response field {path} lists different values", ea, eb)
    return found
