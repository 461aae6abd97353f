"""What descriptions say about values: enums, defaults, integer bounds, who may call."""

from __future__ import annotations

import functools
import re

from .model import CJK_RANGE

_DEFINED_VALUE = re.compile(
    r"(?:^|[;；,，。./]\s*|\s)([A-Z][A-Z0-9_]{1,})(?:\s*[(（](?:default|默认)[)）])?\s*[:：](?!\s*[/|,，`]|\s*$)"
)


_UPPER_LIST = re.compile(r"^[A-Z][A-Z0-9_]+(?:(?:\s*(?:,|，|/|\||\bor\b|或)\s*|\s+)[A-Z][A-Z0-9_]+)+$")


# a run starts only where no value letter precedes it: linear in the text, where starting at every
# letter of a long upper-case run tried every split of it (minutes for a 24k-character run).  No
# possessive quantifiers: Python 3.10 has none, and a value's end is fixed by what follows it anyway.
_UPPER_RUN = re.compile(
    r"(?<![A-Z0-9_])[A-Z][A-Z0-9_]+(?:\([^)]{0,20}\))?(?:\s*[:：]?\s*(?:,|，|、|/|\||\bor\b|\band\b|或者|或是|或|和|以及)(?:\s*(?:\bor\b|\band\b|或者|或))?\s*[:：]?\s*/?\s*[A-Z][A-Z0-9_]+(?:\([^)]{0,20}\))?)+"
)


#: 'Default is `SPOT`', 'default to FULL', 'Default: LIMIT', '默认选择为`SPOT`': the value used when none is sent
_DEFAULT_VALUE = re.compile(
    r"(?:(?i:\bdefaults?\b)(?:\s+(?i:is|value|to))?|默认(?:值)?(?:选择)?(?:为|是)?)\s*[:：]?\s*([A-Z][A-Z0-9_]+)\b(?=\s*(?:$|[.,;:，。；：、)）]|(?:for|when|if|in|on|with)\b))"
)  # the value ends its clause ('default `BOTH` for One-way Mode'); 'default: PM account uses BUY' names none


_LIST_SEPARATOR = re.compile(r"[,，、/|]|\bor\b|或")


_NOT_VALUES = {"TRUE", "FALSE", "YES", "NO", "API", "UID", "IP", "NOTE", "JSON", "UTC", "ID", "URL", "HTTP"}


_QUOTED_VALUE = re.compile(r'["“]([A-Z][A-Z0-9_]+)["”]')  # double quotes only: `LIMIT` order is a mention


# A description that is nothing but its values: "BORROW or REPAY", "操作类型：BORROW、REPAY",
# "Asset Name , USDT or USDC" (any documented type, not only ENUM; plain spaces do not separate
# values here, so prose is not a list; "Default: A, B" and "e.g. A, B" are examples, not the set).
# linear like _UPPER_RUN: starts only where a value starts
_VALUE_LIST = re.compile(r"(?<![A-Z0-9_])[A-Z][A-Z0-9_]+(?:\s*(?:,|，|、|/|\||\bor\b|或)\s*[A-Z][A-Z0-9_]+)+")


_VALUE_LABEL = re.compile(
    r"^(?!(?:default|example|e\.g|such as|for example|like)\b|默认|例如|如)"
    r"[A-Za-z" + CJK_RANGE + r"][^:：,，.。]{0,23}[:：,，]\s*",
    re.I,
)  # 'Type: ', 'Asset Name , ', '操作类型：'


def _unquoted(description: str) -> str:
    """A description with its values' code marks and quotes gone: '"MARK_PRICE", `CONTRACT_PRICE`'."""
    return re.sub(r'[`"“”]', "", description)


def _listed_values(plain: str) -> list[str]:
    """The values of a description that only lists them, after an optional label ('Type: A, B')."""
    text = plain.strip().rstrip(".。")
    for candidate in (text, _VALUE_LABEL.sub("", text, count=1)):
        if _VALUE_LIST.fullmatch(candidate):
            return re.findall(r"[A-Z][A-Z0-9_]+", candidate)
    return []


def enum_values(description: str, doc_type: str) -> list[str]:
    """The values a description defines (see :func:`_enum_values`); read once per text: a page's
    descriptions are asked for their values by the schema, the summary and the bilingual check."""
    return list(_enum_values(description, doc_type))


@functools.lru_cache(maxsize=8192)
def _enum_values(description: str, doc_type: str) -> tuple[str, ...]:
    """Values a description defines: 'CLOSED:This risk unit has been closed' -> ['CLOSED'].

    Also, for ENUM types, the longest run of upper-case values in the
    description ('BUY SELL', 'GTC,IOC,FOK', '`OPPONENT`/ `OPPONENT_5`/ ...').
    A single 'NAME:' inside a sentence of other values is not a definition list.
    Anything looser would invent enums.
    """
    plain = _unquoted(description)
    values = _DEFINED_VALUE.findall(plain)
    if doc_type.upper() == "ENUM":
        head = re.split(r"[;；.。]", plain)[0].strip()
        found = [m.group() for m in _UPPER_RUN.finditer(plain)]
        # a list has list separators; a run joined by 'and' alone ('for LIMIT and LIMIT_MAKER') is
        # prose about other values, and only counts when the description has no list at all
        listed = [r for r in found if _LIST_SEPARATOR.search(r)] or found
        runs = [re.findall(r"[A-Z][A-Z0-9_]+", re.sub(r"\([^)]*\)", "", r)) for r in listed]
        longest = max(runs, key=len, default=[])
        if _UPPER_LIST.match(head) and len(re.findall(r"[A-Z][A-Z0-9_]+", head)) >= len(longest):
            longest = re.findall(r"[A-Z][A-Z0-9_]+", head)
        if len(longest) > len(values):
            values = longest
        quoted = list(dict.fromkeys(_QUOTED_VALUE.findall(description)))  # '"LIQUIDATION" for ..., "ADL" for ...'
        if len(quoted) > len(set(values)):
            values = quoted
    elif len(values) == 1 and re.search(r"[/|]", plain):
        values = []  # one 'NAME:' among values separated by '/': a stray colon, not a definition
    if not values:
        values = _listed_values(plain)
    seen: list[str] = []
    for v in values:
        if v not in seen and v not in _NOT_VALUES:
            seen.append(v)
    if seen and _omitted_default(plain, seen):
        return ()  # the list read leaves out the documented default: a partial reading, and no enum beats a wrong one
    return tuple(seen)


def _omitted_default(plain: str, values: list[str]) -> str | None:
    default = _DEFAULT_VALUE.search(plain)
    if default and default.group(1) not in values and default.group(1) not in _NOT_VALUES:
        return default.group(1)
    return None


def omitted_default(description: str, doc_type: str) -> tuple[list[str], str] | None:
    """(the values read, the default they leave out) when a description's value list omits its own
    documented default ('`EXPIRE_TAKER`/ `EXPIRE_MAKER`/ `EXPIRE_BOTH`; default `NONE`')."""
    plain = _unquoted(description)
    if enum_values(description, doc_type):
        return None
    listed = enum_values(_DEFAULT_VALUE.sub("", plain), doc_type)
    missing = _omitted_default(plain, listed) if listed else None
    return (listed, missing) if missing else None


# "Default:10 Max:100", "Default 500; max 1000.", "Start from 1", "最大:100", "开始值 1": an integer
# parameter's documented bounds.  A number followed by a unit ("max 100 days") bounds something else.
_MAX = re.compile(
    r"(?:\bmax(?:imum)?\b|\bat most\b|最大值?|不超过)\s*(?:value\s*)?(?:is\s*)?[:：=]?\s*"
    r"(\d+)(?!\d|\.\d|\s*[A-Za-z" + CJK_RANGE + r"])",
    re.I,
)


_MIN = re.compile(
    r"(?:\bmin(?:imum)?\b|\bat least\b|\bstarts? (?:from|at)\b|最小值?|开始值|起始值)"
    r"\s*(?:value\s*)?(?:is\s*)?[:：=]?\s*(\d+)(?!\d|\.\d|\s*[A-Za-z" + CJK_RANGE + r"])",
    re.I,
)


def param_bounds(description: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) an integer parameter's description states, each None when it states none."""
    lo, hi = _MIN.search(description), _MAX.search(description)
    return (int(lo.group(1)) if lo else None, int(hi.group(1)) if hi else None)


# "accessible only with the parent account API key", "can only be initiated by API calls from the
# credit account", "仅支持母账户调用该接口": the one role a description lets call the endpoint.
# Paragraphs only: a bullet such as "Only the risk unit connected to that credit account will be
# queried" limits the answer, not the caller.
_CALLER_EN = re.compile(r"\bonly\b[^.]{0,60}?\b(parent|master|credit|collateral)\s+(?:sub[- ]?)?account\b", re.I)


_CALLER_ZH = re.compile(r"仅支持[^。，,]{0,12}?(母账户|放贷账户|借贷子?账户|抵押子?账户)")


_ROLES = {
    "parent": "parent",
    "master": "parent",
    "credit": "credit",
    "collateral": "collateral",
    "母": "parent",
    "放": "credit",
    "借": "credit",
    "抵": "collateral",
}


_ROLE_WORD_EN = re.compile(r"\b(parent|master|credit|collateral)\b", re.I)


_ROLE_WORD_ZH = re.compile(r"(母账户|放贷账户|借贷子?账户|抵押子?账户)")


def caller_role(text: str) -> str | None:
    """The one account role a description sentence restricts the endpoint to (parent, credit,
    collateral), or None: also when the restriction names several ('only with the parent or credit
    account API key'), since then no single role is the rule."""
    m = _CALLER_EN.search(text) or _CALLER_ZH.search(text)
    if m is None:
        return None
    end = min((i for i in (text.find(".", m.start()), text.find("。", m.start())) if i >= 0), default=len(text))
    words = (_ROLE_WORD_EN if m.re is _CALLER_EN else _ROLE_WORD_ZH).findall(text[m.start() : end])
    roles = {_ROLES.get(w.lower()) or _ROLES.get(w[:1]) for w in words}
    return roles.pop() if len(roles) == 1 else None
