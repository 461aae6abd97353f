"""Which section holds which part of an endpoint (request, weight, parameters, response),
in English and Chinese, whether the page uses headings or bold labels."""

from __future__ import annotations

import re
from functools import lru_cache

from .model import CJK_RANGE, CodeBlock, Document, Paragraph, Section
from .request_line import REQUEST_ONLY

_PARTS = {
    "description": ("apidescription", "接口描述", "description"),
    # 'Endpoint: GET /path' (other templates): a request line, or a path whose method the full URL example shows
    "http": ("httprequest", "http请求", "endpoint", "端点", "接口地址", "请求地址", "请求路径"),
    "url": (
        "fullurlexample",
        "fullurl",
        "fullrequesturl",
        "requesturlexample",
        "完整url示例",
        "完整url",
        "完整请求地址",
        "请求示例url",
    ),
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
        "responsestructure",  # a bulleted list, '- field (type): description', nested for objects
        "响应结构",
        "返回结构",
    ),
}


_LABEL = re.compile(
    r"^(?P<label>[A-Za-z][A-Za-z ]{1,30}|[" + CJK_RANGE + r"]{1,8})"
    r"(?P<qual>\s*(?:[-(（][^:：]{0,80})?)\s*(?:[:：]\s*(?P<rest>.*))?$"
)


@lru_cache(maxsize=4096)
def heading_key(text: str) -> str:
    """Lower-case, no spaces or trailing colon: 'Request Weight(UID)' -> 'requestweight(uid)'."""
    return re.sub(r"[\s:：]+", "", text.lower())


@lru_cache(maxsize=4096)
def part_of(heading: str) -> str | None:
    """The part of an endpoint a heading (or label) names: 'Request Weight(UID)' -> 'weight'; None for
    any other heading.  'Endpoint: /path' names the request by the words before its colon; a request
    part must then give a path after it ('Endpoint: Security Type' is prose)."""
    part = _part_of_key(heading)
    if part is None:
        label, colon, rest = heading.replace("：", ":").partition(":")
        if colon and rest.strip():
            part = _part_of_key(label)
            if part == "http" and "/" not in rest:
                part = None
    return part


def _part_of_key(heading: str) -> str | None:
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


def _one_slip(a: str, b: str) -> bool:
    """``a`` is ``b`` with one letter missing, added, changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return (
        a[i + 1 :] == b[i + 1 :]
        or a[i + 1 :] == b[i:]
        or a[i:] == b[i + 1 :]
        or (a[i : i + 2] == b[i : i + 2][::-1] and a[i + 2 :] == b[i + 2 :])
    )


def sections_by_part(doc: Document) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for s in _endpoint_scope(doc.sections):
        part = part_of(s.heading)
        if part and part not in found:
            found[part] = s
        elif part == "example" and found["example"] is not s:  # alternatives ('Response - FULL', 'Response - MINI')
            first = found["example"]
            found["example"] = Section(first.heading, first.level, [*first.blocks, *s.blocks])
    return found


def _endpoint_scope(sections: list[Section]) -> list[Section]:
    """The sections of the endpoint: those up to where the section holding its 'HTTP Request' ends.

    A page that documents a REST endpoint under '## Start User Data Stream' and a WebSocket method
    under the next '## ...' has a 'Response Example' in each; the second answers another request."""
    http = next((i for i, s in enumerate(sections) if part_of(s.heading) == "http"), None)
    if http is None:
        return sections
    owner = next((i for i in range(http - 1, -1, -1) if sections[i].level < sections[http].level), None)
    if owner is None or part_of(sections[owner].heading):
        return sections  # '## API Description' above a '#### HTTP Request': levels mixed, not nested
    end = next(
        (
            j
            for j in range(http + 1, len(sections))
            if sections[j].level <= sections[owner].level and not part_of(sections[j].heading)
        ),
        len(sections),
    )  # '## Response Example' right after '### Request Parameters' is still this endpoint's
    return sections[:end]


#: Labels that end the part above them without starting one a contract reads.
_OTHER_LABELS = frozenset(
    {
        "datasource",
        "数据源",
        "数据来源",
        "unfilledordercount",
        "未成交的订单计数",
        "未成交订单计数",
        "notes",
        "note",
        "注意",
        "备注",
    }
)


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
        if (":" in s.heading or "：" in s.heading) and part_of(s.heading) == "http":
            label, _, rest = s.heading.replace("：", ":").partition(":")
            if rest.strip() and part_of(label) == "http":
                changed = True  # '## Endpoint: GET /path': the request line is the heading's own text
                current.heading = clean_label(s.heading)
                current.blocks.append(Paragraph(rest.strip()))
        for b in s.blocks:
            para = b if isinstance(b, Paragraph) and len(b.text) < 200 else None
            m = _LABEL.match(para.text) if para is not None else None
            part = part_of(m.group("label") + m.group("qual")) if m else None
            if m and part == "http" and "/" not in (m.group("rest") or "/"):
                part = None  # 'Endpoint: see the list below' is prose, not a request
            if (
                m
                and para is not None
                and (part and part != "description" or heading_key(m.group("label")) in _OTHER_LABELS)
            ):
                changed = True
                current = Section(clean_label(para.text), s.level + 1)
                out.append(current)
                rest = (m.group("rest") or "").strip()
                if rest:
                    current.blocks.append(Paragraph(rest))
                continue
            current.blocks.append(b)
    return Document(doc.lang, doc.title, out, doc.source) if changed else doc


def clean_label(text: str) -> str:
    return re.split(r"[:：]", text, maxsplit=1)[0].strip()


def heading_anchor(heading: str) -> str:
    """The anchor developers.binance.com gives a heading (github-slugger's rule)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _request_line_block(section: Section) -> bool:
    for b in section.blocks[:3]:
        if isinstance(b, (Paragraph, CodeBlock)) and REQUEST_ONLY.match(b.text.strip()):
            return True
    return False


def endpoint_starts(doc: Document) -> list[int]:
    return [
        i for i, s in enumerate(doc.sections) if s.heading and _request_line_block(s) and part_of(s.heading) is None
    ]
