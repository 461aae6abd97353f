"""From one language's document model to an endpoint model.

Headings and table columns are matched in English and Chinese alike; what
cannot be read becomes a :class:`Finding`, never a silent gap.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .pages import BulletList, CodeBlock, Document, PageError, Paragraph, Section, Table

METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
SIGNED_SECURITY = frozenset({"TRADE", "MARGIN", "USER_DATA"})


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
    """A page that documents no endpoint (introduction, error codes, change log, event)."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__(kind)


# --------------------------------------------------------------------------- headings

_PARTS = {
    "description": ("apidescription", "接口描述", "description"),
    "http": ("httprequest", "http请求"),
    "weight": ("requestweight", "请求权重", "weight", "权重"),
    "params": ("requestparameters", "请求参数", "parameters", "参数"),
    "example": ("responseexample", "响应示例", "response", "响应", "返回示例"),
    "fields": (
        "responsedetaildescription",
        "responsedetail",
        "responseparameters",
        "responsefields",
        "响应参数",
        "响应信息详解",
        "响应字段",
        "返回参数",
    ),
}
_EVENT_HEADINGS = ("eventname", "eventdescription", "事件类型", "事件描述", "payload", "事件")
_OTHER_KINDS = (
    (("errorcode", "错误代码", "errorcodes"), "error-code list"),
    (("changelog", "更新日志"), "change log"),
    (("introduction", "简介", "介绍"), "introduction"),
    (("generalinfo", "generalapiinformation", "基本信息", "通用信息"), "general information"),
    (("quickstart", "快速开始"), "quick start"),
    (("commondefinition", "enumdefinitions", "枚举定义", "公共定义"), "common definitions"),
    (("bestpractice", "最佳实践"), "best practice"),
)


def heading_key(text: str) -> str:
    """Lower-case, no spaces or trailing colon: 'Request Weight(UID)' -> 'requestweight(uid)'."""
    return re.sub(r"[\s:：]+", "", text.lower())


def _part_of(heading: str) -> str | None:
    key = re.sub(r"\(.*?\)|（.*?）", "", heading_key(heading))
    for part, names in _PARTS.items():
        if key in names:
            return part
    return None


def _sections_by_part(doc: Document) -> dict[str, Section]:
    found: dict[str, Section] = {}
    for s in doc.sections:
        part = _part_of(s.heading)
        if part and part not in found:
            found[part] = s
    return found


def classify(doc: Document, parts: dict[str, Section] | None = None) -> str | None:
    """None for an endpoint page, else the kind of page it is."""
    parts = _sections_by_part(doc) if parts is None else parts
    if "http" in parts:
        return None
    title = heading_key(doc.title)
    keys = [heading_key(s.heading) for s in doc.sections]
    if any(k.startswith(e) for k in keys for e in _EVENT_HEADINGS) or "event" in title:
        return "WebSocket event page"
    for candidates in ([title], keys):  # the title says it best; headings otherwise
        for names, kind in _OTHER_KINDS:
            if any(n in k for k in candidates for n in names):
                return kind
    if "params" in parts or "example" in parts:
        raise PageError(doc.source, "has request or response sections but no 'HTTP Request' section (expected e.g. '## HTTP Request' / '## HTTP请求')")
    return "page without an 'HTTP Request' section"


# --------------------------------------------------------------------------- pieces


def _texts(section: Section) -> list[str]:
    out = []
    for b in section.blocks:
        if isinstance(b, (Paragraph, CodeBlock)):
            out.append(b.text)
        elif isinstance(b, BulletList):
            out.extend(b.items)
    return out


_SECURITY = re.compile(r"[(（]\s*([A-Z][A-Z_]+)\s*[)）]\s*$")
_REQUEST_LINE = re.compile(r"\b(" + "|".join(METHODS) + r")\s+`?(/[^\s`*]+)")


def parse_title(title: str) -> tuple[str, str | None]:
    m = _SECURITY.search(title)
    if not m:
        return title.strip(), None
    return title[: m.start()].strip(), m.group(1)


def parse_request_line(section: Section, source: str) -> tuple[str, str]:
    for text in _texts(section):
        m = _REQUEST_LINE.search(text)
        if m:
            return m.group(1), m.group(2).rstrip(".,;")
    raise PageError(f"{source} § {section.heading}", "no request line; expected e.g. 'DELETE /sapi/v1/margin/loan-group'")


_WEIGHT = re.compile(r"(\d+)")
_UNIT = re.compile(r"\b(IP|UID)\b")


def parse_weight(section: Section) -> dict[str, Any] | None:
    text = " ".join(_texts(section)).strip()
    numbers = [int(n) for n in _WEIGHT.findall(text)]
    if not numbers:
        return None
    units = set(_UNIT.findall(text)) or set(_UNIT.findall(section.heading.upper()))
    weight: dict[str, Any] = {"value": max(numbers), "unit": units.pop() if len(units) == 1 else None}
    if not re.fullmatch(r"\d+\s*(\((IP|UID)\))?", text):
        weight["text"] = text  # conditional weights: value is the largest the page names
    return weight


_COLUMNS = {
    "name": ("name", "名称", "参数", "参数名", "parameter", "field", "字段", "名字"),
    "type": ("type", "类型", "参数类型"),
    "mandatory": ("mandatory", "是否必需", "是否必须", "是否必填", "required", "必填", "必须"),
    "description": ("description", "描述", "说明", "备注"),
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


def parse_params(section: Section | None, where: str, findings: list[Finding]) -> list[Param]:
    if section is None:
        return []
    table = next((b for b in section.blocks if isinstance(b, Table) and "name" in column_map(b.header)), None)
    if table is None:
        if any(isinstance(b, Table) for b in section.blocks):
            raise PageError(where, "the parameter table has no name column (expected 'Name' / '名称')")
        return []
    cols = column_map(table.header)
    if not table.rows:
        raise PageError(where, "the parameter table has a header but no rows")
    params = []
    for row in table.rows:
        name = _cell(row, cols, "name")
        if not name:
            continue
        flag = _cell(row, cols, "mandatory").upper()
        mandatory = True if flag in _YES else False if flag in _NO else None
        if mandatory is None:
            findings.append(
                Finding("page.mandatory-unreadable", "warning", f"parameter {name!r}: mandatory flag {flag!r} is neither YES nor NO", where, {"value": flag})
            )
        params.append(Param(name, _cell(row, cols, "type"), mandatory, _cell(row, cols, "description")))
    return params


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


# --------------------------------------------------------------------------- example JSON


_OPTIONAL_HINT = re.compile(r"not return|only return|optional|may not|if .* exists|不返回|可选|才返回|才会返回|时返回", re.I)


def _strip_comment(line: str) -> tuple[str, str]:
    """Split a line into code and a ``//`` comment, ignoring ``//`` inside strings."""
    if "//" not in line:
        return line, ""
    in_str = False
    escaped = False
    for i, ch in enumerate(line):
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "/" and line[i + 1 : i + 2] == "/":
            return line[:i], line[i + 2 :].strip()
    return line, ""


def parse_example(text: str) -> Example:
    """A documented response example: JSON with the docs' usual liberties.

    ``//`` and ``/* */`` comments and trailing commas are removed; keys whose
    comment says they may be absent are remembered, so they are not required.
    Raises ValueError (with json's position) when it still is not JSON.
    """
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S).replace("\u201c", '"').replace("\u201d", '"')
    optional = set()
    code_lines = []
    for line in text.split("\n"):
        code, comment = _strip_comment(line)
        code_lines.append(code)
        if comment and _OPTIONAL_HINT.search(comment):
            m = re.search(r'"([^"]+)"\s*:', code)
            if m:
                optional.add(m.group(1))
    code = "\n".join(code_lines)
    code = re.sub(r",(\s*[}\]])", r"\1", code)
    return Example(json.loads(code), frozenset(optional))


# --------------------------------------------------------------------------- enums

_DEFINED_VALUE = re.compile(r"(?:^|[;；,，。.]\s*|\s)([A-Z][A-Z0-9_]{1,})\s*[:：]")
_UPPER_LIST = re.compile(r"^[A-Z][A-Z0-9_]+(?:\s*(?:,|，|/|\||\bor\b|或|\s)\s*[A-Z][A-Z0-9_]+)+$")


def enum_values(description: str, doc_type: str) -> list[str]:
    """Values a description defines: 'CLOSED:This risk unit has been closed' -> ['CLOSED'].

    Also, for ENUM types, a description that is nothing but upper-case values
    ('BUY SELL', 'GTC,IOC,FOK').  Anything looser would invent enums.
    """
    values = _DEFINED_VALUE.findall(description)
    if not values and doc_type.upper() == "ENUM":
        head = re.split(r"[;；.。]", description)[0].strip()
        if _UPPER_LIST.match(head):
            values = re.findall(r"[A-Z][A-Z0-9_]+", head)
    seen: list[str] = []
    for v in values:
        if v not in seen and v not in {"TRUE", "FALSE", "YES", "NO", "API", "UID", "IP", "NOTE"}:
            seen.append(v)
    return seen


# --------------------------------------------------------------------------- endpoint


def extract(doc: Document) -> Endpoint:
    """Endpoint model of one language; raises NotAnEndpoint or PageError."""
    parts = _sections_by_part(doc)
    kind = classify(doc, parts)
    if kind:
        raise NotAnEndpoint(kind)
    headings = {p: s.heading for p, s in parts.items()}
    findings: list[Finding] = []
    title, security = parse_title(doc.title)
    method, path = parse_request_line(parts["http"], doc.source)
    weight = parse_weight(parts["weight"]) if "weight" in parts else None

    def where(part: str) -> str:
        return _where(doc.source, headings, part)

    params = parse_params(parts.get("params"), where("params"), findings)

    example = None
    ex_section = parts.get("example")
    field_table: Table | None = None
    if ex_section is not None:
        codes = [b for b in ex_section.blocks if isinstance(b, CodeBlock)]
        errors = []
        for code in codes:
            try:
                example = parse_example(code.text)
                break
            except ValueError as exc:
                errors.append(str(exc))
        if example is None:
            what = f"not JSON ({errors[0]})" if errors else "no code block"
            findings.append(Finding("page.example-unreadable", "warning", f"the response example cannot be read: {what}", where("example")))
        # some pages put the field table under the example, after a line '响应信息详解：'
        field_table = next((b for b in ex_section.blocks if isinstance(b, Table) and "type" in column_map(b.header)), None)
        if field_table is not None:
            headings.setdefault("fields", headings["example"])
    else:
        findings.append(Finding("page.no-response-example", "info", "the page has no response example", doc.source))
    if "fields" in parts:
        field_table = next((b for b in parts["fields"].blocks if isinstance(b, Table) and "name" in column_map(b.header)), field_table)
    fields = parse_fields(field_table, where("fields")) if field_table is not None else []

    preconditions: list[str] = []
    if "description" in parts:
        for b in parts["description"].blocks:
            if isinstance(b, BulletList):
                preconditions.extend(b.items)
    return Endpoint(doc.lang, doc.source, title, security, method, path, weight, params, example, fields, preconditions, headings, findings)
