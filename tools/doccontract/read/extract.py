"""From one language's document model to an endpoint model.

Headings and table columns are matched in English and Chinese alike; what
cannot be read becomes a :class:`Finding`, never a silent gap.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .pages import BulletList, CodeBlock, Document, PageError, Paragraph, Section, Table, clean

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


@dataclass(frozen=True)
class Finding:
    """Something the page says that a contract cannot take at face value.

    ``code`` is stable (tests, drift and reports key on it); ``values`` holds
    what each language (or the example and the table) says.
    """

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    where: str
    values: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
            "values": self.values,
        }


@dataclass
class Param:
    name: str
    type: str
    mandatory: bool | None
    description: str
    items: list[Param] | None = None  # the element table of a list parameter (batchOrders)


@dataclass
class Field:
    name: str
    type: str
    description: str
    children: list[Field] = field(default_factory=list)


def field_paths(fields: list[Field], prefix: str = "") -> dict[str, Field]:
    """Every field of a response table by its path ('/rows/groupId'), parents before children."""
    out: dict[str, Field] = {}
    for f in fields:
        out[f"{prefix}/{f.name}"] = f
        out.update(field_paths(f.children, f"{prefix}/{f.name}"))
    return out


@dataclass
class Example:
    value: Any
    optional: frozenset[str]  # keys whose example comment says they may be absent
    alternatives: list[Any] = field(default_factory=list)  # other answers the page shows ('OR', FULL / MINI)
    repaired: list[str] = field(default_factory=list)  # what the lenient reader had to fix, in words
    comments: dict[str, str] = field(default_factory=dict)  # key -> its // comment
    positional: list[str] = field(default_factory=list)  # comments of keyless lines, in order (kline rows)

    @property
    def values(self) -> list[Any]:
        return [self.value, *self.alternatives]


@dataclass
class Endpoint:
    lang: str
    source: str
    title: str
    security: str | None
    method: str
    path: str
    weight: dict[str, Any] | None
    params: list[Param]
    example: Example | None
    fields: list[Field]
    preconditions: list[str]
    headings: dict[str, str]
    findings: list[Finding] = field(default_factory=list)
    caller: str | None = None  # the one account role the description says may call it

    def where(self, part: str) -> str:
        return _where(self.source, self.headings, part)

    def summary(self) -> dict[str, Any]:
        """What this language states, flat and comparable: what drift diffs language by language."""
        fields = {
            path: {"type": f.type, "description": f.description, "enum": enum_values(f.description, f.type)} for path, f in field_paths(self.fields).items()
        }
        return {
            "title": self.title,
            "security": self.security,
            "method": self.method,
            "path": self.path,
            "weight": self.weight,
            "params": {
                p.name: {"type": p.type, "mandatory": p.mandatory, "description": p.description, "enum": enum_values(p.description, p.type)}
                for p in self.params
            },
            "fields": fields,
            "preconditions": self.preconditions,
        }


def _where(source: str, headings: dict[str, str], part: str) -> str:
    """'file (lang) § heading': where a finding or an error points the reader."""
    heading = headings.get(part)
    return f"{source} § {heading}" if heading else source


class NotAnEndpoint(Exception):
    """A page that documents no HTTP endpoint: ``kind`` is its category, ``reason`` says why in a sentence."""

    def __init__(self, kind: str, reason: str = ""):
        self.kind = kind
        self.reason = reason or CATEGORIES.get(kind, kind)
        super().__init__(f"{kind}: {self.reason}")


#: Categories of pages that are not HTTP endpoints, with the reason printed for them.
CATEGORIES = {
    "websocket-api": "a WebSocket API request, not an HTTP endpoint",
    "stream": "a WebSocket market stream, not an HTTP endpoint",
    "user-data-event": "a user-data stream event payload, not an HTTP endpoint",
    "introduction": "an introduction",
    "general-info": "general information (limits, security, conventions)",
    "error-codes": "an error-code list",
    "changelog": "a change log",
    "faq": "an FAQ page",
    "common-definitions": "common definitions (enums, filters)",
    "quick-start": "a quick-start guide",
    "best-practice": "best practice notes",
    "fix-api": "the FIX API, not HTTP",
    "pointer": "the page only points to another page",
    "guide": "prose without a request line",
}

# --------------------------------------------------------------------------- headings

_PARTS = {
    "description": ("apidescription", "接口描述", "description"),
    "http": ("httprequest", "http请求"),
    "weight": ("requestweight", "请求权重", "weight", "权重", "requestweigth", "requestweights", "weights"),
    "params": ("requestparameters", "请求参数", "parameters", "参数", "parameter", "requestparameter", "请求参数说明"),
    "example": ("responseexample", "响应示例", "response", "响应", "返回示例", "responseexamples", "返回"),
    "fields": (
        "responsedetaildescription",
        "responsedetail",
        "responseparameters",
        "responsefields",
        "响应参数",
        "响应信息详解",
        "响应字段",
        "返回参数",
        "返回字段",
    ),
}
_WS_HEADINGS = ("method", "方式")
_STREAM_HEADINGS = ("streamname", "streamdescription", "数据流名称", "数据流描述", "updatespeed", "更新速度")
_EVENT_HEADINGS = ("eventname", "eventdescription", "事件类型", "事件描述", "payload", "事件")
#: what only a stream page or only an event page has: both kinds may state an 'Update Speed'
_STREAM_OWN = _STREAM_HEADINGS[:4]
_EVENT_OWN = _EVENT_HEADINGS[:4]
#: prose that says where to connect ('Base Url: wss://...', 'The base API endpoint is'): general
#: information about a socket API or streams, even when its title is only 'Connect' (a guide that
#: only mentions a wss:// address in passing stays a guide)
_CONNECTION = re.compile(r"\bbase ?(?:api )?(?:url|endpoint)s?\b|基础(?:端点|地址|url)|基本端点", re.I)
_OTHER_KINDS = (
    (("errorcode", "错误代码", "errorcodes", "错误码"), "error-codes"),
    (("changelog", "更新日志"), "changelog"),
    (("faq", "常见问题"), "faq"),
    (("introduction", "简介", "介绍"), "introduction"),
    (("fixapi",), "fix-api"),
    (
        (
            "generalinfo", "generalapiinformation", "基本信息", "通用信息", "ratelimits", "limits", "requestsecurity", "eventformat",
            "datasources", "数据来源", "httpreturncodes", "responseformat", "requestformat", "sessionauthentication", "会话身份验证",
        ),
        "general-info",
    ),
    (("quickstart", "快速开始"), "quick-start"),
    (("commondefinition", "enumdefinitions", "枚举定义", "公共定义", "filters", "过滤器"), "common-definitions"),
    (("bestpractice", "最佳实践"), "best-practice"),
)
_HUB_KINDS = frozenset({"changelog", "faq", "error-codes"})  # sections a docs front page links to
_STREAM_CONTROL = re.compile(r'"(?:UN)?SUBSCRIBE"|"LIST_SUBSCRIPTIONS"|"[GS]ET_PROPERTY"')
_EVENT_PAYLOAD = re.compile(r'\{\s*"e"\s*:\s*"\w+"\s*,[^{}]*?"E"\s*:\s*\d')  # {"e": "executionReport", "E": 1499405658658, ...}
_WS_METHOD = re.compile(r'"method"\s*:\s*"[A-Za-z][\w.]*"')
_LABEL = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{1,30}|[\u4e00-\u9fff]{1,8})(?P<qual>\s*(?:[-(（][^:：]{0,80})?)\s*(?:[:：]\s*(?P<rest>.*))?$")


@lru_cache(maxsize=4096)
def heading_key(text: str) -> str:
    """Lower-case, no spaces or trailing colon: 'Request Weight(UID)' -> 'requestweight(uid)'."""
    return re.sub(r"[\s:：]+", "", text.lower())


@lru_cache(maxsize=4096)
def _part_of(heading: str) -> str | None:
    key = re.sub(r"\(.*?\)|（.*?）", "", heading_key(heading))
    key = re.sub(r"[-–—].*$", "", key)  # 'Response - FULL' is a response example
    key = re.sub(r"\d+$", "", key)  # '请求权重(UID)：2' names its weight in the heading
    for part, names in _PARTS.items():
        if key in names:
            return part
    for part, names in _PARTS.items():  # a typo ('Request Weigh', 'Request Paramters'): one slip in a long name
        if any(len(n) >= 10 and n.isascii() and _one_slip(key, n) for n in names):
            return part
    return None


#: public: drift pairs a page's sections across versions by the part they are
part_of = _part_of


def _one_slip(a: str, b: str) -> bool:
    """``a`` is ``b`` with one letter missing, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] or a[i + 1 :] == b[i:] or a[i:] == b[i + 1 :] or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])


def _sections_by_part(doc: Document) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for s in _endpoint_scope(doc.sections):
        part = _part_of(s.heading)
        if part and part not in found:
            found[part] = s
        elif part == "example" and found["example"] is not s:  # alternatives ('Response - FULL', 'Response - MINI')
            first = found["example"]
            found["example"] = Section(first.heading, first.level, [*first.blocks, *s.blocks])
    return found


#: public: identity reads a page's request line where the readers find it
sections_by_part = _sections_by_part


def _endpoint_scope(sections: list[Section]) -> list[Section]:
    """The sections of the endpoint: those up to where the section holding its 'HTTP Request' ends.

    A page that documents a REST endpoint under '## Start User Data Stream' and a WebSocket method
    under the next '## ...' has a 'Response Example' in each; the second answers another request."""
    http = next((i for i, s in enumerate(sections) if _part_of(s.heading) == "http"), None)
    if http is None:
        return sections
    owner = next((i for i in range(http - 1, -1, -1) if sections[i].level < sections[http].level), None)
    if owner is None or _part_of(sections[owner].heading):
        return sections  # '## API Description' above a '#### HTTP Request': levels mixed, not nested
    end = next(
        (j for j in range(http + 1, len(sections)) if sections[j].level <= sections[owner].level and not _part_of(sections[j].heading)),
        len(sections),
    )  # '## Response Example' right after '### Request Parameters' is still this endpoint's
    return sections[:end]


#: Labels that end the part above them without starting one a contract reads.
_OTHER_LABELS = frozenset({"datasource", "数据源", "数据来源", "unfilledordercount", "未成交的订单计数", "未成交订单计数", "notes", "note", "注意", "备注"})


def relabel(doc: Document) -> Document:
    """Sections also start at label paragraphs: '**Weight:** 2', '**Parameters:**', '**响应:**'.

    Many pages (Spot) write their parts as bold labels, not headings; after
    this they read like the pages that use headings.  Text after the label is
    the new section's first paragraph.
    """
    out: list[Section] = []
    changed = False
    for s in doc.sections:
        current = Section(s.heading, s.level)
        out.append(current)
        for b in s.blocks:
            m = _LABEL.match(b.text) if isinstance(b, Paragraph) and len(b.text) < 200 else None
            part = _part_of(m.group("label") + m.group("qual")) if m else None
            if m and (part and part != "description" or heading_key(m.group("label")) in _OTHER_LABELS):
                changed = True
                current = Section(clean_label(b.text), s.level + 1)
                out.append(current)
                rest = (m.group("rest") or "").strip()
                if rest:
                    current.blocks.append(Paragraph(rest))
                continue
            current.blocks.append(b)
    return Document(doc.lang, doc.title, out, doc.source) if changed else doc


def clean_label(text: str) -> str:
    return re.split(r"[:：]", text, maxsplit=1)[0].strip()


def _anchor(heading: str) -> str:
    """The anchor developers.binance.com gives a heading (github-slugger's rule)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _request_line_block(section: Section) -> bool:
    for b in section.blocks[:3]:
        if isinstance(b, (Paragraph, CodeBlock)) and _REQUEST_ONLY.match(b.text.strip()):
            return True
    return False


def _endpoint_starts(doc: Document) -> list[int]:
    return [i for i, s in enumerate(doc.sections) if s.heading and _request_line_block(s) and _part_of(s.heading) is None]


def endpoint_docs(doc: Document) -> list[tuple[str, Document]]:
    """The endpoints a page documents: [('', doc)] for a page of one endpoint,
    [(anchor, document of that part), ...] for a page holding many (split at
    the headings whose first block is a request line, e.g. 'GET /api/v3/depth').

    Raises NotAnEndpoint with the page's category when it documents none.
    """
    original = doc
    by_heading = _sections_by_part(doc)
    doc = relabel(doc)
    parts = _sections_by_part(doc)
    if "http" in parts:
        return [("", doc)]
    # a page whose own headings name request or response parts documents one endpoint
    starts = [] if {"params", "example"} & set(by_heading) else _endpoint_starts(doc)
    if not starts:
        kind = classify(original)
        raise NotAnEndpoint(kind or "guide")
    out: list[tuple[str, Document]] = []
    seen: dict[str, int] = {}
    for i in starts:
        head = doc.sections[i]
        j = i + 1
        while j < len(doc.sections) and doc.sections[j].level > head.level and j not in starts:
            j += 1
        first = Section("HTTP Request", head.level + 1, [])
        rest = list(head.blocks)
        while rest and not (isinstance(rest[0], (Paragraph, CodeBlock)) and _REQUEST_ONLY.match(rest[0].text.strip())):
            first.blocks.append(rest.pop(0))
        description = Section("API Description", head.level + 1, first.blocks)
        request = Section("HTTP Request", head.level + 1, [rest.pop(0)] if rest else [])
        body = Section("Notes", head.level + 1, rest)
        sub = Document(doc.lang, head.heading, [description, request, body, *doc.sections[i + 1 : j]], f"{doc.source} § {head.heading}")
        slug = _anchor(head.heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.append((slug if n == 0 else f"{slug}-{n}", relabel(sub)))
    return out


def classify(doc: Document) -> str | None:
    """None for an endpoint page (one endpoint or many), else its category (a key of :data:`CATEGORIES`).

    Raises PageError for a page whose headings name request or response parts
    but no request: an endpoint page that cannot be read.
    """
    by_heading = _sections_by_part(doc)
    doc = relabel(doc)
    parts = _sections_by_part(doc)
    if "http" in parts or not {"params", "example"} & set(by_heading) and _endpoint_starts(doc):
        return None
    title = heading_key(doc.title)
    keys = [heading_key(s.heading) for s in doc.sections]
    codes = [b.text for s in doc.sections for b in s.blocks if isinstance(b, (CodeBlock, Paragraph))]
    if re.search(r"faq", doc.source, re.I) or "faq" in title:
        return "faq"
    for names, kind in _OTHER_KINDS:  # the title says it best: 'Rate limits' shows requests but is not one
        if any(n in title for n in names):
            return kind
    if any(k in _WS_HEADINGS for k in keys):
        return "websocket-api"
    labels = [heading_key(c[:40]) for c in codes]  # '**Stream Name:** <symbol>@aggTrade' as a paragraph
    marks = keys + labels
    own_event = any(k.startswith(e) for k in marks for e in _EVENT_OWN)
    if any(k.startswith(e) for k in marks for e in _STREAM_OWN) or not own_event and any(k.startswith(e) for k in marks for e in _STREAM_HEADINGS):
        return "stream"
    methods = [m for c in codes if c.lstrip().startswith("{") and '"id"' in c for m in _WS_METHOD.findall(c)]
    if methods and all(_STREAM_CONTROL.search(m) for m in methods):
        return "general-info"  # SUBSCRIBE / LIST_SUBSCRIPTIONS messages: how to use streams, no method of an API
    if methods:
        return "websocket-api"
    if any(k.startswith(e) for k in keys for e in _EVENT_HEADINGS) or "event" in title or any(_EVENT_PAYLOAD.search(c) for c in codes):
        return "user-data-event"
    named = [kind for names, kind in _OTHER_KINDS if any(n in k for k in keys for n in names)]
    if len(set(named) & _HUB_KINDS) >= 2:
        return "introduction"  # '### FAQ', '### Change log', ...: a front page pointing to each of them
    if named:  # headings otherwise
        return named[0]
    if "stream" in title or "数据流" in title:
        # with a payload it documents a stream; prose alone tells how to connect to streams
        return "stream" if any(isinstance(b, CodeBlock) for s in doc.sections for b in s.blocks) else "general-info"
    if "params" in by_heading or "example" in by_heading:
        raise PageError(doc.source, "has request or response sections but no 'HTTP Request' section (expected e.g. '## HTTP Request' / '## HTTP请求')")
    prose = [t for s in doc.sections for b in s.blocks for t in ((b.text,) if isinstance(b, Paragraph) else b.items if isinstance(b, BulletList) else ())]
    if not any(isinstance(b, CodeBlock) for s in doc.sections for b in s.blocks) and any(_CONNECTION.search(t) for t in prose):
        return "general-info"  # prose that says where to connect
    text = " ".join(b.text for s in doc.sections for b in s.blocks if isinstance(b, Paragraph))
    if len(doc.sections) <= 1 and len(text) < 600 and re.search(r"\bhere\b|这里|详见|请见|请参考|refer to", text, re.I):
        return "pointer"
    rows = sum(len(b.rows) for s in doc.sections for b in s.blocks if isinstance(b, Table))
    if rows >= 10 and rows >= len(prose):  # more rows of tables than lines of prose
        return "common-definitions"  # tables of names and codes (an appendix, questionnaire fields): definitions
    return "guide"


# --------------------------------------------------------------------------- pieces


def _texts(section: Section) -> list[str]:
    out = []
    for b in section.blocks:
        if isinstance(b, (Paragraph, CodeBlock)):
            out.append(b.text)
        elif isinstance(b, BulletList):
            out.extend(b.items)
    return out


_REQUEST_ONLY = re.compile(r"^(?:" + "|".join(METHODS) + r")\s+`?/\S*$")
_SECURITY = re.compile(r"[(（][\s./]*([A-Z][A-Z_]+)\s*[)）]\s*$")  # '(TRADE)', '（USER_DATA）', a stray '(../TRADE）'
_REQUEST_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?(/[^\s`*]+)")


def parse_title(title: str) -> tuple[str, str | None]:
    m = _SECURITY.search(title)
    if not m:
        return title.strip(), None
    return title[: m.start()].strip(), m.group(1)


#: 'POST `eapi/v1/block/order/create`': a request line whose path lost its leading slash (a typo of the
#: page).  Only an API prefix and a version make it a path, so prose after a method word never is.
_SLASHLESS_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?([a-z]*api/v\d+/[^\s`*]+)")


_URL_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?(https?://[^/\s`*]+)(/[^\s`*?]+)")  # 'GET https://api.binance.com/api/v3/time'


def parse_request_line(section: Section, source: str, repaired: list[str] | None = None) -> tuple[str, str]:
    """The method and path the section states.  A path written without its leading slash is read
    with it, and said in ``repaired`` (when given)."""
    texts = _texts(section)
    for text in texts:
        m = _REQUEST_LINE.search(text)
        if m:
            return m.group(1), m.group(2).rstrip(".,;")
    for text in texts:
        m = _SLASHLESS_LINE.search(text)
        if m:
            if repaired is not None:
                repaired.append(f"the path {m.group(2)!r} has no leading '/'; read as '/{m.group(2)}'")
            return m.group(1), "/" + m.group(2).rstrip(".,;")
        m = _URL_LINE.search(text)
        if m:
            if repaired is not None:
                repaired.append(f"the request line gives a whole URL ({m.group(2)}{m.group(3)}); its path is read")
            return m.group(1), m.group(3).rstrip(".,;")
    raise PageError(f"{source} § {section.heading}", "no request line; expected e.g. 'DELETE /sapi/v1/margin/loan-group'")


_NUMBER = re.compile(r"(?<![A-Za-z0-9_])(?<!\d\.)(\d+)(?![A-Za-z0-9_]|\.\d)")
_HEADER_NAME = re.compile(r"\b[xX]-[\w-]+")  # X-MBX-USED-WEIGHT-1M: a header's name, never a weight
_DURATION = re.compile(r"\b\d+\s*(?:ms|s|m|min|mins|minutes?|seconds?|hours?|h|d|days?)\b|\d+\s*(?:分钟|秒|小时|天)", re.I)
_UNIT = re.compile(r"\b(IP|UID|ORDERS?|RAW_REQUESTS|REQUEST_WEIGHT)\b")
_OWN_UNIT = re.compile(r"[(（]\s*([A-Za-z_]+)\s*[)）]")
_RATE_LIMITS = re.compile(r"(\d+)\s+on\s+([^;；(]{1,80}?)\s*rate limit|([^;；(]{1,80}?)\s*rate limit\s*(?:\([^)]{0,80}\))?\s*为\s*(\d+)", re.I)
_RATE_COUNT = re.compile(r"\d+\s*次|\d+\s*(?:times|requests?|orders?)\s*(?:per|/|every|each)\b|每\S{0,4}?\d+", re.I)  # '每天500次', '10 requests per second': a rate limit
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
_CLAUSE_SPLIT = re.compile(rf"(?<=[^\W\d])(?<!\bto)(?<!\bthan)(?<!\bof)\s+(?=[*_]*\d+[*_]*\s*{_CONDITION})", re.I)  # not 'up to 20 when


def _prose_table(text: str) -> dict[str, Any] | None:
    """'1 for a single symbol; 40 when the symbol parameter is omitted' as rows of (condition, weight).

    A sentence naming several numbers is a row only when it caps the weight
    ('will cap at 200 once ... more than 50': 200)."""
    rows = []
    parts = []
    for part in re.split(r"[;；,，。\n]|\s{2,}|(?<=\d)\s+(?=(?:[^\s\d:：]{1,20}\s){0,2}[^\s\d:：]{1,20}\s*[:：])", text):  # '带symbol: 6 不带: 80'
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
    text = "\n".join(_texts(section)).strip()  # one line per paragraph / bullet: each may be a row of a prose table
    heading_value = re.search(r"[:：]\s*(\d+)\s*$", section.heading)
    if not text and heading_value:
        text = heading_value.group(1)
    for long in _LONG_NUMBER.findall(text):  # first: later patterns would be quadratic in it
        if findings is not None:
            findings.append(Finding("page.weight-unreadable", "warning", f"a weight of {len(long)} digits is not a weight; ignored", where, {"digits": len(long)}))
    text = _LONG_NUMBER.sub("#", text)
    weight: dict[str, Any] = {}
    limits = []
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


_COLUMNS = {
    "name": ("name", "名称", "参数", "参数名", "parameter", "field", "字段", "名字"),
    "type": ("type", "类型", "参数类型"),
    "mandatory": ("mandatory", "是否必需", "是否必须", "是否必填", "required", "必填", "必须", "是否强制要求", "强制要求", "是否必要"),
    "description": ("description", "描述", "说明", "备注", "详情"),
}


def column_map(header: tuple[str, ...]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = heading_key(h)
        for col, names in _COLUMNS.items():
            if key in names and col not in cols:
                cols[col] = i
    return cols


def _cell(row: tuple[str, ...], cols: dict[str, int], col: str) -> str:
    i = cols.get(col)
    return row[i].strip() if i is not None and i < len(row) else ""


_YES = {"YES", "Y", "TRUE", "是", "必填", "必须"}
_NO = {"NO", "N", "FALSE", "否", "非必填", "选填"}


_FLAT_ROW = re.compile(r"[｜]")


def flattened_table(text: str) -> Table | None:
    """A table the export flattened into one paragraph, rows split by full-width '｜'.

    '｜名称 | 类型 | 是否必需 | 描述 ｜---- | ---- ｜pair | STRING | YES | BTCUSDT ｜...'
    """
    if "｜" not in text or "|" not in text:
        return None
    rows = [r.strip() for r in _FLAT_ROW.split(text) if r.strip()]
    cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
    cells = [r for r in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in r if c)]
    if len(cells) < 2 or len(cells[0]) < 2:
        return None
    width = len(cells[0])
    return Table(tuple(cells[0]), tuple(tuple((r + [""] * width)[:width]) for r in cells[1:]))


def _tables(section: Section) -> list[Table]:
    out = []
    for b in section.blocks:
        if isinstance(b, Table):
            out.append(b)
        elif isinstance(b, Paragraph):
            t = flattened_table(b.text)
            if t is not None:
                out.append(t)
    return out


def _flag(text: str) -> str:
    return text.upper().replace("*", "").strip()


def _mandatory_column(table: Table, cols: dict[str, int]) -> dict[str, int]:
    """A table without a mandatory column may have it under another name (a second '类型'):
    the column whose cells are all YES/NO is it."""
    if "mandatory" in cols or not table.rows:
        return cols
    for i in range(len(table.header)):
        if i in cols.values() and i != cols.get("type"):
            continue
        flags = [_flag(r[i]) for r in table.rows if i < len(r) and r[i].strip()]
        if flags and all(f in _YES or f in _NO for f in flags):
            cols = dict(cols)
            if cols.get("type") == i:  # the mislabelled column was taken for the type
                del cols["type"]
                other = next((j for j, h in enumerate(table.header) if j != i and heading_key(h) in _COLUMNS["type"]), None)
                if other is not None:
                    cols["type"] = other
            cols["mandatory"] = i
            return cols
    return cols


def _table_params(table: Table, where: str, findings: list[Finding]) -> list[Param]:
    cols = _mandatory_column(table, column_map(table.header))
    params = []
    for row in table.rows:
        name = _cell(row, cols, "name").strip("`")
        if not name:
            continue
        others = [c for i, c in enumerate(row) if i != cols.get("name") and c.strip()]
        if params and not others and not _PARAM_NAME.match(name):
            params[-1].description = f"{params[-1].description} {name}".strip()  # a cell's continuation line
            continue
        raw = _cell(row, cols, "mandatory")
        flag = _flag(raw)
        mandatory = True if flag in _YES else False if flag in _NO else None
        if mandatory is None and re.match(r"EITHER|CONDITIONAL|条件|二选一|其一", flag):
            mandatory = False  # the page says when: the description carries it
            raw = f"{raw} *"
        if mandatory is None:
            findings.append(
                Finding("page.mandatory-unreadable", "warning", f"parameter {name!r}: mandatory flag {raw!r} is neither YES nor NO", where, {"value": raw})
            )
        description = _cell(row, cols, "description")
        if "*" in raw and mandatory is False:
            description = f"{description} (mandatory under conditions the page states: {raw})".strip()
        params.append(Param(name, _cell(row, cols, "type"), mandatory, description))
    return params


_PARAM_NAME = re.compile(r"^[A-Za-z_][\w.\[\]-]*$")
_LIST_TYPE = re.compile(r"LIST|ARRAY|JSON|\[\]", re.I)


def parse_params(section: Section | None, where: str, findings: list[Finding]) -> list[Param]:
    """The parameter table; a later table under it is the element table of a list parameter (batchOrders)."""
    if section is None:
        return []
    tables = _tables(section)
    named = [t for t in tables if "name" in column_map(t.header)]
    if not named:
        if tables:
            raise PageError(where, "the parameter table has no name column (expected 'Name' / '名称')")
        return []
    table = named[0]
    if not table.rows:
        raise PageError(where, "the parameter table has a header but no rows")
    params = _table_params(table, where, findings)
    lists = [p for p in params if _LIST_TYPE.search(p.type)]
    for extra in named[1:]:
        if lists and extra.rows:
            lists.pop(0).items = _table_params(extra, where, findings)
    _enum_list_below(section, params)
    for p in params:
        partial = omitted_default(p.description, p.type)
        if partial:
            listed, missing = partial
            findings.append(
                Finding(
                    "page.enum-omits-default",
                    "warning",
                    f"parameter {p.name}: the values listed ({', '.join(listed)}) leave out its own default {missing}; no value list is enforced",
                    f"{where} | {p.name}",
                    {"listed": listed, "default": missing},
                )
            )
    return params


_ENUM_INTRO = re.compile(r"\benum\b|枚举", re.I)
_ENUM_ITEM = re.compile(r"^([A-Z][A-Z0-9_]{2,})(?=\s|$|[:：(（])")


def _enum_list_below(section: Section, params: list[Param]) -> None:
    """'ENUM of transfer types:' and a list of 'MAIN_UMFUTURE Spot account transfer to ...' under
    the table: the values of the one ENUM parameter the table leaves without values."""
    bare = [p for p in params if p.type.upper() == "ENUM" and not enum_values(p.description, p.type)]
    if len(bare) != 1:
        return
    for b in section.blocks:
        if not isinstance(b, BulletList):
            continue
        for i, item in enumerate(b.items):
            if not _ENUM_INTRO.search(item) or not item.rstrip().endswith((":", "：")):
                continue
            values = []
            for nxt in b.items[i + 1 :]:
                m = _ENUM_ITEM.match(nxt.strip())
                if not m:
                    break
                values.append(m.group(1))
            if len(values) >= 2:
                bare[0].description = f"{bare[0].description} {item} {', '.join(values)}".strip()
                return


def parse_fields(table: Table, where: str) -> list[Field]:
    """The response field table as a tree: '→' marks a field of the row above."""
    cols = column_map(table.header)
    if not table.rows:
        raise PageError(where, "the response field table has a header but no rows")
    roots: list[Field] = []
    stack: list[Field] = []
    for row in table.rows:
        raw = _cell(row, cols, "name")
        depth = raw.count("→") + raw.count("->")
        name = raw.replace("→", "").replace("->", "").strip()
        if not name:
            continue
        f = Field(name, _cell(row, cols, "type"), _cell(row, cols, "description"))
        del stack[depth:]
        (stack[-1].children if stack else roots).append(f)
        stack.append(f)
    return roots


def _key_path(value: Any, key: str) -> list[str] | None:
    """Keys leading to the first object that holds ``key`` (arrays passed through), breadth first."""
    queue: list[tuple[Any, list[str]]] = [(value, [])]
    while queue:
        v, path = queue.pop(0)
        if isinstance(v, list):
            queue.extend((x, path) for x in v[:1])
        elif isinstance(v, dict):
            if key in v:
                return path
            queue.extend((x, [*path, k]) for k, x in v.items())
    return None


def nest_like_example(roots: list[Field], example: Any) -> list[Field]:
    """A field table that lost its arrows ('liquidationSnapshot' listed as top-level while the example
    has it in rows[0]): each top-level field the example holds only deeper moves under the field at
    that place, when the table has that field.  The example decides nesting; the table, the types."""
    top = example[0] if isinstance(example, list) and example else example
    if not isinstance(top, dict) or all(f.name in top for f in roots):
        return roots
    kept: list[Field] = []
    for f in copy.deepcopy(roots):  # the caller's fields stay as the table has them
        path = None if f.name in top else _key_path(top, f.name)
        parent = None
        if path:
            level = kept
            for name in path:
                parent = next((g for g in level if g.name == name), None)
                if parent is None:
                    break
                level = parent.children
        if parent is not None:
            parent.children.append(f)
        else:
            kept.append(f)
    return kept


# --------------------------------------------------------------------------- example JSON


_BRACKETS = re.compile(r"[\[\]{}]")
_KEYED_BRACKET = re.compile(r'"([^"\\]+)"\s*:\s*([\[{])')
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_OPTIONAL_HINT = re.compile(r"not return|not be returned|不会返回|only return|only (?:if|when)\b|optional|may not|if .{0,80} exists|不返回|可选|才返回|才会返回|时返回|才有", re.I)


_RETURNS = re.compile(r"return|response|返回|响应", re.I)
_RETURNED_WHEN = re.compile(r"\breturns?\b[^.。]{0,40}\b(?:when|if)\b|available (?:for|after|since|only)|not (?:be )?returned|不会返回|仅在|仅当", re.I)


def _conditional_names(doc: Document, params: list, keys: set[str]) -> set[str]:
    """Fields the page's prose says are only sometimes returned: '`quoteId` will be returned only if
    ...', '`network` may not be in the response for old withdraw', 'return `sourceAddress` field when
    set to true' (a parameter's description).  A sentence must speak of returning and of a condition,
    so 'only when `symbol` is sent' makes no response field optional."""
    texts = [p.description for p in params]
    for section in doc.sections:
        for b in section.blocks:
            if isinstance(b, Paragraph):
                texts.append(b.text)
            elif isinstance(b, BulletList):
                texts.extend(b.items)
    names: set[str] = set()
    for p in params:  # 'retrieveQuestionnaire: true: return questionnaire within response': the parameter decides
        for k in keys:
            if k in p.description and re.search(rf"\breturns?\s+(?:the\s+)?{re.escape(k)}\s*(?:field|within|in the response)|返回\s*{re.escape(k)}\s*字段", p.description):
                names.add(k)
    for text in texts:
        if not _RETURNS.search(text):
            continue
        for sentence in re.split(r"(?<=[.。;；!?])\s+|[。；]", text):
            found = [k for k in keys if _mentions(sentence, k)]
            if found and len(found) <= 3 and _RETURNS.search(sentence) and (_OPTIONAL_HINT.search(sentence) or _RETURNED_WHEN.search(sentence)):
                names.update(found)
    return names


_VISIBILITY = re.compile(r"visibility|condition|显示的条件|条件", re.I)
_EXAMPLES = re.compile(r"example|示例", re.I)


def _add_conditional_table(doc: Document, example: Example) -> None:
    """A 'Conditional fields' table (Field | Description | Visibility conditions | Examples): fields
    the example does not show, each with its sample value.  They join every answer of the example
    as optional keys, the condition as their comment, so the schema types them without requiring them."""
    for section in doc.sections:
        for table in (b for b in section.blocks if isinstance(b, Table)):
            vis = next((i for i, h in enumerate(table.header) if _VISIBILITY.search(h)), None)
            exa = next((i for i, h in enumerate(table.header) if _EXAMPLES.search(h)), None)
            if vis is None or exa is None or vis == 0:
                continue
            for row in table.rows:
                if len(row) <= max(vis, exa):
                    continue
                try:
                    sample = json.loads("{" + row[exa].strip().rstrip(",") + "}")
                except ValueError:
                    continue
                if len(sample) != 1:
                    continue
                [(key, value)] = sample.items()
                targets = [v for v in example.values if isinstance(v, dict) and key not in v]
                for target in targets:
                    target[key] = value
                if targets:
                    example.optional = example.optional | {key}
                    example.comments.setdefault(key, row[vis].strip())


def _mentions(sentence: str, key: str) -> bool:
    """The sentence names the field: 'quoteId', 'sourceAddressfield' (code run into 'field' by the
    export); a plain lower-case word must be the sentence's subject ('network may not be ...')."""
    if key not in sentence:
        return False
    tail = r"(?:\s*(?:field|字段))?\s*(?:may|will|is|are|only|仅|可能|会|字段|field)" if key.islower() else r"(?=field|字段|[^A-Za-z0-9_]|$)"
    return re.search(rf"(?<![A-Za-z0-9_@]){re.escape(key)}{tail}", sentence) is not None


def example_keys(values: list[Any]) -> set[str]:
    """Every key, at any depth, of an example's answers."""
    keys: set[str] = set()
    stack = list(values)
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            keys.update(v)
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return keys


def _outside_strings(text: str):
    """(index, char) of every character of ``text`` outside JSON string literals."""
    in_str = escaped = False
    for i, ch in enumerate(text):
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        else:
            yield i, ch


def _strip_comment(line: str) -> tuple[str, str]:
    """Split a line into code and a ``//`` or ``#`` comment, ignoring those inside strings."""
    if "//" not in line and "#" not in line:
        return line, ""
    for i, ch in _outside_strings(line):
        if ch == "/" and line[i + 1 : i + 2] == "/":
            return line[:i], line[i + 2 :].strip()
        if ch == "#" and (i == 0 or line[i - 1] in " \t,"):
            return line[:i], line[i + 1 :].strip()
    return line, ""


#: Limits that keep a hostile example from costing a crash: deeper or longer is a finding.
MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 400

_FULLWIDTH = str.maketrans({"，": ",", "：": ":", "｛": "{", "｝": "}", "［": "[", "］": "]", "\u201c": '"', "\u201d": '"'})
_ALT_LINE = re.compile(r"^\s*(?:or|OR|或|或者|或是)\s*[:：]?\s*$|^\s*(?:or|OR)\b.{0,80}[:：]\s*$")
_VALUE_END = re.compile(r'(?:["\d}\]el])\s*$')  # a line ending in a value: true/false/null end in e or l
_VALUE_START = re.compile(r'^\s*["{\[\d-]')


def _check_bounds(text: str) -> None:
    depth = deepest = 0
    brackets = text.count("[") + text.count("{")
    for _, ch in _outside_strings(text) if brackets > MAX_DEPTH else ():  # fewer brackets cannot nest deeper
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    if deepest > MAX_DEPTH:
        raise ValueError(f"nested {deepest} levels deep (at most {MAX_DEPTH} are read)")
    m = re.search(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}", text)
    if m:
        raise ValueError(f"a number of {len(m.group())} digits (at most {MAX_NUMBER_DIGITS} are read)")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large for JSON (would be Infinity)")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _loads(code: str) -> Any:
    return json.loads(code, parse_float=_finite, parse_constant=_no_constant)


def _repair(code: str, repaired: list[str]) -> str:
    """The usual slips of hand-written examples, each named in ``repaired`` when fixed."""
    fixed = code.translate(_FULLWIDTH)
    if fixed != code:
        repaired.append("full-width punctuation")
    code = fixed
    if "'" in code and '"' not in code:
        code = code.replace("'", '"')
        repaired.append("single quotes")
    lines = [ln for ln in code.split("\n") if ln.strip() not in ("...", "…", "......")]
    if len(lines) != len(code.split("\n")):
        repaired.append("'...' lines")
    out: list[str] = []
    for ln in lines:
        prev = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
        if prev is not None and _VALUE_END.search(out[prev]) and _VALUE_START.match(ln) and not out[prev].rstrip().endswith(("[", "{", ",", ":")):
            out[prev] = out[prev].rstrip() + ","
            if "missing commas" not in repaired:
                repaired.append("missing commas")
        out.append(ln)
    code = "\n".join(out)
    fixed = code.replace("\u00a0", " ").replace("\u3000", " ")
    if fixed != code:
        repaired.append("non-breaking spaces")
    code = fixed
    fixed = code.replace("\\'", "'")
    if fixed != code:
        repaired.append("invalid escapes")
    code = fixed
    fixed = re.sub(r"^(\s*)([A-Za-z_]\w*)(\s*:)", r'\1"\2"\3', code, flags=re.M)
    if fixed != code:
        repaired.append("unquoted keys")
    code = fixed
    fixed = re.sub(r'(:\s*)(?!true\b|false\b|null\b)([A-Za-z_][\w.-]*)(\s*(?:,|}|$))', r'\1"\2"\3', code, flags=re.M)
    if fixed != code:
        repaired.append("unquoted values")
    code = fixed
    trimmed = re.sub(r",(\s*[}\]])", r"\1", code)
    if trimmed != code:
        repaired.append("trailing commas")
    return trimmed


_URL_ONLY = re.compile(r"^\S+://\S+$")
_JOINED_MEMBER = re.compile(r'\t\s*(?="[^"\s]+"\s*:)')  # '// a comment<TAB>"canTrade": true, // ...'


def parse_example(text: str) -> Example:
    """A documented response example: JSON with the docs' usual liberties.

    ``//`` and ``/* */`` comments are removed (keys whose comment says they may
    be absent are remembered, so they are not required); trailing and missing
    commas, full-width punctuation and single quotes are repaired and named in
    ``repaired``; a line 'OR' between two answers gives alternatives.  Raises
    ValueError (with json's position) when it still is not JSON, and when it is
    deeper or its numbers longer than a page's example can sensibly be.
    """
    _check_bounds(text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    optional = set()
    comments: dict[str, str] = {}
    positional: list[str] = []
    chunks: list[list[str]] = [[]]
    lines = text.split("\n")[::-1]
    above: list[str] = []  # comment-only lines since the last line of code: they describe the next key
    holders: list[str | None] = []  # the key of each open array or object ('"ipList": [' -> "ipList")
    while lines:
        line = lines.pop()
        if _ALT_LINE.match(line):
            chunks.append([])
            holders = []
            continue
        code, comment = _strip_comment(line)
        joined = _JOINED_MEMBER.search(comment)
        if joined:  # the export joined two lines with a tab: the member after it is code, not comment
            lines.append(comment[joined.end() :])
            comment = comment[: joined.start()].strip()
        chunks[-1].append(code)
        m = re.search(r'"([^"]+)"\s*:', code)
        if not code.strip():
            if comment and not _URL_ONLY.match(comment):
                above.append(comment)
        else:
            if m and above:  # '// Optional field. Present only when SOR is available.' on the lines above "sors"
                comment = f"{' '.join(above)} {comment}".strip()
            above = []  # any other line of code ('}', '],') ends what the comment lines describe
        if comment:
            if m:
                comments.setdefault(m.group(1), comment)
                if _OPTIONAL_HINT.search(comment):
                    optional.add(m.group(1))
            elif code.strip():
                positional.append(comment)
                if holders and holders[-1] and _OPTIONAL_HINT.search(comment):
                    # '"8.34.21.10",  //only return if you open IP restriction': said of the list holding it
                    optional.add(holders[-1])
        bare = _STRINGS.sub(lambda s: "_" * len(s.group()), code)  # strings blanked, positions kept
        opened = {b.end() - 1: b.group(1) for b in _KEYED_BRACKET.finditer(code)}  # '"ipList": [' -> ipList
        for b in _BRACKETS.finditer(bare):
            if b.group() in "[{":
                holders.append(opened.get(b.start()))
            elif holders:
                holders.pop()
    repaired: list[str] = []
    values = []
    for chunk in chunks:
        code = "\n".join(chunk).strip()
        if not code:
            continue
        try:
            values.append(_loads(code))
        except json.JSONDecodeError:
            code = _repair(code, repaired)
            try:
                values.append(_loads(code))
            except json.JSONDecodeError as exc:
                if "control character" not in exc.msg:
                    raise
                values.append(json.loads(code, parse_float=_finite, parse_constant=_no_constant, strict=False))
                repaired.append("control characters in strings")
    if not values:
        raise ValueError("the code block holds no JSON")
    return Example(values[0], frozenset(optional), values[1:], sorted(set(repaired)), comments, positional)


# --------------------------------------------------------------------------- enums

_DEFINED_VALUE = re.compile(r"(?:^|[;；,，。./]\s*|\s)([A-Z][A-Z0-9_]{1,})(?:\s*[(（](?:default|默认)[)）])?\s*[:：](?!\s*[/|,，`]|\s*$)")
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
_VALUE_LABEL = re.compile(r"^(?!(?:default|example|e\.g|such as|for example|like)\b|默认|例如|如)[A-Za-z\u4e00-\u9fff][^:：,，.。]{0,23}[:：,，]\s*", re.I)  # 'Type: ', 'Asset Name , ', '操作类型：'


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
_MAX = re.compile(r"(?:\bmax(?:imum)?\b|\bat most\b|最大值?|不超过)\s*(?:value\s*)?(?:is\s*)?[:：=]?\s*(\d+)(?!\d|\.\d|\s*[A-Za-z\u4e00-\u9fff])", re.I)
_MIN = re.compile(r"(?:\bmin(?:imum)?\b|\bat least\b|\bstarts? (?:from|at)\b|最小值?|开始值|起始值)\s*(?:value\s*)?(?:is\s*)?[:：=]?\s*(\d+)(?!\d|\.\d|\s*[A-Za-z\u4e00-\u9fff])", re.I)


def param_bounds(description: str) -> tuple[int | None, int | None]:
    """(minimum, maximum) an integer parameter's description states, each None when it states none."""
    lo, hi = _MIN.search(description), _MAX.search(description)
    return (int(lo.group(1)) if lo else None, int(hi.group(1)) if hi else None)


# --------------------------------------------------------------------------- endpoint


_NO_BODY = {"none", "null", "n/a", "无", "空", "-", "{}"}


def read_examples(codes: list[CodeBlock], where: str, findings: list[Finding]) -> Example | None:
    """Every code block of a response section that reads as JSON: the first is the example, the rest alternatives."""
    found: list[Example] = []
    errors = []
    for code in codes:
        try:
            found.append(parse_example(code.text))
        except ValueError as exc:
            errors.append(str(exc))
    if not found:
        what = f"not JSON ({errors[0]})" if errors else "no code block"
        findings.append(Finding("page.example-unreadable", "warning", f"the response example cannot be read: {what}", where))
        return None
    first = found[0]
    for other in found[1:]:
        first.alternatives += [v for v in other.values if v not in first.values]
        first.optional |= other.optional
        first.repaired = sorted(set(first.repaired) | set(other.repaired))
        for k, v in other.comments.items():
            first.comments.setdefault(k, v)
    if first.repaired:
        findings.append(
            Finding(
                "page.example-repaired",
                "info",
                f"the response example is not strict JSON; read after repairing: {', '.join(first.repaired)}",
                where,
                {"repaired": first.repaired},
            )
        )
    return first


def extract(doc: Document) -> Endpoint:
    """Endpoint model of one language; raises NotAnEndpoint or PageError."""
    kind = classify(doc)
    doc = relabel(doc)
    parts = _sections_by_part(doc)
    if kind:
        raise NotAnEndpoint(kind)
    if "http" not in parts:
        raise PageError(doc.source, "holds several endpoints; read each part (endpoint_docs) on its own")
    headings = {p: s.heading for p, s in parts.items()} | {"title": doc.title}
    findings: list[Finding] = []
    title, security = parse_title(doc.title)
    if security is None:  # a page of sections ('## Create listenToken (USER_STREAM)' above '### HTTP Request')
        http_at = next(i for i, s in enumerate(doc.sections) if s is parts["http"])
        for s in reversed(doc.sections[:http_at]):
            if s.level <= parts["http"].level and parse_title(s.heading)[1]:  # a sibling too: '## 查询… (USER_DATA)'
                title, security = parse_title(s.heading)
                break
    repaired: list[str] = []
    method, path = parse_request_line(parts["http"], doc.source, repaired)

    def where(part: str) -> str:
        return _where(doc.source, headings, part)

    findings += [Finding("page.path-repaired", "warning", r, where("http")) for r in repaired]

    weight = parse_weight(parts["weight"], findings, where("weight")) if "weight" in parts else None

    params = parse_params(parts.get("params"), where("params"), findings)

    example = None
    ex_section = parts.get("example")
    field_table: Table | None = None
    if ex_section is not None:
        codes = [b for b in ex_section.blocks if isinstance(b, CodeBlock)]
        said = " ".join(b.text for b in ex_section.blocks if isinstance(b, Paragraph)).strip()
        if not codes and said.lower() in _NO_BODY:
            findings.append(Finding("page.no-response-body", "info", f"the page gives no response example; it says {said!r}", where("example"), {"text": said}))
        elif not ex_section.blocks:
            findings.append(Finding("page.no-response-example", "info", "the response example section is empty", where("example")))
        else:
            example = read_examples(codes, where("example"), findings)
        # some pages put the field table under the example, after a line '响应信息详解：'
        field_table = next((b for b in ex_section.blocks if isinstance(b, Table) and "type" in column_map(b.header)), None)
        if field_table is not None:
            headings.setdefault("fields", headings["example"])
    else:
        findings.append(Finding("page.no-response-example", "info", "the page has no response example", doc.source))
    if "fields" in parts:
        field_table = next((b for b in parts["fields"].blocks if isinstance(b, Table) and "name" in column_map(b.header)), field_table)
    fields = parse_fields(field_table, where("fields")) if field_table is not None else []
    if fields and example is not None:
        fields = nest_like_example(fields, example.value)

    if example is not None:
        _add_conditional_table(doc, example)
        named = _conditional_names(doc, params, example_keys(example.values))
        if named - example.optional:
            example.optional = example.optional | frozenset(named)
    preconditions: list[str] = []
    caller = None
    if "description" in parts:
        for b in parts["description"].blocks:
            if isinstance(b, BulletList):
                preconditions.extend(b.items)
            elif isinstance(b, Paragraph) and caller is None:
                caller = caller_role(b.text)
    return Endpoint(doc.lang, doc.source, title, security, method, path, weight, params, example, fields, preconditions, headings, findings, caller)


# "accessible only with the parent account API key", "can only be initiated by API calls from the
# credit account", "仅支持母账户调用该接口": the one role a description lets call the endpoint.
# Paragraphs only: a bullet such as "Only the risk unit connected to that credit account will be
# queried" limits the answer, not the caller.
_CALLER_EN = re.compile(r"\bonly\b[^.]{0,60}?\b(parent|master|credit|collateral)\s+(?:sub[- ]?)?account\b", re.I)
_CALLER_ZH = re.compile(r"仅支持[^。，,]{0,12}?(母账户|放贷账户|借贷子?账户|抵押子?账户)")
_ROLES = {"parent": "parent", "master": "parent", "credit": "credit", "collateral": "collateral", "母": "parent", "放": "credit", "借": "credit", "抵": "collateral"}


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
