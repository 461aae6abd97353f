"""The request weight as the page states it: a number, a table of conditions, or prose."""

from __future__ import annotations

import re
from typing import Any

from .model import Finding, Section, Table, clean, section_texts
from .sections import clean_label

_NUMBER = re.compile(r"(?<![A-Za-z0-9_])(?<!\d\.)(\d+)(?![A-Za-z0-9_]|\.\d)")


_HEADER_NAME = re.compile(r"\b[xX]-[\w-]+")  # X-MBX-USED-WEIGHT-1M: a header's name, never a weight


_DURATION = re.compile(
    r"\b\d+\s*(?:ms|s|m|min|mins|minutes?|seconds?|hours?|h|d|days?)\b|\d+\s*(?:分钟|秒|小时|天)", re.I
)


_UNIT = re.compile(r"\b(IP|UID|ORDERS?|RAW_REQUESTS|REQUEST_WEIGHT)\b")


_OWN_UNIT = re.compile(r"[(（]\s*([A-Za-z_]+)\s*[)）]")


_RATE_LIMITS = re.compile(
    r"(\d+)\s+on\s+([^;；(]{1,80}?)\s*rate limit|([^;；(]{1,80}?)\s*rate limit\s*(?:\([^)]{0,80}\))?\s*为\s*(\d+)", re.I
)


_RATE_COUNT = re.compile(
    r"\d+\s*次|\d+\s*(?:times|requests?|orders?)\s*(?:per|/|every|each)\b|每\S{0,4}?\d+", re.I
)  # '每天500次', '10 requests per second': a rate limit


_SHARED_LIMIT = re.compile(r"\d+\s*/\s*\d*\s*[A-Za-z]+(?:\s*/\s*[A-Za-z]+)*")


MAX_WEIGHT_DIGITS = 9


_LONG_NUMBER = re.compile(rf"\d{{{MAX_WEIGHT_DIGITS + 1},}}")


def _weight_table(table: Table) -> dict[str, Any] | None:
    """A 'LIMIT -> weight' table, kept as rows of (condition, weight)."""
    col = next((i for i, h in enumerate(table.header) if "weight" in h.lower() or "权重" in h), None)
    if col is None:
        return None
    rows = []
    for row in table.rows:
        cells = [c for c in row if c.strip()]
        if not cells:
            continue
        m = _NUMBER.search(cells[-1])
        if not m or len(m.group(1)) > MAX_WEIGHT_DIGITS:
            continue
        rows.append({"when": " ".join(cells[:-1]), "weight": int(m.group(1))})
    return {"columns": list(table.header), "rows": rows} if rows else None


_CAP = re.compile(r"(?:\bcaps?\s+at|\bcapped\s+at|\bat\s+most|\bmaximum\s+(?:of\s+)?|上限(?:是|为)?)\s*(\d+)", re.I)


_CONDITION = r"(?:\([A-Za-z_]+\)\s*)?(?:for|when|if|with|without|otherwise)\b"


_CLAUSE_START = re.compile(rf"^\W*\d+[*_]*\s*{_CONDITION}", re.I)


_CLAUSE_SPLIT = re.compile(
    rf"(?<=[^\W\d])(?<!\bto)(?<!\bthan)(?<!\bof)\s+(?=[*_]*\d+[*_]*\s*{_CONDITION})", re.I
)  # not 'up to 20 when


def _prose_table(text: str) -> dict[str, Any] | None:
    """'1 for a single symbol; 40 when the symbol parameter is omitted' as rows of (condition, weight).

    A sentence naming several numbers is a row only when it caps the weight
    ('will cap at 200 once ... more than 50': 200)."""
    rows = []
    parts = []
    for part in re.split(
        r"[;；,，。\n]|\s{2,}|(?<=\d)\s+(?=(?:[^\s\d:：]{1,20}\s){0,2}[^\s\d:：]{1,20}\s*[:：])", text
    ):  # '带symbol: 6 不带: 80'
        # '1 for a single symbol 10 when the symbol parameter is omitted': clauses of one shape, no separator
        parts += _CLAUSE_SPLIT.split(part) if _CLAUSE_START.match(part) else [part]
    for part in parts:
        found = _NUMBER.findall(part)
        cap = _CAP.search(part) if len(found) > 1 else None
        if cap:
            rows.append({"when": clean(part).strip(" :：-."), "weight": int(cap.group(1))})
        elif len(found) == 1:
            when = clean(_OWN_UNIT.sub("", _NUMBER.sub("", part, count=1)).replace("*", "")).strip(" :：-")
            rows.append({"when": when, "weight": int(found[0])})
    return {"columns": ["when", "weight"], "rows": rows} if len(rows) > 1 else None


def parse_weight(section: Section, findings: list[Finding] | None = None, where: str = "") -> dict[str, Any] | None:
    """The weight as the page states it.

    ``value`` is the largest weight the page names (a weight that depends on a
    parameter keeps its ``table`` or ``text``); ``unit`` is the page's own word
    (IP, UID, ORDER...).  Numbers in header names, durations ('1min', '10s')
    and rate-limit names are never weights.
    """
    text = "\n".join(
        section_texts(section)
    ).strip()  # one line per paragraph / bullet: each may be a row of a prose table
    heading_value = re.search(r"[:：]\s*(\d+)\s*$", section.heading)
    if not text and heading_value:
        text = heading_value.group(1)
    for long in _LONG_NUMBER.findall(text):  # first: later patterns would be quadratic in it
        if findings is not None:
            findings.append(
                Finding(
                    "page.weight-unreadable",
                    "warning",
                    f"a weight of {len(long)} digits is not a weight; ignored",
                    where,
                    {"digits": len(long)},
                )
            )
    text = _LONG_NUMBER.sub("#", text)
    weight: dict[str, Any] = {}
    limits: list[dict[str, Any]] = []
    for m in _RATE_LIMITS.finditer(text) if "rate limit" in text.lower() else ():
        value, name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        limits.append({"limit": clean_label(name.strip()) or name.strip(), "value": int(value)})
    readable = _SHARED_LIMIT.sub(" ", _HEADER_NAME.sub(" ", text))  # 'share 500/5min/IP rate limit with ...'
    readable = _DURATION.sub(" ", _RATE_COUNT.sub(" ", readable))
    numbers = [int(n) for n in _NUMBER.findall(readable)]
    tables = [t for t in (_weight_table(b) for b in section.blocks if isinstance(b, Table)) if t]
    if tables:
        weight["table"] = tables[0]
        numbers += [r["weight"] for r in tables[0]["rows"]]
    if limits:
        weight["limits"] = limits
        ip = [x["value"] for x in limits if re.search(r"\bip\b", x["limit"], re.I)]
        numbers = ip or [x["value"] for x in limits]
    if not numbers:
        return None
    if not tables and not limits and len(set(numbers)) > 1:
        prose = _prose_table(readable)
        if prose:
            weight["table"] = prose
    if "table" in weight:
        weight["max"] = max(numbers)
    own = _OWN_UNIT.search(section.heading)
    units = {own.group(1).upper()} if own else set(_UNIT.findall(readable))
    if limits and not own:
        units = {"IP"} if any(re.search(r"\bip\b", x["limit"], re.I) for x in limits) else set()
    weight.update({"value": max(numbers), "unit": units.pop() if len(units) == 1 else None})
    if not re.fullmatch(r"\d+\s*(\([A-Za-z_]+\))?", text):
        weight["text"] = re.sub(r"\s*\n\s*", " ", text)  # conditional weights: value is the largest the page names
    return weight
