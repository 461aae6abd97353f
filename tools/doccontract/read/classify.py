"""What a page is: an endpoint page, or one of the categories of pages that document none."""

from __future__ import annotations

import re

from .model import BulletList, CodeBlock, Document, Paragraph, Table, TemplateError
from .sections import endpoint_starts, heading_key, relabel, sections_by_part


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
    "unknown-template": "laid out as no reader knows (the reason names what was missing)",
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
            "generalinfo",
            "generalapiinformation",
            "基本信息",
            "通用信息",
            "ratelimits",
            "limits",
            "requestsecurity",
            "eventformat",
            "datasources",
            "数据来源",
            "httpreturncodes",
            "responseformat",
            "requestformat",
            "sessionauthentication",
            "会话身份验证",
        ),
        "general-info",
    ),
    (("quickstart", "快速开始"), "quick-start"),
    (("commondefinition", "enumdefinitions", "枚举定义", "公共定义", "filters", "过滤器"), "common-definitions"),
    (("bestpractice", "最佳实践"), "best-practice"),
)


_HUB_KINDS = frozenset({"changelog", "faq", "error-codes"})  # sections a docs front page links to


_STREAM_CONTROL = re.compile(r'"(?:UN)?SUBSCRIBE"|"LIST_SUBSCRIPTIONS"|"[GS]ET_PROPERTY"')


_EVENT_PAYLOAD = re.compile(
    r'\{\s*"e"\s*:\s*"\w+"\s*,[^{}]*?"E"\s*:\s*\d'
)  # {"e": "executionReport", "E": 1499405658658, ...}


_WS_METHOD = re.compile(r'"method"\s*:\s*"[A-Za-z][\w.]*"')


def classify(doc: Document) -> str | None:
    """None for an endpoint page (one endpoint or many), else its category (a key of :data:`CATEGORIES`).

    Raises PageError for a page whose headings name request or response parts
    but no request: an endpoint page that cannot be read.
    """
    by_heading = sections_by_part(doc)
    doc = relabel(doc)
    parts = sections_by_part(doc)
    if "http" in parts or not {"params", "example"} & set(by_heading) and endpoint_starts(doc):
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
    if (
        any(k.startswith(e) for k in marks for e in _STREAM_OWN)
        or not own_event
        and any(k.startswith(e) for k in marks for e in _STREAM_HEADINGS)
    ):
        return "stream"
    methods = [m for c in codes if c.lstrip().startswith("{") and '"id"' in c for m in _WS_METHOD.findall(c)]
    if methods and all(_STREAM_CONTROL.search(m) for m in methods):
        return "general-info"  # SUBSCRIBE / LIST_SUBSCRIPTIONS messages: how to use streams, no method of an API
    if methods:
        return "websocket-api"
    if (
        any(k.startswith(e) for k in keys for e in _EVENT_HEADINGS)
        or "event" in title
        or any(_EVENT_PAYLOAD.search(c) for c in codes)
    ):
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
        raise TemplateError(
            doc.source,
            "has request or response sections but no 'HTTP Request' section "
            "(expected e.g. '## HTTP Request' / '## HTTP请求')",
        )
    prose = [
        t
        for s in doc.sections
        for b in s.blocks
        for t in ((b.text,) if isinstance(b, Paragraph) else b.items if isinstance(b, BulletList) else ())
    ]
    if not any(isinstance(b, CodeBlock) for s in doc.sections for b in s.blocks) and any(
        _CONNECTION.search(t) for t in prose
    ):
        return "general-info"  # prose that says where to connect
    text = " ".join(b.text for s in doc.sections for b in s.blocks if isinstance(b, Paragraph))
    if len(doc.sections) <= 1 and len(text) < 600 and re.search(r"\bhere\b|这里|详见|请见|请参考|refer to", text, re.I):
        return "pointer"
    rows = sum(len(b.rows) for s in doc.sections for b in s.blocks if isinstance(b, Table))
    if rows >= 10 and rows >= len(prose):  # more rows of tables than lines of prose
        return "common-definitions"  # tables of names and codes (an appendix, questionnaire fields): definitions
    return "guide"
